import { connect } from 'node:net';

/**
 * Resolves once something on host:port sends a line starting `SSH-`. QEMU's user-mode network
 * accepts a forwarded connection at once, before the guest listens, and then forwards it with
 * TCP's back-off (1 s, 2 s, 4 s...): a connection made too early can stall for seconds after the
 * guest is up, while on a busy host a guest's sshd can take seconds to answer a good one. So a
 * fresh attempt starts every `everyMs` and each stays open while `overlap` newer ones are tried
 * (the oldest is dropped to make room): the guest is noticed within one interval of answering,
 * a slow sshd still gets `everyMs * overlap` to answer, and the guest never sees more than
 * `overlap` connections at once. Resolves false when `budgetMs` runs out or the signal fires (the
 * caller's connect step then reports as usual).
 */
export async function waitForSshBanner(
  host: string,
  port: number,
  options: { readonly budgetMs: number; readonly signal: AbortSignal; readonly everyMs?: number; readonly overlap?: number },
): Promise<boolean> {
  const deadline = Date.now() + options.budgetMs;
  const everyMs = options.everyMs ?? 1_000;
  const overlap = options.overlap ?? 3;
  const open: AbortController[] = [];
  const dropAll = (): void => open.splice(0).forEach((attempt) => attempt.abort());
  options.signal.addEventListener('abort', dropAll, { once: true });
  try {
    return await new Promise<boolean>((resolve) => {
      let settled = false;
      const finish = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        resolve(ok);
      };
      const over = (): boolean => Date.now() >= deadline || options.signal.aborted;
      const attempt = (): void => {
        if (over()) {
          if (open.length === 0) finish(false);
          return;
        }
        if (open.length >= overlap) open.shift()?.abort();
        const controller = new AbortController();
        open.push(controller);
        void bannerWithin(host, port, deadline - Date.now(), controller.signal).then((ok) => {
          const index = open.indexOf(controller);
          if (index >= 0) open.splice(index, 1);
          if (ok) finish(true);
          else if (over() && open.length === 0) finish(false);
        });
      };
      const timer = setInterval(attempt, everyMs);
      attempt();
    });
  } finally {
    dropAll();
    options.signal.removeEventListener('abort', dropAll);
  }
}

/** One connection: true when it sends a banner; false when it closes, fails, times out or is dropped first. */
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
