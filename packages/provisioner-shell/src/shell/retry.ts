import { isKilnError, sleep } from '@kiln/sdk';

/** Packer's retry delay between attempts to upload and start a script. */
export const RETRY_DELAY_MS = 2_000;

const FINAL = new Set(['CANCELLED', 'CONFIG_INVALID']);

/** A cancel, or a build without a machine (communicator none): waiting will not heal these. */
export const isFinalError = (error: unknown): boolean => isKilnError(error) && FINAL.has(error.code);

export interface RetryOptions {
  /** start_retry_timeout: attempts stop once this much time has passed since the first. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly delayMs?: number;
  readonly now?: () => number;
}

/**
 * Packer's retry.Config{StartTimeout}: runs `attempt` until it succeeds, waiting between tries,
 * and rethrows its last error once start_retry_timeout has passed. This is what carries a
 * provisioner across a reboot: uploads and starts fail until the machine's sshd is back.
 */
export async function retryUntilStarted<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (options.signal.aborted || isFinalError(error)) throw error;
      const left = deadline - now();
      if (left <= 0) throw error;
      await sleep(Math.min(options.delayMs ?? RETRY_DELAY_MS, left), options.signal);
    }
  }
}
