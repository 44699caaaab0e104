import { describe, expect, it } from 'vitest';
import { recordingUi } from '@kiln/sdk';
import { prepareQemuConfig, type QemuConfig } from './config.js';
import { buildQemuArgs, type QemuRunFacts } from './qemu-args.js';

const render = (text: string, data: Readonly<Record<string, unknown>>): string =>
  text.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_match, key: string) => String(data[key]));

function argsFor(raw: QemuConfig, facts: Partial<QemuRunFacts> = {}) {
  const { config, errors } = prepareQemuConfig({ ssh_username: 'root', iso_checksum: 'none', ...raw }, { buildName: 'qemu', kvmAvailable: () => false });
  expect(errors).toEqual([]);
  const ui = recordingUi();
  const args = buildQemuArgs(config, { isoPath: '/iso/a.txt', vncPort: 5944, httpIp: '10.0.2.2', httpPort: 0, atLeastVersion2: true, ...facts }, render, ui);
  return { args, ui };
}

/** Packer emits flags in Go map order, random per run: compare the (flag, value) pairs as a multiset. */
function pairs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i]!;
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('-')) {
      out.push(`${flag} ${next}`);
      i += 1;
    } else {
      out.push(flag);
    }
  }
  return out.sort();
}

describe('buildQemuArgs, against the command lines Packer 1.6.6 ran (PACKER_LOG=1)', () => {
  it('a disk image booted directly with qemuargs (examples/qemu/tinyvm.json)', () => {
    const dir = '/cache/tinyvm';
    const { args, ui } = argsFor(
      {
        vm_name: 'tinyvm.qcow2',
        output_directory: 'output-tinyvm',
        disk_image: true,
        iso_url: `${dir}/base.qcow2`,
        skip_resize_disk: true,
        format: 'qcow2',
        accelerator: 'tcg',
        headless: true,
        memory: 256,
        qemuargs: [
          ['-kernel', `${dir}/vmlinux`],
          ['-initrd', `${dir}/initrd.img`],
          ['-append', 'console=ttyS0 root=/dev/vda rootfstype=ext4 quiet loglevel=3 panic=-1 cryptomgr.notests acpi=noirq'],
          ['-cpu', 'max'],
          ['-netdev', 'user,id=user.0,restrict=on,hostfwd=tcp:127.0.0.1:{{ .SSHHostPort }}-:22'],
          ['-serial', 'file:/dev/null'],
          ['-no-reboot'],
        ],
      },
      { commHostPort: 3460 },
    );
    // prettier-ignore
    const packer = ['-boot', 'c', '-append', 'console=ttyS0 root=/dev/vda rootfstype=ext4 quiet loglevel=3 panic=-1 cryptomgr.notests acpi=noirq', '-no-reboot', '-drive', 'file=output-tinyvm/tinyvm.qcow2,if=virtio,cache=writeback,discard=ignore,format=qcow2', '-name', 'tinyvm.qcow2', '-cpu', 'max', '-netdev', 'user,id=user.0,restrict=on,hostfwd=tcp:127.0.0.1:3460-:22', '-serial', 'file:/dev/null', '-vnc', '127.0.0.1:44', '-m', '256M', '-kernel', '/cache/tinyvm/vmlinux', '-initrd', '/cache/tinyvm/initrd.img', '-machine', 'type=pc,accel=tcg', '-device', 'virtio-net,netdev=user.0'];
    expect(pairs(args)).toEqual(pairs(packer));
    expect(ui.lines).toEqual([
      'say: Starting VM, booting disk image',
      'message: The VM will be run headless, without a GUI. If you want to\nview the screen of the VM, connect via VNC without a password to\nvnc://127.0.0.1:44',
      'say: Overriding default Qemu arguments with qemuargs template option...',
    ]);
  });

  it('a disk image with use_backing_file: the overlay attached once', () => {
    const { args } = argsFor(
      { iso_url: '/cache/base.qcow2', disk_image: true, use_backing_file: true, vm_name: 'x.qcow2', communicator: 'none', output_directory: 'out', accelerator: 'tcg', headless: true },
      { diskPaths: ['out/x.qcow2'], vncPort: 5999 },
    );
    // prettier-ignore
    const packer = ['-drive', 'file=out/x.qcow2,if=virtio,cache=writeback,discard=ignore,format=qcow2', '-boot', 'c', '-name', 'x.qcow2', '-machine', 'type=pc,accel=tcg', '-netdev', 'user,id=user.0', '-vnc', '127.0.0.1:99', '-m', '512M', '-device', 'virtio-net,netdev=user.0'];
    expect(pairs(args)).toEqual(pairs(packer));
  });

  const isoConfig: QemuConfig = {
    iso_url: '/iso/a.txt',
    communicator: 'none',
    output_directory: 'out',
    cpus: 2,
    memory: 300,
    disk_size: '64',
    disk_additional_size: ['32M'],
    disk_detect_zeroes: 'unmap',
    qmp_enable: true,
    accelerator: 'tcg',
  };
  const isoFacts = { diskPaths: ['out/packer-qemu', 'out/packer-qemu-1'], cdPath: '/tmp/cd.iso', floppyPath: '/tmp/floppy', vncPort: 5978 };

  it('an installer ISO with extra disks, cd_files, a floppy, QMP and a window', () => {
    const { args } = argsFor(isoConfig, isoFacts);
    // prettier-ignore
    const packer = ['-boot', 'once=d', '-qmp', 'unix:out/packer-qemu.monitor,server,nowait', '-drive', 'file=out/packer-qemu,if=virtio,cache=writeback,discard=ignore,format=qcow2,detect-zeroes=unmap', '-drive', 'file=out/packer-qemu-1,if=virtio,cache=writeback,discard=ignore,format=qcow2,detect-zeroes=unmap', '-drive', 'file=/iso/a.txt,media=cdrom', '-drive', 'file=/tmp/cd.iso,media=cdrom', '-name', 'packer-qemu', '-smp', 'cpus=2,sockets=2', '-display', 'gtk', '-device', 'virtio-net,netdev=user.0', '-machine', 'type=pc,accel=tcg', '-netdev', 'user,id=user.0', '-vnc', '127.0.0.1:78', '-fda', '/tmp/floppy', '-m', '300M'];
    expect(pairs(args)).toEqual(pairs(packer));
  });

  it.each([
    [
      'ide',
      // prettier-ignore
      ['-device', 'virtio-scsi-pci,id=scsi0', '-device', 'scsi-hd,bus=scsi0.0,drive=drive0', '-device', 'scsi-hd,bus=scsi0.0,drive=drive1', '-device', 'e1000,netdev=user.0', '-drive', 'if=none,file=out/packer-qemu,id=drive0,cache=writeback,discard=ignore,format=qcow2,detect-zeroes=unmap', '-drive', 'if=none,file=out/packer-qemu-1,id=drive1,cache=writeback,discard=ignore,format=qcow2,detect-zeroes=unmap', '-drive', 'file=/iso/a.txt,if=ide,index=0,id=cdrom0,media=cdrom', '-drive', 'file=/tmp/cd.iso,if=ide,index=1,id=cdrom1,media=cdrom', '-qmp', 'unix:out/packer-qemu.monitor,server,nowait', '-smp', 'cpus=2,sockets=2', '-machine', 'type=pc,accel=tcg', '-netdev', 'user,id=user.0', '-boot', 'once=d', '-vnc', '127.0.0.1:78', '-m', '300M', '-fda', '/tmp/floppy', '-name', 'packer-qemu'],
    ],
    [
      'virtio-scsi',
      // prettier-ignore
      ['-smp', 'cpus=2,sockets=2', '-device', 'virtio-scsi-pci,id=scsi0', '-device', 'scsi-hd,bus=scsi0.0,drive=drive0', '-device', 'scsi-hd,bus=scsi0.0,drive=drive1', '-device', 'e1000,netdev=user.0', '-device', 'virtio-scsi-device', '-device', 'scsi-cd,drive=cdrom0', '-device', 'virtio-scsi-device', '-device', 'scsi-cd,drive=cdrom1', '-qmp', 'unix:out/packer-qemu.monitor,server,nowait', '-name', 'packer-qemu', '-m', '300M', '-boot', 'once=d', '-fda', '/tmp/floppy', '-drive', 'if=none,file=out/packer-qemu,id=drive0,cache=writeback,discard=ignore,format=qcow2,detect-zeroes=unmap', '-drive', 'if=none,file=out/packer-qemu-1,id=drive1,cache=writeback,discard=ignore,format=qcow2,detect-zeroes=unmap', '-drive', 'file=/iso/a.txt,if=none,index=0,id=cdrom0,media=cdrom', '-drive', 'file=/tmp/cd.iso,if=none,index=1,id=cdrom1,media=cdrom', '-machine', 'type=pc,accel=tcg', '-vnc', '127.0.0.1:78', '-netdev', 'user,id=user.0'],
    ],
  ])('virtio-scsi disks, e1000, headless, cdrom_interface %s', (cdromInterface, packer) => {
    const { args } = argsFor({ ...isoConfig, cdrom_interface: cdromInterface, disk_interface: 'virtio-scsi', headless: true, net_device: 'e1000' }, isoFacts);
    expect(pairs(args)).toEqual(pairs(packer));
  });
});

