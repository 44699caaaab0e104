import { connect, type Socket } from 'node:net';

/**
 * Resolves with an open connection once something on host:port sends a line starting `SSH-`.
 * QEMU's user-mode network accepts a forwarded connection at once, before the guest listens, and
 * holds its SYN until the guest's network answers; what it holds goes out only when it next has
 * something to send (a new connection), or on TCP's back-off (1 s, 2 s, 4 s...): a connection
 * made too early can stall for seconds after the guest is up, while on a busy host a guest's sshd
 * can take seconds to answer a good one. So a fresh attempt starts every `everyMs` (250 ms) and
 * each stays open while `overlap` (12) newer ones are tried (the oldest is dropped to make room):
 * the guest is noticed within about one interval of answering, a slow sshd still gets
 * `everyMs * overlap` (3 s) to answer, and the guest never sees more than `overlap` connections at
 * once. A connection the other side refuses or closes straight away (the guest's network is up but
 * its sshd is not listening yet: QEMU passes the guest's reset on as a close) is followed by a
 * fresh one `retryMs` (100 ms) later instead of at the next interval. The connection that answered
 * is handed over paused, the banner pushed back unread, so the SSH handshake can run on it (the
 * caller uses or destroys it). Resolves undefined when `budgetMs` runs out or the signal fires
 * (the caller's connect step then reports as usual).
 */
export async function waitForSshBanner(
  host: string,
  port: number,
  options: { readonly budgetMs: number; readonly signal: AbortSignal; readonly everyMs?: number; readonly overlap?: number; readonly retryMs?: number },
): Promise<Socket | undefined> {
  const deadline = Date.now() + options.budgetMs;
  const everyMs = options.everyMs ?? 250;
  const overlap = options.overlap ?? 12;
  const retryMs = options.retryMs ?? 100;
  const open: AbortController[] = [];
  const dropAll = (): void => open.splice(0).forEach((attempt) => attempt.abort());
  options.signal.addEventListener('abort', dropAll, { once: true });
  try {
    return await new Promise<Socket | undefined>((resolve) => {
      let settled = false;
      let retry: NodeJS.Timeout | undefined;
      const finish = (socket: Socket | undefined): void => {
        if (settled) {
          socket?.destroy();
          return;
        }
        settled = true;
        clearInterval(timer);
        clearTimeout(retry);
        resolve(socket);
      };
      const over = (): boolean => Date.now() >= deadline || options.signal.aborted;
      const attempt = (): void => {
        if (over()) {
          if (open.length === 0) finish(undefined);
          return;
        }
        if (open.length >= overlap) open.shift()?.abort();
        const controller = new AbortController();
        open.push(controller);
        void bannerWithin(host, port, deadline - Date.now(), controller.signal).then(({ outcome, socket }) => {
          const index = open.indexOf(controller);
          if (index >= 0) open.splice(index, 1);
          if (socket) finish(socket);
          else if (over() && open.length === 0) finish(undefined);
          else if (outcome === 'refused' && !settled && retry === undefined) {
            retry = setTimeout(() => {
              retry = undefined;
              attempt();
            }, retryMs);
          }
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

/**
 * One connection: `banner` (with the socket, paused, the bytes read pushed back) when it sends
 * one; `refused` when it is refused or closed without a word; `failed` when it sends something
 * else, times out or is dropped first.
 */
function bannerWithin(
  host: string,
  port: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ outcome: 'banner' | 'refused' | 'failed'; socket?: Socket }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, noDelay: true });
    let received = Buffer.alloc(0);
    const finish = (outcome: 'banner' | 'refused' | 'failed'): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('data', onData).off('error', onError).off('close', onClose);
      if (outcome !== 'banner') {
        socket.destroy();
        resolve({ outcome });
        return;
      }
      socket.pause();
      socket.unshift(received);
      // Until the SSH client takes the socket over, a reset must not be an unhandled 'error'.
      socket.on('error', () => undefined);
      resolve({ outcome, socket });
    };
    const onAbort = (): void => finish('failed');
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (received.subarray(0, 4).toString('latin1') === 'SSH-') finish('banner');
      else if (received.length >= 4) finish('failed');
    };
    const onError = (): void => finish(received.length ? 'failed' : 'refused');
    const onClose = (): void => finish(received.length ? 'failed' : 'refused');
    const timer = setTimeout(() => finish('failed'), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}
