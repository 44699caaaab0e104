import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import { KilnError, formatSystemError, messageOf, type Communicator, type Ui } from '@kiln/sdk';

export interface TransferContext {
  readonly ui: Ui;
  readonly communicator: Communicator;
  readonly signal: AbortSignal;
  /** Relative local paths are taken from here (the run's working directory); messages keep them as written. */
  readonly cwd?: string;
}

/** join() keeps a trailing slash, which decides whether a directory or its contents is copied. */
const localPath = (path: string, ctx: TransferContext): string => (ctx.cwd && !isAbsolute(path) ? join(ctx.cwd, path) : path);

/** A remote directory path, or a glob (`/var/log/*.log`): Packer fetches those with DownloadDir. */
const isRemoteDirectory = (source: string) => source.endsWith('/') || /[*?[]/.test(source);

/**
 * Uploads one local file or directory as Packer does: a directory with the trailing-slash rule
 * (destination must exist), a file to `destination`, or to `destination/<name>` when destination
 * ends in `/`. Files keep their permission bits, as Packer's scp does.
 */
export async function uploadSource(source: string, destination: string, ctx: TransferContext): Promise<void> {
  ctx.ui.say(`Uploading ${source} => ${destination}`);
  const local = localPath(source, ctx);
  const info = await stat(local).catch((error: unknown) => {
    throw new KilnError('IO', formatSystemError(error), { cause: error });
  });
  if (info.isDirectory()) {
    await reportFailure(ctx.ui, 'Upload', ctx.communicator.uploadDir(destination, local, { signal: ctx.signal }));
    return;
  }
  const target = destination.endsWith('/') ? destination + basename(source) : destination;
  await reportFailure(
    ctx.ui,
    'Upload',
    ctx.communicator.upload(target, createReadStream(local), { mode: info.mode & 0o777, size: info.size, signal: ctx.signal }),
    // Packer's hint for scp's complaint about writing a file over a directory.
    (message) => (/Error restoring file|Is a directory/.test(message) ? 'this can occur when your file destination is a folder without a trailing slash.' : undefined),
  );
}

/** Writes `content` to the machine: to destination, or a `pkr-file-content-<hash>` file in it when it ends in `/`. */
export async function uploadContent(content: string, destination: string, ctx: TransferContext): Promise<void> {
  const bytes = Buffer.from(content);
  const target = destination.endsWith('/')
    ? `${destination}pkr-file-content-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`
    : destination;
  ctx.ui.say(`Uploading content => ${target}`);
  await reportFailure(ctx.ui, 'Upload', ctx.communicator.upload(target, Readable.from([bytes]), { size: bytes.length, signal: ctx.signal }));
}

/**
 * Downloads one remote file or directory as Packer does: the local parent directory is created,
 * a destination ending in `/` receives the source under its own name, and a source ending in `/`
 * or holding a glob is fetched as a directory.
 */
export async function downloadSource(source: string, destination: string, ctx: TransferContext): Promise<void> {
  ctx.ui.say(`Downloading ${source} => ${destination}`);
  const local = localPath(destination, ctx);
  let target = local;
  let directory = local;
  if (!local.endsWith('/')) directory = dirname(local);
  // Packer spares only a trailing `*` here, and so downloads `dir/*.log` into a directory named `*.log`.
  else if (!isRemoteDirectory(source)) target = join(local, basename(source));
  if (directory !== '') {
    await mkdir(directory, { recursive: true, mode: 0o755 }).catch((error: unknown) => {
      throw new KilnError('IO', formatSystemError(error), { cause: error });
    });
  }
  if (isRemoteDirectory(source)) {
    await reportFailure(ctx.ui, 'Download', ctx.communicator.downloadDir(source, target, { signal: ctx.signal }));
    return;
  }
  // A large buffer: the communicator waits for 'drain' whenever a write fills it.
  const file = createWriteStream(target, { mode: 0o644, highWaterMark: 1 << 20 });
  const opened = new Promise<void>((resolve, reject) => file.once('open', () => resolve()).once('error', reject));
  await opened.catch((error: unknown) => {
    throw new KilnError('IO', formatSystemError(error), { cause: error });
  });
  try {
    await reportFailure(ctx.ui, 'Download', ctx.communicator.download(source, file, { signal: ctx.signal }));
  } finally {
    // The communicator may or may not end the stream: the file is complete only once closed.
    if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()).end());
  }
}

async function reportFailure(
  ui: Ui,
  what: 'Upload' | 'Download',
  transfer: Promise<void>,
  hint?: (message: string) => string | undefined,
): Promise<void> {
  try {
    await transfer;
  } catch (error) {
    if (error instanceof KilnError && error.code === 'CANCELLED') throw error;
    const message = messageOf(error);
    const extra = hint?.(message);
    if (extra) ui.error(`${what} failed: ${message}; ${extra}`);
    ui.error(`${what} failed: ${message}`);
    throw error instanceof KilnError ? error : new KilnError('IO', message, { cause: error });
  }
}
