import { mkdir, mkdtemp, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupLedgers, type LedgerCleaner } from './cleanup.js';
import { FileLedger } from './file-ledger.js';
import type { StoredLedgerEntry } from './ledger-file.js';
import { currentProcess } from './process-identity.js';

/** A pid that belongs to no running process (pids are below 2^22 on Linux). */
const DEAD = { pid: 4_194_000, hostname: hostname() };

async function ledgerOf(owner: typeof DEAD, runUuid: string, ids: string[], kind = 'test.thing') {
  const cache = await mkdtemp(path.join(tmpdir(), 'kiln-cleanup-'));
  const ledger = FileLedger.forRun(cache, runUuid, owner);
  for (const id of ids) await ledger.forBuild('b').record({ kind, id, region: 'r1' });
  if (ids.length > 0) await diedAMinuteAgo(ledger.file);
  return { cache, ledger };
}

/** Most runs cleaned up died a while ago: their ledger was last written then (see SETTLE_MS). */
async function diedAMinuteAgo(file: string): Promise<void> {
  const then = new Date(Date.now() - 60_000);
  await utimes(file, then, then);
}

function cleaner(deleted: string[], failing: string[] = []): LedgerCleaner {
  return {
    name: 'test',
    handles: (kind) => kind.startsWith('test.'),
    async clean(entries, ctx) {
      for (const entry of entries) {
        if (failing.includes(entry.id)) {
          ctx.say(`could not delete ${entry.id}`);
          continue;
        }
        deleted.push(entry.id);
        ctx.say(`Deleted ${entry.id}`);
        await ctx.forget(entry as StoredLedgerEntry);
      }
    },
  };
}

