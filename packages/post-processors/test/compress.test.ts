import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CompressPostProcessor, compressPostProcessorPlugin } from '../src/index.js';
import { fakeArtifact, freshDir, inDir, postProcessContext, prepareContext } from './fakes.js';
import { decodeLz4Frame } from './lz4-decode.js';
import { hasPacker, packerArtifacts, packerUiLines, runPacker } from '@kiln/testbed';

const hasTool = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const run = (command: string, args: readonly string[], cwd: string) => spawnSync(command, args, { cwd, encoding: 'buffer' });

/** Two input files as Packer's file builder makes them (mode 0600), in `dir`. */
function inputs(dir: string): string[] {
  mkdirSync(join(dir, 'out'), { recursive: true });
  writeFileSync(join(dir, 'out/f.txt'), 'hello hello hello hello\n', { mode: 0o600 });
  writeFileSync(join(dir, 'out/g.bin'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256)), { mode: 0o644 });
  return ['out/f.txt', 'out/g.bin'];
}

async function compress(dir: string, config: object, files: readonly string[], signal?: AbortSignal) {
  const pp = new CompressPostProcessor();
  pp.prepare(config, prepareContext);
  const { ctx, ui } = postProcessContext({}, signal);
  const result = await inDir(dir, () => pp.postProcess(fakeArtifact(files), ctx));
  return { result, lines: ui.lines };
}

describe('compress: options', () => {
  it('declares its options; output is rendered late', () => {
    expect(Object.keys(compressPostProcessorPlugin.schema.properties ?? {}).sort()).toEqual(['compression_level', 'format', 'output']);
    expect(compressPostProcessorPlugin.schema.properties?.['output']?.['x-kiln-late-render']).toBe(true);
  });
});

describe('compress: archives a user can open', () => {
  const dir = freshDir();
  const files = inputs(dir);
  const original = files.map((file) => readFileSync(join(dir, file)));

  it('tar: GNU tar lists the base names with their modes', async () => {
    const { result, lines } = await compress(dir, { output: 'a/x.tar' }, files);
    expect(lines).toEqual(['say: Tarring a/x.tar with no compression', 'say: Archive a/x.tar completed']);
    expect(result).toMatchObject({ keep: false, forceOverride: false });
    expect(result.artifact).toMatchObject({ builderId: 'packer.post-processor.compress', id: '', files: ['a/x.tar'] });
    expect(result.artifact?.describe()).toBe('compressed artifacts in: a/x.tar');
    const listing = run('tar', ['-tvf', 'a/x.tar'], dir).stdout.toString();
    expect(listing).toMatch(/^-rw------- .* 24 1970-01-01 00:00 f\.txt\n-rw-r--r-- .* 3000 1970-01-01 00:00 g\.bin\n$/);
    expect(run('tar', ['-xOf', 'a/x.tar', 'g.bin'], dir).stdout.equals(original[1] as Buffer)).toBe(true);
  });

  it.each([
    ['x.tar.gz', (bytes: Buffer) => gunzipSync(bytes), 'pgzip'],
    ['x.tar.bgzf', (bytes: Buffer) => gunzipSync(bytes), 'bgzf'],
    ['x.tar.lz4', (bytes: Buffer) => decodeLz4Frame(bytes), 'lz4'],
  ])('%s holds the same tar, compressed', async (name, decompress, algorithm) => {
    const { lines } = await compress(dir, { output: `a/${name}` }, files);
    expect(lines).toEqual([
      `say: Using ${algorithm} compression with ${(await import('node:os')).availableParallelism()} cores for a/${name}`,
      `say: Tarring a/${name} with ${algorithm}`,
      `say: Archive a/${name} completed`,
    ]);
    if (!existsSync(join(dir, 'a/x.tar'))) await compress(dir, { output: 'a/x.tar' }, files);
    expect(decompress(readFileSync(join(dir, 'a', name))).equals(readFileSync(join(dir, 'a/x.tar')))).toBe(true);
  });

  for (const [tool, name] of [
    ['gzip', 'x.gz'],
    ['gzip', 'x.bgzf'],
    ['xz', 'x.xz'],
    ['lz4', 'x.lz4'],
  ] as const) {
    it.skipIf(!hasTool(tool))(`one file: ${tool} tests ${name} and reads it back`, async () => {
      await compress(dir, { output: `b/${name}` }, [files[0] as string]);
      expect(run(tool, ['-t', `b/${name}`], dir).status).toBe(0);
      expect(run(tool, ['-dc', `b/${name}`], dir).stdout.equals(original[0] as Buffer)).toBe(true);
    });
  }

  it.skipIf(!hasTool('xz'))('tar.xz: xz reads it back to the same tar', async () => {
    await compress(dir, { output: 'a/x.tar.xz' }, files);
    if (!existsSync(join(dir, 'a/x.tar'))) await compress(dir, { output: 'a/x.tar' }, files);
    expect(run('xz', ['-dc', 'a/x.tar.xz'], dir).stdout.equals(readFileSync(join(dir, 'a/x.tar')))).toBe(true);
  });

  it.skipIf(!hasTool('unzip'))('zip: unzip tests it and finds the paths as given', async () => {
    const { lines } = await compress(dir, { output: 'c/x', format: 'zip' }, files);
    expect(lines).toEqual(['say: Zipping c/x', 'say: Archive c/x completed']);
    expect(run('unzip', ['-tq', 'c/x'], dir).status).toBe(0);
    expect(run('unzip', ['-Z1', 'c/x'], dir).stdout.toString()).toBe('out/f.txt\nout/g.bin\n');
    expect(run('unzip', ['-p', 'c/x', 'out/g.bin'], dir).stdout.equals(original[1] as Buffer)).toBe(true);
  });
});

