import { stat, utimes } from 'node:fs/promises';
import { sleep, type LedgerEntry } from '@kiln/sdk';
import { FileLedger } from './file-ledger.js';
import type { StoredLedgerEntry } from './ledger-file.js';
import { listLedgers, type LedgerOnDisk } from './list-ledgers.js';
import { withFileLock } from './lock.js';

/** What a plugin offers `kiln cleanup`: it deletes the resources of the kinds it recorded. */
export interface LedgerCleaner {
  /** Shown to the user: 'Amazon EC2'. */
  readonly name: string;
  handles(kind: string): boolean;
  /**
   * Deletes what the entries stand for, in dependency order, retrying throttled and blocked calls;
   * calls ctx.forget for each resource once it is gone (or found never to have existed), and
   * ctx.record to note what it learns on the way (the snapshots of an image). Throws only for
   * what stops it from going on; resources it could not delete simply stay in the ledger.
   */
  clean(entries: readonly StoredLedgerEntry[], ctx: CleanerContext): Promise<void>;
}

export interface CleanerContext {
  /** One line for the user: what was deleted, what was not and why. */
  say(line: string): void;
  readonly signal: AbortSignal;
  forget(entry: StoredLedgerEntry): Promise<void>;
  record(entry: StoredLedgerEntry): Promise<void>;
}

export interface LedgerCleanupResult {
  readonly file: string;
  readonly runUuid: string;
  readonly outcome: 'cleaned' | 'incomplete' | 'running' | 'other-host' | 'locked';
  /** Resources still in the ledger afterwards. */
  readonly remaining: readonly LedgerEntry[];
}

export interface CleanupLedgersOptions {
  readonly cleaners: readonly LedgerCleaner[];
  readonly say: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Only list what would be deleted. */
  readonly dryRun?: boolean;
  /** How long after a dead run's last ledger write to wait before cleaning it up (SETTLE_MS). */
  readonly settleMs?: number;
}

/**
 * A run killed while a create call was on its way has recorded the resource, but the cloud may
 * still be making it: EC2 takes a moment for a key pair, a second or two for an instance. Cleaned
 * up in that moment, the resource is not there yet to delete, and appears after. So a run whose
 * ledger was last written less than this long ago is waited for, up to this long after that
 * write; a run that died earlier than that (the usual case) is cleaned up at once.
 */
export const SETTLE_MS = 10_000;

/**
 * `kiln cleanup`: for every ledger whose run is dead, hands its entries to the cleaners that know
 * their kinds and removes the ledger once empty. Ledgers of running builds and of other hosts are
 * left alone.
 */
export async function cleanupLedgers(cacheDir: string, options: CleanupLedgersOptions): Promise<LedgerCleanupResult[]> {
  const { ledgers, unreadable } = await listLedgers(cacheDir);
  for (const { file, error } of unreadable) options.say(`Skipping ${file}: ${error}`);
  const results: LedgerCleanupResult[] = [];
  for (const ledger of ledgers) results.push(await cleanupOne(ledger, options));
  return results;
}

async function cleanupOne(ledger: LedgerOnDisk, options: CleanupLedgersOptions): Promise<LedgerCleanupResult> {
  const { file, content } = ledger;
  const base = { file, runUuid: content.runUuid };
  const { pid, hostname } = content.owner;
  if (ledger.owner === 'alive') {
    options.say(`Run ${content.runUuid} (pid ${pid}) is still running; leaving its ${count(content.resources.length)} alone.`);
    return { ...base, outcome: 'running', remaining: content.resources };
  }
  if (ledger.owner === 'other-host') {
    options.say(`Run ${content.runUuid} ran on ${hostname}; clean it up there.`);
    return { ...base, outcome: 'other-host', remaining: content.resources };
  }
  // The file's time says when its run last wrote it: settle() reads it, and cleanup's own writes
  // (what it deleted) must not move it, or a second cleanup soon after would wait for nothing.
  const lastWrite = (await stat(file)).mtime;
  if (!options.dryRun) await settle(ledger, lastWrite, options);
  // The lock is named after the file, which keeps its name while cleanup works on it (a version-1
  // ledger is not converted to a journal), so one lock stands for one run.
  const result = await withFileLock(file, async () => {
    const open = await FileLedger.open(file).catch(() => undefined);
    if (!open) return { ...base, outcome: 'cleaned' as const, remaining: [] };
    try {
      options.say(
        `Run ${content.runUuid} (pid ${pid}, started ${content.startedAt}) left ${count(open.resources.length)}:`,
      );
      if (options.dryRun) {
        for (const entry of open.resources) options.say(`  would delete ${describeEntry(entry)}`);
        return { ...base, outcome: 'incomplete' as const, remaining: open.resources };
      }
      await runCleaners(open, options);
      await open.flush();
      const remaining = open.resources;
      for (const entry of remaining) options.say(`  still there: ${describeEntry(entry)}`);
      return { ...base, outcome: remaining.length === 0 ? ('cleaned' as const) : ('incomplete' as const), remaining };
    } finally {
      // What could not be deleted stays on disk; the descriptor need not stay open with it.
      open.close();
    }
  });
  await utimes(file, new Date(), lastWrite).catch(() => undefined);
  if (!result) {
    options.say(`Another kiln cleanup is working on run ${content.runUuid}; skipping it.`);
    return { ...base, outcome: 'locked', remaining: content.resources };
  }
  return result;
}

async function runCleaners(ledger: FileLedger, options: CleanupLedgersOptions): Promise<void> {
  const signal = options.signal ?? new AbortController().signal;
  const ctx: CleanerContext = {
    say: (line) => options.say(`  ${line}`),
    signal,
    forget: (entry) => ledger.forget(entry),
    record: (entry) => ledger.record(entry),
  };
  const unhandled = ledger.resources.filter((entry) => !options.cleaners.some((c) => c.handles(entry.kind)));
  for (const entry of unhandled) ctx.say(`no cleaner knows ${describeEntry(entry)}`);
  for (const cleaner of options.cleaners) {
    const mine = ledger.resources.filter((entry) => cleaner.handles(entry.kind));
    if (mine.length === 0) continue;
    try {
      await cleaner.clean(mine, ctx);
    } catch (error) {
      ctx.say(`${cleaner.name}: ${(error as Error).message}`);
    }
  }
}

export function describeEntry(entry: LedgerEntry): string {
  return `${entry.kind} ${entry.id}${entry.region ? ` in ${entry.region}` : ''}`;
}

function count(n: number): string {
  return n === 1 ? '1 resource' : `${n} resources`;
}

/** Waits until the run's last ledger write is SETTLE_MS old (see there). */
async function settle({ content }: LedgerOnDisk, lastWrite: Date, options: CleanupLedgersOptions): Promise<void> {
  const left = (options.settleMs ?? SETTLE_MS) - (Date.now() - lastWrite.getTime());
  if (left <= 0) return;
  const seconds = Math.ceil(left / 1000);
  options.say(`Run ${content.runUuid} stopped moments ago: waiting ${seconds}s for the calls it had sent to finish.`);
  await sleep(left, options.signal);
}
