import { connect, type Socket } from 'node:net';

/** Error codes of a TCP dial, worded as a person reads them. */
const DIAL_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ECONNRESET: 'connection reset by peer',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'temporary failure in name resolution',
};

/**
 * Opens a TCP connection with Nagle's algorithm off: SSH sends many small packets (channel
 * requests, window adjusts, sftp requests) whose latency Nagle would add up.
 */
export function openTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const fail = (reason: string) => {
      cleanup();
      socket.destroy();
      reject(new Error(`dial tcp ${host}:${port}: ${reason}`));
    };
    const onError = (error: NodeJS.ErrnoException) => fail(DIAL_ERRORS[error.code ?? ''] ?? error.message);
    const onAbort = () => fail('cancelled');
    const timer = setTimeout(() => fail(`i/o timeout after ${timeoutMs} ms`), Math.max(1, timeoutMs));
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      cleanup();
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
