import { describe, expect, it } from 'vitest';
import { parseVarArg } from './index.js';

describe('parseVarArg', () => {
  // Expected values from Packer 1.6.6 (`-var` then `{{user ...}}` in packer console).
  it.each([
    ['a=b', ['a', 'b']],
    ['a=b=c', ['a', 'b=c']],
    ['a=', ['a', '']],
    ['=x', ['', 'x']],
    ['k={{user `c`}}', ['k', '{{user `c`}}']],
  ])('splits %j at the first =', (arg, expected) => {
    expect(parseVarArg(arg)).toEqual(expected);
  });

  it("refuses an argument without = in Packer's words", () => {
    expect(() => parseVarArg('a')).toThrow("No '=' value in arg: a");
    expect(() => parseVarArg('a')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
