import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsChildArgs } from '@kiln/testbed/ts-child';
import { FileLedger } from './file-ledger.js';
import { parseLedgerFile } from './ledger-file.js';
import { listLedgers } from './list-ledgers.js';
import { currentProcess } from './process-identity.js';

const tempDir = () => mkdtemp(path.join(tmpdir(), 'kiln-ledger-'));

describe('FileLedger', () => {
  it('writes nothing until the first record, then the run, its owner and the entries', async () => {
    const cache = await tempDir();
    const ledger = FileLedger.forRun(cache, 'run-1');
    await expect(readdir(cache)).resolves.toEqual([]);
    await ledger.forBuild('amazon-ebs').record({ kind: 'aws.ec2.key-pair', id: 'packer_1', region: 'us-east-1' });
    const content = parseLedgerFile(await readFile(ledger.file, 'utf8'), ledger.file);
    expect(ledger.file).toBe(path.join(cache, 'kiln-ledger', 'run-1.json'));
    expect(content.owner).toEqual(currentProcess());
    expect(content.resources).toEqual([{ kind: 'aws.ec2.key-pair', id: 'packer_1', region: 'us-east-1', build: 'amazon-ebs' }]);
  });

  it('updates an entry in place when the same resource is recorded again (its id became known)', async () => {
    const ledger = FileLedger.forRun(await tempDir(), 'run-2');
    const build = ledger.forBuild('b');
    await build.record({ kind: 'aws.ec2.security-group', id: 'packer_sg', region: 'r', detail: { vpcId: 'vpc-1' } });
    await build.record({ kind: 'aws.ec2.security-group', id: 'packer_sg', region: 'r', detail: { groupId: 'sg-9' } });
    const { resources } = parseLedgerFile(await readFile(ledger.file, 'utf8'), ledger.file);
    expect(resources).toEqual([
      { kind: 'aws.ec2.security-group', id: 'packer_sg', region: 'r', build: 'b', detail: { vpcId: 'vpc-1', groupId: 'sg-9' } },
    ]);
  });

  it('removes the file once the last resource is forgotten, and leaves no temporary file', async () => {
    const cache = await tempDir();
    const ledger = FileLedger.forRun(cache, 'run-3');
    const build = ledger.forBuild('b');
    await build.record({ kind: 'k', id: '1' });
    await build.record({ kind: 'k', id: '2' });
    await build.forget({ kind: 'k', id: '1' });
    expect(parseLedgerFile(await readFile(ledger.file, 'utf8'), ledger.file).resources.map((r) => r.id)).toEqual(['2']);
    await build.forget({ kind: 'k', id: '2' });
    await expect(readdir(path.join(cache, 'kiln-ledger'))).resolves.toEqual([]);
  });

  it('keeps builds apart: forgetting in one build leaves the same id of another', async () => {
    const ledger = FileLedger.forRun(await tempDir(), 'run-4');
    await ledger.forBuild('a').record({ kind: 'k', id: 'x' });
    await ledger.forBuild('b').record({ kind: 'k', id: 'x' });
    await ledger.forBuild('a').forget({ kind: 'k', id: 'x' });
    expect(ledger.resources).toEqual([{ kind: 'k', id: 'x', build: 'b' }]);
  });

  it('has every record on disk when the process is killed with SIGKILL right after', async () => {
    const cache = await tempDir();
    const moduleUrl = new URL('./file-ledger.ts', import.meta.url).href;
    // A child that records 20 resources, says so, then waits to be killed.
    const script = `
      const { FileLedger } = await import(${JSON.stringify(moduleUrl)});
      const ledger = FileLedger.forRun(${JSON.stringify(cache)}, 'killed').forBuild('b');
      for (let i = 0; i < 20; i++) await ledger.record({ kind: 'k', id: String(i) });
      process.stdout.write('recorded\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, [...tsChildArgs(), '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const { ledgers } = await listLedgers(cache);
    expect(ledgers).toHaveLength(1);
    expect(ledgers[0]!.owner).toBe('dead');
    expect(ledgers[0]!.content.resources.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });
});
