import { connect, type Socket } from 'node:net';
import { KilnError } from '@kiln/sdk';

/** A QMP monitor connection (QEMU Machine Protocol over a unix socket), capabilities negotiated. */
export interface QmpMonitor {
  /** Runs one command; resolves with its `return` value, rejects with its `error.desc`. */
  execute(command: string, args?: Readonly<Record<string, unknown>>): Promise<unknown>;
  close(): void;
}

/**
 * Opens the monitor socket QEMU serves with `-qmp unix:<path>,server,nowait`. QEMU creates the
 * socket a moment after it starts, so the connection is retried until `timeoutMs`.
 */
export async function openQmp(path: string, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<QmpMonitor> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let socket: Socket | undefined;
  for (;;) {
    try {
      socket = await dial(path);
      break;
    } catch (error) {
      if (options.signal?.aborted || Date.now() > deadline) {
        throw new KilnError('STEP_FAILED', `Error opening QMP socket: ${(error as Error).message}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const monitor = new LineMonitor(socket);
  try {
    await monitor.next(); // the greeting
    await monitor.execute('qmp_capabilities');
  } catch (error) {
    monitor.close();
    throw new KilnError('STEP_FAILED', `Error connecting to QMP socket: ${(error as Error).message}`, { cause: error });
  }
  return monitor;
}

function dial(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

class LineMonitor implements QmpMonitor {
  private buffered = '';
  private readonly messages: Record<string, unknown>[] = [];
  private waiting: ((message: Record<string, unknown> | Error) => void) | undefined;
  private failure: Error | undefined;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, newline).trim();
        this.buffered = this.buffered.slice(newline + 1);
        if (line !== '') this.deliver(JSON.parse(line) as Record<string, unknown>);
      }
    });
    const fail = (error: Error) => {
      this.failure = error;
      this.waiting?.(error);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('QMP connection closed')));
  }

  private deliver(message: Record<string, unknown>): void {
    if (this.waiting) {
      const waiter = this.waiting;
      this.waiting = undefined;
      waiter(message);
    } else {
      this.messages.push(message);
    }
  }

  next(): Promise<Record<string, unknown>> {
    const queued = this.messages.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = (message) => (message instanceof Error ? reject(message) : resolve(message));
    });
  }

  async execute(command: string, args?: Readonly<Record<string, unknown>>): Promise<unknown> {
    this.socket.write(`${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`);
    for (;;) {
      const message = await this.next();
      if ('event' in message) continue;
      if ('error' in message) {
        const error = message['error'] as { desc?: string };
        throw new Error(error.desc ?? JSON.stringify(error));
      }
      return message['return'];
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
