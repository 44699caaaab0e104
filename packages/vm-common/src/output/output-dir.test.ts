import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputDirectoryOf } from './config.js';
import { prepareOutputDir, validateOutputDir } from './output-dir.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-output-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

const collect = (lines: string[]) => ({
  say: (text: string) => void lines.push(text),
  message: () => undefined,
  error: () => undefined,
  ask: () => Promise.reject(new Error('no')),
});

describe('prepareOutputDir', () => {
  it('creates the directory and removes it only when the build failed or was cancelled', async () => {
    const lines: string[] = [];
    const path = join(work, 'output-qemu');
    const output = await prepareOutputDir({ path, force: false, ui: collect(lines) });
    expect(await readdir(path)).toEqual([]);
    await output.cleanup({ failed: false });
    expect(existsSync(path)).toBe(true);
    await writeFile(join(path, 'disk.qcow2'), 'x');
    await output.cleanup({ failed: true });
    expect(existsSync(path)).toBe(false);
    expect(lines).toEqual(['Deleting output directory...']);
  });

  it("refuses an existing directory without -force, in Packer's words", async () => {
    const path = join(work, 'out');
    await mkdir(path);
    await expect(prepareOutputDir({ path, force: false })).rejects.toThrow(`Output directory exists: ${path}\n\nUse the force flag to delete it prior to building.`);
    expect(validateOutputDir(path, false)).toEqual([`Output directory '${path}' already exists. It must not exist.`]);
    expect(validateOutputDir(path, true)).toEqual([]);
  });

  it('deletes the previous directory with -force', async () => {
    const lines: string[] = [];
    const path = join(work, 'out');
    await mkdir(path);
    await writeFile(join(path, 'old.vmdk'), 'old');
    await prepareOutputDir({ path, force: true, ui: collect(lines) });
    expect(await readdir(path)).toEqual([]);
    expect(lines).toEqual(['Deleting previous output directory...']);
  });

  it('defaults to output-<build name>', () => {
    expect(outputDirectoryOf({}, 'qemu')).toBe('output-qemu');
    expect(outputDirectoryOf({ output_directory: 'out' }, 'qemu')).toBe('out');
  });
});
