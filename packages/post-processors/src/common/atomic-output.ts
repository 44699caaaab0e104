import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * An output file that appears whole or not at all: the content goes to a hidden temporary name in
 * the same directory (so that the final rename is atomic), and only commit() puts it in place.
 */
export interface AtomicOutput {
  /** Where to write the content meanwhile. */
  readonly tempPath: string;
  readonly target: string;
  /** Renames the temporary file over the target; keeps the target's mode if it existed. */
  commit(): Promise<void>;
  /** Removes the temporary file; the target is untouched. Safe to call twice or after commit. */
  abort(): Promise<void>;
}

export async function atomicOutput(target: string, options: { createDirs?: boolean } = {}): Promise<AtomicOutput> {
  const dir = dirname(target);
  if (options.createDirs) await mkdir(dir, { recursive: true, mode: 0o755 });
  const tempPath = join(dir, `.${basename(target)}.kiln-${randomBytes(4).toString('hex')}.tmp`);
  let done = false;
  return {
    tempPath,
    target,
    async commit() {
      const existing = await stat(target).catch(() => undefined);
      if (existing) await chmod(tempPath, existing.mode & 0o7777);
      await rename(tempPath, target);
      done = true;
    },
    async abort() {
      if (!done) await rm(tempPath, { force: true });
      done = true;
    },
  };
}
