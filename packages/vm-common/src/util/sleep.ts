import { KilnError } from '@kiln/sdk';

/** The error every cancellable wait in this package throws when its signal fires. */
export function cancelledError(signal?: AbortSignal): KilnError {
  const reason: unknown = signal?.reason;
  if (reason instanceof KilnError) return reason;
  return new KilnError('CANCELLED', 'Build was cancelled.', reason === undefined ? {} : { cause: reason });
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelledError(signal);
}

/** Waits `ms` milliseconds, or rejects with a CANCELLED KilnError as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelledError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function isCancellation(error: unknown): boolean {
  return error instanceof KilnError && error.code === 'CANCELLED';
}
