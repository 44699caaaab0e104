import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { JsonSchema } from '@kiln/sdk';
import { sshConfigProperties, validateSshConfig, type SshConfig } from '@kiln/communicator-ssh';
import {
  cdConfigProperties,
  floppyConfigProperties,
  httpConfigProperties,
  isoConfigProperties,
  outputConfigProperties,
  outputDirectoryOf,
  prepareCdConfig,
  prepareFloppyConfig,
  prepareHttpConfig,
  prepareIsoConfig,
  prepareShutdownConfig,
  prepareVncBootConfig,
  shutdownConfigProperties,
  validateOutputDir,
  vncBootConfigProperties,
  type CdConfig,
  type FloppyConfig,
  type HttpConfig,
  type IsoConfig,
  type OutputConfig,
  type ShutdownConfig,
  type VncBootConfig,
} from '@kiln/vm-common';

/** The qemu builder's options as a template writes them (Packer 1.6.6's qemu Config). */
export interface QemuConfig extends IsoConfig, HttpConfig, FloppyConfig, CdConfig, VncBootConfig, ShutdownConfig, OutputConfig, SshConfig {
  readonly iso_skip_cache?: boolean;
  readonly accelerator?: string;
  readonly disk_additional_size?: readonly string[];
  readonly cpus?: number;
  readonly disk_interface?: string;
  readonly disk_size?: string;
  readonly skip_resize_disk?: boolean;
  readonly disk_cache?: string;
  readonly disk_discard?: string;
  readonly disk_detect_zeroes?: string;
  readonly skip_compaction?: boolean;
  readonly disk_compression?: boolean;
  readonly format?: string;
  readonly headless?: boolean;
  readonly disk_image?: boolean;
  readonly use_backing_file?: boolean;
  readonly machine_type?: string;
  readonly memory?: number;
  readonly net_device?: string;
  readonly net_bridge?: string;
  readonly qemuargs?: readonly (readonly string[])[];
  readonly qemu_img_args?: { readonly convert?: readonly string[]; readonly create?: readonly string[]; readonly resize?: readonly string[] };
  readonly qemu_binary?: string;
  readonly qmp_enable?: boolean;
  readonly qmp_socket_path?: string;
  readonly use_default_display?: boolean;
  readonly display?: string;
  readonly vnc_bind_address?: string;
  readonly vnc_use_password?: boolean;
  readonly vnc_port_min?: number;
  readonly vnc_port_max?: number;
  readonly vm_name?: string;
  readonly cdrom_interface?: string;
  readonly run_once?: boolean;
  readonly host_port_min?: number;
  readonly host_port_max?: number;
  readonly skip_nat_mapping?: boolean;
  /** Deprecated spellings that `fix` rewrites; still honoured, as Packer's CommConfig does. */
  readonly ssh_host_port_min?: number;
  readonly ssh_host_port_max?: number;
  readonly ssh_skip_nat_mapping?: boolean;
}

const text = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const integer = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'integer', description, ...extra });
const flag = (description: string): JsonSchema => ({ type: 'boolean', description });
const strings = (description: string): JsonSchema => ({ type: 'array', items: { type: 'string' }, description });

