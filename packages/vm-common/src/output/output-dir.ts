import { existsSync } from 'node:fs';
import { mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError, silentUi } from '@kiln/sdk';
import type { Ui } from '@kiln/sdk';
import { sleep } from '../util/sleep.js';

export interface OutputDirectory {
  readonly path: string;
  /**
   * The step's cleanup: removes the directory when the build failed or was cancelled
   * (`Deleting output directory...`, up to 5 tries 2 s apart), keeps it after a success.
   */
  cleanup(outcome: { readonly failed: boolean }): Promise<void>;
}

/**
 * Packer's StepOutputDir: an existing directory is an error unless -force, which deletes it first
 * (`Deleting previous output directory...`); then the directory is created and checked writable.
 */
export async function prepareOutputDir(options: { readonly path: string; readonly force: boolean; readonly ui?: Ui }): Promise<OutputDirectory> {
  const ui = options.ui ?? silentUi;
  if (existsSync(options.path)) {
    if (!options.force) {
      throw new KilnError('STEP_FAILED', `Output directory exists: ${options.path}\n\nUse the force flag to delete it prior to building.`, {
        hint: 'Run with -force to delete it first.',
      });
    }
    ui.say('Deleting previous output directory...');
    await rm(options.path, { recursive: true, force: true });
  }
  await mkdir(options.path, { recursive: true, mode: 0o755 });
  const probe = join(options.path, '_packer_perm_check');
  try {
    await writeFile(probe, '');
    await unlink(probe);
  } catch (error) {
    throw new KilnError('STEP_FAILED', `Couldn't write to output directory: ${(error as Error).message}`, { cause: error });
  }
  return {
    path: options.path,
    async cleanup({ failed }) {
      if (!failed) return;
      ui.say('Deleting output directory...');
      for (let attempt = 0; attempt < 5; attempt += 1) {
        try {
          await rm(options.path, { recursive: true, force: true });
          return;
        } catch {
          await sleep(2000);
        }
      }
    },
  };
}

/**
 * The prepare-time check of the QEMU and VMware builders: `Output directory '<p>' already
 * exists. It must not exist.` unless -force.
 */
export function validateOutputDir(path: string, force: boolean): string[] {
  return !force && existsSync(path) ? [`Output directory '${path}' already exists. It must not exist.`] : [];
}
