import type { LedgerEntry } from '@kiln/sdk';
import type { ProcessIdentity } from './process-identity.js';

/** A ledger entry as stored: which build of the run recorded it. */
export interface StoredLedgerEntry extends LedgerEntry {
  readonly build: string;
}

/** The JSON of one run's ledger file: `<cacheDir>/kiln-ledger/<runUuid>.json`. */
export interface LedgerFileContent {
  readonly version: 1;
  readonly runUuid: string;
  readonly owner: ProcessIdentity;
  /** ISO time the first resource was recorded. */
  readonly startedAt: string;
  readonly resources: readonly StoredLedgerEntry[];
}

export const LEDGER_DIR = 'kiln-ledger';

/** The identity of a resource in a ledger: kind, id and region (detail is what is known about it). */
export function sameResource(a: LedgerEntry, b: LedgerEntry): boolean {
  return a.kind === b.kind && a.id === b.id && (a.region ?? '') === (b.region ?? '');
}

export function parseLedgerFile(text: string, file: string): LedgerFileContent {
  const data = JSON.parse(text) as Partial<LedgerFileContent>;
  if (data.version !== 1 || typeof data.runUuid !== 'string' || !data.owner || !Array.isArray(data.resources)) {
    throw new Error(`${file} is not a Kiln ledger (version 1)`);
  }
  return data as LedgerFileContent;
}
