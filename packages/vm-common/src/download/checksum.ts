import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { throwIfAborted } from '../util/sleep.js';
import { httpGet } from './http-get.js';

export type ChecksumType = 'md5' | 'sha1' | 'sha256' | 'sha512';

/** A resolved checksum; `String()` in Packer (and the cache file name's input) is `type:value`. */
export interface Checksum {
  readonly type: ChecksumType;
  /** Lower-case hex. */
  readonly value: string;
}

const BYTES_TO_TYPE: Readonly<Record<number, ChecksumType>> = { 16: 'md5', 20: 'sha1', 32: 'sha256', 64: 'sha512' };
const TYPES: readonly string[] = ['md5', 'sha1', 'sha256', 'sha512'];

export function formatChecksum(checksum: Checksum): string {
  return `${checksum.type}:${checksum.value}`;
}

/** Go's hex.DecodeString errors, as go-getter reports them (`invalid checksum: encoding/hex: ...`). */
function decodeHex(text: string): string {
  const bad = /[^0-9a-fA-F]/u.exec(text);
  if (bad) {
    const codePoint = bad[0].codePointAt(0)!;
    const name = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new Error(`invalid checksum: encoding/hex: invalid byte: ${name} ${JSON.stringify(bad[0]).replace(/^"|"$/g, "'")}`);
  }
  if (text.length % 2 !== 0) throw new Error('invalid checksum: encoding/hex: odd length hex string');
  return text.toLowerCase();
}

/** go-getter's newChecksumFromType: `md5`, `sha1`, `sha256`, `sha512`, any case. */
export function checksumFromType(type: string, value: string): Checksum {
  const hex = decodeHex(value);
  const lower = type.toLowerCase();
  if (!TYPES.includes(lower)) throw new Error(`unsupported checksum type: ${type}`);
  return { type: lower as ChecksumType, value: hex };
}

/** go-getter's newChecksumFromValue: the type follows from the length. */
export function checksumFromValue(value: string): Checksum {
  const hex = decodeHex(value);
  const type = BYTES_TO_TYPE[hex.length / 2];
  if (!type) throw new Error(`Unknown type for checksum ${value}`);
  return { type, value: hex };
}

/**
 * Parses an iso_checksum that needs no I/O: `none` (undefined), `type:value` or bare hex.
 * A `file:` checksum returns 'file'; resolve it with resolveChecksum.
 */
export function parseChecksum(text: string): Checksum | 'file' | undefined {
  if (text === 'none') return undefined;
  const colon = text.indexOf(':');
  if (colon < 0) return checksumFromValue(text);
  const type = text.slice(0, colon);
  if (type === 'file') return 'file';
  return checksumFromType(type, text.slice(colon + 1));
}

export interface ResolveChecksumOptions {
  /** The first ISO URL: a checksum file is searched for its file name. */
  readonly sourceUrl: string;
  /** Base of relative paths (default process.cwd()). */
  readonly cwd?: string;
  readonly signal?: AbortSignal;
}

/**
 * Resolves an iso_checksum to a Checksum (undefined for `none`), fetching a `file:` checksum
 * file (local path, file:// or http(s) URL) and picking the line for the ISO, as go-getter does:
 * GNU (`<hex>  name`, `<hex> *name`) and BSD (`SHA256 (name) = <hex>`) lines; the name may be the
 * file name, `*name`, `?name`, or a path relative to the checksum file. Errors read as Packer's
 * prepare reports them: `<reason> in "<iso_checksum>"`.
 */
export async function resolveChecksum(text: string, options: ResolveChecksumOptions): Promise<Checksum | undefined> {
  try {
    const parsed = parseChecksum(text);
    if (parsed !== 'file') return parsed;
    return await checksumFromFile(text.slice('file:'.length), options);
  } catch (error) {
    throw new Error(`${(error as Error).message} in ${JSON.stringify(text)}`, { cause: error });
  }
}

