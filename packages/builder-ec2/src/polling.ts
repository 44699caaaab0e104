import { KilnError, waitFor } from '@kiln/sdk';

/** How a wait polls: the delay between checks and how many checks before giving up. */
export interface Polling {
  readonly delayMs: number;
  readonly maxAttempts: number;
  /**
   * Nothing was configured: wait a tenth of the time waited so far between checks (at least 1 s,
   * at most delayMs), and give up after the time Packer would (delayMs x maxAttempts). Packer
   * checks every 15 s from the start, so an instance that runs after 16 s costs it 30 s; here a
   * short wait costs about a second more than it takes, a long one at most delayMs more.
   */
  readonly adaptive?: boolean;
}

/** The AWS SDK's waiter defaults Packer falls back to: 15 s apart, 40 checks. */
export const WAITER_DEFAULT: Polling = { delayMs: 15_000, maxAttempts: 40 };

export interface PollingSources {
  /** aws_polling from the template. */
  readonly config?: { readonly delay_seconds?: number; readonly max_attempts?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
}

const envInt = (env: PollingSources['env'], name: string): number | undefined => {
  const text = env[name];
  if (text === undefined || text === '' || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
};

/**
 * Packer's AWSPollingConfig.getWaiterOptions with its env overrides: aws_polling wins over
 * AWS_POLL_DELAY_SECONDS / AWS_MAX_ATTEMPTS; the deprecated AWS_TIMEOUT_SECONDS gives a number
 * of attempts at the delay (2 s unless set); what is unset keeps the waiter's own default.
 * `amiDefault` is Packer's bump to 120 attempts for AMI waits when nothing at all is overridden.
 */
export function pollingFor(sources: PollingSources, waiter: Polling = WAITER_DEFAULT, amiDefault = false): Polling {
  const delaySeconds = (sources.config?.delay_seconds || undefined) ?? envInt(sources.env, 'AWS_POLL_DELAY_SECONDS');
  const maxAttempts = (sources.config?.max_attempts || undefined) ?? envInt(sources.env, 'AWS_MAX_ATTEMPTS');
  const timeoutSeconds = envInt(sources.env, 'AWS_TIMEOUT_SECONDS');
  if (maxAttempts !== undefined) {
    return { delayMs: delaySeconds !== undefined ? delaySeconds * 1000 : waiter.delayMs, maxAttempts };
  }
  if (timeoutSeconds !== undefined) {
    const delay = delaySeconds ?? 2;
    return { delayMs: delay * 1000, maxAttempts: Math.floor(timeoutSeconds / delay) };
  }
  if (delaySeconds !== undefined) return { delayMs: delaySeconds * 1000, maxAttempts: waiter.maxAttempts };
  return { ...waiter, ...(amiDefault ? { maxAttempts: 120 } : {}), adaptive: true };
}

/** What one check of a wait found. */
export type PollResult<T> = { readonly done: T } | { readonly failed: string } | { readonly pending: string };

/**
 * An AWS waiter on sdk waitFor: the first check at once, then one every delay (sooner at first
 * when adaptive), at most maxAttempts checks (or their time). A check says done, failed (an
 * unrecoverable state, e.g. an instance that terminated while Kiln waited for it to run) or
 * pending with the state it saw, which a timeout quotes along with how to wait longer.
 */
export async function pollUntil<T>(
  check: () => Promise<PollResult<T>>,
  options: { readonly polling: Polling; readonly signal: AbortSignal; readonly description: string },
): Promise<T> {
  const { polling, description } = options;
  const budgetMs = polling.delayMs * polling.maxAttempts;
  const started = Date.now();
  let attempts = 0;
  let lastState = 'unknown';
  const interval = (): number =>
    polling.adaptive ? Math.min(polling.delayMs, Math.max(1000, (Date.now() - started) / 10)) : polling.delayMs;
  return waitFor<T>(
    async () => {
      attempts++;
      const result = await check();
      if ('done' in result) return result.done;
      if ('failed' in result) throw new KilnError('STEP_FAILED', `${description} failed: ${result.failed}`);
      lastState = result.pending;
      const exhausted = polling.adaptive ? Date.now() - started + interval() > budgetMs : attempts >= polling.maxAttempts;
      if (exhausted) {
        const how = polling.adaptive ? `for ${Math.round((Date.now() - started) / 1000)}s` : `after ${attempts} checks ${polling.delayMs / 1000}s apart`;
        throw new KilnError(
          'TIMEOUT',
          `Timeout waiting for ${description}: still ${lastState} ${how}. ` +
            'Set aws_polling (delay_seconds, max_attempts) or AWS_POLL_DELAY_SECONDS / AWS_MAX_ATTEMPTS to wait longer.',
        );
      }
      return undefined;
    },
    { interval, signal: options.signal, description },
  );
}
