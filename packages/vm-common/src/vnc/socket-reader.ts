import type { Socket } from 'node:net';

/**
 * Reads exact byte counts from a socket during a handshake. After the handshake the owner calls
 * `release()`, and later server messages are drained so the server never blocks on us.
 */
export class SocketReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: { size: number; resolve: (data: Buffer) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private released = false;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      if (this.released) return;
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.settle();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed by the VNC server')));
  }

  read(size: number): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('concurrent reads'));
    return new Promise((resolve, reject) => {
      this.waiter = { size, resolve, reject };
      this.settle();
    });
  }

  async readUint8(): Promise<number> {
    return (await this.read(1)).readUInt8(0);
  }

  async readUint32(): Promise<number> {
    return (await this.read(4)).readUInt32BE(0);
  }

  /** Reads a u32 length and then that many bytes as a string (reason strings, desktop names). */
  async readString(): Promise<string> {
    const length = await this.readUint32();
    return (await this.read(length)).toString('utf8');
  }

  release(): void {
    this.released = true;
    this.chunks = [];
    this.buffered = 0;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }

  private settle(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    if (this.buffered >= waiter.size) {
      const all = Buffer.concat(this.chunks);
      this.chunks = [all.subarray(waiter.size)];
      this.buffered = all.length - waiter.size;
      this.waiter = undefined;
      waiter.resolve(all.subarray(0, waiter.size));
    } else if (this.failure) {
      this.waiter = undefined;
      waiter.reject(this.failure);
    }
  }
}
