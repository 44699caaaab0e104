import { isIP, type Socket } from 'node:net';
import { openTcp } from './tcp.js';

export interface Socks5Options {
  readonly proxyHost: string;
  readonly proxyPort: number;
  readonly username?: string;
  readonly password?: string;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

const REPLY_TEXT: Readonly<Record<number, string>> = {
  1: 'general failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** Opens a TCP connection to target through a SOCKS5 proxy (RFC 1928; user/password per RFC 1929). */
export async function connectSocks5(options: Socks5Options): Promise<Socket> {
  const socket = await openTcp(options.proxyHost, options.proxyPort, options.timeoutMs, options.signal);
  const reader = new SocketReader(socket);
  const fail = (message: string): never => {
    socket.destroy();
    throw new Error(`socks connect tcp ${options.proxyHost}:${options.proxyPort}->${options.targetHost}:${options.targetPort}: ${message}`);
  };
  try {
    const withAuth = options.username !== undefined;
    socket.write(Buffer.from(withAuth ? [5, 2, 0, 2] : [5, 1, 0]));
    const [version, method] = await reader.read(2);
    if (version !== 5) fail(`unexpected protocol version ${version}`);
    if (method === 2 && withAuth) {
      const user = Buffer.from(options.username ?? '');
      const pass = Buffer.from(options.password ?? '');
      socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]));
      const [, status] = await reader.read(2);
      if (status !== 0) fail('username/password authentication failed');
    } else if (method !== 0) {
      fail('no acceptable authentication methods');
    }
    socket.write(Buffer.concat([Buffer.from([5, 1, 0]), encodeAddress(options.targetHost), port(options.targetPort)]));
    const [, reply, , addressType] = await reader.read(4);
    if (reply !== 0) fail(REPLY_TEXT[reply ?? 1] ?? `unknown error ${reply}`);
    const addressLength = addressType === 1 ? 4 : addressType === 4 ? 16 : (await reader.read(1))[0]!;
    await reader.read(addressLength + 2);
    reader.release();
    return socket;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

function encodeAddress(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return Buffer.from([1, ...host.split('.').map(Number)]);
  if (family === 6) {
    const groups = expandIPv6(host);
    const bytes = Buffer.alloc(16);
    groups.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
    return Buffer.concat([Buffer.from([4]), bytes]);
  }
  const name = Buffer.from(host);
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

function expandIPv6(host: string): number[] {
  const [head = '', tail] = host.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function port(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

/** Reads exact byte counts from a socket during a handshake, then hands the socket back untouched. */
class SocketReader {
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.waiting?.();
  };
  private readonly onEnd = () => {
    this.failure = new Error('proxy closed the connection');
    this.waiting?.();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', (error) => {
      this.failure = error;
      this.waiting?.();
    });
  }

  async read(count: number): Promise<Buffer> {
    while (this.buffered.length < count) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
    const out = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(count);
    return out;
  }

  /** Leaves the socket paused with any early bytes put back: its next reader resumes it. */
  release(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.pause();
    if (this.buffered.length > 0) this.socket.unshift(this.buffered);
  }
}
