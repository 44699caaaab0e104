import { closeSync, rmSync } from 'node:fs';
import { replaceFile } from './file-writes.js';
import type { LedgerSnapshot } from './ledger-file.js';

/**
 * Writes a version-1 ledger (`<runUuid>.json`, left by an older Kiln) the way it was written:
 * whole, at each change. Only `kiln cleanup` opens one, to forget what it deleted, so the cost
 * does not matter; converting it to a journal instead would give the run a second file name,
 * which `kiln cleanup`'s lock (named after the file) and its listing would then have to reconcile.
 */
export class V1Writer {
  constructor(readonly file: string) {}

  write(_change: unknown, { runUuid, owner, startedAt, resources }: LedgerSnapshot): void {
    const content = { version: 1, runUuid, owner, startedAt, resources };
    closeSync(replaceFile(this.file, `${JSON.stringify(content, null, 2)}\n`));
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }

  close(): void {}
}
