import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines.js';

function split(chunks: (string | Buffer)[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it.each([
    ['lines across chunks', ['a\nb', 'c\n', 'd'], ['a', 'bc', 'd']],
    ['CRLF endings', ['one\r\ntwo\r', '\n'], ['one', 'two']],
    ['empty lines kept', ['\n\nx\n'], ['', '', 'x']],
    ['a lone carriage return inside a line', ['50%\r100%\n'], ['50%\r100%']],
    ['nothing at all', [], []],
  ])('%s', (_name, chunks, expected) => {
    expect(split(chunks)).toEqual(expected);
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const bytes = Buffer.from('été\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2)])).toEqual(['été']);
  });
});
