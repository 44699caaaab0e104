import { createReadStream } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Client } from 'ssh2';
import type { LocalEntry } from './local-tree.js';
import { RemoteProcess } from './remote-process.js';
import type { ByteReader } from './stream-io.js';
import { drained } from './stream-io.js';
import type { ProgressCallback } from './tar-stream.js';

/**
 * The scp protocol (the `-t` sink and `-f` source modes of the remote scp), as Packer speaks it:
 * one `C<mode> <size> <name>` record per file, `D`/`E` around directories, a status byte after
 * each step.
 */

const SCP_MISSING =
  'SCP failed to start. This usually means that SCP is not\nproperly installed on the remote system.';

/** Reads the status byte scp sends after each step; 1 and 2 carry an error line. */
async function expectOk(stdout: ByteReader): Promise<void> {
  const code = await stdout.byte();
  if (code === 0) return;
  if (code === undefined) throw new Error('scp: the remote side closed the connection');
  const message = await stdout.line();
  throw new Error(message ?? `scp: error code ${code}`);
}

function scpName(name: string): string {
  if (name.includes('\n')) throw new Error(`scp: cannot send a file name with a newline: ${JSON.stringify(name)}`);
  return name;
}

const mode4 = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/**
 * Runs one scp session: the protocol in `body`, then EOF and the exit status, with Packer's
 * errors. A sink (`scp -t`) first says it is ready with a status byte.
 */
export async function scpSession(
  client: Client,
  command: string,
  body: (scp: RemoteProcess) => Promise<void>,
): Promise<void> {
  const scp = await RemoteProcess.start(client, command);
  try {
    if (/ -[a-z]*t /.test(` ${command} `)) await expectOk(scp.stdout);
    await body(scp);
  } catch (error) {
    scp.abort();
    const status = await scp.exited();
    if (status === 127) throw new Error(SCP_MISSING);
    const detail = scp.stderr && !(error as Error).message.includes(scp.stderr) ? `\n${scp.stderr}` : '';
    throw new Error(`${(error as Error).message}${detail}`, { cause: error });
  }
  const status = await scp.finish();
  if (status === 127) throw new Error(SCP_MISSING);
  if (status !== 0) {
    throw new Error(`scp exited with ${status === undefined ? 'no status (connection lost)' : `status ${status}`}${scp.stderr ? `: ${scp.stderr}` : ''}`);
  }
}

/** Sends one file record: `C<mode> <size> <name>`, the bytes, a zero byte. */
export async function scpSendFile(
  scp: RemoteProcess,
  name: string,
  mode: number,
  size: number,
  content: Readable,
  onProgress?: ProgressCallback,
): Promise<void> {
  await scp.stdin.write(Buffer.from(`C${mode4(mode)} ${size} ${scpName(name)}\n`));
  await scp.stdin.flush();
  await expectOk(scp.stdout);
  let sent = 0;
  for await (const chunk of content as AsyncIterable<Buffer>) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    const part = sent + bytes.length > size ? bytes.subarray(0, size - sent) : bytes;
    await scp.stdin.write(part);
    sent += part.length;
    onProgress?.(part.length);
    if (sent >= size) break;
  }
  if (sent < size) throw new Error(`scp: the content ended after ${sent} of ${size} bytes`);
  await scp.stdin.write(Buffer.from([0]));
  await scp.stdin.flush();
  await expectOk(scp.stdout);
}

/** Sends a local tree the way Packer's scpUploadDir does (`D`... `E` around each directory). */
export async function scpSendTree(
  scp: RemoteProcess,
  entries: AsyncIterable<LocalEntry>,
  options: { rootName?: string; rootMode?: number; onProgress?: ProgressCallback },
): Promise<void> {
  const open: string[] = [];
  const enter = async (name: string, mode: number) => {
    await scp.stdin.write(Buffer.from(`D${mode4(mode)} 0 ${scpName(name)}\n`));
    await scp.stdin.flush();
    await expectOk(scp.stdout);
  };
  const leave = async () => {
    await scp.stdin.write(Buffer.from('E\n'));
    await scp.stdin.flush();
    await expectOk(scp.stdout);
  };
  if (options.rootName !== undefined) await enter(options.rootName, options.rootMode ?? 0o755);
  for await (const entry of entries) {
    const parent = entry.relative.includes('/') ? entry.relative.slice(0, entry.relative.lastIndexOf('/')) : '';
    while (open.length > 0 && open.at(-1) !== parent && !parent.startsWith(`${open.at(-1)}/`)) {
      open.pop();
      await leave();
    }
    const name = entry.relative.slice(entry.relative.lastIndexOf('/') + 1);
    if (entry.kind === 'directory') {
      await enter(name, entry.mode);
      open.push(entry.relative);
      continue;
    }
    await scpSendFile(scp, name, entry.mode, entry.size, createReadStream(entry.absolute, { highWaterMark: 256 * 1024 }), options.onProgress);
  }
  while (open.pop() !== undefined) await leave();
  if (options.rootName !== undefined) await leave();
}