const qemuProperties: Readonly<Record<string, JsonSchema>> = {
  iso_skip_cache: flag('Use iso_url where it is instead of downloading it to the cache (the checksum is then `none`).'),
  accelerator: text('kvm (default when /dev/kvm can be opened), tcg, xen, hax, hvf, whpx or none.'),
  disk_additional_size: strings('Sizes of extra disks, named <vm_name>-1, -2, ... (only when disk_image is false).'),
  cpus: integer('Virtual CPUs (-smp).', { default: 1 }),
  disk_interface: text('virtio (default), ide, sata, scsi or virtio-scsi.', { default: 'virtio' }),
  disk_size: text('Size of the disk: digits with an optional b, k, m, g or t unit (M when none).', { default: '40960M' }),
  skip_resize_disk: flag('With disk_image, keep the image at its own size instead of resizing it to disk_size.'),
  disk_cache: text('writeback (default), writethrough, none, unsafe or directsync.', { default: 'writeback' }),
  disk_discard: text('ignore (default) or unmap.', { default: 'ignore' }),
  disk_detect_zeroes: text('off (default), on or unmap.', { default: 'off' }),
  skip_compaction: flag('Do not run `qemu-img convert` at the end to compact the qcow2 image.'),
  disk_compression: flag('Compress the qcow2 image at the end (`qemu-img convert -c`).'),
  format: text('qcow2 (default) or raw.', { default: 'qcow2' }),
  headless: flag('Run QEMU without a window (-display is then left out).'),
  disk_image: flag('iso_url is a bootable disk image to start from, not an installer ISO.'),
  use_backing_file: flag('With disk_image and qcow2: the output is an overlay backed by the source image.'),
  machine_type: text('QEMU machine type (-machine type=).', { default: 'pc' }),
  memory: integer('Memory in MiB (-m).', { default: 512 }),
  net_device: text('The network device model (-device <net_device>,netdev=user.0).', { default: 'virtio-net' }),
  net_bridge: text('Attach the NIC to this bridge with qemu-bridge-helper instead of user-mode networking (Linux).'),
  qemuargs: {
    type: 'array',
    items: { type: 'array', items: { type: 'string' } },
    'x-kiln-late-render': true,
    description:
      'Extra QEMU arguments, each [flag, value...]; a flag given here replaces the default of the same flag. Rendered with {{ .HTTPIP }}, {{ .HTTPPort }}, {{ .HTTPDir }}, {{ .OutputDir }}, {{ .Name }}, {{ .SSHHostPort }}.',
  },
  qemu_img_args: {
    type: 'object',
    additionalProperties: false,
    properties: { convert: strings('Extra `qemu-img convert` arguments.'), create: strings('Extra `qemu-img create` arguments.'), resize: strings('Extra `qemu-img resize` arguments.') },
    description: 'Extra arguments for the qemu-img subcommands the builder runs.',
  },
  qemu_binary: text('The QEMU program.', { default: 'qemu-system-x86_64' }),
  qmp_enable: flag('Start a QMP monitor socket (qmp_socket_path).'),
  qmp_socket_path: text('Path of the QMP socket (default <output_directory>/<vm_name>.monitor).'),
  use_default_display: flag('Let QEMU pick the display (no -display) when not headless.'),
  display: text('QEMU -display value when not headless (default gtk).'),
  vnc_bind_address: text('Address of the VNC server.', { default: '127.0.0.1' }),
  vnc_use_password: flag('Protect the VNC server with a random password (set over QMP).'),
  vnc_port_min: integer('Lowest VNC port.', { default: 5900 }),
  vnc_port_max: integer('Highest VNC port.', { default: 6000 }),
  vm_name: text('File name of the disk image in the output directory (default packer-<build name>).'),
  cdrom_interface: text('Interface of the CD drives: ide, scsi, virtio or virtio-scsi (QEMU default when unset).'),
  run_once: flag('Accepted for compatibility; unused, as in Packer.'),
  host_port_min: integer('Lowest host port forwarded to the communicator port.', { default: 2222 }),
  host_port_max: integer('Highest host port forwarded to the communicator port.', { default: 4444 }),
  skip_nat_mapping: flag('Do not forward a host port: connect to the communicator port directly.'),
  ssh_host_port_min: integer('Deprecated: host_port_min.', { deprecated: true }),
  ssh_host_port_max: integer('Deprecated: host_port_max.', { deprecated: true }),
  ssh_skip_nat_mapping: { type: 'boolean', deprecated: true, description: 'Deprecated: skip_nat_mapping.' },
};

export const qemuSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...sshConfigProperties,
    ...isoConfigProperties,
    ...httpConfigProperties,
    ...floppyConfigProperties,
    ...cdConfigProperties,
    ...vncBootConfigProperties,
    ...shutdownConfigProperties,
    ...outputConfigProperties,
    ...qemuProperties,
  },
  'x-kiln-fixable': ['ssh_host_port_min', 'ssh_host_port_max', 'ssh_skip_nat_mapping', 'iso_checksum_type', 'iso_checksum_url', 'iso_md5'],
};

export type DiskFormat = 'qcow2' | 'raw';