describe('compress: failures leave nothing behind', () => {
  it("refuses several files without tar or zip, in Packer's words", async () => {
    const dir = freshDir();
    const files = inputs(dir);
    await expect(compress(dir, { output: 'x.gz' }, files)).rejects.toThrow(
      'Can only have 1 input file when not using tar/zip. Found 2 files: [out/f.txt out/g.bin]',
    );
    expect(existsSync(join(dir, 'x.gz'))).toBe(false);
  });

  it('reports a missing input and removes the partial archive', async () => {
    const dir = freshDir();
    const files = inputs(dir);
    await expect(compress(dir, { output: 'x.tar.gz' }, [...files, 'out/nope'])).rejects.toThrow(
      'Error creating tar: Unable to read file out/nope: open out/nope: no such file or directory',
    );
    await expect(compress(dir, { output: 'y.gz' }, ['out/nope'])).rejects.toThrow(
      'Failed to open source file out/nope for reading: open out/nope: no such file or directory',
    );
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('stops on cancel without leaving a file', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'big'), Buffer.alloc(64 * 1024 * 1024, 1));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(compress(dir, { output: 'big.tar.gz' }, ['big'], controller.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(dir)).toEqual(['big']);
    rmSync(dir, { recursive: true });
  });
});

describe.skipIf(!hasPacker)('compress: as Packer 1.6.6 does it', () => {
  const outputs = ['p/x.tar', 'p/x.tar.gz', 'p/x.zip', 'p/x.tgz', 'p/x.lz4', 'p/x.bgzf', 'p/x.xz'];
  const packerDir = freshDir();
  inputs(packerDir);
  const { stdout } = runPacker(
    packerDir,
    {
      builders: [{ type: 'file', name: 'web', target: 'out/f.txt', content: 'hello hello hello hello\n' }],
      'post-processors': outputs.map((output) => [{ type: 'compress', output, keep_input_artifact: true }]),
    },
    ['build', '-parallel-builds=1'],
  );
  const packerLines = packerUiLines(stdout, 'web').filter((line) => !line.includes('Running post-processor'));

  it('says the same, and makes the same artifacts', async () => {
    const kilnDir = freshDir();
    inputs(kilnDir);
    const kilnLines: string[] = [];
    const describe: string[] = [];
    for (const output of outputs) {
      const { lines, result } = await compress(kilnDir, { output }, ['out/f.txt']);
      kilnLines.push(...lines);
      describe.push(result.artifact?.describe() ?? '');
    }
    expect(packerLines).toHaveLength(outputs.length * 2 + 5);
    expect(kilnLines).toEqual(packerLines);
    expect(packerArtifacts(stdout, 'web').slice(1).map((a) => a['string'])).toEqual(describe);
    // tar has no compression to differ in: the bytes are Packer's.
    expect(readFileSync(join(kilnDir, 'p/x.tar')).equals(readFileSync(join(packerDir, 'p/x.tar')))).toBe(true);
    expect(gunzipSync(readFileSync(join(kilnDir, 'p/x.tgz'))).equals(gunzipSync(readFileSync(join(packerDir, 'p/x.tgz'))))).toBe(true);
  });

  it.skipIf(!hasTool('unzip'))('zips the same entries (name, method, size, CRC)', async () => {
    const kilnDir = freshDir();
    inputs(kilnDir);
    await compress(kilnDir, { output: 'p/x.zip' }, ['out/f.txt']);
    const entries = (dir: string) =>
      run('unzip', ['-Zv', 'p/x.zip'], dir)
        .stdout.toString()
        .split('\n')
        .filter((line) => /^\s*(file system or operating system of origin|version of encoding software|minimum software version|compression method|file security status|32-bit CRC value|uncompressed size|length of filename|extended local header|file last modified)/.test(line));
    expect(entries(kilnDir)).toEqual(entries(packerDir));
    expect(entries(kilnDir).length).toBeGreaterThan(5);
  });
});
