import { join } from 'node:path';
import { KilnError, type Ui } from '@kiln/sdk';
import type { PreparedQemuConfig } from './config.js';

/** What the earlier steps found out, as the command line needs it. */
export interface QemuRunFacts {
  /** The ISO (installer mode): attached as the first CD. */
  readonly isoPath: string;
  /** Disks stepCreateDisk made (Packer's qemu_disk_paths). */
  readonly diskPaths?: readonly string[];
  readonly cdPath?: string;
  readonly floppyPath?: string;
  /** The VNC server's TCP port. */
  readonly vncPort: number;
  readonly vncPassword?: string;
  /** The host side of the communicator's port forward. */
  readonly commHostPort?: number;
  readonly httpIp: string;
  readonly httpPort: number;
  /** QEMU 2.0 or later (display and drive options). */
  readonly atLeastVersion2: boolean;
}

/** Renders one qemuargs string with `{{ .HTTPIP }}`, `{{ .SSHHostPort }}` and friends. */
export type RenderArg = (text: string, data: Readonly<Record<string, unknown>>) => string;

type DefaultArgs = Map<string, string | string[]>;

/**
 * The QEMU command line of Packer's stepRun: its defaults, each flag that qemuargs names replacing
 * the default of that flag, and the network device added back when an overriding -device list
 * lacks it. Packer emits the flags in Go map order (random on every run); Kiln keeps a stable
 * order: the defaults' order, then flags only qemuargs names, in its order.
 */
export function buildQemuArgs(config: PreparedQemuConfig, facts: QemuRunFacts, render: RenderArg, ui: Ui): string[] {
  const defaults = defaultArgs(config, facts, ui);
  const overrides = new Map<string, string[]>();
  if (config.qemuArgs.length > 0) {
    ui.say('Overriding default Qemu arguments with qemuargs template option...');
    const data = {
      HTTPIP: facts.httpIp,
      HTTPPort: facts.httpPort,
      HTTPDir: config.http.directory ?? '',
      OutputDir: config.outputDir,
      Name: config.vmName,
      SSHHostPort: config.communicator === 'none' ? 0 : (facts.commHostPort ?? 0),
    };
    for (const row of config.qemuArgs) {
      let rendered: string[];
      try {
        rendered = row.map((part) => render(part, data));
      } catch (error) {
        throw new KilnError('STEP_FAILED', `Error processing QemuArgs: ${(error as Error).message}`, { cause: error });
      }
      const [flag, ...values] = rendered;
      if (flag === undefined) continue;
      const value = values.join('');
      const list = overrides.get(flag) ?? [];
      if (value !== '') list.push(value);
      overrides.set(flag, list);
    }
  }

  const merged = new Map<string, string[]>();
  for (const [flag, value] of defaults) merged.set(flag, overrides.get(flag) ?? (typeof value === 'string' ? [value] : value));
  for (const [flag, values] of overrides) if (!merged.has(flag)) merged.set(flag, values);

  // Packer #6804: a -device list from qemuargs that forgot the NIC gets it back.
  const devices = merged.get('-device');
  if (devices && !devices.join('').includes(config.netDevice)) devices.push(`${config.netDevice},netdev=user.0`);

  const args: string[] = [];
  for (const [flag, values] of merged) {
    if (values.length === 0) args.push(flag);
    for (const value of values) args.push(flag, value);
  }
  return args;
}

