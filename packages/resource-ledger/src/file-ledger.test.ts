import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsChildArgs } from '@kiln/testbed/ts-child';
import { FileLedger } from './file-ledger.js';
import { parseLedgerFile } from './ledger-file.js';
import { listLedgers } from './list-ledgers.js';
import { currentProcess } from './process-identity.js';

/** The files under `dir` this process has open (Linux). */
function openFilesUnder(dir: string): string[] {
  const targets = readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return ''; // the descriptor readdir itself had open
    }
  });
  return targets.filter((target) => target.startsWith(`${dir}${path.sep}`));
}

const tempDir = () => mkdtemp(path.join(tmpdir(), 'kiln-ledger-'));

/** The journal's lines, parsed: what a reader of the file sees. */
async function linesOf(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
}

describe('FileLedger', () => {
  it('writes nothing until the first record, then a header line and a line for the record', async () => {
    const cache = await tempDir();
    const ledger = FileLedger.forRun(cache, 'run-1');
    await expect(readdir(cache)).resolves.toEqual([]);
    await ledger.forBuild('amazon-ebs').record({ kind: 'aws.ec2.key-pair', id: 'packer_1', region: 'us-east-1' });
    expect(ledger.file).toBe(path.join(cache, 'kiln-ledger', 'run-1.jsonl'));
    const [header, ...changes] = await linesOf(ledger.file);
    expect(header).toEqual({ version: 2, runUuid: 'run-1', owner: currentProcess(), startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(changes).toEqual([{ record: { kind: 'aws.ec2.key-pair', id: 'packer_1', region: 'us-east-1', build: 'amazon-ebs' } }]);
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

  it('starts a new file, header first, when a resource is recorded after the ledger was emptied', async () => {
    const cache = await tempDir();
    const ledger = FileLedger.forRun(cache, 'run-5');
    const build = ledger.forBuild('b');
    await build.record({ kind: 'k', id: '1' });
    const [firstHeader] = await linesOf(ledger.file);
    await build.forget({ kind: 'k', id: '1' });
    await expect(readdir(path.join(cache, 'kiln-ledger'))).resolves.toEqual([]);
    await build.record({ kind: 'k', id: '2' });
    await expect(linesOf(ledger.file)).resolves.toEqual([firstHeader, { record: { kind: 'k', id: '2', build: 'b' } }]);
  });

  it('keeps builds apart: forgetting in one build leaves the same id of another', async () => {
    const ledger = FileLedger.forRun(await tempDir(), 'run-4');
    await ledger.forBuild('a').record({ kind: 'k', id: 'x' });
    await ledger.forBuild('b').record({ kind: 'k', id: 'x' });
    await ledger.forBuild('a').forget({ kind: 'k', id: 'x' });
    expect(ledger.resources).toEqual([{ kind: 'k', id: 'x', build: 'b' }]);
  });

  it('reads back through open() what was recorded, updated and forgotten, and goes on from there', async () => {
    const cache = await tempDir();
    const ledger = FileLedger.forRun(cache, 'round-trip');
    await ledger.forBuild('a').record({ kind: 'k', id: 'x', region: 'r1', detail: { step: 'create' } });
    await ledger.forBuild('b').record({ kind: 'k', id: 'x', region: 'r1' });
    await ledger.forBuild('a').record({ kind: 'k', id: 'y' });
    await ledger.forBuild('a').record({ kind: 'k', id: 'x', region: 'r1', detail: { state: 'running' } });
    await ledger.forBuild('a').record({ kind: 'k', id: 'z' });
    await ledger.forBuild('a').forget({ kind: 'k', id: 'y' });
    // No build: forgotten from every build, as kiln cleanup forgets what it deleted.
    await ledger.forget({ kind: 'k', id: 'x', region: 'r1' });
    await ledger.forBuild('b').record({ kind: 'k', id: 'w', detail: { a: '1' } });

    const { startedAt } = parseLedgerFile(await readFile(ledger.file, 'utf8'), ledger.file);
    const opened = await FileLedger.open(ledger.file);
    expect(opened.file).toBe(ledger.file);
    expect(opened.resources).toEqual(ledger.resources);
    expect(opened.resources).toEqual([
      { kind: 'k', id: 'z', build: 'a' },
      { kind: 'k', id: 'w', build: 'b', detail: { a: '1' } },
    ]);

    // The first change to a journal read back starts it afresh from what it holds, then appends.
    await opened.forget({ kind: 'k', id: 'z' });
    await opened.forBuild('b').record({ kind: 'k', id: 'w', detail: { b: '2' } });
    await expect(linesOf(ledger.file)).resolves.toEqual([
      { version: 2, runUuid: 'round-trip', owner: currentProcess(), startedAt },
      { record: { kind: 'k', id: 'w', build: 'b', detail: { a: '1' } } },
      { record: { kind: 'k', id: 'w', build: 'b', detail: { b: '2' } } },
    ]);
    const again = await FileLedger.open(ledger.file);
    expect(again.resources).toEqual([{ kind: 'k', id: 'w', build: 'b', detail: { a: '1', b: '2' } }]);
    await again.forget({ kind: 'k', id: 'w' });
    await expect(readdir(path.join(cache, 'kiln-ledger'))).resolves.toEqual([]);
  });

  it('appends one line a change to the same file, each on disk by the time its promise resolves', async () => {
    const ledger = FileLedger.forRun(await tempDir(), 'many');
    const build = ledger.forBuild('b');
    await build.record({ kind: 'k', id: 'first' });
    const { ino } = await stat(ledger.file);
    let text = await readFile(ledger.file, 'utf8');
    const expectAppended = async (change: object): Promise<void> => {
      const line = `${JSON.stringify(change)}\n`;
      const now = await readFile(ledger.file, 'utf8');
      expect(now).toBe(text + line);
      text = now;
    };
    for (let i = 0; i < 100; i++) {
      const entry = { kind: 'aws.ec2.instance', id: `i-${String(i).padStart(4, '0')}`, region: 'us-east-1' };
      await build.record(entry);
      await expectAppended({ record: { ...entry, build: 'b' } });
    }
    for (let i = 0; i < 100; i += 10) {
      const entry = { kind: 'aws.ec2.instance', id: `i-${String(i).padStart(4, '0')}`, region: 'us-east-1' };
      await build.forget(entry);
      await expectAppended({ forget: { ...entry, build: 'b' } });
    }
    // Header, first, 100 records and 10 forgets; every record line the same length: linear growth.
    expect(text.split('\n')).toHaveLength(1 + 1 + 100 + 10 + 1);
    expect((await stat(ledger.file)).size).toBe(Buffer.byteLength(text));
    expect((await stat(ledger.file)).ino).toBe(ino);
    expect(ledger.resources).toHaveLength(91);
  });

  it.skipIf(!existsSync('/proc/self/fd'))('holds its file open only while it has entries, or until closed', async () => {
    const cache = await tempDir();
    const ledger = FileLedger.forRun(cache, 'fds');
    const build = ledger.forBuild('b');
    await build.record({ kind: 'k', id: '1' });
    await build.record({ kind: 'k', id: '2' });
    expect(openFilesUnder(cache)).toEqual([ledger.file]);
    await build.forget({ kind: 'k', id: '1' });
    await build.forget({ kind: 'k', id: '2' });
    expect(openFilesUnder(cache)).toEqual([]);
    await build.record({ kind: 'k', id: '3' });
    ledger.close();
    expect(openFilesUnder(cache)).toEqual([]);
    await build.record({ kind: 'k', id: '4' });
    expect((await FileLedger.open(ledger.file)).resources.map((r) => r.id)).toEqual(['3', '4']);
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