/** The options decoded, with Packer's defaults applied: what the steps read. */
export interface PreparedQemuConfig {
  readonly raw: QemuConfig;
  readonly ssh: SshConfig;
  readonly communicator: string;
  readonly isoUrls: readonly string[];
  readonly isoChecksum: string;
  readonly isoTargetPath: string | undefined;
  readonly isoTargetExtension: string;
  readonly isoSkipCache: boolean;
  readonly outputDir: string;
  readonly vmName: string;
  readonly format: DiskFormat;
  readonly diskImage: boolean;
  readonly useBackingFile: boolean;
  readonly diskSize: string;
  readonly additionalDiskSizes: readonly string[];
  readonly skipResizeDisk: boolean;
  readonly skipCompaction: boolean;
  readonly diskCompression: boolean;
  readonly diskInterface: string;
  readonly diskCache: string;
  readonly diskDiscard: string;
  readonly detectZeroes: string;
  readonly cdromInterface: string;
  readonly accelerator: string;
  readonly machineType: string;
  readonly memory: number;
  readonly cpus: number;
  readonly netDevice: string;
  readonly netBridge: string;
  readonly headless: boolean;
  readonly display: string;
  readonly useDefaultDisplay: boolean;
  readonly qemuBinary: string;
  readonly qemuArgs: readonly (readonly string[])[];
  readonly qemuImgArgs: { readonly convert: readonly string[]; readonly create: readonly string[]; readonly resize: readonly string[] };
  readonly qmpEnable: boolean;
  readonly qmpSocketPath: string | undefined;
  readonly vncBindAddress: string;
  readonly vncUsePassword: boolean;
  readonly vncPortMin: number;
  readonly vncPortMax: number;
  readonly hostPortMin: number;
  readonly hostPortMax: number;
  readonly skipNatMapping: boolean;
  /** ssh_port (22 by default): the guest side of the port forward. */
  readonly commPort: number;
  readonly http: ReturnType<typeof prepareHttpConfig>;
  readonly floppy: ReturnType<typeof prepareFloppyConfig>;
  readonly cd: ReturnType<typeof prepareCdConfig>;
  readonly boot: ReturnType<typeof prepareVncBootConfig>;
  readonly shutdownCommand: string | undefined;
  readonly shutdownTimeoutMs: number;
}

export interface PrepareQemuOptions {
  readonly buildName: string;
  /** -force: an existing output directory is then not an error; undefined skips that check (done at run). */
  readonly force?: boolean;
  /** Whether /dev/kvm can be opened (default: tried), for the accelerator default. */
  readonly kvmAvailable?: () => boolean;
}

const ACCELERATORS = ['none', 'kvm', 'tcg', 'xen', 'hax', 'hvf', 'whpx'];
const DISK_INTERFACES = ['ide', 'sata', 'scsi', 'virtio', 'virtio-scsi'];
const DISK_CACHES = ['writethrough', 'writeback', 'none', 'unsafe', 'directsync'];
const DISK_DISCARDS = ['unmap', 'ignore'];
const DETECT_ZEROES = ['unmap', 'on', 'off'];

/** Packer opens /dev/kvm to see whether KVM really works (the node may exist without access). */
export function kvmAvailable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Packer's qemu Config.Prepare: defaults, then every check, in its order and words. Returns the
 * prepared config with the errors and warnings; nothing is touched on disk.
 */
