import { closeSync, constants, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

// Synchronous on purpose: a ledger write precedes a cloud call and is a few hundred bytes. Through
// the thread pool, each open, write and rename would be an event-loop round trip of its own.

/**
 * Puts `text` at `file` all at once, so a reader sees the old file or the whole new one, never a
 * part: it is written under a temporary name, then renamed. Returns a descriptor open for
 * appending to the new file (a descriptor follows its file through a rename); close it when done.
 */
export function replaceFile(file: string, text: string): number {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openTemporary(temporary);
  try {
    writeWhole(fd, text, file);
    renameSync(temporary, file);
    return fd;
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** One write(2) of the whole text; a short one (a full disk) throws like a failed one. */
export function writeWhole(fd: number, text: string, file: string): void {
  const bytes = Buffer.from(text);
  const written = writeSync(fd, bytes);
  if (written !== bytes.length) throw new Error(`${file}: only ${written} of ${bytes.length} bytes could be written`);
}

/** Opens with flag 'a' (O_APPEND), and also truncates: a temporary left by an earlier process with this pid is not to be added to. */
function openTemporary(temporary: string): number {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_TRUNC;
  try {
    return openSync(temporary, flags);
  } catch (error) {
    // The first write makes the folder (and so does a later one, should it have been removed).
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(path.dirname(temporary), { recursive: true });
    return openSync(temporary, flags);
  }
}
