import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLedger } from './file-ledger.js';
import { listLedgers } from './list-ledgers.js';

/** The ledger a run killed after recording `ids` left (its pid belongs to no process). */
async function leftBehind(runUuid: string, ids: string[]): Promise<{ cache: string; file: string }> {
  const cache = await mkdtemp(path.join(tmpdir(), 'kiln-journal-'));
  const ledger = FileLedger.forRun(cache, runUuid, { pid: 4_194_003, hostname: hostname() });
  for (const id of ids) await ledger.forBuild('b').record({ kind: 'k', id });
  ledger.close();
  return { cache, file: ledger.file };
}

describe('a journal read back', () => {
  it('ignores a last line cut short by a kill, and a later change does not build on it', async () => {
    const { cache, file } = await leftBehind('torn', ['1', '2']);
    await appendFile(file, '{"record":{"kind":"k","id":"3","bu');

    const { ledgers, unreadable } = await listLedgers(cache);
    expect(unreadable).toEqual([]);
    expect(ledgers[0]!.content.resources.map((r) => r.id)).toEqual(['1', '2']);

    const opened = await FileLedger.open(file);
    await opened.forget({ kind: 'k', id: '1' });
    expect(await readFile(file, 'utf8')).not.toContain('"id":"3"');
    expect((await FileLedger.open(file)).resources.map((r) => r.id)).toEqual(['2']);
  });

  it('ignores a last line of zeros (what a crash can leave), and takes a last line that only lacks its newline', async () => {
    const { file } = await leftBehind('ends', ['1']);
    await appendFile(file, '{"forget":{"kind":"k","id":"1","build":"b"}}');
    expect((await FileLedger.open(file)).resources).toEqual([]);

    const zeros = await leftBehind('zeros', ['1']);
    await appendFile(zeros.file, Buffer.alloc(40));
    expect((await FileLedger.open(zeros.file)).resources.map((r) => r.id)).toEqual(['1']);
  });

  it('reports a damaged line that is not the last one with the file and line number', async () => {
    const { cache, file } = await leftBehind('damaged', ['1', '2', '3']);
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[2] = lines[2]!.slice(0, 10);
    await writeFile(file, lines.join('\n'));

    const message = `${file}:3: not a complete line of JSON (only a ledger's last line may be cut short)`;
    await expect(FileLedger.open(file)).rejects.toThrow(message);
    const { ledgers, unreadable } = await listLedgers(cache);
    expect(ledgers).toEqual([]);
    expect(unreadable).toEqual([{ file, error: message }]);
  });

  it('reports a line that is JSON but no change, and a file without a header', async () => {
    const { file } = await leftBehind('odd', ['1']);
    await appendFile(file, '{"remember":{"kind":"k","id":"2"}}\n');
    await expect(FileLedger.open(file)).rejects.toThrow(`${file}:3: neither a record nor a forget`);

    const headless = await leftBehind('headless', ['1']);
    const text = await readFile(headless.file, 'utf8');
    await writeFile(headless.file, text.slice(text.indexOf('\n') + 1));
    await expect(FileLedger.open(headless.file)).rejects.toThrow(`${headless.file} is not a Kiln ledger (its first line is not a version 2 header)`);
  });
});
