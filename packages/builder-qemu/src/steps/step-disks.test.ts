import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KilnError, recordingUi, type StepContext } from '@kiln/sdk';
import { prepareQemuConfig, type QemuConfig } from '../config.js';
import type { QemuDriver } from '../driver.js';
import type { QemuState } from '../state.js';
import { stepConvertDisk, stepCopyDisk, stepCreateDisk, stepResizeDisk } from './step-disks.js';

function fakeDriver(failures: string[] = []) {
  const calls: string[][] = [];
  const driver: QemuDriver = {
    version: async () => '7.2.22',
    start: async () => {
      throw new Error('not used');
    },
    qemuImg: async (args) => {
      calls.push([...args]);
      const failure = failures.shift();
      if (failure) throw new KilnError('STEP_FAILED', `QemuImg error: ${failure}`);
      const target = args[args.length - 1]!;
      if (target.endsWith('.convert')) await writeFile(target, 'converted');
    },
    copy: async (source, target) => void calls.push(['copy', source, target]),
  };
  return { driver, calls };
}

function context(): StepContext<QemuState> & { ui: ReturnType<typeof recordingUi> } {
  return { ui: recordingUi(), signal: new AbortController().signal, provide: () => undefined };
}

const prepare = (raw: QemuConfig) =>
  prepareQemuConfig({ iso_checksum: 'none', ssh_username: 'root', iso_url: 'src.img', output_directory: 'out', ...raw }, { buildName: 'web', kvmAvailable: () => false }).config;

describe('disk steps: the qemu-img commands Packer 1.6.6 runs', () => {
  it('creates the main and additional disks with qemu_img_args.create (as Packer logged)', async () => {
    const { driver, calls } = fakeDriver();
    const config = prepare({ disk_size: '64', disk_additional_size: ['32M'], qemu_img_args: { create: ['-o', 'cluster_size=65536'] } });
    const result = await stepCreateDisk(config, driver).run({ isoPath: '/iso/a.txt' }, context());
    expect(calls).toEqual([
      ['create', '-f', 'qcow2', '-o', 'cluster_size=65536', 'out/packer-web', '64M'],
      ['create', '-f', 'qcow2', '-o', 'cluster_size=65536', 'out/packer-web-1', '32M'],
    ]);
    expect(result).toEqual({ diskPaths: ['out/packer-web', 'out/packer-web-1'] });
  });

  it('creates an overlay backed by the source image with use_backing_file, and copies nothing', async () => {
    const { driver, calls } = fakeDriver();
    const config = prepare({ disk_image: true, use_backing_file: true, vm_name: 'box.qcow2' });
    await stepCreateDisk(config, driver).run({ isoPath: '/images/src.qcow2' }, context());
    await stepCopyDisk(config, driver).run({ isoPath: '/images/src.qcow2' }, context());
    expect(calls).toEqual([['create', '-f', 'qcow2', '-b', '/images/src.qcow2', 'out/box.qcow2', '40960M']]);
  });

  it('copies a disk image whose extension is the format, converts any other', async () => {
    const same = fakeDriver();
    const ctx = context();
    await stepCopyDisk(prepare({ disk_image: true }), same.driver).run({ isoPath: '/images/src.qcow2' }, ctx);
    expect(same.calls).toEqual([['copy', '/images/src.qcow2', 'out/packer-web']]);
    expect(ctx.ui.lines).toEqual(['message: File extension already matches desired output format. Skipping qemu-img convert step']);

    const other = fakeDriver();
    await stepCopyDisk(prepare({ disk_image: true, qemu_img_args: { convert: ['-m', '4'] } }), other.driver).run({ isoPath: '/images/src.img' }, context());
    expect(other.calls).toEqual([['convert', '-m', '4', '-O', 'qcow2', '/images/src.img', 'out/packer-web']]);
  });

  it('resizes a disk image to disk_size unless skip_resize_disk', async () => {
    const { driver, calls } = fakeDriver();
    await stepResizeDisk(prepare({ disk_image: true, disk_size: '1G', qemu_img_args: { resize: ['--shrink'] } }), driver).run({}, context());
    await stepResizeDisk(prepare({ disk_image: true, skip_resize_disk: true }), driver).run({}, context());
    await stepResizeDisk(prepare({}), driver).run({}, context());
    expect(calls).toEqual([['resize', '-f', 'qcow2', '--shrink', 'out/packer-web', '1G']]);
  });

  it('wraps qemu-img failures in Packer words', async () => {
    const { driver } = fakeDriver(['Could not create']);
    await expect(stepCreateDisk(prepare({}), driver).run({}, context())).rejects.toThrow('Error creating hard drive: QemuImg error: Could not create');
  });
});

describe('stepConvertDisk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-convert-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('compacts (and compresses) into <name>.convert, retries while QEMU holds the lock, then moves it over', async () => {
    const { driver, calls } = fakeDriver(['Failed to get shared "write" lock']);
    await writeFile(join(dir, 'packer-web'), 'original');
    const ctx = context();
    await stepConvertDisk(prepare({ output_directory: dir, disk_compression: true }), driver, 1).run({}, ctx);
    const expected = ['convert', '-c', '-O', 'qcow2', join(dir, 'packer-web'), join(dir, 'packer-web.convert')];
    expect(calls).toEqual([expected, expected]);
    expect(await readFile(join(dir, 'packer-web'), 'utf8')).toBe('converted');
    expect(ctx.ui.lines).toEqual(['say: Converting hard drive...']);
  });

  it('does nothing with skip_compaction, nor for raw images', async () => {
    const { driver, calls } = fakeDriver();
    await stepConvertDisk(prepare({ skip_compaction: true }), driver).run({}, context());
    await stepConvertDisk(prepare({ format: 'raw' }), driver).run({}, context());
    expect(calls).toEqual([]);
  });
});
