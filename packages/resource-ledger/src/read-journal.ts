import { withoutForgotten, withRecorded } from './entries.js';
import type { JournalChange, JournalHeader, LedgerFileContent, StoredLedgerEntry } from './ledger-file.js';

/**
 * Replays a journal (see ledger-file.ts): the header, then every change in order, with the rules
 * the ledger applied when it wrote them.
 *
 * The last line may be torn: a run killed while appending it leaves part of a line. That line is
 * ignored, and safely so. A record is appended, and awaited, before the cloud call it announces,
 * so a run that died mid-append never made that call. A forget is appended after the delete, so
 * ignoring it only leaves a resource listed that `kiln cleanup` will find already gone. Any other
 * line that is not a complete change means the file was damaged: that is an error, not a guess.
 */
export function parseJournal(text: string, file: string): LedgerFileContent {
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const header = asHeader(parseLine(lines[0]!), file);
  let resources: StoredLedgerEntry[] = [];
  for (let index = 1; index < lines.length; index++) {
    const change = parseLine(lines[index]!);
    if (change === undefined && index === lines.length - 1) break;
    const at = `${file}:${index + 1}`;
    if (change === undefined) throw new Error(`${at}: not a complete line of JSON (only a ledger's last line may be cut short)`);
    if (isRecord(change)) resources = withRecorded(resources, change.record);
    else if (isForget(change)) resources = withoutForgotten(resources, change.forget);
    else throw new Error(`${at}: neither a record nor a forget`);
  }
  return { version: 2, runUuid: header.runUuid, owner: header.owner, startedAt: header.startedAt, resources };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function asHeader(value: unknown, file: string): JournalHeader {
  const header = value as Partial<JournalHeader> | undefined;
  if (header?.version !== 2 || typeof header.runUuid !== 'string' || !header.owner || typeof header.startedAt !== 'string') {
    throw new Error(`${file} is not a Kiln ledger (its first line is not a version 2 header)`);
  }
  return header as JournalHeader;
}

function isRecord(change: unknown): change is Extract<JournalChange, { record: unknown }> {
  const entry = field(change, 'record');
  return isResource(entry) && typeof field(entry, 'build') === 'string';
}

function isForget(change: unknown): change is Extract<JournalChange, { forget: unknown }> {
  return isResource(field(change, 'forget'));
}

function isResource(value: unknown): boolean {
  return typeof field(value, 'kind') === 'string' && typeof field(value, 'id') === 'string';
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
