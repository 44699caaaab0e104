import { connect, createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the caller retries if it loses the race). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once something on host:port accepts a TCP connection and sends a first line starting
 * with `expectPrefix` (an SSH banner, say); rejects after timeoutMs or when `stillTrying()` says
 * the server died.
 */
export async function waitForBanner(
  host: string,
  port: number,
  options: { expectPrefix: string; timeoutMs: number; stillTrying: () => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await readsBanner(host, port, options.expectPrefix)) return;
    if (!options.stillTrying()) throw new Error(`the server on ${host}:${port} exited before it answered`);
    if (Date.now() > deadline) throw new Error(`nothing answered on ${host}:${port} within ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function readsBanner(host: string, port: number, prefix: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(received.startsWith(prefix)));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.length >= prefix.length) finish(received.startsWith(prefix));
    });
  });
}
