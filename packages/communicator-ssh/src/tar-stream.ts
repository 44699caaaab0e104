import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, link, mkdir, open, symlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { LocalEntry } from './local-tree.js';
import type { BatchWriter, ByteReader } from './stream-io.js';
import { BLOCK, END_OF_ARCHIVE, dataPadding, entryHeader, parseHeader, parsePax } from './tar-format.js';

const READ_SIZE = 256 * 1024;

/** Progress of a transfer, in bytes of file content. */
export type ProgressCallback = (bytes: number) => void;

/**
 * Writes `entries` as one tar archive, each name prefixed with `prefix` (the directory's own name
 * when it is uploaded itself, '' for its contents). File data is read in bounded chunks, so memory
 * stays flat whatever the tree's size.
 */
export async function writeTar(
  writer: BatchWriter,
  entries: AsyncIterable<LocalEntry>,
  options: { prefix: string; rootMode?: number; onProgress?: ProgressCallback },
): Promise<void> {
  const name = (relative: string) => (options.prefix ? `${options.prefix}/${relative}` : relative);
  if (options.prefix && options.rootMode !== undefined) {
    await writer.write(entryHeader(options.prefix, 'directory', options.rootMode, 0));
  }
  for await (const entry of entries) {
    await writer.write(entryHeader(name(entry.relative), entry.kind, entry.mode, entry.size));
    if (entry.kind !== 'file') continue;
    await writeFileData(writer, entry, options.onProgress);
    await writer.write(dataPadding(entry.size));
  }
  await writer.write(END_OF_ARCHIVE);
  await writer.flush();
}

/** Files up to this size are read in one synchronous call (see writeFileData). */
const SMALL_FILE = 64 * 1024;

async function writeFileData(writer: BatchWriter, entry: LocalEntry, onProgress?: ProgressCallback): Promise<void> {
  if (entry.size <= SMALL_FILE) {
    // One synchronous read instead of open/read/close through the thread pool: for trees of many
    // small files (cookbooks) that halves the time to produce the archive. The event loop still
    // turns whenever the channel asks the writer to wait for it to drain.
    const data = readFileSync(entry.absolute);
    await writer.write(fitted(data, entry.size));
    onProgress?.(entry.size);
    return;
  }
  const handle = await open(entry.absolute, 'r');
  try {
    let left = entry.size;
    while (left > 0) {
      // A fresh buffer per read: the channel may still hold the previous one.
      const buffer = Buffer.allocUnsafe(Math.min(READ_SIZE, left));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      // A file that shrank while we read: the header promised `size` bytes, so pad with zeros.
      const chunk = bytesRead === 0 ? Buffer.alloc(buffer.length) : buffer.subarray(0, bytesRead);
      await writer.write(chunk);
      left -= chunk.length;
      onProgress?.(chunk.length);
    }
  } finally {
    await handle.close();
  }
}

/** The header promised `size` bytes: cut a file that grew, pad one that shrank, since the walk. */
function fitted(data: Buffer, size: number): Buffer {
  if (data.length === size) return data;
  return data.length > size ? data.subarray(0, size) : Buffer.concat([data, Buffer.alloc(size - data.length)]);
}

/**
 * Reads a tar archive and recreates it under `destination`, with each entry's permission bits.
 * Names that would escape `destination` (absolute, `..`) are refused.
 */
export async function extractTar(
  reader: ByteReader,
  destination: string,
  options: { exclude?: (relative: string) => boolean; onProgress?: ProgressCallback } = {},
): Promise<void> {
  let longName: string | undefined;
  let longLink: string | undefined;
  let paxPath: string | undefined;
  let paxLink: string | undefined;
  const directories: { path: string; mode: number }[] = [];
  const made = new Set<string>();
  const ensureDirectory = async (path: string) => {
    if (made.has(path)) return;
    await mkdir(path, { recursive: true });
    made.add(path);
  };
  for (;;) {
    const block = await reader.exact(BLOCK);
    if (!block) throw new Error('tar: unexpected end of archive');
    const header = parseHeader(block);
    if (!header) break;
    const padded = header.size + dataPadding(header.size).length;
    if (header.flag === 'L' || header.flag === 'K' || header.flag === 'x' || header.flag === 'g') {
      const data = await reader.exact(padded);
      if (!data) throw new Error('tar: unexpected end of archive');
      const content = data.subarray(0, header.size);
      if (header.flag === 'L') longName = content.toString('utf8').replace(/\0+$/, '');
      else if (header.flag === 'K') longLink = content.toString('utf8').replace(/\0+$/, '');
      else if (header.flag === 'x') {
        const records = parsePax(content);
        paxPath = records.get('path') ?? paxPath;
        paxLink = records.get('linkpath') ?? paxLink;
      }
      continue;
    }
    const name = (paxPath ?? longName ?? header.name).replace(/\/+$/, '');
    const linkName = paxLink ?? longLink ?? header.linkName;
    paxPath = paxLink = longName = longLink = undefined;
    const target = safeJoin(destination, name);
    const skip = name === '' || name === '.' || options.exclude?.(name.replace(/^\.\//, '')) === true;
    if (skip || header.type === 'other') {
      if (!(await reader.forward(padded, () => undefined))) throw new Error('tar: unexpected end of archive');
      continue;
    }
    await ensureDirectory(dirname(target));
    if (header.type === 'directory') {
      await ensureDirectory(target);
      // Applied at the end: a read-only directory must first receive its contents.
      directories.push({ path: target, mode: header.mode });
    } else if (header.type === 'symlink') {
      await symlink(linkName, target);
    } else if (header.type === 'hardlink') {
      await link(safeJoin(destination, linkName), target);
    } else {
      await receiveFile(reader, target, header.size, header.mode, options.onProgress);
      if (!(await reader.forward(padded - header.size, () => undefined))) throw new Error('tar: unexpected end of archive');
    }
  }
  for (const directory of directories.reverse()) await chmod(directory.path, directory.mode);
}

async function receiveFile(reader: ByteReader, path: string, size: number, mode: number, onProgress?: ProgressCallback): Promise<void> {
  if (size <= SMALL_FILE) {
    // As when sending: one synchronous write beats four trips through the thread pool.
    const data = await reader.exact(size);
    if (!data) throw new Error('tar: unexpected end of archive');
    writeFileSync(path, data, { mode: 0o600 });
    chmodSync(path, mode);
    onProgress?.(size);
    return;
  }
  const handle: FileHandle = await open(path, 'w', 0o600);
  try {
    const complete = await reader.forward(size, async (chunk) => {
      await handle.write(chunk);
      onProgress?.(chunk.length);
    });
    if (!complete) throw new Error('tar: unexpected end of archive');
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

function safeJoin(root: string, name: string): string {
  const relative = normalize(name.replace(/^\.\//, ''));
  if (relative.startsWith('..') || relative.startsWith(sep) || relative.split(sep).includes('..')) {
    throw new Error(`tar: refusing to extract ${name} outside ${root}`);
  }
  return join(root, relative);
}
