import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KilnError } from '@kiln/sdk';
import type { CliIO } from '../io.js';

/** How Go's os package words the failures of reading a file. */
const GO_ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
};

/**
 * The bytes of `path` (relative to io.cwd; `-` is standard input). Failures throw KilnError IO
 * with Go's text: `open x: no such file or directory`, or `read x: is a directory` (Go opens a
 * directory fine and fails on the read).
 */
export async function readInput(path: string, io: CliIO): Promise<Uint8Array> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(resolve(io.cwd, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const verb = code === 'EISDIR' ? 'read' : 'open';
    throw new KilnError('IO', `${verb} ${path}: ${GO_ERRNO_TEXT[code] ?? (error as Error).message}`, { cause: error });
  }
}
