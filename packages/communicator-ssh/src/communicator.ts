import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  KilnError,
  formatSystemError,
  type Communicator,
  type RemoteCommand,
  type RemoteCommandResult,
  type Ui,
  type UploadOptions,
} from '@kiln/sdk';
import type { Client, ExecOptions, SFTPWrapper } from 'ssh2';
import { AttemptError, type Connector, type Endpoint } from './connector.js';
import { execCommand } from './exec.js';
import { globMatcher, walkLocal } from './local-tree.js';
import { goSplit, quoteRemotePath } from './quote.js';
import { createCommand, extractCommand, probeRemoteTar, type TarFlavor } from './remote-tar.js';
import { RemoteProcess } from './remote-process.js';
import { scpReceiveFile, scpReceiveTree, scpSendFile, scpSendTree, scpSession } from './scp.js';
import { openSftp, sftpDownload, sftpUpload, sftpUploadTree } from './sftp.js';
import { extractTar, writeTar, type ProgressCallback } from './tar-stream.js';
import { Tunnels } from './tunnels.js';

const PROGRESS_INTERVAL_MS = 100;

type DirOptions = { exclude?: readonly string[]; signal?: AbortSignal };

const RECONNECT_TIMEOUT_MS = 60_000;

/** Characters that make the remote shell expand a path (Packer passes download paths unquoted). */
const GLOB = /[*?[]/;

/**
 * The SSH communicator: one connection, reopened once when it was lost (as Packer's reconnect
 * does), with commands streamed line by line and files moved by scp, sftp or one tar stream.
 */
export class SshCommunicator implements Communicator {
  readonly type = 'ssh';
  private client: Client | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private tarFlavor: Promise<TarFlavor | undefined> | undefined;
  private readonly tunnels: Tunnels;
  private closed = false;

  constructor(
    client: Client,
    private readonly connector: Connector,
    readonly endpoint: Endpoint,
    private readonly ui?: Ui,
  ) {
    this.tunnels = new Tunnels(connector.settings.tunnels, () => this.client);
    this.adopt(client);
  }

  /** Starts what lives beyond one connection: local tunnel listeners. */
  async start(): Promise<void> {
    await this.tunnels.listenLocal();
    if (this.client) await this.prepareConnection(this.client);
  }

  private adopt(client: Client): void {
    this.client = client;
    this.sftpSession = undefined;
    client.on('close', () => {
      if (this.client === client) {
        this.client = undefined;
        this.sftpSession = undefined;
      }
    });
  }

  /** Per connection: remote tunnels, and the agent forwarding request Packer makes on a spare session. */
  private async prepareConnection(client: Client): Promise<void> {
    await this.tunnels.forwardRemote(client);
    if (this.connector.forwardedAgent) {
      await new Promise<void>((resolve) => {
        try {
          client.exec('true', { agentForward: true } as ExecOptions, (error, channel) => {
            if (error) resolve();
            else channel.on('close', () => resolve()).resume();
          });
        } catch {
          resolve();
        }
      });
    }
  }

  /** The live connection, reconnecting once if it was lost. */
  private async connection(signal?: AbortSignal): Promise<Client> {
    if (this.closed) throw new KilnError('IO', 'the SSH communicator is closed');
    if (this.client) return this.client;
    const { host, port } = this.endpoint;
    const client = await this.connector
      .connect(this.endpoint, {
        timeoutMs: Math.min(this.connector.settings.timeoutMs, RECONNECT_TIMEOUT_MS),
        ...(signal ? { signal } : {}),
      })
      .catch((error: unknown) => {
        if (signal?.aborted) throw new KilnError('CANCELLED', `Cancelled while reconnecting to ${host}:${port}`);
        const code = error instanceof AttemptError && error.stage === 'auth' ? 'AUTH_FAILED' : 'IO';
        throw new KilnError(code, `ssh: reconnecting to ${host}:${port}: ${(error as Error).message}`, { cause: error });
      });
    this.adopt(client);
    await this.prepareConnection(client);
    return client;
  }

  async exec(command: RemoteCommand): Promise<RemoteCommandResult> {
    const client = await this.connection(command.signal);
    const pty = this.connector.settings.pty;
    try {
      return await execCommand(client, command, { pty });
    } catch (error) {
      // A connection that died between commands shows only when a channel is opened on it:
      // reconnect once and start the command there (Packer's newSession does the same).
      if (!isConnectionGone(error)) throw error;
      this.forget(client);
      return execCommand(await this.connection(command.signal), command, { pty });
    }
  }

  private forget(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.sftpSession = undefined;
    client.end();
  }

  /**
   * Runs a transfer that stops when `signal` fires. A transfer is spread over channels, processes
   * and files, so a cancel ends the whole connection; the next call reconnects.
   */
  private async cancellable<T>(signal: AbortSignal | undefined, what: string, transfer: () => Promise<T>): Promise<T> {
    if (!signal) return transfer();
    if (signal.aborted) throw new KilnError('CANCELLED', `Cancelled before ${what}`);
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => {
        if (this.client) this.forget(this.client);
        reject(new KilnError('CANCELLED', `Cancelled while ${what}`));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([transfer(), cancelled]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /**
   * Every transfer failure leaves as a KilnError with the peer's own words (`scp: /x: No such
   * file or directory`), as Packer returns them; the provisioner adds what it was doing.
   */
  private async transfer<T>(signal: AbortSignal | undefined, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.cancellable(signal, what, work);
    } catch (error) {
      if (error instanceof KilnError) throw error;
      throw new KilnError('IO', error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  /**
   * Runs a remote tar with `body` feeding or reading it; fails with tar's own stderr, which says
   * what went wrong (`Cannot open: No such file or directory`) better than any exit status.
   */
  private async withRemoteTar(client: Client, command: string, body: (tar: RemoteProcess) => Promise<void>): Promise<void> {
    const tar = await RemoteProcess.start(client, command);
    try {
      await body(tar);
    } catch (error) {
      tar.abort();
      throw new Error(tar.stderr || (error instanceof Error ? error.message : String(error)), { cause: error });
    }
    const status = await tar.finish();
    if (status !== 0) throw new Error(tar.stderr || `tar exited with status ${status ?? 'none (connection lost)'}`);
  }

  private sftp(client: Client): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      const session = openSftp(client);
      this.sftpSession = session;
      session.then(
        (sftp) => sftp.on('close', () => this.sftpSession === session && (this.sftpSession = undefined)),
        () => this.sftpSession === session && (this.sftpSession = undefined),
      );
    }
    return this.sftpSession;
  }

  private progress(label: string, total: number | undefined): ProgressCallback | undefined {
    const report = this.ui?.progress?.bind(this.ui);
    if (!report) return undefined;
    // A report per 64 KiB chunk would cost more than the transfer (each one becomes a masked
    // event in core): tell at most every 100 ms, and always at the end.
    let done = 0;
    let lastReport = 0;
    return (bytes) => {
      done += bytes;
      const now = Date.now();
      if (now - lastReport < PROGRESS_INTERVAL_MS && done !== total) return;
      lastReport = now;
      report(label, done, total);
    };
  }

  async upload(remotePath: string, content: Readable, options: UploadOptions = {}): Promise<void> {
    return this.transfer(options.signal, `uploading ${remotePath}`, () => this.uploadNow(remotePath, content, options));
  }

  private async uploadNow(remotePath: string, content: Readable, options: UploadOptions): Promise<void> {
    const client = await this.connection(options.signal);
    const onProgress = this.progress(`Uploading ${remotePath}`, options.size);
    if (this.connector.settings.fileTransferMethod === 'sftp') {
      const sftp = await this.sftp(client);
      await sftpUpload(sftp, remotePath, content, { ...(options.mode !== undefined ? { mode: options.mode } : {}), ...withProgress(onProgress) });
      return;
    }
    // scp announces the size first: learn it from the caller, the file, or a spooled copy (Packer's way).
    const known = options.size ?? (await fileStreamSize(content));
    const spooled = known === undefined ? await spool(content) : undefined;
    try {
      const size = known ?? spooled!.size;
      const source = spooled ? createReadStream(spooled.path) : content;
      const { dir, base } = goSplit(remotePath);
      await scpSession(client, `scp -t ${quoteRemotePath(dir)}`, (scp) =>
        scpSendFile(scp, base, options.mode ?? 0o644, size, source, onProgress),
      );
    } finally {
      if (spooled) await rm(spooled.dir, { recursive: true, force: true });
    }
  }

  /**
   * Uploads a directory with Packer's trailing-slash rule: `src/` puts the contents of src into
   * remoteDir, `src` puts src itself there. remoteDir must exist. Goes as one tar stream when the
   * remote has tar (one round trip instead of one per file), else by the configured method.
   */
  async uploadDir(remoteDir: string, localDir: string, options: DirOptions = {}): Promise<void> {
    return this.transfer(options.signal, `uploading ${localDir}`, () => this.uploadDirNow(remoteDir, localDir, options));
  }

  private async uploadDirNow(remoteDir: string, localDir: string, options: DirOptions): Promise<void> {
    const client = await this.connection(options.signal);
    const contentsOnly = /[\\/]$/.test(localDir);
    const rootName = basename(localDir.replace(/[\\/]+$/, ''));
    const rootMode = await stat(localDir).then(
      (info) => info.mode & 0o7777,
      (error: unknown) => {
        throw new KilnError('IO', formatSystemError(error), { cause: error });
      },
    );
    const entries = walkLocal(localDir, options.exclude);
    const onProgress = this.progress(`Uploading ${localDir}`, undefined);
    const flavor = await this.remoteTar(client);
    if (flavor) {
      await this.withRemoteTar(client, extractCommand(flavor, quoteRemotePath(remoteDir)), (tar) =>
        writeTar(tar.stdin, entries, { prefix: contentsOnly ? '' : rootName, rootMode, ...withProgress(onProgress) }),
      );
      return;
    }
    if (this.connector.settings.fileTransferMethod === 'sftp') {
      const sftp = await this.sftp(client);
      const root = contentsOnly ? remoteDir : posix.join(remoteDir, rootName);
      await sftpUploadTree(sftp, root, entries, { ...(contentsOnly ? {} : { rootMode }), ...withProgress(onProgress) });
      return;
    }
    await scpSession(client, `scp -r -t ${quoteRemotePath(remoteDir)}`, (scp) =>
      scpSendTree(scp, entries, { ...(contentsOnly ? {} : { rootName, rootMode }), ...withProgress(onProgress) }),
    );
  }

  async download(remotePath: string, destination: Writable, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.transfer(options.signal, `downloading ${remotePath}`, () => this.downloadNow(remotePath, destination, options));
  }

  private async downloadNow(remotePath: string, destination: Writable, options: { signal?: AbortSignal }): Promise<void> {
    const client = await this.connection(options.signal);
    const onProgress = this.progress(`Downloading ${remotePath}`, undefined);
    if (this.connector.settings.fileTransferMethod === 'sftp') {
      await sftpDownload(await this.sftp(client), remotePath, destination, onProgress);
      return;
    }
    await scpSession(client, `scp -f ${quoteRemotePath(remotePath)}`, (scp) => scpReceiveFile(scp, destination, onProgress));
  }

  /**
   * Downloads a remote directory into localDir/<its name> (Packer's `scp -r` semantics, with or
   * without a trailing slash; a glob in the last part fetches each match). As one tar stream when
   * the remote has tar; Packer always uses scp here, whatever ssh_file_transfer_method says.
   */
  async downloadDir(remoteDir: string, localDir: string, options: DirOptions = {}): Promise<void> {
    return this.transfer(options.signal, `downloading ${remoteDir}`, () => this.downloadDirNow(remoteDir, localDir, options));
  }

  private async downloadDirNow(remoteDir: string, localDir: string, options: DirOptions): Promise<void> {
    const client = await this.connection(options.signal);
    await mkdir(localDir, { recursive: true });
    const trimmed = remoteDir.length > 1 ? remoteDir.replace(/\/+$/, '') : remoteDir;
    const parent = posix.dirname(trimmed);
    const name = posix.basename(trimmed);
    const onProgress = this.progress(`Downloading ${remoteDir}`, undefined);
    const exclude = options.exclude?.length ? options.exclude.map(globMatcher) : undefined;
    const glob = GLOB.test(remoteDir);
    const flavor = glob ? undefined : await this.remoteTar(client);
    if (flavor) {
      await this.withRemoteTar(client, createCommand(quoteRemotePath(parent), quoteRemotePath(name)), (tar) =>
        extractTar(tar.stdout, localDir, {
          ...(exclude ? { exclude: (relative: string) => exclude.some((matches) => matches(relative)) } : {}),
          ...withProgress(onProgress),
        }),
      );
      return;
    }
    const source = glob ? remoteDir : quoteRemotePath(remoteDir);
    await scpSession(client, `scp -r -f ${source}`, (scp) => scpReceiveTree(scp, localDir, onProgress));
  }

  private remoteTar(client: Client): Promise<TarFlavor | undefined> {
    this.tarFlavor ??= probeRemoteTar(client).catch(() => undefined);
    return this.tarFlavor;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.tunnels.close();
    this.client?.end();
    this.client = undefined;
    this.connector.close();
  }
}

/** ssh2's words for a connection that is gone, as opposed to a server refusing one channel. */
function isConnectionGone(error: unknown): boolean {
  return error instanceof Error && /^(Not connected|No response from server)$/.test(error.message);
}

function withProgress(onProgress: ProgressCallback | undefined): { onProgress?: ProgressCallback } {
  return onProgress ? { onProgress } : {};
}

/** The size of a plain file stream (the usual upload source), without reading it. */
async function fileStreamSize(content: Readable): Promise<number | undefined> {
  const file = content as Partial<ReadStream> & { start?: number; end?: number };
  const whole = file.start === undefined && (file.end === undefined || file.end === Infinity) && !file.bytesRead;
  if (typeof file.path !== 'string' || !whole) return undefined;
  try {
    const info = await stat(file.path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

async function spool(content: Readable): Promise<{ dir: string; path: string; size: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-upload-'));
  const path = join(dir, 'content');
  await pipeline(content, createWriteStream(path));
  return { dir, path, size: (await stat(path)).size };
}
