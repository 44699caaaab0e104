import { describe, expect, it } from 'vitest';
import { KilnError } from './errors.js';
import { sleep, waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('polls until the check returns a value and resolves with it', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls < 3 ? undefined : `ready after ${calls}`), {
      interval: 1,
      description: 'the test',
    });
    expect(value).toBe('ready after 3');
  });

  it('treats false as "not yet" and passes the attempt number to an interval function', async () => {
    const attempts: number[] = [];
    let calls = 0;
    await waitFor(async () => ++calls === 4, {
      interval: (attempt) => {
        attempts.push(attempt);
        return 1;
      },
      description: 'the test',
    });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('times out with a TIMEOUT error that quotes the last retried error', async () => {
    const error = await waitFor(
      () => {
        throw new Error('connection refused');
      },
      { interval: 2, timeout: 20, description: 'SSH to become available', retryOn: () => true },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect(error).toMatchObject({
      code: 'TIMEOUT',
      message: 'Timeout waiting for SSH to become available: connection refused',
    });
  });

  it('gives up at once on an error that is not retried', async () => {
    let calls = 0;
    await expect(
      waitFor(
        () => {
          calls++;
          throw new Error('access denied');
        },
        { interval: 1, timeout: 1000, description: 'x', retryOn: (e) => (e as Error).message !== 'access denied' },
      ),
    ).rejects.toThrow('access denied');
    expect(calls).toBe(1);
  });

  it('abandons a slow check when the timeout fires', async () => {
    const started = Date.now();
    await expect(
      waitFor(() => new Promise<string>(() => undefined), { timeout: 20, description: 'a hung call' }),
    ).rejects.toMatchObject({ code: 'TIMEOUT', message: 'Timeout waiting for a hung call' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects with CANCELLED when the signal fires, and hands the check a signal that fires too', async () => {
    const controller = new AbortController();
    let checkSignal: AbortSignal | undefined;
    const pending = waitFor(
      (signal) => {
        checkSignal = signal;
        return undefined;
      },
      { interval: 10_000, signal: controller.signal, description: 'the AMI' },
    );
    await sleep(5);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(checkSignal?.aborted).toBe(true);
  });
});

describe('sleep', () => {
  it('waits, and rejects with CANCELLED when aborted', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
