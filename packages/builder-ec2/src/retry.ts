import { sleep } from '@kiln/sdk';
import { awsErrorCode } from './driver.js';

/** Errors worth another try whatever the call: throttling and transient server trouble. */
const ALWAYS_RETRIED = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'TooManyRequestsException',
  'InternalError',
  'ServiceUnavailable',
  'Unavailable',
]);

export interface RetryOptions {
  /** AWS error codes that mean "not yet" for this call (DependencyViolation, InvalidGroup.InUse, ...). */
  readonly retryOn?: readonly string[];
  /** For errors whose code alone says too little (an InvalidParameterValue about a new instance profile). */
  readonly retryIf?: (error: unknown) => boolean;
  /** Attempts in all (Packer's retry.Config Tries); default 11. */
  readonly tries?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Packer's retry.Config with its linear backoff (200 ms, 400 ms, ... up to 30 s): calls fn until
 * it succeeds, fails with an error that is not retried, or runs out of tries.
 */
export async function retrying<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { tries = 11, initialDelayMs = 200, maxDelayMs = 30_000 } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = awsErrorCode(error) ?? '';
      const retried = ALWAYS_RETRIED.has(code) || (options.retryOn ?? []).includes(code) || options.retryIf?.(error) === true;
      if (!retried || attempt >= tries) throw error;
      await sleep(Math.min(initialDelayMs * attempt, maxDelayMs), options.signal);
    }
  }
}

/** Resolves true when fn threw one of `codes` (the resource was already gone), rethrows anything else. */
export async function ignoring(codes: readonly string[], fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return false;
  } catch (error) {
    if (codes.includes(awsErrorCode(error) ?? '')) return true;
    throw error;
  }
}
