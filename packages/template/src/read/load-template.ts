import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KilnError } from '@kiln/sdk';
import type { Template } from '../model.js';
import { readTemplate } from './read-template.js';

export interface LoadTemplateOptions {
  /** Directory a relative path is resolved against; default process.cwd(). */
  readonly cwd?: string;
  /** Read when the path is `-`; default process.stdin. */
  readonly stdin?: NodeJS.ReadableStream;
}

/**
 * Reads a template file (`-`: standard input) with readTemplate. The path is made absolute
 * against `cwd` as Packer does — for `-` too, so a template from stdin has `template_dir` = cwd.
 * A file that cannot be read throws KilnError IO with Go's wording (`open x: no such file or
 * directory`).
 */
export async function loadTemplate(path: string, options: LoadTemplateOptions = {}): Promise<Template> {
  const cwd = options.cwd ?? process.cwd();
  const absolute = resolve(cwd, path);
  const bytes = path === '-' ? await readAll(options.stdin ?? process.stdin) : await readTemplateFile(path, absolute);
  return readTemplate(bytes, absolute);
}

async function readTemplateFile(path: string, absolute: string): Promise<Uint8Array> {
  try {
    return await readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const verb = code === 'EISDIR' ? 'read' : 'open';
    throw new KilnError('IO', `${verb} ${path}: ${GO_ERRNO_TEXT[code] ?? (error as Error).message}`, { cause: error });
  }
}

/** How Go spells the errno messages a template read can meet. */
const GO_ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
};

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  return Buffer.concat(chunks);
}
