import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForSshBanner } from './guest-banner.js';

let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.forEach((socket) => socket.destroy());
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A forwarded port as QEMU's slirp makes it: connections are accepted, but silent until the guest is up. */
async function forwardedPort(silentConnections: number): Promise<{ port: number; connections: () => number }> {
  let count = 0;
  server = createServer((socket) => {
    sockets.push(socket);
    count += 1;
    if (count > silentConnections) socket.write('SSH-2.0-dropbear_2022.83\r\n');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, connections: () => count };
}

describe('waitForSshBanner', () => {
  it('drops a silent connection and gets the banner on a fresh one', async () => {
    const forwarded = await forwardedPort(2);
    const ok = await waitForSshBanner('127.0.0.1', forwarded.port, { budgetMs: 10_000, signal: new AbortController().signal, attemptMs: 100 });
    expect(ok).toBe(true);
    expect(forwarded.connections()).toBe(3);
  });

  it('gives up when the budget runs out', async () => {
    const forwarded = await forwardedPort(Number.POSITIVE_INFINITY);
    const started = Date.now();
    const ok = await waitForSshBanner('127.0.0.1', forwarded.port, { budgetMs: 500, signal: new AbortController().signal, attemptMs: 100 });
    expect(ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
