import type { TinyVm } from '@kiln/testbed';
import type { QemuConfig } from '../src/index.js';

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
