import { rename } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { KilnError, type Step } from '@kiln/sdk';
import type { PreparedQemuConfig } from '../config.js';
import type { QemuDriver } from '../driver.js';
import type { QemuState } from '../state.js';

const imagePath = (config: PreparedQemuConfig): string => join(config.outputDir, config.vmName);

/** `qemu-img create` arguments for disk `index` (0 is the main disk, backed by the source image with use_backing_file). */
export function createDiskArgs(config: PreparedQemuConfig, path: string, size: string, index: number, isoPath: string): string[] {
  return ['create', '-f', config.format, ...(config.useBackingFile && index === 0 ? ['-b', isoPath] : []), ...config.qemuImgArgs.create, path, size];
}

/**
 * Packer's stepCreateDisk: the main disk and the disk_additional_size ones (`<vm_name>-1`, ...),
 * or with disk_image + use_backing_file a qcow2 overlay of the source image.
 */
export function stepCreateDisk(config: PreparedQemuConfig, driver: QemuDriver): Step<QemuState, Pick<QemuState, 'diskPaths'>> {
  return {
    name: 'stepCreateDisk',
    async run(state, ctx) {
      if (config.diskImage && !config.useBackingFile) return {};
      ctx.ui.say('Creating required virtual machine disks');
      const main = imagePath(config);
      const disks = [
        { path: main, size: config.diskSize },
        ...config.additionalDiskSizes.map((size, index) => ({ path: join(config.outputDir, `${config.vmName}-${index + 1}`), size })),
      ];
      for (const [index, disk] of disks.entries()) {
        await withMessage('Error creating hard drive', () => driver.qemuImg(createDiskArgs(config, disk.path, disk.size, index, state.isoPath ?? ''), ctx.signal));
      }
      return { diskPaths: disks.map((disk) => disk.path) };
    },
  };
}

/**
 * Packer's stepCopyDisk (disk_image without a backing file): the source image converted to
 * `format` into the output directory, or copied as is when its extension already names the format.
 */
export function stepCopyDisk(config: PreparedQemuConfig, driver: QemuDriver): Step<QemuState> {
  return {
    name: 'stepCopyDisk',
    async run(state, ctx) {
      if (!config.diskImage || config.useBackingFile) return;
      const source = state.isoPath ?? '';
      const target = imagePath(config);
      if (extname(source).slice(1) === config.format) {
        ctx.ui.message('File extension already matches desired output format. Skipping qemu-img convert step');
        await driver.copy(source, target);
        return;
      }
      ctx.ui.say('Copying hard drive...');
      await withMessage('Error creating hard drive', () =>
        driver.qemuImg(['convert', ...config.qemuImgArgs.convert, '-O', config.format, source, target], ctx.signal),
      );
    },
  };
}

/** Packer's stepResizeDisk: a disk_image grown to disk_size, unless skip_resize_disk. */
export function stepResizeDisk(config: PreparedQemuConfig, driver: QemuDriver): Step<QemuState> {
  return {
    name: 'stepResizeDisk',
    async run(_state, ctx) {
      if (!config.diskImage || config.skipResizeDisk) return;
      ctx.ui.say('Resizing hard drive...');
      await withMessage('Error creating hard drive', () =>
        driver.qemuImg(['resize', '-f', config.format, ...config.qemuImgArgs.resize, imagePath(config), config.diskSize], ctx.signal),
      );
    },
  };
}

/**
 * Packer's stepConvertDisk: after shutdown, the qcow2 rewritten by `qemu-img convert` (which drops
 * unused clusters; `-c` with disk_compression) and moved over the original. Retried while QEMU
 * still holds its write lock.
 */
export function stepConvertDisk(config: PreparedQemuConfig, driver: QemuDriver, retryDelayMs = 1000): Step<QemuState> {
  return {
    name: 'stepConvertDisk',
    async run(_state, ctx) {
      if (config.skipCompaction && !config.diskCompression) return;
      const source = imagePath(config);
      const target = `${source}.convert`;
      const args = ['convert', ...(config.diskCompression ? ['-c'] : []), ...config.qemuImgArgs.convert, '-O', config.format, source, target];
      ctx.ui.say('Converting hard drive...');
      await withMessage('Error converting hard drive', async () => {
        for (let attempt = 1; ; attempt += 1) {
          try {
            return await driver.qemuImg(args, ctx.signal);
          } catch (error) {
            if (attempt >= 10 || !(error as Error).message.includes('Failed to get shared "write" lock')) throw error;
            await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
          }
        }
      });
      await withMessage('Error moving converted hard drive', () => rename(target, source));
    },
  };
}

async function withMessage<T>(prefix: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof KilnError && error.code === 'CANCELLED') throw error;
    throw new KilnError('STEP_FAILED', `${prefix}: ${(error as Error).message}`, { cause: error });
  }
}
