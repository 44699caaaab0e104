import { readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import {
  DISCONNECTED_EXIT_STATUS,
  KilnError,
  formatSystemError,
  type Communicator,
  type RemoteCommand,
  type RemoteCommandResult,
  type Ui,
  type UploadOptions,
} from '@kiln/sdk';
import type { WinrmClient } from './client.js';
import { LineSplitter } from './lines.js';
import { powershell } from './powershell.js';
import { WsmanError } from './transport.js';
import { UploadError, UploadSession, downloadScript } from './upload.js';

type DirOptions = { exclude?: readonly string[]; signal?: AbortSignal };

/**
 * The WinRM communicator: every command in a shell of its own (as Packer), output streamed line
 * by line; uploads as base64 chunks echoed into temp files over several shells at once, then
 * decoded by PowerShell; downloads as base64 on stdout.
 */
export class WinrmCommunicator implements Communicator {
  readonly type = 'winrm';
  private closed = false;

  /**
   * @param lanes Clients with a connection each; the first runs commands, all of them carry
   *   uploads. At least one.
   */
  constructor(
    private readonly lanes: readonly WinrmClient[],
    private readonly ui?: Ui,
  ) {
    if (lanes.length === 0) throw new Error('WinrmCommunicator needs a client');
  }

  private get client(): WinrmClient {
    if (this.closed) throw new KilnError('IO', 'the WinRM communicator is closed');
    return this.lanes[0]!;
  }

  async exec(command: RemoteCommand): Promise<RemoteCommandResult> {
    const client = this.client;
    if (command.signal?.aborted) throw new KilnError('CANCELLED', `Cancelled before running remote command: ${command.command}`);
    const stdout = new LineSplitter((line) => command.onStdout?.(line));
    const stderr = new LineSplitter((line) => command.onStderr?.(line));
    let started = false;
    try {
      const shellId = await client.createShell(command.signal);
      started = true;
      try {
        const exitStatus = await client.run(shellId, command.command, {
          onStdout: (chunk) => stdout.write(chunk),
          onStderr: (chunk) => stderr.write(chunk),
          ...(command.signal ? { signal: command.signal } : {}),
        });
        return { exitStatus };
      } finally {
        await client.deleteShellQuietly(shellId);
      }
    } catch (error) {
      if (command.signal?.aborted) throw new KilnError('CANCELLED', `Cancelled while running remote command: ${command.command}`, { cause: error });
      // The machine went away mid-command (a reboot): Packer's disconnect status, as over SSH.
      if (started && error instanceof WsmanError && error.kind === 'network') return { exitStatus: DISCONNECTED_EXIT_STATUS };
      throw asKilnError(error);
    } finally {
      stdout.end();
      stderr.end();
    }
  }

  /**
   * Packer's Upload: a destination ending in `\` would need the source's name, which a stream
   * does not have (Packer says the same when it lacks the file info).
   */
  async upload(remotePath: string, content: Readable, options: UploadOptions = {}): Promise<void> {
    if (remotePath.endsWith('\\')) throw new KilnError('IO', 'Was unable to infer file basename for upload.');
    await this.withSession(options.signal, async (session) => {
      await session.uploadFile(remotePath, content, this.uploadOptions(`Uploading ${remotePath}`, options.size, options.signal));
    });
  }

  /**
   * Packer's UploadDir: `src` goes to `dst\<name of src>`, `src/` into `dst`; every regular file
   * below it, directories created as needed (empty ones are not, as with winrmcp). Packer ignores
   * `exclude` here; Kiln too.
   */
  async uploadDir(remoteDir: string, localDir: string, options: DirOptions = {}): Promise<void> {
    const target = /[\\/]$/.test(localDir) ? remoteDir : `${remoteDir}\\${basename(localDir.replace(/[\\/]+$/, ''))}`;
    const files = await listFiles(localDir).catch((error: unknown) => {
      throw new KilnError('IO', formatSystemError(error), { cause: error });
    });
    await this.withSession(options.signal, async (session) => {
      for (const file of files) {
        const remote = `${target}\\${relative(localDir, file).split(sep).join('\\')}`;
        await session.uploadFile(remote, createReadStream(file), this.uploadOptions(`Uploading ${file}`, undefined, options.signal));
      }
    });
  }

  /** Packer's Download: PowerShell prints the file as base64, decoded here. */
  async download(remotePath: string, destination: Writable, options: { signal?: AbortSignal } = {}): Promise<void> {
    const client = this.client;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let exitCode: number;
    try {
      exitCode = await client.runInNewShell(powershell(downloadScript(remotePath)), {
        onStdout: (chunk) => stdout.push(chunk),
        onStderr: (chunk) => stderr.push(chunk),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw new KilnError('CANCELLED', `Cancelled while downloading ${remotePath}`, { cause: error });
      throw asKilnError(error);
    }
    // Packer ignores the exit code and writes whatever came; a failed read is an error here.
    if (exitCode !== 0) {
      const reason = Buffer.concat(stderr).toString('utf8').trim();
      throw new KilnError('IO', `Error downloading ${remotePath}: exit code ${exitCode}${reason ? `: ${reason}` : ''}`);
    }
    const bytes = Buffer.from(Buffer.concat(stdout).toString('latin1').replace(/\s+/g, ''), 'base64');
    await new Promise<void>((resolve, reject) => {
      destination.once('error', reject);
      destination.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  async downloadDir(_remoteDir: string, _localDir: string): Promise<void> {
    throw new KilnError('IO', "WinRM doesn't support download dir.");
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes) lane.close();
  }

  private async withSession(signal: AbortSignal | undefined, work: (session: UploadSession) => Promise<void>): Promise<void> {
    const session = new UploadSession(this.lanes);
    if (this.closed) throw new KilnError('IO', 'the WinRM communicator is closed');
    try {
      await session.open(signal);
      await work(session);
    } catch (error) {
      if (signal?.aborted) throw new KilnError('CANCELLED', 'Cancelled while uploading', { cause: error });
      throw asKilnError(error);
    } finally {
      await session.close();
    }
  }

  private uploadOptions(label: string, total: number | undefined, signal: AbortSignal | undefined) {
    const report = this.ui?.progress?.bind(this.ui);
    let done = 0;
    let lastReport = 0;
    return {
      ...(signal ? { signal } : {}),
      ...(report
        ? {
            onProgress: (bytes: number) => {
              done += bytes;
              const now = Date.now();
              if (now - lastReport < 100 && done !== total) return;
              lastReport = now;
              report(label, done, total);
            },
          }
        : {}),
    };
  }
}

function asKilnError(error: unknown): KilnError {
  if (error instanceof KilnError) return error;
  if (error instanceof UploadError || error instanceof WsmanError) {
    const code = error instanceof WsmanError && error.kind === 'auth' ? 'AUTH_FAILED' : 'IO';
    return new KilnError(code, error.message, { cause: error });
  }
  return new KilnError('IO', error instanceof Error ? error.message : String(error), { cause: error });
}

/** Regular files below dir, sorted, as absolute paths (winrmcp walks with filepath.Walk: lexical order). */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
