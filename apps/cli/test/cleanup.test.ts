import { mkdtemp, utimes } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { FileLedger } from '@kiln/resource-ledger';
import { describe, expect, it } from 'vitest';
import { runKiln } from './run-kiln.js';

/** A ledger left by a run whose process is gone (Linux pids stay below 2^22). */
async function deadRun(cacheDir: string, entries: { kind: string; id: string; region?: string }[]): Promise<void> {
  const ledger = FileLedger.forRun(cacheDir, 'dead-run', { pid: 4_194_002, hostname: hostname() });
  for (const entry of entries) await ledger.forBuild('amazon-ebs').record(entry);
  // It died a minute ago: kiln cleanup has no call of it to wait for.
  const then = new Date(Date.now() - 60_000);
  await utimes(ledger.file, then, then);
}

describe('kiln cleanup', () => {
  it('says there is nothing to do when no build left a ledger', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'kiln-cleanup-cli-'));
    const run = await runKiln(['cleanup'], { cwd });
    expect(run).toEqual({ code: 0, stdout: `No ledgers in ${path.join(cwd, 'packer_cache')}: nothing to clean up.\n`, stderr: '' });
  });

  it('-dry-run lists what a dead run left, from PACKER_CACHE_DIR', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'kiln-cleanup-cli-'));
    const cacheDir = path.join(cwd, 'elsewhere');
    await deadRun(cacheDir, [{ kind: 'aws.ec2.key-pair', id: 'packer_1', region: 'us-east-1' }]);
    const run = await runKiln(['cleanup', '-dry-run'], { cwd, env: { PACKER_CACHE_DIR: cacheDir } });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(1)).toEqual(['  would delete aws.ec2.key-pair packer_1 in us-east-1', '']);
    expect(run.stdout).toMatch(/^Run dead-run \(pid 4194002, started .+\) left 1 resource:\n/);
  });

  it('exits 1 and keeps the ledger when something could not be deleted', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'kiln-cleanup-cli-'));
    await deadRun(path.join(cwd, 'packer_cache'), [{ kind: 'gcp.instance', id: 'x' }]);
    const run = await runKiln(['cleanup'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  no cleaner knows gcp.instance x\n  still there: gcp.instance x\n1 resource(s) could not be deleted; run kiln cleanup again later.\n');
  });
});
