import type { Client, ClientChannel } from 'ssh2';
import { openExecChannel, type ExecChannel } from './exec.js';
import { BatchWriter, ByteReader } from './stream-io.js';

const STDERR_LIMIT = 16 * 1024;

/**
 * A remote command used as a transfer peer (scp, tar): its stdin takes batched writes, its stdout
 * is read on demand, its stderr is kept (bounded) for error messages.
 */
export class RemoteProcess {
  readonly channel: ClientChannel;
  readonly stdin: BatchWriter;
  readonly stdout: ByteReader;
  private stderrText = '';
  private readonly closed: Promise<number | undefined>;

  private constructor({ channel, exitStatus }: ExecChannel) {
    this.channel = channel;
    // ssh2 never completes a write once the command has exited: the writer must know.
    this.stdin = new BatchWriter(channel, new Promise((resolve) => channel.once('exit', resolve)));
    this.stdout = new ByteReader(channel);
    channel.stderr.on('data', (chunk: Buffer) => {
      if (this.stderrText.length < STDERR_LIMIT) this.stderrText += chunk.toString('utf8');
    });
    channel.on('error', () => undefined);
    this.closed = new Promise((resolve) => channel.on('close', () => resolve(exitStatus())));
  }

  static async start(client: Client, command: string): Promise<RemoteProcess> {
    return new RemoteProcess(await openExecChannel(client, command, false));
  }

  get stderr(): string {
    return this.stderrText.trim();
  }

  /** Sends EOF on stdin and waits for the exit status (undefined if the connection dropped). */
  async finish(): Promise<number | undefined> {
    await this.stdin.flush();
    this.channel.end();
    // Unread stdout would hold the channel open: drain what is left.
    await this.stdout.drain();
    return this.closed;
  }

  /** Stops the command at once (on error or cancel). */
  abort(): void {
    this.channel.close();
    // The channel reports 'close' only once its output was consumed to the end.
    this.stdout.drain().catch(() => undefined);
  }

  /** The exit status once the command ends, without sending EOF. */
  exited(): Promise<number | undefined> {
    return this.closed;
  }
}
