import { appendFileSync } from 'node:fs';
import type { CliIO } from '../io.js';

export interface CliLogger {
  readonly enabled: boolean;
  /** One log line: `2006/01/02 15:04:05 [INFO] text`, like Packer's, masked. */
  log(level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', text: string): void;
}

/**
 * Debug logging, off unless KILN_LOG (or Packer's PACKER_LOG) is set to something other than
 * empty or `0`. Lines go to stderr, never to stdout where the UI and machine rows are, or to the
 * file named by KILN_LOG_PATH / PACKER_LOG_PATH.
 */
export function createCliLogger(io: CliIO, mask: (text: string) => string = (text) => text): CliLogger {
  const setting = io.env['KILN_LOG'] ?? io.env['PACKER_LOG'] ?? '';
  const enabled = setting !== '' && setting !== '0';
  const path = io.env['KILN_LOG_PATH'] ?? io.env['PACKER_LOG_PATH'] ?? '';
  return {
    enabled,
    log(level, text) {
      if (!enabled) return;
      const line = `${logTimestamp(io.now?.() ?? new Date())} [${level}] ${mask(text)}\n`;
      if (path !== '') appendFileSync(path, line);
      else io.stderr.write(line);
    },
  };
}

/** Go's log.LstdFlags: local date and time, `2006/01/02 15:04:05`. */
function logTimestamp(date: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}/${two(date.getMonth() + 1)}/${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}
