import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sleep } from './sleep.js';

/** A held lock file; release() removes it. */
export interface FileLock {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * Takes the lock file `path` if nobody holds it. Packer uses flock(2) on such files; Node has no
 * flock, so the file's existence is the lock: it is created atomically (a hard link of a temp
 * file that already holds our pid), and a lock whose pid is gone, or that is empty (the leftover
 * of a Packer run, which never deletes its lock files), counts as free.
 */
export async function tryLockFile(path: string): Promise<FileLock | undefined> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(temp, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await link(temp, path);
        return { path, release: () => unlink(path).catch(() => undefined) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (!(await isStale(path))) return undefined;
        await unlink(path).catch(() => undefined);
      }
    }
    return undefined;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Waits for the lock (polling), as Packer's blocking Lock() does; rejects when the signal fires. */
export async function lockFile(path: string, options: { readonly signal?: AbortSignal; readonly pollMs?: number } = {}): Promise<FileLock> {
  for (;;) {
    const lock = await tryLockFile(path);
    if (lock) return lock;
    await sleep(options.pollMs ?? 100, options.signal);
  }
}

async function isStale(path: string): Promise<boolean> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch {
    return true;
  }
  const pid = Number.parseInt(content, 10);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