async function checksumFromFile(location: string, options: ResolveChecksumOptions): Promise<Checksum> {
  const cwd = options.cwd ?? process.cwd();
  let content: string;
  let checksumDir: string;
  try {
    if (/^https?:\/\//i.test(location)) {
      content = (await httpGet(location, options.signal)).toString('utf8');
      checksumDir = dirname(new URL(location).pathname);
    } else {
      const path = localPath(location, cwd);
      checksumDir = dirname(path);
      content = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(`source path error: ${goStatError(path, error)}`);
      });
    }
  } catch (error) {
    throw new Error(`Error downloading checksum file: ${(error as Error).message}`, { cause: error });
  }
  const sourcePath = isRemote(options.sourceUrl) ? new URL(options.sourceUrl).pathname : localPath(options.sourceUrl, cwd);
  const filename = basename(sourcePath);
  const absolute = isRemote(options.sourceUrl) ? sourcePath : resolve(cwd, sourcePath);
  const relpath = isAbsolute(checksumDir) ? relative(checksumDir, absolute) : '';
  const names = [filename, `*${filename}`, `?${filename}`, relpath, relpath ? `./${relpath}` : '', absolute].filter((name) => name !== '');
  for (const line of content.split('\n')) {
    let entry: { checksum: Checksum; name: string | undefined } | undefined;
    try {
      entry = parseChecksumLine(line);
    } catch {
      continue;
    }
    if (!entry) continue;
    if (entry.name === undefined || names.includes(entry.name)) return entry.checksum;
  }
  throw new Error(`no checksum found in: ${location}`);
}

/** One line of a checksum file; undefined for a blank line; a name of undefined matches any file. */
function parseChecksumLine(line: string): { checksum: Checksum; name: string | undefined } | undefined {
  const parts = line.trim().split(/\s+/).filter((part) => part !== '');
  if (parts.length === 0) return undefined;
  if (parts.length === 4) {
    const name = parts[1]!;
    if (name.length <= 2 || !name.startsWith('(') || !name.endsWith(')')) throw new Error('Unexpected BSD-style-checksum filename format');
    return { checksum: checksumFromType(parts[0]!, parts[3]!), name: name.slice(1, -1) };
  }
  if (parts.length === 2) return { checksum: checksumFromValue(parts[0]!), name: parts[1]! };
  return { checksum: checksumFromValue(parts[0]!), name: undefined };
}

export function isRemote(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** The local file a path or file:// URL names, absolute. */
export function localPath(source: string, cwd: string): string {
  if (/^file:\/\//i.test(source)) {
    const rest = source.slice('file://'.length);
    return rest.startsWith('/') ? fileURLToPath(`file://${rest}`) : resolve(cwd, rest);
  }
  return resolve(cwd, source.replace(/^file:/i, ''));
}

/** Go's os.Stat error text: `stat /x: no such file or directory`. */
export function goStatError(path: string, error: NodeJS.ErrnoException): string {
  const reasons: Readonly<Record<string, string>> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    ENOTDIR: 'not a directory',
    EISDIR: 'is a directory',
  };
  return `stat ${path}: ${reasons[error.code ?? ''] ?? error.message}`;
}

/** Go's name of the hash in go-getter's ChecksumError (`%T`). */
const GO_HASH_TYPES: Readonly<Record<ChecksumType, string>> = {
  md5: '*md5.digest',
  sha1: '*sha1.digest',
  sha256: '*sha256.digest',
  sha512: '*sha512.digest',
};

/** go-getter's ChecksumError: a file whose hash is not the expected one. */
export class ChecksumMismatchError extends Error {
  constructor(
    readonly file: string,
    readonly expected: Checksum,
    readonly actual: string,
  ) {
    super(`Checksums did not match for ${file}.\nExpected: ${expected.value}\nGot: ${actual}\n${GO_HASH_TYPES[expected.type]}`);
    this.name = 'ChecksumMismatchError';
  }
}

export async function hashFile(path: string, type: ChecksumType, signal?: AbortSignal): Promise<string> {
  const hash = createHash(type);
  for await (const chunk of createReadStream(path, signal ? { signal } : {})) {
    hash.update(chunk as Buffer);
  }
  throwIfAborted(signal);
  return hash.digest('hex');
}

/** Throws ChecksumMismatchError unless the file's hash is the expected one. */
export async function verifyChecksum(path: string, checksum: Checksum, signal?: AbortSignal): Promise<void> {
  const actual = await hashFile(path, checksum.type, signal);
  if (actual !== checksum.value) throw new ChecksumMismatchError(path, checksum, actual);
}
