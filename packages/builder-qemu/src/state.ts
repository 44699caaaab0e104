import type { Communicator, GeneratedData } from '@kiln/sdk';
import type { OutputDirectory } from '@kiln/vm-common';
import type { QemuProcess } from './driver.js';

/** What the qemu builder's steps hand each other (Packer's state bag keys, typed). */
export interface QemuState {
  /** iso_path: the downloaded or local ISO / source disk image. */
  isoPath?: string;
  outputDir?: OutputDirectory;
  floppyPath?: string;
  cdPath?: string;
  /** qemu_disk_paths: the disks stepCreateDisk made. */
  diskPaths?: readonly string[];
  httpIp?: string;
  httpPort?: number;
  /** commHostPort: the host side of the communicator's port forward. */
  commHostPort?: number;
  vncPort?: number;
  vncPassword?: string;
  qemu?: QemuProcess;
  communicator?: Communicator;
  generatedData?: GeneratedData;
}
