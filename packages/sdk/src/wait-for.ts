import { KilnError, isKilnError } from './errors.js';

export interface WaitForOptions {
  /** Milliseconds between checks, or a function of the 1-based attempt number (for backoff). Default 1000. */
  readonly interval?: number | ((attempt: number) => number);
  /** Milliseconds until giving up; undefined waits until cancelled. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
  /** Completes `Timeout waiting for ...`: 'SSH to become available', 'the AMI to be ready'. */
  readonly description: string;
  /**
   * Whether an error thrown by check means "not yet" (keep polling) rather than "give up".
   * Default: every error gives up. The last such error is quoted in the timeout message, so a
   * timeout says why it never succeeded.
   */
  readonly retryOn?: (error: unknown) => boolean;
}

/**
 * Polls `check` until it returns a value other than undefined or false, and resolves with it.
 * Rejects with a TIMEOUT KilnError after `timeout`, a CANCELLED KilnError once `signal` fires, or
 * the error `check` threw (unless `retryOn` says to keep trying). The check receives a signal that
 * fires on cancel and on timeout, so a slow check is abandoned too.
 */
export async function waitFor<T>(
  check: (signal: AbortSignal) => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions,
): Promise<T> {
  const { signal, timeout, description } = options;
  const deadline = new AbortController();
  const timer = timeout === undefined ? undefined : setTimeout(() => deadline.abort(), timeout);
  const stop = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  let lastError: unknown;
  try {
    for (let attempt = 1; ; attempt++) {
      throwIfStopped();
      try {
        const result = await raceAbort(Promise.resolve(check(stop)), stop);
        if (result !== undefined && result !== false) return result;
      } catch (error) {
        throwIfStopped();
        if (!options.retryOn?.(error)) throw error;
        lastError = error;
      }
      await sleep(intervalFor(attempt), stop).catch(() => undefined);
    }
  } finally {
    if (timer) clearTimeout(timer);
  }

  function throwIfStopped(): void {
    if (signal?.aborted) throw cancelled(signal, description);
    if (deadline.signal.aborted) {
      const why = lastError === undefined ? '' : `: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new KilnError('TIMEOUT', `Timeout waiting for ${description}${why}`, { cause: lastError });
    }
  }

  function intervalFor(attempt: number): number {
    const { interval = 1000 } = options;
    return typeof interval === 'function' ? interval(attempt) : interval;
  }
}

/** Resolves after `ms`; rejects with a CANCELLED KilnError if `signal` fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelled(signal, 'a pause'));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled(signal!, 'a pause'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function cancelled(signal: AbortSignal, what: string): KilnError {
  return isKilnError(signal.reason) && signal.reason.code === 'CANCELLED'
    ? signal.reason
    : new KilnError('CANCELLED', `Cancelled while waiting for ${what}`, { cause: signal.reason });
}
