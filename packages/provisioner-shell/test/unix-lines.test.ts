import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { unixLineEndings } from '../src/index.js';

async function convert(chunks: readonly string[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks.map((text) => Buffer.from(text))).pipe(unixLineEndings())) out.push(chunk as Buffer);
  return Buffer.concat(out).toString();
}

describe('unixLineEndings (Packer UnixReader)', () => {
  const cases: [string, string[], string][] = [
    ['CRLF becomes LF', ['a\r\nb\r\n'], 'a\nb\n'],
    ['a last line gets its newline', ['a\nb'], 'a\nb\n'],
    ['a last line ending in CR loses it', ['a\r'], 'a\n'],
    ['a CR inside a line stays', ['a\rb\n'], 'a\rb\n'],
    ['CRLF split across chunks', ['a\r', '\nb\r', 'c\n'], 'a\nb\rc\n'],
    ['empty input stays empty', [], ''],
    ['empty lines are kept', ['\r\n\n'], '\n\n'],
  ];
  it.each(cases)('%s', async (_name, chunks, expected) => {
    expect(await convert(chunks)).toBe(expected);
  });
});
