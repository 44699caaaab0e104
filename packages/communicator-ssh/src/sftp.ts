import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Client, SFTPWrapper } from 'ssh2';
import type { LocalEntry } from './local-tree.js';
import { drained } from './stream-io.js';
import type { ProgressCallback } from './tar-stream.js';

/** Requests kept in flight: enough to fill a high-latency link, bounded so memory stays flat. */
const IN_FLIGHT = 16;
/** Bytes per READ request: the server's advertised limit (limits@openssh.com), at most 128 KiB. */
function readChunkSize(sftp: SFTPWrapper): number {
  const limit = (sftp as unknown as { _maxReadLen?: number })._maxReadLen;
  return Math.max(16 * 1024, Math.min(128 * 1024, limit ?? 32 * 1024));
}

export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
}

function call<T>(start: (done: (error: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}

function settle(start: (done: (error?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => start((error) => (error ? reject(error) : resolve())));
}

/** Packer's sftp errors read like Go's pkg/sftp ones; ssh2's are close enough, with the path added. */
function withPath(error: unknown, path: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`sftp: ${path}: ${message}`, { cause: error });
}

/**
 * Writes a stream to a remote file with several WRITE requests in flight (ssh2's own write stream
 * waits for each reply, which crawls on any latency). Sets `mode` exactly when given.
 */
export async function sftpUpload(
  sftp: SFTPWrapper,
  path: string,
  content: Readable,
  options: { mode?: number; onProgress?: ProgressCallback },
): Promise<void> {
  const handle = await call<Buffer>((done) => sftp.open(path, 'w', { mode: options.mode ?? 0o644 }, done)).catch((error) => {
    throw withPath(error, path);
  });
  let position = 0;
  const pending = new Set<Promise<void>>();
  let failure: Error | undefined;
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) {
      if (failure) break;
      const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      const offset = position;
      position += data.length;
      const request: Promise<void> = settle((done) => sftp.write(handle, data, 0, data.length, offset, done)).then(
        () => {
          pending.delete(request);
          options.onProgress?.(data.length);
        },
        (error: unknown) => {
          pending.delete(request);
          failure ??= withPath(error, path);
        },
      );
      pending.add(request);
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
    }
    await Promise.all(pending);
    if (failure) throw failure;
    if (options.mode !== undefined) await settle((done) => sftp.fchmod(handle, options.mode!, done));
  } finally {
    await settle((done) => sftp.close(handle, done)).catch(() => undefined);
  }
}

/**
 * Reads a remote file into `destination` with several READ requests in flight, delivered in
 * order, waiting on the destination's backpressure (memory stays flat whatever the size).
 */
export async function sftpDownload(
  sftp: SFTPWrapper,
  path: string,
  destination: Writable,
  onProgress?: ProgressCallback,
): Promise<void> {
  const handle = await call<Buffer>((done) => sftp.open(path, 'r', done)).catch((error) => {
    throw withPath(error, path);
  });
  const chunkSize = readChunkSize(sftp);
  const read = (offset: number) =>
    new Promise<{ offset: number; data: Buffer }>((resolve, reject) => {
      const buffer = Buffer.allocUnsafe(chunkSize);
      sftp.read(handle, buffer, 0, chunkSize, offset, (error, bytesRead) => {
        // End of file arrives as an SSH_FX_EOF (1) status.
        if (error && (error as { code?: number }).code === 1) resolve({ offset, data: Buffer.alloc(0) });
        else if (error) reject(withPath(error, path));
        else resolve({ offset, data: buffer.subarray(0, bytesRead) });
      });
    });
  try {
    let next = 0;
    let queue: Promise<{ offset: number; data: Buffer }>[] = [];
    for (;;) {
      while (queue.length < IN_FLIGHT) {
        queue.push(read(next));
        next += chunkSize;
      }
      const { offset, data } = await queue.shift()!;
      if (data.length === 0) break;
      if (!destination.write(data)) await drained(destination);
      onProgress?.(data.length);
      if (data.length < chunkSize) {
        // A short read: usually the end, but a server may also send less than asked. The reads
        // already sent assumed a full chunk, so drop them and go on from where this one stopped.
        await Promise.allSettled(queue);
        queue = [];
        next = offset + data.length;
      }
    }
    await Promise.allSettled(queue);
  } finally {
    await settle((done) => sftp.close(handle, done)).catch(() => undefined);
  }
}

/** Creates a remote directory, accepting one that already exists, and sets its mode (Packer's sftpMkdir). */
export async function sftpMkdir(sftp: SFTPWrapper, path: string, mode: number): Promise<void> {
  try {
    await settle((done) => sftp.mkdir(path, { mode }, done));
  } catch (error) {
    const existing = await call<{ isDirectory(): boolean }>((done) => sftp.lstat(path, done)).catch(() => undefined);
    if (!existing?.isDirectory()) throw withPath(error, path);
  }
  await settle((done) => sftp.chmod(path, mode, done));
}

/** Uploads a local tree file by file (the fallback when the remote has no tar). */
export async function sftpUploadTree(
  sftp: SFTPWrapper,
  root: string,
  entries: AsyncIterable<LocalEntry>,
  options: { rootMode?: number; onProgress?: ProgressCallback },
): Promise<void> {
  if (options.rootMode !== undefined) await sftpMkdir(sftp, root, options.rootMode);
  for await (const entry of entries) {
    const target = posix.join(root, entry.relative);
    if (entry.kind === 'directory') await sftpMkdir(sftp, target, entry.mode);
    else {
      const content = createReadStream(entry.absolute, { highWaterMark: 256 * 1024 });
      await sftpUpload(sftp, target, content, { mode: entry.mode, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    }
  }
}
