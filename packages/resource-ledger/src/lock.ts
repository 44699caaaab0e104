import { open, readFile, rm } from 'node:fs/promises';
import { currentProcess, ownerState, type ProcessIdentity } from './process-identity.js';

/**
 * Runs fn while holding `<file>.lock`, so that two `kiln cleanup` runs never work on the same
 * ledger. A lock left by a dead process is taken over. Resolves undefined when someone alive holds it.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T | undefined> {
  const lock = `${file}.lock`;
  if (!(await tryCreate(lock))) {
    const holder = await readHolder(lock);
    if (holder && ownerState(holder) !== 'dead') return undefined;
    await rm(lock, { force: true });
    if (!(await tryCreate(lock))) return undefined;
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

async function tryCreate(lock: string): Promise<boolean> {
  try {
    const handle = await open(lock, 'wx');
    await handle.writeFile(JSON.stringify(currentProcess()));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readHolder(lock: string): Promise<ProcessIdentity | undefined> {
  try {
    return JSON.parse(await readFile(lock, 'utf8')) as ProcessIdentity;
  } catch {
    return undefined;
  }
}
