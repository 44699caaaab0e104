import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildEvent } from '../events.js';

export interface DebugLogOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stderr: { write(text: string): unknown };
  readonly emit: (event: BuildEvent) => void;
}

/** KILN_LOG (or Packer's PACKER_LOG) set to anything but "" or "0" turns the debug log on. */
export function debugLogEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const setting = env['KILN_LOG'] ?? env['PACKER_LOG'] ?? '';
  return setting !== '' && setting !== '0';
}

/**
 * The run's debug log: each line goes out as a `log` event (the CLI's -log-dir keeps one file per
 * build from them) and, when enabled, to stderr or to KILN_LOG_PATH / PACKER_LOG_PATH, in
 * Packer's layout (`2006/01/02 15:04:05 [INFO] text`).
 */
export function createDebugLog(options: DebugLogOptions): (text: string, build?: string) => void {
  const enabled = debugLogEnabled(options.env);
  const logPath = options.env['KILN_LOG_PATH'] ?? options.env['PACKER_LOG_PATH'];
  const file = logPath ? path.resolve(options.cwd, logPath) : undefined;
  return (text, build) => {
    options.emit(build === undefined ? { type: 'log', text } : { type: 'log', build, text });
    if (!enabled) return;
    const line = `${goLogTimestamp(new Date())} [INFO] ${build === undefined ? '' : `${build}: `}${text}\n`;
    if (file) appendFileSync(file, line);
    else options.stderr.write(line);
  };
}

function goLogTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}/${two(date.getMonth() + 1)}/${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}
