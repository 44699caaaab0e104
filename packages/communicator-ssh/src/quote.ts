import { posix } from 'node:path';

/** Quotes a string for a POSIX shell: unchanged when it has only safe characters, else in single quotes. */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Quotes a remote path for the remote shell, keeping a leading `~` or `~/` unquoted so that the
 * shell still expands it to the home directory (Packer's scp command left paths unquoted and
 * only escaped spaces, so `~/x` worked there).
 */
export function quoteRemotePath(path: string): string {
  if (path === '~') return '~';
  if (path.startsWith('~/')) return path.length === 2 ? '~/' : `~/${shellQuote(path.slice(2))}`;
  return shellQuote(path);
}

/**
 * Go's path.Dir and path.Base, which Packer's scp upload splits a destination with: for
 * `/tmp/x/` they give `/tmp/x` and `x` (so an existing directory x receives a file x), where
 * Node's posix.dirname would give `/tmp`.
 */
export function goSplit(path: string): { dir: string; base: string } {
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const trimmed = path.replace(/\/+$/, '');
  const base = trimmed === '' ? (path === '' ? '.' : '/') : trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return { dir: goClean(dir), base };
}

function goClean(path: string): string {
  if (path === '') return '.';
  const normalized = posix.normalize(path);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}
