import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LedgerEntry, ResourceLedger } from '@kiln/sdk';
import { LEDGER_DIR, parseLedgerFile, sameResource, type LedgerFileContent, type StoredLedgerEntry } from './ledger-file.js';
import { currentProcess, type ProcessIdentity } from './process-identity.js';

/**
 * One run's record of the cloud resources it is creating: each resource is written (and the write
 * awaited) before the call that creates it, updated as its id becomes known, and removed once it
 * is deleted. A run that is killed leaves the file behind, and `kiln cleanup` finds there what to
 * delete. The file is replaced atomically (write, then rename), so a kill mid-write never leaves a
 * torn ledger; it is removed when the last entry goes.
 */
export class FileLedger {
  readonly file: string;
  private entries: StoredLedgerEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  private startedAt: string | undefined;

  /** The ledger of a new run, owned by this process; nothing is written until the first record. */
  constructor(
    cacheDir: string,
    private readonly runUuid: string,
    private readonly owner: ProcessIdentity = currentProcess(),
  ) {
    this.file = path.join(cacheDir, LEDGER_DIR, `${runUuid}.json`);
  }

  /** Same as the constructor. */
  static forRun(cacheDir: string, runUuid: string, owner?: ProcessIdentity): FileLedger {
    return new FileLedger(cacheDir, runUuid, owner);
  }

  /** An existing ledger (of a dead run), to forget what cleanup deletes. */
  static async open(file: string): Promise<FileLedger> {
    const content = parseLedgerFile(await readFile(file, 'utf8'), file);
    const ledger = new FileLedger(path.dirname(path.dirname(file)), content.runUuid, content.owner);
    if (path.resolve(ledger.file) !== path.resolve(file)) throw new Error(`${file} is not named after its run (${content.runUuid}.json)`);
    ledger.entries = [...content.resources];
    ledger.startedAt = content.startedAt;
    return ledger;
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
    const at = this.entries.findIndex((e) => e.build === entry.build && sameResource(e, entry));
    const merged = at >= 0 ? mergeEntry(this.entries[at]!, entry) : entry;
    if (at >= 0) this.entries[at] = merged;
    else this.entries.push(merged);
    this.startedAt ??= new Date().toISOString();
    return this.save();
  }

  /** Removes a resource (from any build when `build` is undefined): resolves once on disk. */
  forget(entry: LedgerEntry & { readonly build?: string }): Promise<void> {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => !(sameResource(e, entry) && (entry.build === undefined || e.build === entry.build)));
    return before === this.entries.length ? this.writing : this.save();
  }

  /** Waits for the writes in flight. */
  flush(): Promise<void> {
    return this.writing;
  }

  private save(): Promise<void> {
    try {
      if (this.entries.length === 0) rmSync(this.file, { force: true });
      else this.write({ version: 1, runUuid: this.runUuid, owner: this.owner, startedAt: this.startedAt ?? new Date().toISOString(), resources: [...this.entries] });
      this.writing = Promise.resolve();
    } catch (error) {
      this.writing = Promise.reject(error as Error);
    }
    return this.writing;
  }

  /**
   * Written synchronously: the file is a few KB and the write precedes a cloud call. Through the
   * thread pool each of mkdir, open, write, close and rename is an event-loop round trip, which
   * added up to more than the write itself on every create call of a build.
   */
  private write(content: LedgerFileContent): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    const text = `${JSON.stringify(content, null, 2)}\n`;
    try {
      writeFileSync(temporary, text);
    } catch (error) {
      // The first write makes the folder (and so does a later one, should it have been removed).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(temporary, text);
    }
    renameSync(temporary, this.file);
  }
}

function mergeEntry(old: StoredLedgerEntry, update: StoredLedgerEntry): StoredLedgerEntry {
  const detail = { ...old.detail, ...update.detail };
  return { ...old, ...update, ...(Object.keys(detail).length > 0 ? { detail } : {}) };
}
