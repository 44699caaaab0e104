import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalEntry {
  /** Path below the walked root, `/`-separated; never empty. */
  readonly relative: string;
  readonly absolute: string;
  readonly kind: 'file' | 'directory';
  /** Permission bits (0o7777). */
  readonly mode: number;
  readonly size: number;
}

/** Turns an exclude pattern into a matcher: `*` and `?` stay within a path segment, `**` crosses them. */
export function globMatcher(pattern: string): (relative: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${source.replace(/^\/+|\/+$/g, '')}$`);
  return (relative) => regex.test(relative);
}

/**
 * Walks a local directory in lexical order, parents before children. Symbolic links are followed
 * (a link to a directory is walked as one), as Packer's uploads do. An entry matching an
 * exclude pattern, by its relative path or by its name, is skipped with everything below it.
 */
export async function* walkLocal(root: string, exclude: readonly string[] = []): AsyncGenerator<LocalEntry> {
  const matchers = exclude.map(globMatcher);
  const excluded = (relative: string) => {
    const name = relative.slice(relative.lastIndexOf('/') + 1);
    return matchers.some((matches) => matches(relative) || matches(name));
  };
  async function* walk(directory: string, prefix: string): AsyncGenerator<LocalEntry> {
    const names = (await readdir(directory)).sort();
    for (const name of names) {
      const relative = prefix === '' ? name : `${prefix}/${name}`;
      if (excluded(relative)) continue;
      const absolute = join(directory, name);
      // Synchronous on purpose: a stat takes microseconds, while a trip through libuv's thread
      // pool per entry made walking a 5,000-file tree three times slower.
      const info = statSync(absolute);
      if (info.isDirectory()) {
        yield { relative, absolute, kind: 'directory', mode: info.mode & 0o7777, size: 0 };
        yield* walk(absolute, relative);
      } else if (info.isFile()) {
        yield { relative, absolute, kind: 'file', mode: info.mode & 0o7777, size: info.size };
      }
    }
  }
  yield* walk(root, '');
}
