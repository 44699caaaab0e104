import type { Readable, Writable } from 'node:stream';
import type { Communicator, RemoteCommand, RemoteCommandResult, UploadOptions } from '@kiln/sdk';

export interface FakeReply {
  readonly stdout?: readonly string[];
  readonly stderr?: readonly string[];
  readonly exitStatus?: number;
  /** Throw instead of running (a connection that cannot be opened). */
  readonly fail?: Error;
}

/**
 * A Communicator that records what a provisioner asks of the machine (`upload <path>` with the
 * bytes, `exec <command>`), and answers commands from a script of replies matched in order.
 */
export class FakeCommunicator implements Communicator {
  readonly type = 'ssh';
  readonly calls: string[] = [];
  readonly uploads = new Map<string, string>();
  private readonly replies: { match: RegExp; reply: FakeReply; times: number }[] = [];

  /** Answers the next `times` commands matching `match` with `reply` (default: forever). */
  on(match: RegExp, reply: FakeReply, times = Infinity): this {
    this.replies.push({ match, reply, times });
    return this;
  }

  /** Fails the next `times` uploads. */
  failUploads = 0;

  async exec(command: RemoteCommand): Promise<RemoteCommandResult> {
    this.calls.push(`exec ${command.command}`);
    const entry = this.replies.find((candidate) => candidate.times > 0 && candidate.match.test(command.command));
    if (!entry) return { exitStatus: 0 };
    entry.times--;
    if (entry.reply.fail) throw entry.reply.fail;
    for (const line of entry.reply.stdout ?? []) command.onStdout?.(line);
    for (const line of entry.reply.stderr ?? []) command.onStderr?.(line);
    return { exitStatus: entry.reply.exitStatus ?? 0 };
  }

  async upload(remotePath: string, content: Readable, options?: UploadOptions): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(Buffer.from(chunk as Buffer));
    if (this.failUploads > 0) {
      this.failUploads--;
      this.calls.push(`upload ${remotePath} (failed)`);
      throw new Error('ssh: connection refused');
    }
    this.calls.push(`upload ${remotePath}${options?.mode !== undefined ? ` mode ${options.mode.toString(8)}` : ''}`);
    this.uploads.set(remotePath, Buffer.concat(chunks).toString('utf8'));
  }

  async uploadDir(remoteDir: string, localDir: string): Promise<void> {
    this.calls.push(`uploadDir ${localDir} -> ${remoteDir}`);
  }

  async download(remotePath: string, destination: Writable): Promise<void> {
    this.calls.push(`download ${remotePath}`);
    const content = this.uploads.get(remotePath);
    if (content === undefined) throw new Error(`scp: ${remotePath}: No such file or directory`);
    await new Promise<void>((resolve, reject) => destination.end(content, () => resolve()).on('error', reject));
  }

  async downloadDir(remoteDir: string, localDir: string): Promise<void> {
    this.calls.push(`downloadDir ${remoteDir} -> ${localDir}`);
  }
}
