import type { LedgerEntry } from '@kiln/sdk';
import type { ProcessIdentity } from './process-identity.js';
import { parseJournal } from './read-journal.js';

/*
 * A run's ledger lives in `<cacheDir>/kiln-ledger/` in one of two forms.
 *
 * Version 2, the journal, `<runUuid>.jsonl` (what Kiln writes): one JSON object a line. The first
 * line is the header, `{"version":2,"runUuid":…,"owner":…,"startedAt":…}`; each later line is one
 * change, in the order it happened:
 *   {"record":{"kind":…,"id":…,"region":…,"build":…,"detail":…}}   a resource about to be created,
 *       or more about one already recorded (same kind, id, region and build: details are merged)
 *   {"forget":{"kind":…,"id":…,"region":…,"build":…}}              a resource that is gone; without
 *       `build`, from every build of the run
 * A change costs one appended line, where rewriting the whole file cost a rename over it (which
 * ext4 makes wait for the data) before every cloud create call.
 *
 * Version 1, `<runUuid>.json` (Kiln before the journal): one object, the header's fields plus
 * `resources`. Still read, so that `kiln cleanup` deletes what older runs left.
 */

/** A ledger entry as stored: which build of the run recorded it. */
export interface StoredLedgerEntry extends LedgerEntry {
  readonly build: string;
}

/** What a forget names: a resource, of one build or (without `build`) of all. */
export type ForgottenResource = Pick<LedgerEntry, 'kind' | 'id' | 'region'> & { readonly build?: string };

/** A run's ledger as a process holds it: whose run, since when, and what may need deleting. */
export interface LedgerSnapshot {
  readonly runUuid: string;
  readonly owner: ProcessIdentity;
  /** ISO time the first resource was recorded. */
  readonly startedAt: string;
  readonly resources: readonly StoredLedgerEntry[];
}

/** What a ledger file says once read, whichever its form (the journal is replayed). */
export interface LedgerFileContent extends LedgerSnapshot {
  readonly version: 1 | 2;
}

/** The first line of a journal. */
export interface JournalHeader {
  readonly version: 2;
  readonly runUuid: string;
  readonly owner: ProcessIdentity;
  readonly startedAt: string;
}

/** Every later line of a journal. */
export type JournalChange = { readonly record: StoredLedgerEntry } | { readonly forget: ForgottenResource };

export const LEDGER_DIR = 'kiln-ledger';
export const JOURNAL_SUFFIX = '.jsonl';
export const V1_SUFFIX = '.json';

export function isLedgerFileName(name: string): boolean {
  return name.endsWith(JOURNAL_SUFFIX) || name.endsWith(V1_SUFFIX);
}

/** One line of a journal, newline included. */
export function journalLine(value: JournalHeader | JournalChange): string {
  return `${JSON.stringify(value)}\n`;
}

/** Reads either form; which one is told by the file's name. */
export function parseLedgerFile(text: string, file: string): LedgerFileContent {
  return file.endsWith(JOURNAL_SUFFIX) ? parseJournal(text, file) : parseV1(text, file);
}

function parseV1(text: string, file: string): LedgerFileContent {
  const data = JSON.parse(text) as Partial<LedgerFileContent>;
  if (data.version !== 1 || typeof data.runUuid !== 'string' || !data.owner || !Array.isArray(data.resources)) {
    throw new Error(`${file} is not a Kiln ledger (version 1)`);
  }
  return data as LedgerFileContent;
}
