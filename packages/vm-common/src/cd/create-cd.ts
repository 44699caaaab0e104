import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { KilnError, silentUi } from '@kiln/sdk';
import type { Ui } from '@kiln/sdk';
import { cancelledError } from '../util/sleep.js';

/** The ISO makers Packer tries, in its order (genisoimage, Debian's mkisofs, added after mkisofs). */
const ISO_COMMANDS: ReadonlyArray<{ readonly name: string; readonly args: (label: string, source: string, output: string) => string[] }> = [
  { name: 'xorriso', args: (label, source, output) => ['-as', 'genisoimage', '-rock', '-joliet', '-volid', label, '-output', output, source] },
  { name: 'mkisofs', args: (label, source, output) => ['-joliet', '-volid', label, '-o', output, source] },
  { name: 'genisoimage', args: (label, source, output) => ['-joliet', '-volid', label, '-o', output, source] },
  { name: 'hdiutil', args: (label, source, output) => ['makehybrid', '-o', output, '-hfs', '-joliet', '-iso', '-default-volume-name', label, source] },
  { name: 'oscdimg', args: (label, source, output) => ['-j1', '-o', '-m', `-l${label}`, source, output] },
];

export interface CdOptions {
  /** cd_files: files go to the root; a directory goes under its own name (its contents when it ends with `/`). */
  readonly files: readonly string[];
  /** cd_label (Packer's default `packer`). */
  readonly label?: string;
  readonly ui?: Ui;
  readonly signal?: AbortSignal;
  readonly tempDir?: string;
  /** Where to look for the ISO makers (default PATH). */
  readonly path?: string;
}

export interface CdImage {
  readonly path: string;
  /** The command that made it (`xorriso`, `mkisofs`, ...). */
  readonly tool: string;
  remove(): Promise<void>;
}

/** The first ISO maker found, as Packer's retrieveCDISOCreationCommand. */
export function findIsoCommand(path = process.env['PATH'] ?? ''): { name: string; file: string } | undefined {
  for (const command of ISO_COMMANDS) {
    for (const dir of path.split(delimiter).filter(Boolean)) {
      const file = join(dir, command.name);
      try {
        accessSync(file, constants.X_OK);
        return { name: command.name, file };
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * Packer's StepCreateCD: copies cd_files into a temporary root, makes an ISO of it labelled
 * cd_label with the first of xorriso, mkisofs, hdiutil, oscdimg found, and streams the tool's
 * output as messages. Returns undefined when there are no files.
 */
export async function createCdImage(options: CdOptions): Promise<CdImage | undefined> {
  if (options.files.length === 0) return undefined;
  const ui = options.ui ?? silentUi;
  ui.say('Creating CD disk...');
  const label = options.label || 'packer';
  const work = await mkdtemp(join(options.tempDir ?? tmpdir(), 'packer'));
  const remove = (): Promise<void> => rm(work, { recursive: true, force: true });
  try {
    const root = join(work, 'packer_to_cdrom');
    for (const source of options.files) {
      const info = await stat(source).catch((error: NodeJS.ErrnoException) => {
        const reason = error.code === 'ENOENT' ? 'no such file or directory' : error.message;
        throw new KilnError('STEP_FAILED', `Error creating temporary file for CD: Error adding path to CD: stat ${source}: ${reason}`);
      });
      const destination = info.isDirectory() && source.endsWith('/') ? root : join(root, basename(source));
      await cp(source, destination, { recursive: true });
    }
    const found = findIsoCommand(options.path);
    if (!found) {
      throw new KilnError(
        'STEP_FAILED',
        `could not find a supported CD ISO creation command (the supported commands are: ${['xorriso', 'mkisofs', 'hdiutil', 'oscdimg'].join(', ')})`,
      );
    }
    const output = join(work, `packer${Math.random().toString().slice(2, 11)}.iso`);
    const command = ISO_COMMANDS.find((candidate) => candidate.name === found.name)!;
    await run(found.file, command.args(label, root, output), ui, options.signal);
    await rm(root, { recursive: true, force: true });
    ui.message('Done copying paths from CD_dirs');
    return { path: output, tool: found.name, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

function run(file: string, args: readonly string[], ui: Ui, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    const output: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        ui.message(line);
      });
    }
    child.once('error', (error) => reject(signal?.aborted ? cancelledError(signal) : error));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new KilnError('STEP_FAILED', `Error creating CD: ${basename(file)} exited with status ${code}: ${output.slice(-3).join('\n')}`));
    });
  });
}