function defaultArgs(config: PreparedQemuConfig, facts: QemuRunFacts, ui: Ui): DefaultArgs {
  const args: DefaultArgs = new Map();
  args.set('-name', config.vmName);
  if (config.accelerator === 'none') {
    args.set('-machine', `type=${config.machineType}`);
    ui.message('WARNING: The VM will be started with no hardware acceleration.\nThe installation may take considerably longer to finish.\n');
  } else {
    args.set('-machine', `type=${config.machineType},accel=${config.accelerator}`);
  }
  if (config.netBridge !== '') args.set('-netdev', `bridge,id=user.0,br=${config.netBridge}`);
  else if (config.communicator === 'none') args.set('-netdev', 'user,id=user.0');
  else args.set('-netdev', `user,id=user.0,hostfwd=tcp::${facts.commHostPort ?? config.commPort}-:${config.commPort}`);

  const { devices, drives } = deviceAndDriveArgs(config, facts);
  args.set('-device', devices);
  args.set('-drive', drives);
  if (config.diskImage) {
    ui.say('Starting VM, booting disk image');
    args.set('-boot', 'c');
  } else {
    ui.say('Starting VM, booting from CD-ROM');
    args.set('-boot', 'once=d');
  }

  // Packer subtracts vnc_port_min here, which names the wrong display whenever vnc_port_min is not
  // 5900; QEMU's display N always listens on 5900+N.
  const vnc = `${config.vncBindAddress}:${facts.vncPort - 5900}${config.vncUsePassword ? ',password' : ''}`;
  args.set('-vnc', vnc);
  const vncMessage = vncConnectionMessage(config.headless, vnc, facts.vncPassword ?? '');
  if (vncMessage) ui.message(vncMessage);

  args.set('-m', `${config.memory}M`);
  if (config.cpus > 1) args.set('-smp', `cpus=${config.cpus},sockets=${config.cpus}`);
  if (facts.floppyPath) args.set('-fda', facts.floppyPath);
  if (!config.headless) {
    if (!facts.atLeastVersion2) {
      ui.message("WARNING: The version of qemu  on your host doesn't support display mode.\nThe display parameter will be ignored.");
    } else if (config.display !== '' && config.display !== 'none') {
      args.set('-display', config.display);
    } else if (!config.useDefaultDisplay) {
      args.set('-display', 'gtk');
    }
  }
  if (config.qmpEnable && config.qmpSocketPath) args.set('-qmp', `unix:${config.qmpSocketPath},server,nowait`);
  return args;
}

function deviceAndDriveArgs(config: PreparedQemuConfig, facts: QemuRunFacts): { devices: string[]; drives: string[] } {
  const devices: string[] = [];
  const drives: string[] = [];
  const imagePath = join(config.outputDir, config.vmName);
  if (facts.atLeastVersion2) {
    // With use_backing_file the overlay is both the image and qemu_disk_paths[0]: attached once, as Packer 1.6.6 does.
    const attach = [...new Set([...(config.diskImage ? [imagePath] : []), ...(facts.diskPaths ?? [])])];
    attach.forEach((path, index) => {
      let drive = `file=${path},if=${config.diskInterface},cache=${config.diskCache},discard=${config.diskDiscard},format=${config.format}`;
      if (config.diskInterface === 'virtio-scsi') {
        if (index === 0) devices.push(`virtio-scsi-pci,id=scsi${index}`);
        devices.push(`scsi-hd,bus=scsi0.0,drive=drive${index}`);
        drive = `if=none,file=${path},id=drive${index},cache=${config.diskCache},discard=${config.diskDiscard},format=${config.format}`;
      }
      if (config.detectZeroes !== 'off') drive = `${drive},detect-zeroes=${config.detectZeroes}`;
      drives.push(drive);
    });
  } else {
    drives.push(`file=${imagePath},if=${config.diskInterface},cache=${config.diskCache},format=${config.format}`);
  }
  devices.push(`${config.netDevice},netdev=user.0`);

  const cdPaths = [...(config.diskImage ? [] : [facts.isoPath]), ...(facts.cdPath ? [facts.cdPath] : [])];
  cdPaths.forEach((path, index) => {
    if (config.cdromInterface === '') {
      drives.push(`file=${path},media=cdrom`);
    } else if (config.cdromInterface === 'virtio-scsi') {
      drives.push(`file=${path},if=none,index=${index},id=cdrom${index},media=cdrom`);
      devices.push('virtio-scsi-device', `scsi-cd,drive=cdrom${index}`);
    } else {
      drives.push(`file=${path},if=${config.cdromInterface},index=${index},id=cdrom${index},media=cdrom`);
    }
  });
  return { devices, drives };
}

/** Packer's hint on how to watch a headless build. */
export function vncConnectionMessage(headless: boolean, vnc: string, password: string): string {
  if (!headless) return '';
  if (password !== '') {
    return `The VM will be run headless, without a GUI. If you want to\nview the screen of the VM, connect via VNC to vnc://${vnc}\nwith the password: ${password}`;
  }
  return `The VM will be run headless, without a GUI. If you want to\nview the screen of the VM, connect via VNC without a password to\nvnc://${vnc}`;
}