describe('buildQemuArgs, the rules of qemuargs', () => {
  it('adds the NIC back when a -device override lacks it (Packer #6804), and joins a row without separator', () => {
    const { args } = argsFor({ iso_url: 'x.iso', headless: true, qemuargs: [['-device', 'virtio-rng-pci'], ['-smbios', 'type=1,', 'serial=abc']] }, { commHostPort: 2500 });
    expect(args.filter((_arg, i) => args[i - 1] === '-device')).toEqual(['virtio-rng-pci', 'virtio-net,netdev=user.0']);
    expect(args.slice(args.indexOf('-smbios'), args.indexOf('-smbios') + 2)).toEqual(['-smbios', 'type=1,serial=abc']);
    expect(args).toContain('user,id=user.0,hostfwd=tcp::2500-:22');
  });

  it('gives every value of a repeated flag, and a flag alone for a row without value', () => {
    const { args } = argsFor({ iso_url: 'x.iso', headless: true, qemuargs: [['-drive', 'file=a'], ['-drive', 'file=b'], ['-no-reboot']] });
    expect(args.filter((_arg, i) => args[i - 1] === '-drive')).toEqual(['file=a', 'file=b']);
    expect(args.filter((arg) => arg === '-no-reboot')).toHaveLength(1);
  });

  it('names the VNC display by port - 5900 (Packer 1.6.6 subtracts vnc_port_min and then cannot connect)', () => {
    const { args } = argsFor({ iso_url: 'x.iso', headless: true, vnc_port_min: 5950, vnc_port_max: 5960 }, { vncPort: 5950, commHostPort: 2222 });
    expect(args.slice(args.indexOf('-vnc'), args.indexOf('-vnc') + 2)).toEqual(['-vnc', '127.0.0.1:50']);
  });

  it('says how to reach a password-protected VNC, and drops acceleration with accelerator none', () => {
    const { args, ui } = argsFor({ iso_url: 'x.iso', headless: true, vnc_use_password: true, accelerator: 'none' }, { vncPassword: 'abcdefgh', commHostPort: 2222 });
    expect(args).toEqual(expect.arrayContaining(['-vnc', '127.0.0.1:44,password', '-machine', 'type=pc']));
    expect(ui.lines).toContain(
      'message: The VM will be run headless, without a GUI. If you want to\nview the screen of the VM, connect via VNC to vnc://127.0.0.1:44,password\nwith the password: abcdefgh',
    );
  });
});
