import { statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Go's wording of the errno values plugins meet on files and processes (Go's syscall error table). */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'file exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ENOTEMPTY: 'directory not empty',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EBUSY: 'device or resource busy',
  EXDEV: 'invalid cross-device link',
  EIO: 'input/output error',
  EINVAL: 'invalid argument',
};

/** Node's syscall names as Go's os package names the operation in a PathError. */
const GO_OP: Readonly<Record<string, string>> = {
  unlink: 'remove',
  rmdir: 'remove',
  scandir: 'open',
  opendir: 'open',
  copyfile: 'open',
};

interface NodeSystemError {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly path?: unknown;
  readonly dest?: unknown;
  readonly message?: unknown;
}

/**
 * Words a Node system error the way Packer prints the Go error for the same failure
 * (`open out/f.txt: no such file or directory`, `rename a b: permission denied`), so messages that
 * users grep for read the same. Anything that is not a system error keeps its own message.
 */
export function formatSystemError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, syscall, path, dest, message } = error as NodeSystemError;
  const reason = typeof code === 'string' ? ERRNO_TEXT[code] : undefined;
  if (reason === undefined || typeof syscall !== 'string') {
    return typeof message === 'string' ? message : String(error);
  }
  const op = GO_OP[syscall] ?? syscall;
  const paths = [path, dest].filter((p): p is string => typeof p === 'string');
  return paths.length > 0 ? `${op} ${paths.join(' ')}: ${reason}` : `${op}: ${reason}`;
}

/**
 * Packer's prepare-time check that a local file exists: stats `path` from `cwd` (the run's working
 * directory) and returns Go's error text naming the path as the user wrote it, or undefined.
 */
export function statErrorText(path: string, cwd = process.cwd()): string | undefined {
  try {
    statSync(resolve(cwd, path));
    return undefined;
  } catch (error) {
    const { code, message } = (error ?? {}) as NodeSystemError;
    return formatSystemError({ code, message, syscall: 'stat', path });
  }
}
