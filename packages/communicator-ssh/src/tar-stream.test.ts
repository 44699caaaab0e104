import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkLocal } from './local-tree.js';
import { BatchWriter, ByteReader } from './stream-io.js';
import { entryHeader, parseHeader } from './tar-format.js';
import { extractTar, writeTar } from './tar-stream.js';

let work: string;
let source: string;
const longDir = `${'d'.repeat(120)}/${'e'.repeat(120)}`;
const longFile = `${'f'.repeat(140)}.txt`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-tar-'));
  source = join(work, 'src');
  await mkdir(join(source, 'sub', 'empty'), { recursive: true });
  await mkdir(join(source, longDir), { recursive: true });
  await writeFile(join(source, 'run.sh'), '#!/bin/sh\n');
  await chmod(join(source, 'run.sh'), 0o750);
  await writeFile(join(source, 'sub', "it's é.txt"), Buffer.alloc(70_000, 7));
  await writeFile(join(source, longDir, longFile), 'deep\n');
  await chmod(join(source, 'sub'), 0o700);
});

afterAll(() => rm(work, { recursive: true, force: true }));

async function archive(path: string, prefix: string): Promise<void> {
  const out = createWriteStream(path);
  await writeTar(new BatchWriter(out), walkLocal(source), { prefix, rootMode: 0o755 });
  out.end();
  await finished(out);
}

async function modeOf(path: string): Promise<string> {
  return execFileSync('stat', ['-c', '%a', path]).toString().trim();
}

describe('writeTar', () => {
  it('writes archives GNU tar lists and extracts exactly, long names and modes included', async () => {
    const file = join(work, 'ours.tar');
    await archive(file, 'top');
    const listing = execFileSync('tar', ['-tf', file]).toString().split('\n');
    expect(listing).toContain('top/');
    expect(listing).toContain(`top/${longDir}/${longFile}`);
    const out = join(work, 'gnu-out');
    await mkdir(out);
    execFileSync('tar', ['-x', '-p', '-f', file, '-C', out]);
    expect(await readFile(join(out, 'top', longDir, longFile), 'utf8')).toBe('deep\n');
    expect((await readFile(join(out, 'top', 'sub', "it's é.txt"))).equals(Buffer.alloc(70_000, 7))).toBe(true);
    expect(await modeOf(join(out, 'top', 'run.sh'))).toBe('750');
    expect(await modeOf(join(out, 'top', 'sub'))).toBe('700');
  });

  it('writes a size past 8 GiB in base-256, which GNU tar and our reader both read', async () => {
    // Only the header: the encoding of the size field is what matters.
    const block = entryHeader('huge.img', 'file', 0o644, 9 * 1024 ** 3);
    expect(parseHeader(block)?.size).toBe(9 * 1024 ** 3);
    const file = join(work, 'huge.tar');
    await writeFile(file, Buffer.concat([block, Buffer.alloc(1024)]));
    // tar then fails on the missing data, after listing the entry.
    const listing = spawnSync('tar', ['-tvf', file]).stdout.toString();
    expect(listing).toMatch(/ 9663676416 .* huge\.img/);
  });
});

describe('extractTar', () => {
  it.each(['gnu', 'posix', 'ustar'])('reads what GNU tar writes in %s format', async (format) => {
    const file = join(work, `${format}.tar`);
    const names = format === 'ustar' ? ['run.sh', 'sub'] : ['.'];
    execFileSync('tar', ['-c', `--format=${format}`, '-f', file, '-C', source, ...names]);
    const out = join(work, `from-${format}`);
    await mkdir(out);
    await extractTar(new ByteReader(createReadStream(file)), out);
    expect(await modeOf(join(out, 'run.sh'))).toBe('750');
    expect(await modeOf(join(out, 'sub'))).toBe('700');
    expect((await readFile(join(out, 'sub', "it's é.txt"))).length).toBe(70_000);
    if (format !== 'ustar') expect(await readFile(join(out, longDir, longFile), 'utf8')).toBe('deep\n');
  });

  it('refuses entries that would land outside the destination', async () => {
    const file = join(work, 'evil.tar');
    await writeFile(join(work, 'evil.txt'), 'x');
    execFileSync('tar', ['-c', '-f', file, '-C', work, '--transform', 's,^,../,', 'evil.txt']);
    const out = join(work, 'evil-out');
    await mkdir(out);
    await expect(extractTar(new ByteReader(createReadStream(file)), out)).rejects.toThrow(/refusing to extract \.\.\/evil\.txt/);
  });
});
