import { chmod, rename, rm } from 'node:fs/promises';
import { KilnError, formatSystemError } from '@kiln/sdk';
import { createTempFile } from './temp-file.js';

export interface InlineScriptOptions {
  /** The commands, one per line, already rendered. */
  readonly lines: readonly string[];
  /** Written as `#!<shebang>` first when not empty. */
  readonly shebang?: string;
  /** Without the dot; the file is renamed to `<name>.<extension>` (Windows needs `.cmd`). */
  readonly extension?: string;
}

/**
 * Writes inline commands to a local `packer-shell*` temp file (executable by its owner only), the
 * way the shell and shell-local provisioners both do. The caller removes it when done.
 */
export async function writeInlineScript(options: InlineScriptOptions): Promise<string> {
  let created: string | undefined;
  try {
    const { path, handle } = await createTempFile('packer-shell');
    created = path;
    try {
      const shebang = options.shebang ? `#!${options.shebang}\n` : '';
      await handle.writeFile(shebang + options.lines.map((line) => `${line}\n`).join(''));
    } finally {
      await handle.close();
    }
    await chmod(path, 0o700);
    if (options.extension) {
      const withExtension = `${path}.${options.extension}`;
      await rename(path, withExtension);
      created = withExtension;
    }
    return created;
  } catch (error) {
    if (created) await rm(created, { force: true });
    throw new KilnError('IO', `Error preparing shell script: ${formatSystemError(error)}`, { cause: error });
  }
}
