import os from 'node:os';
import path from 'node:path';

/**
 * The per-user folder for compiled code: `$XDG_CACHE_HOME/kiln/code-cache` (default
 * `~/.cache/kiln/code-cache`), `~/Library/Caches/kiln/code-cache` on macOS and
 * `%LOCALAPPDATA%\kiln\code-cache` on Windows. Compiled code runs as the user, so it is kept
 * where only the user writes, never in a shared temp folder. `KILN_CODE_CACHE=off` turns the
 * cache off (undefined).
 */
export function codeCacheDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string | undefined {
  if (env['KILN_CODE_CACHE'] === 'off') return undefined;
  const base =
    platform === 'win32'
      ? env['LOCALAPPDATA'] || path.join(home, 'AppData', 'Local')
      : platform === 'darwin'
        ? path.join(home, 'Library', 'Caches')
        : env['XDG_CACHE_HOME'] || path.join(home, '.cache');
  return path.join(base, 'kiln', 'code-cache');
}
