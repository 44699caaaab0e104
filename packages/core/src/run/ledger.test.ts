import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseLedgerFile } from '@kiln/resource-ledger';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLedger } from './ledger.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('FileLedger', () => {
  it('writes each resource before it exists, tagged with its build, and removes the file once all are gone', async () => {
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'kiln-ledger-'));
    dirs.push(cacheDir);
    const ledger = new FileLedger(cacheDir, 'run-1');
    expect(existsSync(ledger.file)).toBe(false);

    const web = ledger.forBuild('web');
    const instance = { kind: 'ec2-instance', id: 'i-123', region: 'eu-west-1' };
    await web.record(instance);
    await ledger.forBuild('db').record({ kind: 'key-pair', id: 'packer_1' });
    expect(parseLedgerFile(await readFile(ledger.file, 'utf8'), ledger.file)).toMatchObject({
      runUuid: 'run-1',
      owner: { pid: process.pid },
      resources: [
        { ...instance, build: 'web' },
        { kind: 'key-pair', id: 'packer_1', build: 'db' },
      ],
    });

    await web.forget(instance);
    await ledger.forBuild('db').forget({ kind: 'key-pair', id: 'packer_1' });
    expect(existsSync(ledger.file)).toBe(false);
  });
});
