import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { KilnError } from '@kiln/sdk';
import { cancelledError } from '../util/sleep.js';
import { vncAuthResponse } from './des.js';
import { SocketReader } from './socket-reader.js';

export type RfbVersion = '3.3' | '3.7' | '3.8';

export interface PixelFormat {
  readonly bitsPerPixel: number;
  readonly depth: number;
  readonly bigEndian: boolean;
  readonly trueColor: boolean;
  readonly redMax: number;
  readonly greenMax: number;
  readonly blueMax: number;
  readonly redShift: number;
  readonly greenShift: number;
  readonly blueShift: number;
}

/** What the server says about its desktop after ClientInit (RFC 6143 §7.3.2). */
export interface ServerInit {
  readonly width: number;
  readonly height: number;
  readonly pixelFormat: PixelFormat;
  readonly name: string;
}

export interface VncConnectOptions {
  readonly host: string;
  readonly port: number;
  /** VNC Authentication password (only its first 8 bytes count); without one only security None is accepted. */
  readonly password?: string;
  /**
   * ClientInit's shared flag. Packer's QEMU builder connects shared (true, the default here),
   * its VMware builder exclusive (false), which makes the server drop other viewers.
   */
  readonly shared?: boolean;
  /** Highest protocol version to speak (default 3.8); lower only to talk to old servers or test. */
  readonly maxVersion?: RfbVersion;
  /** Gives up on the connection and handshake after this long (default 30 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** An RFB connection past its handshake: what a boot command needs, and no more. */
export interface VncClient {
  readonly version: RfbVersion;
  readonly securityType: 'none' | 'vnc-auth';
  readonly serverInit: ServerInit;
  /** Sends a KeyEvent (RFC 6143 §7.5.4) with an X11 keysym. */
  keyEvent(keysym: number, down: boolean): Promise<void>;
  close(): Promise<void>;
}

const SECURITY_NONE = 1;
const SECURITY_VNC_AUTH = 2;

/**
 * Connects to an RFB server and completes the handshake: protocol 3.3, 3.7 or 3.8 (the highest
 * both sides speak), security None or VNC Authentication, ClientInit, ServerInit. Later server
 * messages are read and discarded. Failures are KilnErrors worded as Packer's steps word them:
 * `Error connecting to VNC: ...` and `Error handshaking with VNC: ...`.
 */
export async function connectVnc(options: VncConnectOptions): Promise<VncClient> {
  const socket = await openSocket(options);
  const timeout = setTimeout(() => socket.destroy(new Error('timed out during the VNC handshake')), options.timeoutMs ?? 30_000);
  const onAbort = (): void => {
    socket.destroy(cancelledError(options.signal));
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const reader = new SocketReader(socket);
  try {
    const result = await handshake(socket, reader, options);
    reader.release();
    return makeClient(socket, result);
  } catch (error) {
    socket.destroy();
    if (options.signal?.aborted) throw cancelledError(options.signal);
    throw new KilnError('STEP_FAILED', `Error handshaking with VNC: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timeout);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function openSocket(options: VncConnectOptions): Promise<Socket> {
  if (options.signal?.aborted) return Promise.reject(cancelledError(options.signal));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port, timeout: options.timeoutMs ?? 30_000 });
    const onAbort = (): void => {
      socket.destroy();
      reject(cancelledError(options.signal));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const fail = (reason: string, cause?: unknown): void => {
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(new KilnError('STEP_FAILED', `Error connecting to VNC: dial tcp ${options.host}:${options.port}: ${reason}`, { cause }));
    };
    socket.once('timeout', () => fail('i/o timeout'));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'ECONNREFUSED' ? 'connect: connection refused' : error.message, error);
    });
    socket.once('connect', () => {
      options.signal?.removeEventListener('abort', onAbort);
      socket.setTimeout(0);
      socket.setNoDelay(true);
      socket.removeAllListeners('error');
      socket.removeAllListeners('timeout');
      resolve(socket);
    });
  });
}

interface HandshakeResult {
  readonly version: RfbVersion;
  readonly securityType: 'none' | 'vnc-auth';
  readonly serverInit: ServerInit;
}

async function handshake(socket: Socket, reader: SocketReader, options: VncConnectOptions): Promise<HandshakeResult> {
  const greeting = (await reader.read(12)).toString('latin1');
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(greeting);
  if (!match) throw new Error(`not an RFB server: ${JSON.stringify(greeting)}`);
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major < 3) throw new Error(`unsupported major version, less than 3: ${major}`);
  // 3.8 and up (Apple's 3.889 included) speak 3.8; 3.4-3.6 are treated as 3.3, as RFC 6143 says.
  const offered: RfbVersion = major > 3 || minor >= 8 ? '3.8' : minor === 7 ? '3.7' : '3.3';
  const version = options.maxVersion !== undefined && options.maxVersion < offered ? options.maxVersion : offered;
  socket.write(`RFB 003.00${version.slice(2)}\n`);

  const securityType = await negotiateSecurity(socket, reader, version, options.password);
  if (securityType === SECURITY_VNC_AUTH) {
    const challenge = await reader.read(16);
    socket.write(vncAuthResponse(options.password ?? '', challenge));
  }
  // SecurityResult: always after VNC auth, and after None only from 3.8 on.
  if (securityType === SECURITY_VNC_AUTH || version === '3.8') {
    const result = await reader.readUint32();
    if (result !== 0) {
      const reason = version === '3.8' ? await reader.readString() : 'authentication failed';
      throw new Error(`security handshake failed: ${reason}`);
    }
  }

  socket.write(Buffer.from([options.shared === false ? 0 : 1]));
  const init = await reader.read(20);
  const name = await reader.readString();
  return {
    version,
    securityType: securityType === SECURITY_VNC_AUTH ? 'vnc-auth' : 'none',
    serverInit: {
      width: init.readUInt16BE(0),
      height: init.readUInt16BE(2),
      pixelFormat: {
        bitsPerPixel: init.readUInt8(4),
        depth: init.readUInt8(5),
        bigEndian: init.readUInt8(6) !== 0,
        trueColor: init.readUInt8(7) !== 0,
        redMax: init.readUInt16BE(8),
        greenMax: init.readUInt16BE(10),
        blueMax: init.readUInt16BE(12),
        redShift: init.readUInt8(14),
        greenShift: init.readUInt8(15),
        blueShift: init.readUInt8(16),
      },
      name,
    },
  };
}

/** Agrees on a security type; with a password VNC Authentication is preferred, else only None. */
async function negotiateSecurity(
  socket: Socket,
  reader: SocketReader,
  version: RfbVersion,
  password: string | undefined,
): Promise<number> {
  const acceptable = password ? [SECURITY_VNC_AUTH, SECURITY_NONE] : [SECURITY_NONE];
  if (version === '3.3') {
    // 3.3: the server decides alone.
    const chosen = await reader.readUint32();
    if (chosen === 0) throw new Error(`no security types: ${await reader.readString()}`);
    if (!acceptable.includes(chosen)) throw new Error(unsuitable([chosen], password));
    return chosen;
  }
  const count = await reader.readUint8();
  if (count === 0) throw new Error(`no security types: ${await reader.readString()}`);
  const offered = [...(await reader.read(count))];
  const chosen = acceptable.find((type) => offered.includes(type));
  if (chosen === undefined) throw new Error(unsuitable(offered, password));
  socket.write(Buffer.from([chosen]));
  return chosen;
}

function unsuitable(offered: readonly number[], password: string | undefined): string {
  const hint = !password && offered.includes(SECURITY_VNC_AUTH) ? ' (the server asks for a password)' : '';
  return `no suitable auth schemes found. server supported: [${offered.join(' ')}]${hint}`;
}

function makeClient(socket: Socket, result: HandshakeResult): VncClient {
  // Drain whatever the server sends from now on (bell, cut text); we never ask for pixels.
  socket.on('data', () => undefined);
  let failure: Error | undefined;
  socket.on('error', (error) => {
    failure ??= error;
  });
  socket.on('close', () => {
    failure ??= new Error('connection closed by the VNC server');
  });
  return {
    ...result,
    keyEvent(keysym, down) {
      if (failure) return Promise.reject(failure);
      const message = Buffer.alloc(8);
      message.writeUInt8(4, 0);
      message.writeUInt8(down ? 1 : 0, 1);
      message.writeUInt32BE(keysym >>> 0, 4);
      return new Promise((resolve, reject) => {
        socket.write(message, (error) => (error ? reject(error) : resolve()));
      });
    },
    close() {
      if (socket.destroyed) return Promise.resolve();
      return new Promise((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      });
    },
  };
}
