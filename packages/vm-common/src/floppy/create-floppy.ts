import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { KilnError, silentUi } from '@kiln/sdk';
import type { Ui } from '@kiln/sdk';
import { expandGlob, hasGlob } from '../util/glob.js';
import { addFloppyFile, buildFat12Image, floppySubdirectory, newFloppyDirectory } from './fat12.js';
import type { FloppyDirectory } from './fat12.js';

export interface FloppyOptions {
  /** floppy_files: files (or globs) copied flat into the root; a directory's files are flattened too. */
  readonly files?: readonly string[];
  /** floppy_dirs: directories (or globs) copied with their tree, each under its own name. */
  readonly directories?: readonly string[];
  /** floppy_label (Packer's default `packer`). */
  readonly label?: string;
  readonly ui?: Ui;
  /** Where the image goes (default a `packer*` file in the temp directory, as Packer). */
  readonly tempDir?: string;
}

export interface FloppyImage {
  readonly path: string;
  /** Deletes the image (Packer's step cleanup). */
  remove(): Promise<void>;
}

/**
 * Packer's StepCreateFloppy: a 1.44 MB FAT12 image with floppy_files copied flat into its root and
 * floppy_dirs copied as trees, with Packer's messages. Returns undefined when there is nothing to
 * copy. Errors: `Error adding file from floppy_files : <path> : <reason>` and the like.
 */
export async function createFloppyImage(options: FloppyOptions): Promise<FloppyImage | undefined> {
  const files = options.files ?? [];
  const directories = options.directories ?? [];
  if (files.length === 0 && directories.length === 0) return undefined;
  const ui = options.ui ?? silentUi;
  ui.say('Creating floppy disk...');
  const root = newFloppyDirectory();

  ui.message('Copying files flatly from floppy_files');
  for (const pattern of files) {
    for (const file of hasGlob(pattern) ? await expandGlob(pattern) : [pattern]) {
      const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
        throw new KilnError('STEP_FAILED', `Error trying to stat : ${file} : stat ${file}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
      });
      if (info.isDirectory()) {
        ui.message(`Copying directory: ${file}`);
        for (const found of await walkFiles(file)) {
          ui.message(`Adding file: ${found}`);
          addFloppyFile(root, basename(found), await readFile(found));
        }
        continue;
      }
      ui.message(`Copying file: ${file}`);
      addFloppyFile(root, basename(file), await readFile(file));
    }
  }
  ui.message('Done copying files from floppy_files');

  ui.message('Collecting paths from floppy_dirs');
  const queue: string[] = [];
  for (const pattern of directories) queue.push(...(hasGlob(pattern) ? await expandGlob(pattern) : [pattern]));
  ui.message(`Resulting paths from floppy_dirs : [${queue.join(' ')}]`);
  for (const source of queue) {
    ui.message(`Recursively copying : ${source}`);
    try {
      await addTree(root, source);
    } catch (error) {
      throw new KilnError('STEP_FAILED', `Error adding path ${source} to floppy: ${(error as Error).message}`, { cause: error });
    }
  }
  ui.message('Done copying paths from floppy_dirs');

  let image: Buffer;
  try {
    image = buildFat12Image(root, options.label || 'packer');
  } catch (error) {
    throw new KilnError('STEP_FAILED', `Error creating floppy: ${(error as Error).message}`, { cause: error });
  }
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'packer'));
  const path = join(dir, 'floppy.img');
  await writeFile(path, image);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Adds a file at the root, or a directory as `<its name>/...` (Packer keeps the last path component). */
async function addTree(root: FloppyDirectory, source: string): Promise<void> {
  const info = await stat(source).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Error adding path to floppy: stat ${source}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
  });
  if (!info.isDirectory()) {
    addFloppyFile(root, basename(source), await readFile(source));
    return;
  }
  const parent = dirname(resolve(source));
  floppySubdirectory(root, relative(parent, resolve(source)).split(sep));
  for (const file of await walkFiles(source, true)) {
    const parts = relative(parent, resolve(file)).split(sep);
    if (file.endsWith(sep)) {
      floppySubdirectory(root, parts);
      continue;
    }
    const name = parts.pop()!;
    addFloppyFile(floppySubdirectory(root, parts), name, await readFile(file));
  }
}

/** Files under a directory, depth first in name order; with `withDirectories`, directories end with a separator. */
async function walkFiles(directory: string, withDirectories = false): Promise<string[]> {
  const found: string[] = [];
  const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (withDirectories) found.push(`${path}${sep}`);
      found.push(...(await walkFiles(path, withDirectories)));
    } else {
      found.push(path);
    }
  }
  return found;
}
