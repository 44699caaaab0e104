import type { LedgerEntry } from '@kiln/sdk';
import type { ForgottenResource, StoredLedgerEntry } from './ledger-file.js';

// What a record or a forget does to a ledger's entries: shared by the ledger a run writes and by
// the replay of its journal, so that both always agree.

/** The identity of a resource in a ledger: kind, id and region (detail is what is known about it). */
export function sameResource(a: LedgerEntry, b: LedgerEntry): boolean {
  return a.kind === b.kind && a.id === b.id && (a.region ?? '') === (b.region ?? '');
}

/** Adds a resource, or merges what is newly known of it (its id became known, say) into its entry. */
export function withRecorded(entries: readonly StoredLedgerEntry[], entry: StoredLedgerEntry): StoredLedgerEntry[] {
  const at = entries.findIndex((e) => e.build === entry.build && sameResource(e, entry));
  if (at < 0) return [...entries, entry];
  const updated = [...entries];
  updated[at] = mergeEntry(entries[at]!, entry);
  return updated;
}

/** Drops a resource: from its build, or from every build when `build` is undefined. */
export function withoutForgotten(entries: readonly StoredLedgerEntry[], gone: ForgottenResource): StoredLedgerEntry[] {
  return entries.filter((e) => !(sameResource(e, gone) && (gone.build === undefined || e.build === gone.build)));
}

/** Just the identity of a resource, for a forget line (its detail is of no use once it is gone). */
export function forgottenResource(entry: LedgerEntry & { readonly build?: string }): ForgottenResource {
  return {
    kind: entry.kind,
    id: entry.id,
    ...(entry.region === undefined ? {} : { region: entry.region }),
    ...(entry.build === undefined ? {} : { build: entry.build }),
  };
}

function mergeEntry(old: StoredLedgerEntry, update: StoredLedgerEntry): StoredLedgerEntry {
  const detail = { ...old.detail, ...update.detail };
  return { ...old, ...update, ...(Object.keys(detail).length > 0 ? { detail } : {}) };
}
