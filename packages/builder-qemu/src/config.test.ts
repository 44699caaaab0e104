import { describe, expect, it } from 'vitest';
import { prepareQemuConfig, type QemuConfig } from './config.js';

const base: QemuConfig = { iso_url: 'disk.qcow2', iso_checksum: 'none', ssh_username: 'root' };
const prepare = (extra: Partial<QemuConfig>, kvm = false) =>
  prepareQemuConfig({ ...base, ...extra }, { buildName: 'web', kvmAvailable: () => kvm });

describe('prepareQemuConfig', () => {
  it("applies Packer's defaults", () => {
    const { config, errors, warnings } = prepare({});
    expect(errors).toEqual([]);
    expect(warnings).toEqual(["A checksum of 'none' was specified. Since ISO files are so big,\na checksum is highly recommended."]);
    expect(config).toMatchObject({
      outputDir: 'output-web',
      vmName: 'packer-web',
      format: 'qcow2',
      diskSize: '40960M',
      diskInterface: 'virtio',
      diskCache: 'writeback',
      diskDiscard: 'ignore',
      detectZeroes: 'off',
      accelerator: 'tcg',
      machineType: 'pc',
      memory: 512,
      cpus: 1,
      netDevice: 'virtio-net',
      qemuBinary: 'qemu-system-x86_64',
      vncBindAddress: '127.0.0.1',
      vncPortMin: 5900,
      vncPortMax: 6000,
      hostPortMin: 2222,
      hostPortMax: 4444,
      commPort: 22,
      qmpEnable: false,
      shutdownTimeoutMs: 300_000,
    });
    expect(config.boot.bootWaitMs).toBe(10_000);
  });

  it('picks kvm when /dev/kvm can be opened, and keeps an accelerator the template names', () => {
    expect(prepare({}, true).config.accelerator).toBe('kvm');
    expect(prepare({ accelerator: 'tcg' }, true).config.accelerator).toBe('tcg');
  });

  it.each([
    ['10000', '10000M'],
    ['40G', '40G'],
    ['1t', '1t'],
  ])('reads disk_size %s as %s', (size, expected) => {
    expect(prepare({ disk_size: size }).config.diskSize).toBe(expected);
  });

  it('turns compaction off for raw images and backing files', () => {
    expect(prepare({ format: 'raw', disk_compression: true }).config).toMatchObject({ skipCompaction: true, diskCompression: false });
    expect(prepare({ disk_image: true, use_backing_file: true }).config.skipCompaction).toBe(true);
  });

  it('enables QMP for vnc_use_password, with the socket in the output directory', () => {
    expect(prepare({ vnc_use_password: true, vm_name: 'box' }).config).toMatchObject({ qmpEnable: true, qmpSocketPath: 'output-web/box.monitor' });
  });

  it('honours the deprecated ssh_host_port_* spellings', () => {
    expect(prepare({ ssh_host_port_min: 3000, ssh_host_port_max: 3001 }).config).toMatchObject({ hostPortMin: 3000, hostPortMax: 3001 });
  });

  it.each<[Partial<QemuConfig>, string]>([
    [{ disk_size: '10 GB' }, 'Invalid disk size.'],
    [{ format: 'vmdk' }, "invalid format, only 'qcow2' or 'raw' are allowed"],
    [{ use_backing_file: true }, 'use_backing_file can only be enabled for QCOW2 images and when disk_image is true'],
    [{ disk_image: true, disk_additional_size: ['1G'] }, 'disk_additional_size can only be used when disk_image is false'],
    [{ skip_resize_disk: true }, 'skip_resize_disk can only be used when disk_image is true'],
    [{ accelerator: 'vbox' }, "invalid accelerator, only 'kvm', 'tcg', 'xen', 'hax', 'hvf', 'whpx', or 'none' are allowed"],
    [{ disk_interface: 'nvme' }, 'unrecognized disk interface type'],
    [{ disk_cache: 'fast' }, 'unrecognized disk cache type'],
    [{ disk_discard: 'maybe' }, 'unrecognized disk discard type'],
    [{ disk_detect_zeroes: 'yes' }, 'unrecognized disk detect zeroes setting'],
    [{ vnc_port_min: 6001 }, 'vnc_port_min must be less than vnc_port_max'],
    [{ host_port_min: 5000 }, 'host_port_min must be less than host_port_max'],
    [{ ssh_username: undefined }, 'An ssh_username must be specified\n  Note: some builders used to default ssh_username to "root".'],
    [{ boot_command: ['x'], disable_vnc: true }, 'A boot command cannot be used when vnc is disabled.'],
    [{ iso_checksum: undefined }, 'A checksum must be specified'],
  ])('refuses %j: %s', (extra, message) => {
    expect(prepare(extra).errors).toContain(message);
  });

  it('takes iso_skip_cache as checksum none', () => {
    const { config, errors } = prepare({ iso_checksum: undefined, iso_skip_cache: true });
    expect(errors).toEqual([]);
    expect(config).toMatchObject({ isoSkipCache: true, isoChecksum: 'none' });
  });
});
