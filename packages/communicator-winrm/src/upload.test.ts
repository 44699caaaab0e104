import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { appendCommand, chunkBytesFor, decodeScript, fixedChunks } from './upload.js';

describe('upload chunks', () => {
  it('fills a command line up to 8100 characters, under cmd.exe\'s 8191, with whole base64 quanta', () => {
    const part = '%TEMP%\\kiln-upload-00000000-0000-0000-0000-000000000000.tmp.3';
    const bytes = chunkBytesFor(part);
    expect(bytes % 3).toBe(0);
    const command = appendCommand(Buffer.alloc(bytes).toString('base64'), part);
    expect(command.length).toBeLessThanOrEqual(8100);
    expect(command.length).toBeGreaterThan(8096);
    // More than winrmcp's ((8000 - len(path)) / 4) * 3.
    expect(bytes).toBeGreaterThan(Math.floor((8000 - part.length) / 4) * 3);
  });

  it('keeps the space before >> so a trailing digit is not read as a stream number', () => {
    expect(appendCommand('QUJD1', 'f')).toBe('echo QUJD1 >> "f"');
  });

  it('cuts any stream into chunks of exactly the size asked, the last one shorter', async () => {
    const source = Readable.from([Buffer.from('abcde'), Buffer.from('fg'), Buffer.from('hijklmn')]);
    const chunks: string[] = [];
    for await (const chunk of fixedChunks(source, 4)) chunks.push(chunk.toString());
    expect(chunks).toEqual(['abcd', 'efgh', 'ijkl', 'mn']);
  });

  it('decodes the parts in round-robin order into the destination', () => {
    const script = decodeScript(['$env:TEMP\\x.0', '$env:TEMP\\x.1'], 'C:\\a "quoted" name');
    expect(script).toContain('$parts = @("$env:TEMP\\x.0", "$env:TEMP\\x.1")');
    expect(script).toContain('[System.IO.Path]::GetFullPath("C:\\a ""quoted"" name")');
  });
});