export function prepareQemuConfig(
  raw: QemuConfig,
  options: PrepareQemuOptions,
): { readonly config: PreparedQemuConfig; readonly errors: string[]; readonly warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const shutdown = prepareShutdownConfig(raw);
  errors.push(...shutdown.errors);

  let diskSize = raw.disk_size ?? '';
  if (diskSize === '' || diskSize === '0') diskSize = '40960M';
  else if (!/^\d+[bkmgt]?$/.test(diskSize.toLowerCase())) errors.push('Invalid disk size.');
  else if (/^\d+$/.test(diskSize)) diskSize = `${diskSize}M`;

  const accelerator = raw.accelerator || ((options.kvmAvailable ?? kvmAvailable)() ? 'kvm' : 'tcg');
  const outputDir = outputDirectoryOf(raw, options.buildName);
  const vmName = raw.vm_name || `packer-${options.buildName}`;
  const format = raw.format || 'qcow2';

  const floppy = prepareFloppyConfig(raw);
  const cd = prepareCdConfig(raw);
  const boot = prepareVncBootConfig(raw);
  errors.push(...floppy.errors, ...cd.errors, ...boot.errors);

  const isoSkipCache = raw.iso_skip_cache === true;
  const iso = prepareIsoConfig(isoSkipCache ? { ...raw, iso_checksum: 'none' } : raw);
  warnings.push(...iso.warnings);
  errors.push(...iso.errors);
  const http = prepareHttpConfig(raw);
  errors.push(...http.errors);

  const hostPortMin = raw.host_port_min || raw.ssh_host_port_min || 2222;
  const hostPortMax = raw.host_port_max || raw.ssh_host_port_max || 4444;
  errors.push(...validateSshConfig(raw));
  if (hostPortMin > hostPortMax) errors.push('host_port_min must be less than host_port_max');
  if (hostPortMin < 0) errors.push('host_port_min must be positive');
  const communicator = raw.communicator || 'ssh';
  if (communicator === 'winrm') errors.push('The qemu builder of Kiln does not support the winrm communicator yet.');

  if (format !== 'qcow2' && format !== 'raw') errors.push("invalid format, only 'qcow2' or 'raw' are allowed");
  let skipCompaction = raw.skip_compaction === true;
  let diskCompression = raw.disk_compression === true;
  if (format !== 'qcow2') {
    skipCompaction = true;
    diskCompression = false;
  }
  const diskImage = raw.disk_image === true;
  const useBackingFile = raw.use_backing_file === true;
  if (useBackingFile) {
    skipCompaction = true;
    if (!(diskImage && format === 'qcow2')) {
      errors.push('use_backing_file can only be enabled for QCOW2 images and when disk_image is true');
    }
  }
  const additionalDiskSizes = raw.disk_additional_size ?? [];
  if (diskImage && additionalDiskSizes.length > 0) errors.push('disk_additional_size can only be used when disk_image is false');
  if (raw.skip_resize_disk && !diskImage) errors.push('skip_resize_disk can only be used when disk_image is true');

  const diskInterface = raw.disk_interface || 'virtio';
  const diskCache = raw.disk_cache || 'writeback';
  const diskDiscard = raw.disk_discard || 'ignore';
  const detectZeroes = raw.disk_detect_zeroes || 'off';
  if (!ACCELERATORS.includes(accelerator)) {
    errors.push("invalid accelerator, only 'kvm', 'tcg', 'xen', 'hax', 'hvf', 'whpx', or 'none' are allowed");
  }
  if (!DISK_INTERFACES.includes(diskInterface)) errors.push('unrecognized disk interface type');
  if (!DISK_CACHES.includes(diskCache)) errors.push('unrecognized disk cache type');
  if (!DISK_DISCARDS.includes(diskDiscard)) errors.push('unrecognized disk discard type');
  if (!DETECT_ZEROES.includes(detectZeroes)) errors.push('unrecognized disk detect zeroes setting');
  if (options.force !== undefined) errors.push(...validateOutputDir(outputDir, options.force));

  const vncPortMin = raw.vnc_port_min || 5900;
  const vncPortMax = raw.vnc_port_max || 6000;
  if (vncPortMin > vncPortMax) errors.push('vnc_port_min must be less than vnc_port_max');
  const netBridge = raw.net_bridge ?? '';
  if (netBridge !== '' && process.platform !== 'linux') errors.push('net_bridge is only supported in Linux based OSes');
  const vncUsePassword = raw.vnc_use_password === true;
  const qmpEnable = raw.qmp_enable === true || netBridge !== '' || vncUsePassword;
  const qmpSocketPath = qmpEnable ? raw.qmp_socket_path || join(outputDir, `${vmName}.monitor`) : raw.qmp_socket_path || undefined;

  const config: PreparedQemuConfig = {
    raw,
    ssh: raw,
    communicator,
    isoUrls: iso.urls,
    isoChecksum: iso.checksum,
    isoTargetPath: iso.targetPath,
    isoTargetExtension: iso.targetExtension,
    isoSkipCache,
    outputDir,
    vmName,
    format: format === 'raw' ? 'raw' : 'qcow2',
    diskImage,
    useBackingFile,
    diskSize,
    additionalDiskSizes,
    skipResizeDisk: raw.skip_resize_disk === true,
    skipCompaction,
    diskCompression,
    diskInterface,
    diskCache,
    diskDiscard,
    detectZeroes,
    cdromInterface: raw.cdrom_interface ?? '',
    accelerator,
    machineType: raw.machine_type || 'pc',
    memory: raw.memory !== undefined && raw.memory >= 10 ? raw.memory : 512,
    cpus: raw.cpus !== undefined && raw.cpus >= 1 ? raw.cpus : 1,
    netDevice: raw.net_device || 'virtio-net',
    netBridge,
    headless: raw.headless === true,
    display: raw.display ?? '',
    useDefaultDisplay: raw.use_default_display === true,
    qemuBinary: raw.qemu_binary || 'qemu-system-x86_64',
    qemuArgs: raw.qemuargs ?? [],
    qemuImgArgs: {
      convert: raw.qemu_img_args?.convert ?? [],
      create: raw.qemu_img_args?.create ?? [],
      resize: raw.qemu_img_args?.resize ?? [],
    },
    qmpEnable,
    qmpSocketPath,
    vncBindAddress: raw.vnc_bind_address || '127.0.0.1',
    vncUsePassword,
    vncPortMin,
    vncPortMax,
    hostPortMin,
    hostPortMax,
    skipNatMapping: raw.skip_nat_mapping === true || raw.ssh_skip_nat_mapping === true,
    commPort: raw.ssh_port || 22,
    http,
    floppy,
    cd,
    boot,
    shutdownCommand: shutdown.command,
    shutdownTimeoutMs: shutdown.timeoutMs,
  };
  return { config, errors, warnings };
}

