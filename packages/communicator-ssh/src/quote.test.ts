import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { goSplit, quoteRemotePath, shellQuote } from './quote.js';

describe('shellQuote', () => {
  it.each([
    ['plain/path-1.txt', 'plain/path-1.txt'],
    ['', "''"],
    ['two words', "'two words'"],
    [`it's`, `'it'\\''s'`],
    ['$HOME `id` "x"', `'$HOME \`id\` "x"'`],
  ])('%j -> %s', (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
  });

  it('survives a real shell unchanged', () => {
    const value = `a 'b' "c" $d \`e\` \\f\ng`;
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`]).toString()).toBe(value);
  });
});

describe('quoteRemotePath', () => {
  it.each([
    ['/tmp/a b', "'/tmp/a b'"],
    ['~', '~'],
    ['~/', '~/'],
    ['~/my dir/x', "~/'my dir/x'"],
    ['~other', "'~other'"],
  ])('%s -> %s', (path, quoted) => {
    expect(quoteRemotePath(path)).toBe(quoted);
  });
});

describe('goSplit (Go path.Dir and path.Base)', () => {
  it.each([
    ['/tmp/x/y.txt', '/tmp/x', 'y.txt'],
    ['/tmp/x/', '/tmp/x', 'x'],
    ['y.txt', '.', 'y.txt'],
    ['/y', '/', 'y'],
    ['~/a/b', '~/a', 'b'],
    ['a//b', 'a', 'b'],
  ])('%s -> %s + %s', (path, dir, base) => {
    expect(goSplit(path)).toEqual({ dir, base });
  });
});
