import type { JsonSchema } from '@kiln/sdk';
import { durationMs, durationProperty } from '../util/config.js';

/** Packer's ShutdownConfig options. */
export interface ShutdownConfig {
  readonly shutdown_command?: string;
  readonly shutdown_timeout?: string;
}

export const shutdownConfigProperties: Readonly<Record<string, JsonSchema>> = {
  shutdown_command: { type: 'string', description: 'Command run over the communicator to stop the machine; empty means a hard power-off.' },
  shutdown_timeout: durationProperty('How long to wait for the machine to stop after shutdown_command.', '5m'),
};

/** Packer's ShutdownConfig.Prepare: the timeout defaults to 5m when unset or 0. */
export function prepareShutdownConfig(config: ShutdownConfig): { readonly command: string | undefined; readonly timeoutMs: number; readonly errors: string[] } {
  const errors: string[] = [];
  const timeout = durationMs(config.shutdown_timeout, errors);
  return { command: config.shutdown_command || undefined, timeoutMs: timeout === undefined || timeout === 0 ? 300_000 : timeout, errors };
}
