import type { Step } from '@kiln/sdk';
import { shutdownMachine, waitForShutdown } from '@kiln/vm-common';
import type { PreparedQemuConfig } from '../config.js';
import type { QemuState } from '../state.js';

/**
 * Packer's qemu stepShutdown: with communicator none, wait for the guest to power off by itself;
 * else shutdown_command then wait, or without one stop QEMU at once.
 */
export function stepShutdown(config: PreparedQemuConfig): Step<QemuState> {
  return {
    name: 'stepShutdown',
    async run(state, ctx) {
      const qemu = state.qemu;
      const waitUntilStopped = (signal: AbortSignal): Promise<void> =>
        new Promise((resolve, reject) => {
          if (!qemu) return resolve();
          const onAbort = (): void => reject(signal.reason as Error);
          signal.addEventListener('abort', onAbort, { once: true });
          void qemu.exited.then(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      if (config.communicator === 'none') {
        await waitForShutdown({ timeoutMs: config.shutdownTimeoutMs, waitUntilStopped, ui: ctx.ui, signal: ctx.signal });
        return;
      }
      await shutdownMachine({
        ...(config.shutdownCommand ? { command: config.shutdownCommand } : {}),
        timeoutMs: config.shutdownTimeoutMs,
        ...(state.communicator ? { communicator: state.communicator } : {}),
        waitUntilStopped,
        hardStop: async () => qemu?.stop(),
        ui: ctx.ui,
        signal: ctx.signal,
      });
    },
  };
}