describe('cleanupLedgers', () => {
  it('deletes what a dead run left, says so, and removes its ledger', async () => {
    const { cache } = await ledgerOf(DEAD, 'dead-run', ['a', 'b']);
    const deleted: string[] = [];
    const said: string[] = [];
    const results = await cleanupLedgers(cache, { cleaners: [cleaner(deleted)], say: (line) => said.push(line) });
    expect(deleted).toEqual(['a', 'b']);
    expect(results.map((r) => [r.runUuid, r.outcome, r.remaining.length])).toEqual([['dead-run', 'cleaned', 0]]);
    expect(said.slice(1)).toEqual(['  Deleted a', '  Deleted b']);
    expect(said[0]).toMatch(/^Run dead-run \(pid 4194000, started .+\) left 2 resources:$/);
    await expect(readdir(path.join(cache, 'kiln-ledger'))).resolves.toEqual([]);
  });

  it('leaves the ledger of a running build alone', async () => {
    const { cache, ledger } = await ledgerOf(currentProcess(), 'live-run', ['a']);
    const deleted: string[] = [];
    const results = await cleanupLedgers(cache, { cleaners: [cleaner(deleted)], say: () => undefined });
    expect(deleted).toEqual([]);
    expect(results[0]!.outcome).toBe('running');
    expect(ledger.resources).toHaveLength(1);
  });

  it('keeps what could not be deleted (and kinds no cleaner knows) for the next cleanup', async () => {
    const { cache } = await ledgerOf(DEAD, 'partly', ['a', 'stuck']);
    await (await FileLedger.open(path.join(cache, 'kiln-ledger', 'partly.jsonl'))).forBuild('b').record({ kind: 'other.thing', id: 'x' });
    const said: string[] = [];
    const results = await cleanupLedgers(cache, { cleaners: [cleaner([], ['stuck'])], say: (line) => said.push(line) });
    expect(results[0]!.outcome).toBe('incomplete');
    expect(results[0]!.remaining.map((e) => e.id).sort()).toEqual(['stuck', 'x']);
    expect(said).toContain('  no cleaner knows other.thing x');
    const again = await FileLedger.open(path.join(cache, 'kiln-ledger', 'partly.jsonl'));
    expect(again.resources.map((e) => e.id).sort()).toEqual(['stuck', 'x']);
  });

  it('waits for a run that stopped moments ago, from its last ledger write, before cleaning it up', async () => {
    const cache = await mkdtemp(path.join(tmpdir(), 'kiln-cleanup-'));
    const ledger = FileLedger.forRun(cache, 'just-died', DEAD);
    await ledger.forBuild('b').record({ kind: 'test.thing', id: 'a', region: 'r1' });
    const written = (await stat(ledger.file)).mtimeMs;
    const said: string[] = [];
    const results = await cleanupLedgers(cache, { cleaners: [cleaner([])], say: (line) => said.push(line), settleMs: 1_500 });
    expect(Date.now() - written).toBeGreaterThanOrEqual(1_500);
    expect(said[0]).toMatch(/^Run just-died stopped moments ago: waiting [12]s for the calls it had sent to finish\.$/);
    expect(results.map((r) => r.outcome)).toEqual(['cleaned']);
  });

  it("keeps the ledger's time as its run left it, so a second cleanup soon after does not wait", async () => {
    const { cache, ledger } = await ledgerOf(DEAD, 'half-done', ['a', 'stuck']);
    const before = (await stat(ledger.file)).mtimeMs;
    await cleanupLedgers(cache, { cleaners: [cleaner([], ['stuck'])], say: () => undefined });
    expect((await stat(ledger.file)).mtimeMs).toBe(before);
    const said: string[] = [];
    await cleanupLedgers(cache, { cleaners: [cleaner([])], say: (line) => said.push(line) });
    expect(said.filter((line) => line.includes('moments ago'))).toEqual([]);
  });

  it('cleans up a version-1 ledger an older Kiln left, keeping it version 1 until it is empty', async () => {
    const cache = await mkdtemp(path.join(tmpdir(), 'kiln-cleanup-'));
    const file = path.join(cache, 'kiln-ledger', 'old-run.json');
    await mkdir(path.dirname(file));
    const resources = ['a', 'stuck', 'b'].map((id) => ({ kind: 'test.thing', id, region: 'r1', build: 'amazon-ebs' }));
    const v1 = { version: 1, runUuid: 'old-run', owner: DEAD, startedAt: '2026-11-27T19:38:20.113Z', resources };
    await writeFile(file, `${JSON.stringify(v1, null, 2)}\n`);
    await diedAMinuteAgo(file);

    const deleted: string[] = [];
    const said: string[] = [];
    const first = await cleanupLedgers(cache, { cleaners: [cleaner(deleted, ['stuck'])], say: (line) => said.push(line) });
    expect(deleted).toEqual(['a', 'b']);
    expect(said[0]).toBe('Run old-run (pid 4194000, started 2026-11-27T19:38:20.113Z) left 3 resources:');
    expect(first.map((r) => [r.file, r.outcome])).toEqual([[file, 'incomplete']]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ ...v1, resources: [resources[1]] });

    const second = await cleanupLedgers(cache, { cleaners: [cleaner(deleted)], say: () => undefined });
    expect(second.map((r) => r.outcome)).toEqual(['cleaned']);
    expect(deleted).toEqual(['a', 'b', 'stuck']);
    await expect(readdir(path.dirname(file))).resolves.toEqual([]);
  });

  it('lists the journals and the version-1 files of dead runs side by side, oldest first', async () => {
    const { cache } = await ledgerOf(DEAD, 'new-run', ['n']);
    const v1 = { version: 1, runUuid: 'old-run', owner: DEAD, startedAt: '2020-01-01T00:00:00.000Z', resources: [{ kind: 'test.thing', id: 'o', build: 'b' }] };
    await writeFile(path.join(cache, 'kiln-ledger', 'old-run.json'), JSON.stringify(v1));
    await diedAMinuteAgo(path.join(cache, 'kiln-ledger', 'old-run.json'));
    const deleted: string[] = [];
    const results = await cleanupLedgers(cache, { cleaners: [cleaner(deleted)], say: () => undefined });
    expect(results.map((r) => [path.basename(r.file), r.outcome])).toEqual([
      ['old-run.json', 'cleaned'],
      ['new-run.jsonl', 'cleaned'],
    ]);
    expect(deleted).toEqual(['o', 'n']);
  });

  it('lists without deleting on a dry run', async () => {
    const { cache } = await ledgerOf(DEAD, 'dry', ['a']);
    const said: string[] = [];
    await cleanupLedgers(cache, { cleaners: [cleaner([])], say: (line) => said.push(line), dryRun: true });
    expect(said.at(-1)).toBe('  would delete test.thing a in r1');
  });

  it('skips a ledger another live cleanup holds the lock of', async () => {
    const { cache } = await ledgerOf(DEAD, 'locked', ['a']);
    await writeFile(path.join(cache, 'kiln-ledger', 'locked.jsonl.lock'), JSON.stringify(currentProcess()));
    const deleted: string[] = [];
    const results = await cleanupLedgers(cache, { cleaners: [cleaner(deleted)], say: () => undefined });
    expect(results[0]!.outcome).toBe('locked');
    expect(deleted).toEqual([]);
  });
});
