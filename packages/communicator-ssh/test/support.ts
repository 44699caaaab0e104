import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sshd } from '@kiln/testbed';
import type { SshConfig, SshCommunicator } from '../src/index.js';

/** The communicator options that reach a testbed sshd with its key. */
export function keyConfig(sshd: Sshd, extra: SshConfig = {}): SshConfig {
  return { ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ...extra };
}

export interface Ran {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exitStatus: number;
}

export async function run(communicator: SshCommunicator, command: string): Promise<Ran> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const { exitStatus } = await communicator.exec({
    command,
    onStdout: (line) => stdout.push(line),
    onStderr: (line) => stderr.push(line),
  });
  return { stdout, stderr, exitStatus };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes `size` pseudo-random bytes (so no layer can compress them away); returns their sha256. */
export async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const block = Buffer.allocUnsafe(1 << 20);
  for (let left = size; left > 0; left -= block.length) {
    const chunk = Buffer.from(randomFillSync(block).subarray(0, Math.min(left, block.length)));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

const FILE_MODES = [0o644, 0o755, 0o600, 0o640, 0o444];

/**
 * A tree of `count` small files (1-4 KiB) in 50 directories, with assorted modes, a restricted
 * directory, a path longer than tar's 100 and 255 byte limits, and names with spaces, quotes and
 * non-ASCII letters.
 */
export async function makeTree(root: string, count: number): Promise<void> {
  await mkdir(root, { recursive: true });
  const directories = Array.from({ length: Math.min(50, count) }, (_, i) => join(root, `dir ${i}`));
  for (const directory of directories) await mkdir(directory, { recursive: true });
  for (let i = 0; i < count; i++) {
    const name = i % 97 === 0 ? `it's "file" ${i} é.txt` : `file-${i}.bin`;
    const path = join(directories[i % directories.length]!, name);
    await writeFile(path, randomFillSync(Buffer.alloc(1024 + ((i * 7919) % 3072))));
    await chmod(path, FILE_MODES[i % FILE_MODES.length]!);
  }
  const deep = join(root, 'deep', 'a'.repeat(90), 'b'.repeat(90), 'c'.repeat(90));
  await mkdir(deep, { recursive: true });
  await writeFile(join(deep, `${'long-name-'.repeat(12)}.txt`), 'far down\n');
  await mkdir(join(root, 'private'), { mode: 0o700 });
  await chmod(join(root, 'private'), 0o700);
  await writeFile(join(root, 'private', 'secret'), 'hush\n', { mode: 0o600 });
  await mkdir(join(root, 'empty'));
}

/** Every entry below root as `<mode> <type> <path> <sha256>`, sorted: equal manifests, equal trees. */
export async function manifest(root: string): Promise<string[]> {
  const lines: string[] = [];
  async function walk(directory: string, prefix: string): Promise<void> {
    for (const name of await readdir(directory)) {
      const path = join(directory, name);
      const relative = prefix ? `${prefix}/${name}` : name;
      const info = await lstat(path);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isDirectory()) {
        lines.push(`${mode} d ${relative}`);
        await walk(path, relative);
      } else {
        lines.push(`${mode} f ${relative} ${createHash('sha256').update(await readFile(path)).digest('hex')}`);
      }
    }
  }
  await walk(root, '');
  return lines.sort();
}

/** Samples this process's RSS while `work` runs; resolves with the peak growth in MiB. */
export async function peakRssGrowthMiB(work: () => Promise<void>): Promise<number> {
  global.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return (peak - base) / (1 << 20);
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection<T>(promise: Promise<T>): Promise<Error & { code?: string }> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ error }),
  );
  if ('resolved' in outcome) {
    await (outcome.resolved as { close?: () => Promise<void> })?.close?.();
    throw new Error('expected a rejection, but it resolved');
  }
  return outcome.error as Error & { code?: string };
}
