import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatSystemError } from '@kiln/sdk';
import { ownerNames } from './owner-names.js';

const BLOCK = 512;

/**
 * A tar stream of the files, byte for byte as Packer's compress writes it with Go's archive/tar:
 * GNU format, each entry named by the file's base name, permissions, owner ids and names kept, all
 * times zero, data padded to 512 bytes, two zero blocks at the end (no record padding).
 */
export async function* tarStream(files: readonly string[], signal?: AbortSignal): AsyncGenerator<Buffer> {
  for (const path of files) {
    const info = await stat(path).catch((error: unknown) => {
      throw new Error(`Unable to read file ${path}: ${formatSystemError({ ...(error as object), syscall: 'open' })}`);
    });
    if (info.isDirectory()) throw new Error(`Failed to copy ${path} data to archive: read ${path}: is a directory`);
    const name = basename(path);
    if (Buffer.byteLength(name) > 100) yield* longNameRecord(name);
    const { uname, gname } = ownerNames(info.uid, info.gid);
    yield header({ name, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, size: info.size, type: '0', uname, gname });
    let written = 0;
    for await (const chunk of createReadStream(path, signal ? { signal } : {})) {
      const bytes = chunk as Buffer;
      // Go's tar writer refuses to write past the size in the header.
      if (written + bytes.length > info.size) throw new Error(`Failed to copy ${path} data to archive: archive/tar: write too long`);
      written += bytes.length;
      yield bytes;
    }
    if (written < info.size) throw new Error(`Failed to copy ${path} data to archive: archive/tar: missed writing ${info.size - written} bytes`);
    if (info.size % BLOCK !== 0) yield Buffer.alloc(BLOCK - (info.size % BLOCK));
  }
  yield Buffer.alloc(2 * BLOCK);
}

interface HeaderFields {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly type: string;
  readonly uname: string;
  readonly gname: string;
  /** Go fills devmajor/devminor for real entries, not for the LongLink record. */
  readonly devices?: boolean;
}

function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  octal(block, 100, 8, fields.mode);
  octal(block, 108, 8, fields.uid);
  octal(block, 116, 8, fields.gid);
  numeric(block, 124, 12, fields.size);
  octal(block, 136, 12, 0); // mtime: Packer zeroes every time
  block.write(fields.type, 156, 1, 'latin1');
  block.write('ustar  \0', 257, 8, 'latin1'); // GNU magic and version
  block.write(fields.uname, 265, 32, 'utf8');
  block.write(fields.gname, 297, 32, 'utf8');
  if (fields.devices !== false) {
    octal(block, 329, 8, 0); // devmajor
    octal(block, 337, 8, 0); // devminor
  }
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  octal(block, 148, 7, sum);
  block[155] = 0x20;
  return block;
}

/** GNU's ././@LongLink record for a name longer than the 100 bytes of the header. */
function* longNameRecord(name: string): Generator<Buffer> {
  const data = Buffer.from(`${name}\0`);
  const link = header({ name: '././@LongLink', mode: 0, uid: 0, gid: 0, size: data.length, type: 'L', uname: '', gname: '', devices: false });
  yield link;
  yield Buffer.concat([data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK)]);
}

/** Zero-padded octal digits and a NUL, filling the field. */
function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1');
}

/** Octal when it fits, else GNU base-256 (sizes of 8 GiB and more: big VM images). */
function numeric(block: Buffer, offset: number, length: number, value: number): void {
  if (value < 8 ** (length - 1)) return octal(block, offset, length, value);
  let rest = BigInt(value);
  for (let i = offset + length - 1; i > offset; i--) {
    block[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  block[offset] = 0x80;
}
