import { KilnError } from '@kiln/sdk';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { decodeVarFile } from './go-json-flat.js';

/** The text Go's os package gives for the file errors a var-file can meet. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
};

function systemMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return SYSTEM_ERRORS[code] ?? (error as Error).message;
}

/**
 * Reads a `-var-file`: a flat JSON object of strings. Errors carry Packer's texts:
 * `open f.json: no such file or directory`, `Error reading variables in 'f.json': <Go's JSON error>`.
 * A relative path is read from `cwd` (default: the process's directory) and quoted as given.
 */
export async function readVarFile(path: string, cwd?: string): Promise<Record<string, string>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(cwd ?? process.cwd(), path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Go opens a directory fine and fails on the first read.
    const message =
      code === 'EISDIR'
        ? `Error reading variables in '${path}': read ${path}: ${systemMessage(error)}`
        : `open ${path}: ${systemMessage(error)}`;
    throw new KilnError(code === 'EISDIR' ? 'VARIABLE_INVALID' : 'IO', message, { cause: error });
  }
  try {
    return decodeVarFile(bytes);
  } catch (error) {
    throw new KilnError('VARIABLE_INVALID', `Error reading variables in '${path}': ${(error as Error).message}`, {
      cause: error,
    });
  }
}
