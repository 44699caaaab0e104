import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTinyVm, type TinyVm } from '@kiln/testbed';
import { afterAll, beforeAll } from 'vitest';
import type { QemuConfig } from '../src/index.js';

/**
 * For one describe block: the tiny guest (built once and cached) and a temp work directory, handed
 * to `ready` before its tests; the directory is removed after them.
 */
export function withTinyVm(workPrefix: string, ready: (vm: TinyVm, work: string) => void): void {
  let work: string | undefined;
  beforeAll(async () => {
    const vm = await ensureTinyVm();
    work = await mkdtemp(join(tmpdir(), workPrefix));
    ready(vm, work);
  }, 600_000);
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });
}

/** A qemu builder config that boots the testbed's tiny guest straight from its disk, under TCG. */
export function tinyVmConfig(vm: TinyVm, outputDir: string): QemuConfig {
  return {
    vm_name: 'tinyvm.qcow2',
    output_directory: outputDir,
    disk_image: true,
    iso_url: vm.disk,
    iso_checksum: 'none',
    skip_resize_disk: true,
    accelerator: 'tcg',
    headless: true,
    memory: 256,
    boot_wait: '1s',
    qemuargs: vm.qemuArgs(),
    ssh_username: vm.username,
    ssh_private_key_file: vm.privateKeyPath,
    shutdown_command: 'poweroff',
  };
}
