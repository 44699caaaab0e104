import { KilnError, silentUi } from '@kiln/sdk';
import type { Communicator, Ui } from '@kiln/sdk';
import { cancelledError, isCancellation, sleep } from '../util/sleep.js';

export interface ShutdownOptions {
  /** shutdown_command; empty or unset means a hard stop. */
  readonly command?: string;
  /** shutdown_timeout in ms (Packer's default 5m). */
  readonly timeoutMs: number;
  /** Runs the command; required when there is one. */
  readonly communicator?: Communicator;
  /** Resolves once the machine is off (poll the hypervisor, wait for the process); honour the signal. */
  readonly waitUntilStopped: (signal: AbortSignal) => Promise<void>;
  /** Powers the machine off at once (`controlvm poweroff`, `vmrun stop hard`, kill QEMU). */
  readonly hardStop: () => Promise<void>;
  readonly ui?: Ui;
  readonly signal?: AbortSignal;
}

/**
 * Packer's StepShutdown of the local builders. With a shutdown_command: `Gracefully halting
 * virtual machine...`, the command over the communicator (its output as messages, its exit status
 * ignored, as the machine may drop the connection), then up to shutdown_timeout for the machine to
 * stop, else `Timeout while waiting for machine to shut down.`. Without one: `Halting the virtual
 * machine...` and a hard stop (`Error stopping VM: ...` if that fails).
 */
export async function shutdownMachine(options: ShutdownOptions): Promise<void> {
  const ui = options.ui ?? silentUi;
  if (!options.command) {
    ui.say('Halting the virtual machine...');
    try {
      await options.hardStop();
    } catch (error) {
      throw new KilnError('STEP_FAILED', `Error stopping VM: ${(error as Error).message}`, { cause: error });
    }
    return;
  }
  if (!options.communicator) throw new KilnError('INTERNAL', 'a shutdown_command needs a communicator');
  ui.say('Gracefully halting virtual machine...');
  try {
    await options.communicator.exec({
      command: options.command,
      onStdout: (line) => ui.message(line),
      onStderr: (line) => ui.error(line),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw cancelledError(options.signal);
    throw new KilnError('STEP_FAILED', `Failed to send shutdown command: ${(error as Error).message}`, { cause: error });
  }
  await waitForStop(options, 'Timeout while waiting for machine to shut down.');
}

/**
 * Waits up to `timeoutMs` for the machine to stop on its own (QEMU with communicator none:
 * `Waiting for shutdown...`, then `Failed to shutdown` on timeout).
 */
export async function waitForShutdown(options: Pick<ShutdownOptions, 'timeoutMs' | 'waitUntilStopped' | 'ui' | 'signal'>): Promise<void> {
  (options.ui ?? silentUi).say('Waiting for shutdown...');
  await waitForStop(options, 'Failed to shutdown');
}

async function waitForStop(options: Pick<ShutdownOptions, 'timeoutMs' | 'waitUntilStopped' | 'signal'>, timeoutMessage: string): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const timeout = sleep(options.timeoutMs, controller.signal).then(
    () => 'timeout' as const,
    () => 'aborted' as const,
  );
  try {
    const outcome = await Promise.race([options.waitUntilStopped(controller.signal).then(() => 'stopped' as const), timeout]);
    if (options.signal?.aborted) throw cancelledError(options.signal);
    if (outcome === 'timeout') throw new KilnError('TIMEOUT', timeoutMessage);
  } catch (error) {
    if (error instanceof KilnError && (error.code === 'TIMEOUT' || isCancellation(error))) throw error;
    if (options.signal?.aborted) throw cancelledError(options.signal);
    throw error;
  } finally {
    controller.abort();
    options.signal?.removeEventListener('abort', stop);
  }
}
