import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectSocks5 } from './socks5.js';

/** A SOCKS5 server per RFC 1928/1929 that records what the client sent and answers `reply`. */
async function fakeProxy(reply: number): Promise<{ port: number; received: Buffer[]; close: () => void }> {
  const received: Buffer[] = [];
  const server = createServer((socket: Socket) => {
    const connectReply = () => socket.write(Buffer.from([5, reply, 0, 1, 127, 0, 0, 1, 0, 22, ...Buffer.from('after')]));
    const authReply = () => socket.write(Buffer.from([1, 0]));
    const steps: ((data: Buffer) => void)[] = [
      (greeting) => {
        const withAuth = greeting.subarray(2).includes(2);
        socket.write(Buffer.from([5, withAuth ? 2 : 0]));
        if (withAuth) steps.unshift(authReply);
      },
      connectReply,
    ];
    socket.on('data', (data: Buffer) => {
      received.push(data);
      steps.shift()?.(data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received, close: () => server.close() };
}

describe('connectSocks5', () => {
  it('authenticates with username and password, asks for the target by name, and keeps bytes that follow', async () => {
    const proxy = await fakeProxy(0);
    try {
      const socket = await connectSocks5({
        proxyHost: '127.0.0.1',
        proxyPort: proxy.port,
        username: 'user',
        password: 'pw',
        targetHost: 'build-vm',
        targetPort: 2222,
        timeoutMs: 2000,
      });
      // Handed over paused, as ssh2 expects it (it resumes the socket itself).
      const first = await new Promise<Buffer>((resolve) => socket.once('data', resolve).resume());
      socket.destroy();
      expect(first.toString()).toBe('after');
      expect(proxy.received[0]).toEqual(Buffer.from([5, 2, 0, 2]));
      expect(proxy.received[1]).toEqual(Buffer.from([1, 4, ...Buffer.from('user'), 2, ...Buffer.from('pw')]));
      expect(proxy.received[2]).toEqual(Buffer.from([5, 1, 0, 3, 8, ...Buffer.from('build-vm'), 0x08, 0xae]));
    } finally {
      proxy.close();
    }
  });

  it("reports the proxy's refusal in words", async () => {
    const proxy = await fakeProxy(5);
    try {
      await expect(
        connectSocks5({ proxyHost: '127.0.0.1', proxyPort: proxy.port, targetHost: '10.0.0.9', targetPort: 22, timeoutMs: 2000 }),
      ).rejects.toThrow(`socks connect tcp 127.0.0.1:${proxy.port}->10.0.0.9:22: connection refused`);
      expect(proxy.received[0]).toEqual(Buffer.from([5, 1, 0]));
      expect(proxy.received[1]).toEqual(Buffer.from([5, 1, 0, 1, 10, 0, 0, 9, 0, 22]));
    } finally {
      proxy.close();
    }
  });
});
