import { connect } from 'node:net';

/**
 * Resolves once something on host:port sends a line starting `SSH-`, trying again with short
 * attempts. QEMU's user-mode network accepts a forwarded connection at once, before the guest
 * listens, and then forwards it with TCP's back-off: a single long SSH attempt made too early can
 * stall for many seconds after the guest is up. Fresh short attempts get through as soon as it is.
 * Resolves false when `budgetMs` runs out or the signal fires (the caller's connect step then
 * reports as usual).
 */
export async function waitForSshBanner(host: string, port: number, options: { readonly budgetMs: number; readonly signal: AbortSignal; readonly attemptMs?: number }): Promise<boolean> {
  const deadline = Date.now() + options.budgetMs;
  // A guest slowed down by a busy host may take longer than one attempt to answer: lengthen them.
  let attemptMs = options.attemptMs ?? 1500;
  while (Date.now() < deadline && !options.signal.aborted) {
    const started = Date.now();
    if (await bannerWithin(host, port, attemptMs, options.signal)) return true;
    attemptMs = Math.min(attemptMs * 1.3, 10_000);
    const rest = 200 - (Date.now() - started);
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  }
  return false;
}

function bannerWithin(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(ok);
    };
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.startsWith('SSH-')) finish(true);
      else if (received.length >= 4) finish(false);
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}
