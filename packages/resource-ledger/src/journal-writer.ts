import { closeSync, rmSync } from 'node:fs';
import { replaceFile, writeWhole } from './file-writes.js';
import { journalLine, type JournalChange, type LedgerSnapshot } from './ledger-file.js';

/**
 * Writes a ledger as a journal (see ledger-file.ts) through a descriptor kept open, so that a
 * change costs one appended line: no open, no rename, no rewrite of what is already there.
 *
 * The journal is (re)started, the header and a record line per resource put in place at once,
 * whenever there is no descriptor: at the first record of a run, at the first record after the
 * ledger was emptied (and the file removed), at the first change to a journal read back from disk
 * (kiln cleanup's; starting it afresh drops a torn last line, which a line appended after it
 * would turn into a damaged middle one), and after a failed append (which may have left part of a
 * line). The descriptor is closed when the ledger empties; one still open at exit the OS closes.
 */
export class JournalWriter {
  private fd: number | undefined;

  constructor(readonly file: string) {}

  /** Writes `change`; `ledger` is the whole ledger after it, for when the journal starts afresh. */
  write(change: JournalChange, ledger: LedgerSnapshot): void {
    if (this.fd === undefined) {
      this.fd = replaceFile(this.file, journalOf(ledger));
      return;
    }
    try {
      writeWhole(this.fd, journalLine(change), this.file);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** The ledger is empty: nothing is left to clean up, so there is no file. */
  remove(): void {
    this.close();
    rmSync(this.file, { force: true });
  }

  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }
}

function journalOf({ runUuid, owner, startedAt, resources }: LedgerSnapshot): string {
  const header = journalLine({ version: 2, runUuid, owner, startedAt });
  return header + resources.map((record) => journalLine({ record })).join('');
}
