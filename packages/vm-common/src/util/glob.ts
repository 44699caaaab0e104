import { readdir } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';

/** Whether a path has Go filepath.Glob metacharacters. */
export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** Go's filepath.Glob: `*`, `?` and `[...]` within one path component; matches in name order. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const parts = pattern.split(sep);
  let bases = [isAbsolute(pattern) ? sep : ''];
  for (const [index, part] of parts.entries()) {
    if (part === '' && index === 0) continue;
    if (!hasGlob(part)) {
      bases = bases.map((base) => (base === '' ? part : join(base, part)));
      continue;
    }
    const matcher = globRegExp(part);
    const next: string[] = [];
    for (const base of bases) {
      const names = await readdir(base === '' ? '.' : base).catch(() => [] as string[]);
      for (const name of names.sort()) if (matcher.test(name)) next.push(base === '' ? name : join(base, name));
    }
    bases = next;
  }
  return bases;
}

function globRegExp(part: string): RegExp {
  let source = '';
  for (let index = 0; index < part.length; index += 1) {
    const char = part[index]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const close = part.indexOf(']', index + 1);
      if (close < 0) return /$^/;
      source += `[${part.slice(index + 1, close).replace(/^\^/, '^').replace(/\\/g, '\\\\')}]`;
      index = close;
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
