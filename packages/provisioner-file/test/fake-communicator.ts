import type { Readable, Writable } from 'node:stream';
import type { Communicator, RemoteCommandResult, UploadOptions } from '@kiln/sdk';

/** A machine in memory: remembers uploads (bytes and mode), serves downloads, records every call. */
export class FakeCommunicator implements Communicator {
  readonly type = 'ssh';
  readonly calls: string[] = [];
  readonly files = new Map<string, { content: string; mode: number | undefined }>();
  /** Paths whose transfer fails with this message (as scp reports an unwritable target). */
  readonly failing = new Map<string, string>();

  async exec(): Promise<RemoteCommandResult> {
    return { exitStatus: 0 };
  }

  async upload(remotePath: string, content: Readable, options?: UploadOptions): Promise<void> {
    this.calls.push(`upload ${remotePath}`);
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(Buffer.from(chunk as Buffer));
    this.fail(remotePath);
    this.files.set(remotePath, { content: Buffer.concat(chunks).toString('utf8'), mode: options?.mode });
  }

  async uploadDir(remoteDir: string, localDir: string): Promise<void> {
    this.calls.push(`uploadDir ${localDir} -> ${remoteDir}`);
    this.fail(remoteDir);
  }

  async download(remotePath: string, destination: Writable): Promise<void> {
    this.calls.push(`download ${remotePath}`);
    this.fail(remotePath);
    const file = this.files.get(remotePath);
    if (!file) throw new Error(`scp: ${remotePath}: No such file or directory`);
    await new Promise<void>((resolve, reject) => {
      destination.once('error', reject);
      destination.end(file.content, () => resolve());
    });
  }

  async downloadDir(remoteDir: string, localDir: string): Promise<void> {
    this.calls.push(`downloadDir ${remoteDir} -> ${localDir}`);
    this.fail(remoteDir);
  }

  private fail(path: string): void {
    const message = this.failing.get(path);
    if (message) throw new Error(message);
  }
}
