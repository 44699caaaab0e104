import type { Step } from '@kiln/sdk';
import { createCdImage, createFloppyImage, type CdImage, type FloppyImage } from '@kiln/vm-common';
import type { PreparedQemuConfig } from '../config.js';
import type { QemuState } from '../state.js';

/** Packer's StepCreateFloppy: floppy_files / floppy_dirs on a FAT12 image, attached with -fda. */
export function stepCreateFloppy(config: PreparedQemuConfig): Step<QemuState, Pick<QemuState, 'floppyPath'>> {
  let image: FloppyImage | undefined;
  return {
    name: 'StepCreateFloppy',
    async run(_state, ctx) {
      image = await createFloppyImage({ files: config.floppy.files, directories: config.floppy.directories, label: config.floppy.label, ui: ctx.ui });
      return image ? { floppyPath: image.path } : {};
    },
    async cleanup() {
      await image?.remove();
    },
  };
}

/** Packer's StepCreateCD: cd_files on an ISO image, attached as a further CD drive. */
export function stepCreateCD(config: PreparedQemuConfig): Step<QemuState, Pick<QemuState, 'cdPath'>> {
  let image: CdImage | undefined;
  return {
    name: 'StepCreateCD',
    async run(_state, ctx) {
      image = await createCdImage({ files: config.cd.files, ...(config.cd.label ? { label: config.cd.label } : {}), ui: ctx.ui, signal: ctx.signal });
      return image ? { cdPath: image.path } : {};
    },
    async cleanup() {
      await image?.remove();
    },
  };
}
