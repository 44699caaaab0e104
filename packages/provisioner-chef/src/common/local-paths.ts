import { statSync, type Stats } from 'node:fs';
import { formatSystemError } from '@kiln/sdk';

/**
 * os.Stat as Packer's chef provisioners use it at prepare: the stat result and Go's error text.
 * Packer formats a nil error with %s when the path exists but has the wrong kind, which prints
 * `%!s(<nil>)`; messages keep that, since users search for them.
 */
function stat(path: string): { stats?: Stats; errorText: string } {
  try {
    return { stats: statSync(path), errorText: '%!s(<nil>)' };
  } catch (error) {
    return { errorText: formatSystemError(error) };
  }
}

export function checkLocalDirectory(what: string, path: string): string | undefined {
  const { stats, errorText } = stat(path);
  return stats?.isDirectory() ? undefined : `Bad ${what} '${path}': ${errorText}`;
}

export function checkLocalFile(what: string, path: string): string | undefined {
  const { stats, errorText } = stat(path);
  return stats && !stats.isDirectory() ? undefined : `Bad ${what} '${path}': ${errorText}`;
}

/** config_template: Packer's two messages (`Bad config template path`, `... must be a file`). */
export function checkConfigTemplate(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const { stats, errorText } = stat(path);
  if (!stats) return `Bad config template path: ${errorText}`;
  return stats.isDirectory() ? 'Config template path must be a file: %!s(<nil>)' : undefined;
}
