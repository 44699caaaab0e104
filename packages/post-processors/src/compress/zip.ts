import { constants, createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { formatSystemError } from '@kiln/sdk';
import { sep } from 'node:path';
import { createDeflateRaw } from 'node:zlib';
import { crc32 } from './crc32.js';

const UINT32_MAX = 0xffffffff;
const UINT16_MAX = 0xffff;

interface Written {
  readonly name: Buffer;
  readonly flags: number;
  readonly crc: number;
  readonly compressed: number;
  readonly uncompressed: number;
  readonly offset: number;
}

/**
 * A zip of the files, laid out as Go's archive/zip writes it for Packer's compress: each entry
 * named by the path as given (with `/`), deflated at level 5, sizes in a data descriptor, no
 * timestamps, and ZIP64 records when a file, an offset or the entry count outgrows the classic fields.
 */
export async function* zipStream(files: readonly string[], signal?: AbortSignal): AsyncGenerator<Buffer> {
  const written: Written[] = [];
  let offset = 0;
  const emit = (buffer: Buffer): Buffer => {
    offset += buffer.length;
    return buffer;
  };

  for (const path of files) {
    const slashed = path.split(sep).join('/'); // Go's filepath.ToSlash
    const name = Buffer.from(slashed);
    await access(path, constants.R_OK).catch((error: unknown) => {
      throw new Error(`Unable to read file ${slashed}: ${formatSystemError({ ...(error as object), syscall: 'open' })}`);
    });
    const flags = 0x0008 | (/[^\x00-\x7f]/.test(path) ? 0x0800 : 0);
    const entryOffset = offset;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(name.length, 26);
    yield emit(local);
    yield emit(name);

    let crc = 0;
    let uncompressed = 0;
    let compressed = 0;
    const source = createReadStream(path, signal ? { signal } : {});
    const deflate = createDeflateRaw({ level: 5 });
    source.on('data', (chunk) => {
      const bytes = chunk as Buffer;
      crc = crc32(bytes, crc);
      uncompressed += bytes.length;
    });
    source.on('error', (error) => deflate.destroy(error));
    source.pipe(deflate);
    try {
      for await (const chunk of deflate) {
        compressed += (chunk as Buffer).length;
        yield emit(chunk as Buffer);
      }
    } finally {
      source.destroy();
      deflate.destroy();
    }

    const zip64 = compressed >= UINT32_MAX || uncompressed >= UINT32_MAX;
    const descriptor = Buffer.alloc(zip64 ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc, 4);
    if (zip64) {
      descriptor.writeBigUInt64LE(BigInt(compressed), 8);
      descriptor.writeBigUInt64LE(BigInt(uncompressed), 16);
    } else {
      descriptor.writeUInt32LE(compressed, 8);
      descriptor.writeUInt32LE(uncompressed, 12);
    }
    yield emit(descriptor);
    written.push({ name, flags, crc, compressed, uncompressed, offset: entryOffset });
  }

  const start = offset;
  for (const entry of written) yield emit(centralHeader(entry));
  yield* endRecords(written.length, offset - start, start, offset);
}

function centralHeader(entry: Written): Buffer {
  const zip64 = entry.compressed >= UINT32_MAX || entry.uncompressed >= UINT32_MAX || entry.offset >= UINT32_MAX;
  const extra = Buffer.alloc(zip64 ? 28 : 0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(entry.uncompressed), 4);
    extra.writeBigUInt64LE(BigInt(entry.compressed), 12);
    extra.writeBigUInt64LE(BigInt(entry.offset), 20);
  }
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(20, 4); // made by: FAT, version 2.0
  header.writeUInt16LE(entry.compressed >= UINT32_MAX || entry.uncompressed >= UINT32_MAX ? 45 : 20, 6);
  header.writeUInt16LE(entry.flags, 8);
  header.writeUInt16LE(8, 10);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(zip64 ? UINT32_MAX : entry.compressed, 20);
  header.writeUInt32LE(zip64 ? UINT32_MAX : entry.uncompressed, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt32LE(entry.offset > UINT32_MAX ? UINT32_MAX : entry.offset, 42);
  return Buffer.concat([header, entry.name, extra]);
}

function* endRecords(records: number, size: number, offset: number, end: number): Generator<Buffer> {
  let count = records;
  let dirSize = size;
  let dirOffset = offset;
  if (records >= UINT16_MAX || size >= UINT32_MAX || offset >= UINT32_MAX) {
    const zip64 = Buffer.alloc(56 + 20);
    zip64.writeUInt32LE(0x06064b50, 0);
    zip64.writeBigUInt64LE(44n, 4);
    zip64.writeUInt16LE(45, 12);
    zip64.writeUInt16LE(45, 14);
    zip64.writeBigUInt64LE(BigInt(records), 24);
    zip64.writeBigUInt64LE(BigInt(records), 32);
    zip64.writeBigUInt64LE(BigInt(size), 40);
    zip64.writeBigUInt64LE(BigInt(offset), 48);
    zip64.writeUInt32LE(0x07064b50, 56);
    zip64.writeBigUInt64LE(BigInt(end), 64);
    zip64.writeUInt32LE(1, 72);
    yield zip64;
    count = UINT16_MAX;
    dirSize = UINT32_MAX;
    dirOffset = UINT32_MAX;
  }
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(count, 8);
  record.writeUInt16LE(count, 10);
  record.writeUInt32LE(dirSize, 12);
  record.writeUInt32LE(dirOffset, 16);
  yield record;
}