interface ScpRecord {
  readonly kind: 'C' | 'D' | 'E';
  readonly mode: number;
  readonly size: number;
  readonly name: string;
}

async function readRecord(scp: RemoteProcess): Promise<ScpRecord | undefined> {
  const line = await scp.stdout.line();
  if (line === undefined) return undefined;
  const kind = line[0];
  if (kind === '\x01' || kind === '\x02') throw new Error(line.slice(1));
  if (kind === 'E') return { kind, mode: 0, size: 0, name: '' };
  if (kind === 'T') {
    await scp.stdin.write(Buffer.from([0]));
    return readRecord(scp);
  }
  const match = /^([CD])([0-7]+) (\d+) (.+)$/.exec(line);
  if (!match) throw new Error(`can't parse server response (${line})`);
  const name = match[4]!;
  if (name === '..' || name.includes('/')) throw new Error(`scp: refusing unsafe name from the server: ${name}`);
  return { kind: match[1] as 'C' | 'D', mode: parseInt(match[2]!, 8), size: Number(match[3]), name };
}

/** Receives one file (`scp -f`) into `destination`. */
export async function scpReceiveFile(scp: RemoteProcess, destination: Writable, onProgress?: ProgressCallback): Promise<void> {
  await scp.stdin.write(Buffer.from([0]));
  await scp.stdin.flush();
  const record = await readRecord(scp);
  if (!record) throw new Error('empty response from server');
  if (record.kind === 'D') throw new Error('remote file is directory');
  if (record.kind !== 'C') throw new Error('unexpected server response (E)');
  await scp.stdin.write(Buffer.from([0]));
  await scp.stdin.flush();
  const complete = await scp.stdout.forward(record.size, async (chunk) => {
    if (!destination.write(chunk)) await drained(destination);
    onProgress?.(chunk.length);
  });
  if (!complete) throw new Error('scp: the remote side closed the connection');
  await expectOk(scp.stdout);
  await scp.stdin.write(Buffer.from([0]));
}

/** Receives a tree (`scp -rf`) under `destination`, as Packer's DownloadDir does. */
export async function scpReceiveTree(scp: RemoteProcess, destination: string, onProgress?: ProgressCallback): Promise<void> {
  const directories: { path: string; mode: number }[] = [];
  try {
    await receiveRecords(scp, destination, directories, onProgress);
  } finally {
    // Applied last: a read-only directory must first receive its contents.
    for (const directory of directories.reverse()) await chmod(directory.path, directory.mode).catch(() => undefined);
  }
}

async function receiveRecords(
  scp: RemoteProcess,
  destination: string,
  directories: { path: string; mode: number }[],
  onProgress?: ProgressCallback,
): Promise<void> {
  const stack = [destination];
  for (;;) {
    await scp.stdin.write(Buffer.from([0]));
    await scp.stdin.flush();
    const record = await readRecord(scp);
    if (!record) return;
    if (record.kind === 'E') {
      stack.pop();
      if (stack.length === 0) return;
      continue;
    }
    const path = join(stack.at(-1)!, record.name);
    if (record.kind === 'D') {
      await mkdir(path, { recursive: true });
      directories.push({ path, mode: record.mode });
      stack.push(path);
      continue;
    }
    await scp.stdin.write(Buffer.from([0]));
    await scp.stdin.flush();
    const handle = await open(path, 'w', 0o600);
    try {
      const complete = await scp.stdout.forward(record.size, async (chunk) => {
        await handle.write(chunk);
        onProgress?.(chunk.length);
      });
      if (!complete) throw new Error('scp: the remote side closed the connection');
      await handle.chmod(record.mode);
    } finally {
      await handle.close();
    }
    await expectOk(scp.stdout);
  }
}
