import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BgzfEncoder } from '../src/compress/bgzf.js';
import { detectFormat, effectiveLevel } from '../src/compress/config.js';
import { crc32 } from '../src/compress/crc32.js';
import { Lz4FrameEncoder, compressBlock } from '../src/compress/lz4.js';
import { XxHash32, xxhash32 } from '../src/compress/xxhash32.js';
import { decodeLz4Frame } from './lz4-decode.js';

describe('format detection (Packer 1.6.6 chose these for the same outputs)', () => {
  it.each([
    ['c/x.zip', undefined, 'zip', ''],
    ['c/x.gz', undefined, '', 'pgzip'],
    ['c/x.lz4', undefined, '', 'lz4'],
    ['c/x.xz', undefined, '', 'xz'],
    ['c/x.bgzf', undefined, '', 'bgzf'],
    ['c/x.tar', undefined, 'tar', ''],
    ['c/x.tar.xz', undefined, 'tar', 'xz'],
    ['c/x.tar.lz4', undefined, 'tar', 'lz4'],
    ['c/x.tar.bgzf', undefined, 'tar', 'bgzf'],
    ['c/x.tar.gz', undefined, 'tar', 'pgzip'],
    ['c/noext', undefined, 'tar', 'pgzip'],
    ['c/fmt', 'zip', 'zip', ''],
    ['c/x.foo', undefined, 'tar', 'pgzip'],
    ['c/x.tgz', undefined, 'tar', 'pgzip'],
    ['c/x.ZIP', undefined, 'tar', 'pgzip'],
    ['packer_{{.BuildName}}_{{.BuilderType}}', undefined, 'tar', 'pgzip'],
    ['{{.BuildName}}.tar.gz', undefined, 'tar', 'pgzip'],
  ])('%s (format %s) -> archive %j, algorithm %j', (output, format, archive, algorithm) => {
    expect(detectFormat(output, format)).toEqual({ archive, algorithm });
  });

  it('maps levels as Packer does', () => {
    expect([undefined, 0, -1, 1, 9, 12, -2].map(effectiveLevel)).toEqual([-1, -1, -1, 1, 9, 9, -2]);
  });
});

describe('checksums', () => {
  it('computes CRC-32 and XXH32 test vectors, also in pieces', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('56789'), crc32(Buffer.from('1234')))).toBe(0xcbf43926);
    expect(xxhash32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxhash32(Buffer.from('abc'))).toBe(0x32d153ff);
    const data = randomBytes(1000);
    const pieces = new XxHash32();
    for (let i = 0; i < data.length; i += 37) pieces.update(data.subarray(i, i + 37));
    expect(pieces.digest()).toBe(xxhash32(data));
  });
});

describe('LZ4', () => {
  it.each([
    ['text', Buffer.from('hello hello hello hello hello hello hello hello\n'.repeat(200))],
    ['zeros', Buffer.alloc(100_000)],
    ['short', Buffer.from('abc')],
    ['random', randomBytes(5000)],
  ])('round-trips %s', async (_name, input) => {
    const frame = await buffer(Readable.from([input]).pipe(new Lz4FrameEncoder()));
    expect(decodeLz4Frame(frame).equals(input)).toBe(true);
  });

  it('compresses repetitive data and stores random data raw', () => {
    expect(compressBlock(Buffer.alloc(65536))?.length).toBeLessThan(400);
    expect(compressBlock(randomBytes(65536))).toBeUndefined();
  });

  it('writes the frame header of Packer\'s lz4 (version 1, independent blocks, content checksum, 4 MiB blocks)', async () => {
    const frame = await buffer(Readable.from([Buffer.from('x')]).pipe(new Lz4FrameEncoder()));
    expect(frame.subarray(0, 7).toString('hex')).toBe('04224d186470b9');
  });
});

describe('BGZF', () => {
  it('writes gzip members of at most 64 KiB with their size, then the EOF block; gunzip reads it whole', async () => {
    const input = randomBytes(200_000);
    const output = await buffer(Readable.from([input]).pipe(new BgzfEncoder({ level: -1 })));
    expect(gunzipSync(output).equals(input)).toBe(true);
    let at = 0;
    let blocks = 0;
    while (at < output.length) {
      expect(output.subarray(at, at + 4).toString('hex')).toBe('1f8b0804');
      expect(output.subarray(at + 12, at + 14).toString()).toBe('BC');
      const size = output.readUInt16LE(at + 16) + 1;
      expect(size).toBeLessThanOrEqual(65536);
      at += size;
      blocks++;
    }
    expect(at).toBe(output.length);
    expect(blocks).toBe(Math.ceil(200_000 / 0xff00) + 1);
    expect(output.subarray(-28).toString('hex')).toBe('1f8b08040000000000ff0600424302001b0003000000000000000000');
  });
});
