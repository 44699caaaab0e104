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

/** Listens on 127.0.0.1 (any free port unless given) with `onConnection`; resolves with the port. */
async function serve(onConnection: (socket: Socket) => void, port = 0): Promise<number> {
  server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

const BANNER = 'SSH-2.0-dropbear_2022.83\r\n';

/** A forwarded port as QEMU's slirp makes it: connections are accepted at once, silent when made before the guest is up. */
async function forwardedPort(silentConnections: number, upAt = 0): Promise<{ port: number; connections: () => number }> {
  let count = 0;
  const port = await serve((socket) => {
    count += 1;
    if (count > silentConnections && Date.now() >= upAt) socket.write(BANNER);
  });
  return { port, connections: () => count };
}

describe('waitForSshBanner', () => {
  const never = new AbortController().signal;

  it('gets the banner on a fresh connection while the early, silent ones still wait', async () => {
    const forwarded = await forwardedPort(2);
    const started = Date.now();
    const socket = await waitForSshBanner('127.0.0.1', forwarded.port, { budgetMs: 10_000, signal: never, everyMs: 100 });
    expect(socket).toBeDefined();
    socket?.destroy();
    expect(forwarded.connections()).toBe(3);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('hands over the connection that answered, paused, with the banner still to be read', async () => {
    const forwarded = await forwardedPort(0);
    const socket = await waitForSshBanner('127.0.0.1', forwarded.port, { budgetMs: 10_000, signal: never, everyMs: 100 });
    expect(socket).toBeDefined();
    expect(socket!.isPaused()).toBe(true);
    const first = new Promise<Buffer>((resolve) => socket!.once('data', resolve));
    socket!.resume();
    expect((await first).toString('latin1')).toBe(BANNER);
    expect(forwarded.connections()).toBe(1);
    socket!.destroy();
  });

  it('notices a guest within one interval of its coming up', async () => {
    const upAt = Date.now() + 1_000;
    const forwarded = await forwardedPort(0, upAt);
    const socket = await waitForSshBanner('127.0.0.1', forwarded.port, { budgetMs: 10_000, signal: never, everyMs: 300 });
    expect(socket).toBeDefined();
    socket?.destroy();
    expect(Date.now() - upAt).toBeLessThan(300 + 250);
  });

  it('retries a connection the guest closed unanswered (network up, sshd not yet) within retryMs, not at the next interval', async () => {
    const upAt = Date.now() + 700;
    let connections = 0;
    const port = await serve((socket) => {
      connections += 1;
      if (Date.now() < upAt) socket.destroy();
      else socket.write(BANNER);
    });
    const socket = await waitForSshBanner('127.0.0.1', port, { budgetMs: 10_000, signal: never, everyMs: 5_000, retryMs: 100 });
    expect(socket).toBeDefined();
    socket?.destroy();
    expect(Date.now() - upAt).toBeLessThan(100 + 250);
    expect(connections).toBeGreaterThan(2);
  });

  it('retries a refused port (QEMU not listening yet) within retryMs', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise((resolve) => probe.close(resolve));
    const upAt = Date.now() + 500;
    setTimeout(() => void serve((socket) => socket.write(BANNER), port), 500);
    const socket = await waitForSshBanner('127.0.0.1', port, { budgetMs: 10_000, signal: never, everyMs: 5_000, retryMs: 100 });
    expect(socket).toBeDefined();
    socket?.destroy();
    expect(Date.now() - upAt).toBeLessThan(100 + 250);
  });

  it('gives a slow sshd several intervals to answer, with only `overlap` connections open at once', async () => {
    let connections = 0;
    let mostOpen = 0;
    const port = await serve((socket) => {
      connections += 1;
      server!.getConnections((_error, count) => (mostOpen = Math.max(mostOpen, count)));
      setTimeout(() => socket.write(BANNER), 500);
    });
    const socket = await waitForSshBanner('127.0.0.1', port, { budgetMs: 10_000, signal: never, everyMs: 200, overlap: 3 });
    expect(socket).toBeDefined();
    socket?.destroy();
    expect(connections).toBeLessThanOrEqual(3);
    expect(mostOpen).toBeLessThanOrEqual(3);
  });

  it('gives up when the budget runs out, and when the caller cancels', async () => {
    const forwarded = await forwardedPort(Number.POSITIVE_INFINITY);
    const started = Date.now();
    expect(await waitForSshBanner('127.0.0.1', forwarded.port, { budgetMs: 500, signal: never, everyMs: 100 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_500);
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 300);
    const cancelledAt = Date.now();
    expect(await waitForSshBanner('127.0.0.1', forwarded.port, { budgetMs: 60_000, signal: cancel.signal, everyMs: 100 })).toBeUndefined();
    expect(Date.now() - cancelledAt).toBeLessThan(1_500);
  });
});
