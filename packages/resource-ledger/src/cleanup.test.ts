import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
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
  return { cache, ledger };
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
    await (await FileLedger.open(path.join(cache, 'kiln-ledger', 'partly.json'))).forBuild('b').record({ kind: 'other.thing', id: 'x' });
    const said: string[] = [];
    const results = await cleanupLedgers(cache, { cleaners: [cleaner([], ['stuck'])], say: (line) => said.push(line) });
    expect(results[0]!.outcome).toBe('incomplete');
    expect(results[0]!.remaining.map((e) => e.id).sort()).toEqual(['stuck', 'x']);
    expect(said).toContain('  no cleaner knows other.thing x');
    const again = await FileLedger.open(path.join(cache, 'kiln-ledger', 'partly.json'));
    expect(again.resources.map((e) => e.id).sort()).toEqual(['stuck', 'x']);
  });

  it('lists without deleting on a dry run', async () => {
    const { cache } = await ledgerOf(DEAD, 'dry', ['a']);
    const said: string[] = [];
    await cleanupLedgers(cache, { cleaners: [cleaner([])], say: (line) => said.push(line), dryRun: true });
    expect(said.at(-1)).toBe('  would delete test.thing a in r1');
  });

  it('skips a ledger another live cleanup holds the lock of', async () => {
    const { cache } = await ledgerOf(DEAD, 'locked', ['a']);
    await writeFile(path.join(cache, 'kiln-ledger', 'locked.json.lock'), JSON.stringify(currentProcess()));
    const deleted: string[] = [];
    const results = await cleanupLedgers(cache, { cleaners: [cleaner(deleted)], say: () => undefined });
    expect(results[0]!.outcome).toBe('locked');
    expect(deleted).toEqual([]);
  });
});
