import { relative } from 'node:path';
import type { KilnError, SourcePosition } from '@kiln/sdk';

/**
 * A KilnError as one message of Kiln's output: Packer's text, preceded (beyond Packer) by the
 * `file:line:column: ` it is about and the template key, and followed by the hint on its own
 * indented line, so that editors and people can go straight to the place.
 */
export function formatKilnError(error: KilnError): string {
  return kilnErrorFormatter()(error);
}

export type ErrorFormat = (error: KilnError) => string;

/** formatKilnError with file names shown relative to `cwd` (the directory the user ran kiln in). */
export function kilnErrorFormatter(cwd?: string): ErrorFormat {
  return (error) => {
    const where = error.position ? `${formatLocation(error.position, cwd)}: ` : '';
    const key = error.keyPath && !error.message.includes(error.keyPath) ? `${error.keyPath}: ` : '';
    const hint = error.hint ? `\n  ${error.hint}` : '';
    return `${where}${key}${error.message}${hint}`;
  };
}

/**
 * `file:line:column`, the file relative to `cwd` when it lies inside it (as the user typed it),
 * absolute otherwise.
 */
export function formatLocation(position: SourcePosition, cwd?: string): string {
  return `${displayPath(position.file, cwd)}:${position.line}:${position.column}`;
}

export function displayPath(file: string, cwd?: string): string {
  if (cwd === undefined || file === '') return file;
  const path = relative(cwd, file);
  return path !== '' && !path.startsWith('..') && !path.startsWith('/') ? path : file;
}
