import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCommand } from '../../test/support/commands.js';
import { prepareFloppyConfig } from './config.js';
import { createFloppyImage } from './create-floppy.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-floppy-'));
  await mkdir(join(work, 'flat', 'inner'), { recursive: true });
  await mkdir(join(work, 'tree', 'scripts', 'empty'), { recursive: true });
  await writeFile(join(work, 'Autounattend.xml'), '<unattend/>\n');
  await writeFile(join(work, 'a.ps1'), 'Write-Host a\n');
  await writeFile(join(work, 'b.ps1'), 'Write-Host b\n');
  await writeFile(join(work, 'flat', 'inner', 'deep.txt'), 'flattened\n');
  await writeFile(join(work, 'tree', 'scripts', 'setup with a long name.cmd'), 'x'.repeat(3000));
});
afterEach(() => rm(work, { recursive: true, force: true }));

/** mtools reads the image as a real FAT driver would. */
function mtools(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', env: { ...process.env } });
}

describe('createFloppyImage (floppy_files, floppy_dirs, floppy_label)', () => {
  it('writes a 1.44 MB FAT12 image that mtools reads back, long names included', async () => {
    if (!hasCommand('mtype')) throw new Error('mtools is missing: node tools/testbed/ensure-deps.mjs installs it');
    const messages: string[] = [];
    const says: string[] = [];
    const floppy = await createFloppyImage({
      files: [join(work, 'Autounattend.xml'), join(work, '*.ps1'), join(work, 'flat')],
      directories: [join(work, 'tree', 'scripts')],
      label: 'winsetup',
      ui: { say: (text) => says.push(text), message: (text) => messages.push(text), error: () => undefined, ask: () => Promise.reject(new Error('no')) },
    });
    expect(floppy).toBeDefined();
    const image = floppy!.path;
    expect((await stat(image)).size).toBe(1_474_560);
    expect(says).toEqual(['Creating floppy disk...']);
    expect(messages).toEqual([
      'Copying files flatly from floppy_files',
      `Copying file: ${join(work, 'Autounattend.xml')}`,
      `Copying file: ${join(work, 'a.ps1')}`,
      `Copying file: ${join(work, 'b.ps1')}`,
      `Copying directory: ${join(work, 'flat')}`,
      `Adding file: ${join(work, 'flat', 'inner', 'deep.txt')}`,
      'Done copying files from floppy_files',
      'Collecting paths from floppy_dirs',
      `Resulting paths from floppy_dirs : [${join(work, 'tree', 'scripts')}]`,
      `Recursively copying : ${join(work, 'tree', 'scripts')}`,
      'Done copying paths from floppy_dirs',
    ]);
    expect(mtools('mtype', '-i', image, '::/Autounattend.xml')).toBe('<unattend/>\n');
    expect(mtools('mtype', '-i', image, '::/a.ps1')).toBe('Write-Host a\n');
    expect(mtools('mtype', '-i', image, '::/deep.txt')).toBe('flattened\n');
    expect(mtools('mtype', '-i', image, '::/scripts/setup with a long name.cmd')).toBe('x'.repeat(3000));
    const root = mtools('mdir', '-b', '-i', image, '::/');
    expect(root.split('\n').filter(Boolean).sort()).toEqual(
      ['::/Autounattend.xml', '::/a.ps1', '::/b.ps1', '::/deep.txt', '::/scripts/'].sort(),
    );
    expect(mtools('mdir', '-b', '-i', image, '::/scripts').split('\n').filter(Boolean).sort()).toEqual([
      '::/scripts/empty/',
      '::/scripts/setup with a long name.cmd',
    ]);
    expect(mtools('mlabel', '-s', '-i', image, '::')).toMatch(/WINSETUP/);
    // minfo parses the boot sector's geometry, which mtools checks against the FAT.
    expect(() => mtools('minfo', '-i', image, '::')).not.toThrow();
    await floppy!.remove();
    expect(existsSync(image)).toBe(false);
  });

  it('makes nothing without files, and reports a missing file', async () => {
    expect(await createFloppyImage({})).toBeUndefined();
    await expect(createFloppyImage({ files: [join(work, 'missing.xml')] })).rejects.toThrow(
      `Error trying to stat : ${join(work, 'missing.xml')} : stat ${join(work, 'missing.xml')}: no such file or directory`,
    );
  });

  it('refuses more than a floppy holds', async () => {
    await writeFile(join(work, 'big.bin'), Buffer.alloc(1_500_000));
    await expect(createFloppyImage({ files: [join(work, 'big.bin')] })).rejects.toThrow(/^Error creating floppy: /);
  });
});

describe('prepareFloppyConfig', () => {
  it("reports missing paths as Packer's prepare does, leaving globs to run time", () => {
    expect(prepareFloppyConfig({ floppy_files: ['nofile.txt', '*.none'], floppy_dirs: ['nodir'] }).errors).toEqual([
      "Bad Floppy disk file 'nofile.txt': stat nofile.txt: no such file or directory",
      "Bad Floppy disk directory 'nodir': stat nodir: no such file or directory",
    ]);
    expect(prepareFloppyConfig({}).label).toBe('packer');
  });
});
