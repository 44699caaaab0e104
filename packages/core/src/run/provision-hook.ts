import {
  KilnError,
  askOrCancel,
  formatGoDuration,
  messageOf,
  sleep,
  type BuildEnvironment,
  type Communicator,
  type GeneratedData,
  type Hook,
  type Ui,
} from '@kiln/sdk';
import type { BuildEvent } from '../events.js';
import type { PreparedProvisioner } from '../prepare/prepared-build.js';
import { goQuote } from '@kiln/template';

export interface ProvisionHookOptions {
  readonly build: string;
  readonly provisioners: readonly PreparedProvisioner[];
  readonly errorCleanupProvisioner?: PreparedProvisioner | undefined;
  readonly ui: Ui;
  readonly env: BuildEnvironment;
  readonly emit: (event: BuildEvent) => void;
}

const NO_COMMUNICATOR =
  'No communicator found for provisioners! This is usually because the\n' +
  '`communicator` config was set to "none". If you have any provisioners\n' +
  'then a communicator is required. Please fix this to continue.';

/**
 * Packer's provision hook: runs the build's provisioners in order, each with its pause_before,
 * timeout and max_retries (and a -debug pause), stopping at the first error.
 */
export function provisionHook(options: ProvisionHookOptions): Hook {
  const { provisioners, errorCleanupProvisioner, ui, env } = options;
  const emitFor = (p: PreparedProvisioner, index: number, role: 'provision' | 'cleanup') =>
    (status: 'started' | 'succeeded' | 'failed') =>
      options.emit({ type: 'provisioner', build: options.build, index, provisionerType: p.type, role, status });

  const runOne = async (
    p: PreparedProvisioner,
    communicator: Communicator | undefined,
    data: GeneratedData,
    signal: AbortSignal,
    report: (status: 'started' | 'succeeded' | 'failed') => void,
  ): Promise<void> => {
    report('started');
    try {
      await p.provisioner.provision({ ui, communicator, generatedData: data, signal, env });
      report('succeeded');
    } catch (error) {
      report('failed');
      throw error;
    }
  };

  return {
    async provision(communicator, data, signal) {
      if (provisioners.length === 0) return;
      if (!communicator) throw new KilnError('CONFIG_INVALID', NO_COMMUNICATOR);
      for (const [index, p] of provisioners.entries()) {
        if (env.debug) await askOrCancel(ui, 'Pausing before the next provisioner . Press enter to continue.', signal);
        throwIfCancelled(signal);
        await withRetries(p.maxRetries, ui, signal, () =>
          withPauseAndTimeout(p, ui, signal, (attemptSignal) =>
            runOne(p, communicator, data, attemptSignal, emitFor(p, index, 'provision')),
          ),
        );
      }
    },
    async provisionCleanup(communicator, data, signal) {
      if (!errorCleanupProvisioner) return;
      if (!communicator) throw new KilnError('CONFIG_INVALID', NO_COMMUNICATOR);
      // Packer runs the cleanup provisioner bare: no pause, timeout or retries.
      await runOne(errorCleanupProvisioner, communicator, data, signal, emitFor(errorCleanupProvisioner, 0, 'cleanup'));
    },
    hasCleanupProvisioner: errorCleanupProvisioner !== undefined,
  };
}

/**
 * max_retries: 1 + N attempts. Packer quotes (and finally returns) the first error in every retry
 * message, because of a shadowed variable; kept, as the errors rarely differ.
 */
async function withRetries(maxRetries: number, ui: Ui, signal: AbortSignal, attempt: () => Promise<void>): Promise<void> {
  throwIfCancelled(signal);
  let firstError: unknown;
  try {
    return await attempt();
  } catch (error) {
    if (maxRetries <= 0) throw error;
    firstError = error;
  }
  for (let left = maxRetries; left > 0; left--) {
    throwIfCancelled(signal);
    ui.say(`Provisioner failed with ${goQuote(messageOf(firstError))}, retrying with ${left} trie(s) left`);
    try {
      return await attempt();
    } catch {
      // the next round reports the first error again, as Packer does
    }
  }
  ui.say('retry limit reached.');
  throw firstError;
}

/**
 * pause_before, then timeout. Packer 1.6.6 ignores `timeout` when `pause_before` is set too; Kiln
 * applies both (the pause does not count against the timeout).
 */
async function withPauseAndTimeout(
  p: PreparedProvisioner,
  ui: Ui,
  signal: AbortSignal,
  run: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  if (p.pauseBeforeMs > 0) {
    ui.say(`Pausing ${formatGoDuration(p.pauseBeforeMs)} before the next provisioner...`);
    await sleep(p.pauseBeforeMs, signal);
  }
  if (p.timeoutMs <= 0) return run(signal);
  ui.say(`Setting a ${formatGoDuration(p.timeoutMs)} timeout for the next provisioner...`);
  const timeout = new AbortController();
  const timer = setTimeout(() => {
    ui.error('Cancelling provisioner after a timeout...');
    timeout.abort(new KilnError('TIMEOUT', `Provisioner timed out after ${formatGoDuration(p.timeoutMs)}`));
  }, p.timeoutMs);
  try {
    return await run(AbortSignal.any([signal, timeout.signal]));
  } finally {
    clearTimeout(timer);
  }
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new KilnError('CANCELLED', 'Build was cancelled.', { cause: signal.reason });
}
