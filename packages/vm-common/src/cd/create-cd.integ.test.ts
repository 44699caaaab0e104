import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareCdConfig } from './config.js';
import { createCdImage, findIsoCommand } from './create-cd.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-cd-'));
  await mkdir(join(work, 'cdsrc', 'nested', 'deeper'), { recursive: true });
  await writeFile(join(work, 'cdsrc', 'ks.cfg'), 'kickstart\n');
  await writeFile(join(work, 'cdsrc', 'nested', 'deeper', 'user-data'), '#cloud-config\n');
  await writeFile(join(work, 'meta-data'), 'instance-id: kiln\n');
});
afterEach(() => rm(work, { recursive: true, force: true }));

function xorriso(...args: string[]): string {
  return execFileSync('xorriso', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('createCdImage (cd_files, cd_label)', () => {
  it('makes an ISO with the files at the root, directories by name, and the label', async () => {
    if (!findIsoCommand()) throw new Error('no ISO maker: node tools/testbed/ensure-deps.mjs installs xorriso');
    const says: string[] = [];
    const messages: string[] = [];
    const cd = await createCdImage({
      files: [join(work, 'meta-data'), join(work, 'cdsrc', 'ks.cfg'), join(work, 'cdsrc', 'nested')],
      label: 'cidata',
      ui: { say: (text) => says.push(text), message: (text) => messages.push(text), error: () => undefined, ask: () => Promise.reject(new Error('no')) },
    });
    expect(cd).toBeDefined();
    expect(says).toEqual(['Creating CD disk...']);
    expect(messages.at(-1)).toBe('Done copying paths from CD_dirs');
    const found = xorriso('-indev', cd!.path, '-find', '/', '-type', 'f').split('\n').filter((line) => line.startsWith("'"));
    expect(found.sort()).toEqual(["'/ks.cfg'", "'/meta-data'", "'/nested/deeper/user-data'"]);
    expect(xorriso('-indev', cd!.path, '-pvd_info')).toMatch(/Volume Id\s*:\s*cidata/);
    const extracted = join(work, 'out.cfg');
    xorriso('-osirrox', 'on', '-indev', cd!.path, '-extract', '/ks.cfg', extracted);
    expect(execFileSync('cat', [extracted], { encoding: 'utf8' })).toBe('kickstart\n');
    await cd!.remove();
    expect(existsSync(cd!.path)).toBe(false);
  });

  it('copies the contents of a directory given with a trailing slash, under the default label', async () => {
    const cd = await createCdImage({ files: [`${join(work, 'cdsrc')}/`] });
    const found = xorriso('-indev', cd!.path, '-find', '/', '-type', 'f').split('\n').filter((line) => line.startsWith("'"));
    expect(found.sort()).toEqual(["'/ks.cfg'", "'/nested/deeper/user-data'"]);
    expect(xorriso('-indev', cd!.path, '-pvd_info')).toMatch(/Volume Id\s*:\s*packer/);
    await cd!.remove();
  });

  it("names Packer's list of tools when none is installed", async () => {
    await expect(createCdImage({ files: [join(work, 'meta-data')], path: join(work, 'empty-path') })).rejects.toThrow(
      'could not find a supported CD ISO creation command (the supported commands are: xorriso, mkisofs, hdiutil, oscdimg)',
    );
  });

  it('makes nothing without files', async () => {
    expect(await createCdImage({ files: [] })).toBeUndefined();
  });
});

describe('prepareCdConfig', () => {
  it("reports a missing file as Packer's prepare does", () => {
    expect(prepareCdConfig({ cd_files: ['nocd.txt'] }).errors).toEqual(["Bad CD disk file 'nocd.txt': stat nocd.txt: no such file or directory"]);
    expect(prepareCdConfig({ cd_files: [work], cd_label: 'x' })).toEqual({ files: [work], label: 'x', errors: [] });
  });
});
