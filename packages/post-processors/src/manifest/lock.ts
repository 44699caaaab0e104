import { open, rm } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Builds run in parallel in one Kiln process: their manifest updates queue up here. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `update` alone on the manifest at `path`: one at a time within this process, and under
 * Packer's `<output>.lock` file against other processes (three tries, 0/200/400 ms apart; like
 * Packer it goes on without the lock rather than fail the build, and it only removes a lock file
 * it created).
 */
export async function withManifestLock<T>(path: string, update: () => Promise<T>): Promise<T> {
  const key = resolve(path);
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => underLockFile(`${path}.lock`, update));
  queues.set(key, run);
  try {
    return await run;
  } finally {
    if (queues.get(key) === run) queues.delete(key);
  }
}

async function underLockFile<T>(lockPath: string, update: () => Promise<T>): Promise<T> {
  let locked = false;
  for (let attempt = 0; attempt < 3 && !locked; attempt++) {
    if (attempt > 0) await new Promise((done) => setTimeout(done, attempt * 200));
    try {
      await (await open(lockPath, 'wx', 0o600)).close();
      locked = true;
    } catch {
      // held by another process (or unwritable): retry, then go on as Packer does
    }
  }
  try {
    return await update();
  } finally {
    if (locked) await rm(lockPath, { force: true });
  }
}
