/**
 * The tar format as GNU tar, BusyBox and bsdtar all read it: ustar headers, GNU `././@LongLink`
 * records for names that do not fit, base-256 sizes past 8 GiB; and, when reading, pax `path`
 * records as bsdtar writes them.
 */

export const BLOCK = 512;

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarHeader {
  readonly name: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly size: number;
  readonly linkName: string;
  /** The raw typeflag, for records the reader handles itself (L, K, x, g). */
  readonly flag: string;
}

function writeOctal(block: Buffer, value: number, offset: number, length: number): void {
  block.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

function writeSize(block: Buffer, size: number): void {
  if (size < 8 ** 11) {
    writeOctal(block, size, 124, 12);
    return;
  }
  // GNU base-256: high bit of the first byte set, the number big-endian in the rest.
  block[124] = 0x80;
  let rest = BigInt(size);
  for (let i = 135; i > 124; i--) {
    block[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

function header(name: string, flag: string, mode: number, size: number, prefix = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  writeOctal(block, mode, 100, 8);
  writeOctal(block, 0, 108, 8);
  writeOctal(block, 0, 116, 8);
  writeSize(block, size);
  writeOctal(block, Math.floor(Date.now() / 1000), 136, 12);
  block.write(flag, 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return block;
}

/** Splits a long name into ustar's prefix (155) and name (100) at a `/`, when it fits. */
function splitUstar(name: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  for (let slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
    const prefix = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return { prefix, name: rest };
  }
  return undefined;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}

/** The header block(s) of a file or directory entry (directories get a trailing `/`). */
export function entryHeader(name: string, kind: 'file' | 'directory', mode: number, size: number): Buffer {
  const fullName = kind === 'directory' ? `${name}/` : name;
  const flag = kind === 'directory' ? '5' : '0';
  const dataSize = kind === 'directory' ? 0 : size;
  const split = splitUstar(fullName);
  if (split) return header(split.name, flag, mode, dataSize, split.prefix);
  const longName = Buffer.from(`${fullName}\0`);
  return Buffer.concat([
    header('././@LongLink', 'L', 0, longName.length),
    longName,
    padding(longName.length),
    header(fullName.slice(0, 100), flag, mode, dataSize),
  ]);
}

/** Zero bytes that complete a file's data to a whole block. */
export function dataPadding(size: number): Buffer {
  return padding(size);
}

/** The end of an archive: two zero blocks. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

function readString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

function readNumber(block: Buffer, offset: number, length: number): number {
  if ((block[offset]! & 0x80) !== 0) {
    let value = BigInt(block[offset]! & 0x7f);
    for (let i = offset + 1; i < offset + length; i++) value = (value << 8n) | BigInt(block[i]!);
    return Number(value);
  }
  const text = readString(block, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** Parses one header block; undefined for an all-zero block (the end of the archive). */
export function parseHeader(block: Buffer): TarHeader | undefined {
  if (block.every((byte) => byte === 0)) return undefined;
  let stored = 0;
  for (let i = 0; i < BLOCK; i++) stored += i >= 148 && i < 156 ? 0x20 : block[i]!;
  if (stored !== readNumber(block, 148, 8)) throw new Error('tar: header checksum mismatch');
  const flag = String.fromCharCode(block[156]!);
  const magic = readString(block, 257, 6);
  const prefix = magic.startsWith('ustar') ? readString(block, 345, 155) : '';
  const name = prefix ? `${prefix}/${readString(block, 0, 100)}` : readString(block, 0, 100);
  const type: TarEntryType =
    flag === '0' || flag === '\0' || flag === '7'
      ? 'file'
      : flag === '5'
        ? 'directory'
        : flag === '2'
          ? 'symlink'
          : flag === '1'
            ? 'hardlink'
            : 'other';
  return {
    name,
    type,
    mode: readNumber(block, 100, 8) & 0o7777,
    size: readNumber(block, 124, 12),
    linkName: readString(block, 157, 100),
    flag,
  };
}

/** The records of a pax extended header (`<len> key=value\n`...). */
export function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = parseInt(data.subarray(offset, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}
