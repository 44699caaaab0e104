import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockFile, tryLockFile } from './file-lock.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-lock-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

describe('file locks', () => {
  it('lets one holder in at a time and frees the file on release', async () => {
    const path = join(work, 'a.iso.lock');
    const first = await tryLockFile(path);
    expect(first).toBeDefined();
    expect(await tryLockFile(path)).toBeUndefined();
    let secondHolds = false;
    const second = lockFile(path, { pollMs: 5 }).then((lock) => {
      secondHolds = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(secondHolds).toBe(false);
    await first!.release();
    await (await second).release();
    expect(existsSync(path)).toBe(false);
  });

  it("takes over a lock whose process is gone, and an empty one that Packer's flock left behind", async () => {
    await writeFile(join(work, 'dead.lock'), '999999999\n');
    expect(await tryLockFile(join(work, 'dead.lock'))).toBeDefined();
    await writeFile(join(work, 'packer.lock'), '');
    expect(await tryLockFile(join(work, 'packer.lock'))).toBeDefined();
    await writeFile(join(work, 'alive.lock'), `${process.pid}\n`);
    expect(await tryLockFile(join(work, 'alive.lock'))).toBeUndefined();
  });

  it('gives up waiting when cancelled', async () => {
    const path = join(work, 'b.lock');
    await tryLockFile(path);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(lockFile(path, { signal: controller.signal, pollMs: 5 })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
