import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LedgerEntry, ResourceLedger } from '@kiln/sdk';
import { forgottenResource, withoutForgotten, withRecorded } from './entries.js';
import { JournalWriter } from './journal-writer.js';
import {
  JOURNAL_SUFFIX,
  LEDGER_DIR,
  parseLedgerFile,
  V1_SUFFIX,
  type JournalChange,
  type LedgerSnapshot,
  type StoredLedgerEntry,
} from './ledger-file.js';
import { currentProcess, type ProcessIdentity } from './process-identity.js';
import { V1Writer } from './v1-writer.js';

/** How a ledger reaches its file: JournalWriter, or V1Writer for a ledger an older Kiln left. */
interface LedgerWriter {
  readonly file: string;
  write(change: JournalChange, ledger: LedgerSnapshot): void;
  remove(): void;
  close(): void;
}

/**
 * One run's record of the cloud resources it is creating: each resource is written (and the write
 * awaited) before the call that creates it, updated as its id becomes known, and removed once it
 * is deleted. A run that is killed leaves the file behind, and `kiln cleanup` finds there what to
 * delete. The file is a journal, one appended line a change (ledger-file.ts); it is removed when
 * the last entry goes.
 */
export class FileLedger {
  private entries: StoredLedgerEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  private startedAt: string | undefined;
  private writer: LedgerWriter;

  /** The ledger of a new run, owned by this process; nothing is written until the first record. */
  constructor(
    cacheDir: string,
    private readonly runUuid: string,
    private readonly owner: ProcessIdentity = currentProcess(),
  ) {
    this.writer = new JournalWriter(path.join(cacheDir, LEDGER_DIR, `${runUuid}${JOURNAL_SUFFIX}`));
  }

  /** Same as the constructor. */
  static forRun(cacheDir: string, runUuid: string, owner?: ProcessIdentity): FileLedger {
    return new FileLedger(cacheDir, runUuid, owner);
  }

  /** An existing ledger (of a dead run), to forget what cleanup deletes; a version-1 file stays version 1. */
  static async open(file: string): Promise<FileLedger> {
    const content = parseLedgerFile(await readFile(file, 'utf8'), file);
    const ledger = new FileLedger(path.dirname(path.dirname(file)), content.runUuid, content.owner);
    if (content.version === 1) ledger.writer = new V1Writer(path.join(path.dirname(file), `${content.runUuid}${V1_SUFFIX}`));
    if (path.resolve(ledger.file) !== path.resolve(file)) throw new Error(`${file} is not named after its run (${path.basename(ledger.file)})`);
    ledger.entries = [...content.resources];
    ledger.startedAt = content.startedAt;
    return ledger;
  }

  /** Where the ledger is (or will be, before the first record). */
  get file(): string {
    return this.writer.file;
  }

  get resources(): readonly StoredLedgerEntry[] {
    return this.entries;
  }

  /** The ledger one build's plugins see (BuildContext.ledger): entries carry the build name. */
  forBuild(build: string): ResourceLedger {
    return {
      record: (entry) => this.record({ ...entry, build }),
      forget: (entry) => this.forget({ ...entry, build }),
    };
  }

  /** Adds a resource, or replaces what is known of it (same kind, id and region): resolves once on disk. */
  record(entry: StoredLedgerEntry): Promise<void> {
    this.entries = withRecorded(this.entries, entry);
    this.startedAt ??= new Date().toISOString();
    return this.save({ record: entry });
  }

  /** Removes a resource (from any build when `build` is undefined): resolves once on disk. */
  forget(entry: LedgerEntry & { readonly build?: string }): Promise<void> {
    const gone = forgottenResource(entry);
    const before = this.entries.length;
    this.entries = withoutForgotten(this.entries, gone);
    return before === this.entries.length ? this.writing : this.save({ forget: gone });
  }

  /** Waits for the writes in flight. */
  flush(): Promise<void> {
    return this.writing;
  }

  /**
   * Lets go of the open file, for a process that goes on after the run (the OS closes it at exit).
   * The ledger stays on disk as it is, and a later change starts its journal afresh.
   */
  close(): void {
    this.writer.close();
  }

  private save(change: JournalChange): Promise<void> {
    try {
      if (this.entries.length === 0) this.writer.remove();
      else this.writer.write(change, this.snapshot());
      this.writing = Promise.resolve();
    } catch (error) {
      this.writing = Promise.reject(error as Error);
    }
    return this.writing;
  }

  private snapshot(): LedgerSnapshot {
    const startedAt = this.startedAt ?? new Date().toISOString();
    return { runUuid: this.runUuid, owner: this.owner, startedAt, resources: this.entries };
  }
}
