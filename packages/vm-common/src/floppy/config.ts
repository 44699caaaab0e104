import type { JsonSchema } from '@kiln/sdk';
import { statError } from '../cd/config.js';
import { hasGlob } from '../util/glob.js';

/** Packer's FloppyConfig options. */
export interface FloppyConfig {
  readonly floppy_files?: readonly string[];
  readonly floppy_dirs?: readonly string[];
  readonly floppy_label?: string;
}

export const floppyConfigProperties: Readonly<Record<string, JsonSchema>> = {
  floppy_files: { type: 'array', items: { type: 'string' }, description: 'Files (globs allowed) copied flat onto a floppy image attached to the machine.' },
  floppy_dirs: { type: 'array', items: { type: 'string' }, description: 'Directories (globs allowed) copied with their trees onto the floppy.' },
  floppy_label: { type: 'string', default: 'packer', description: 'Volume label of the floppy.' },
};

/** Packer's FloppyConfig.Prepare: paths without glob characters must exist. */
export function prepareFloppyConfig(config: FloppyConfig): {
  readonly files: readonly string[];
  readonly directories: readonly string[];
  readonly label: string;
  readonly errors: string[];
} {
  const files = config.floppy_files ?? [];
  const directories = config.floppy_dirs ?? [];
  const errors = [
    ...files.filter((path) => !hasGlob(path)).flatMap((path) => statError(path, 'Bad Floppy disk file')),
    ...directories.filter((path) => !hasGlob(path)).flatMap((path) => statError(path, 'Bad Floppy disk directory')),
  ];
  return { files, directories, label: config.floppy_label || 'packer', errors };
}
