import type { Readable, Writable } from 'node:stream';

/** Pulls exact byte counts and lines from a stream, on demand (so the stream's backpressure holds). */
export class ByteReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private buffer: Buffer = Buffer.alloc(0);

  constructor(stream: Readable) {
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async fill(): Promise<boolean> {
    const next = await this.iterator.next();
    if (next.done) return false;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    return true;
  }

  /** One byte, or undefined at the end of the stream. */
  async byte(): Promise<number | undefined> {
    if (this.buffer.length === 0 && !(await this.fill())) return undefined;
    const value = this.buffer[0];
    this.buffer = this.buffer.subarray(1);
    return value;
  }

  /** Up to and without the next `\n`; undefined at the end of the stream. */
  async line(): Promise<string | undefined> {
    for (;;) {
      const newline = this.buffer.indexOf(10);
      if (newline >= 0) {
        const line = this.buffer.subarray(0, newline).toString('utf8');
        this.buffer = this.buffer.subarray(newline + 1);
        return line;
      }
      if (!(await this.fill())) {
        if (this.buffer.length === 0) return undefined;
        const rest = this.buffer.toString('utf8');
        this.buffer = Buffer.alloc(0);
        return rest;
      }
    }
  }

  /** Exactly `count` bytes, or undefined if the stream ends first. */
  async exact(count: number): Promise<Buffer | undefined> {
    while (this.buffer.length < count) if (!(await this.fill())) return undefined;
    const out = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return out;
  }

  /** Reads and drops everything up to the end of the stream. */
  async drain(): Promise<void> {
    this.buffer = Buffer.alloc(0);
    while (!(await this.iterator.next()).done);
  }

  /** Hands the next `count` bytes to `sink` as they arrive; false if the stream ended first. */
  async forward(count: number, sink: (chunk: Buffer) => Promise<void> | void): Promise<boolean> {
    let left = count;
    while (left > 0) {
      if (this.buffer.length === 0 && !(await this.fill())) return false;
      const take = Math.min(left, this.buffer.length);
      const chunk = this.buffer.subarray(0, take);
      this.buffer = this.buffer.subarray(take);
      left -= take;
      await sink(chunk);
    }
    return true;
  }
}

/** Resolves once `stream` can take more (immediately when it already can). */
export function drained(stream: Writable, stopped?: Promise<unknown>): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the channel closed while data was still being sent'));
    stream.on('drain', onDrain);
    stream.on('close', onClose);
    stream.on('error', done);
    // The reader is gone: room will never come. A turn of the event loop first, for a 'drain'
    // that arrived in the same packet batch as the news.
    void stopped?.then(() => setImmediate(() => done(new Error(STOPPED_READING))));
  });
}

const STOPPED_READING = 'the remote command ended while data was still being sent';

export const BATCH_SIZE = 64 * 1024;

/**
 * Coalesces small writes into 64 KiB chunks before they reach an SSH channel: every channel write
 * becomes at least one SSH packet, and thousands of tiny packets (tar headers, scp records) cost
 * the server far more CPU than the bytes they carry. Honors the channel's backpressure.
 */
export class BatchWriter {
  private readonly batch = Buffer.allocUnsafe(BATCH_SIZE);
  private used = 0;
  /** Bytes accepted so far. */
  written = 0;

  private readerGone = false;

  /**
   * `stopped` settles when the reader on the other side is gone (a remote command that exited):
   * an SSH channel then never asks for more, and without it a write waiting for room would wait
   * forever.
   */
  constructor(
    private readonly target: Writable,
    private readonly stopped?: Promise<unknown>,
  ) {
    void stopped?.then(() => (this.readerGone = true));
  }

  async write(data: Buffer): Promise<void> {
    this.written += data.length;
    if (data.length >= BATCH_SIZE) {
      await this.flush();
      await this.send(data);
      return;
    }
    if (this.used + data.length > BATCH_SIZE) await this.flush();
    data.copy(this.batch, this.used);
    this.used += data.length;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    // The batch buffer is reused, so the channel gets its own copy.
    const chunk = Buffer.from(this.batch.subarray(0, this.used));
    this.used = 0;
    await this.send(chunk);
  }

  private async send(chunk: Buffer): Promise<void> {
    if (this.target.destroyed || this.target.writableEnded) throw new Error('the channel closed while data was still being sent');
    if (this.readerGone) throw new Error(STOPPED_READING);
    this.target.write(chunk);
    await drained(this.target, this.stopped);
  }
}
