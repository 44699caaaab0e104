import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { KilnError, silentUi } from '@kiln/sdk';
import type { Ui } from '@kiln/sdk';
import { lockFile } from '../util/file-lock.js';
import { cancelledError, isCancellation } from '../util/sleep.js';
import { ChecksumMismatchError, formatChecksum, goStatError, isRemote, localPath, resolveChecksum, verifyChecksum } from './checksum.js';
import type { Checksum } from './checksum.js';
import { httpDownload } from './http-download.js';

/** PACKER_CACHE_DIR, else `./packer_cache`, made absolute as Packer does. */
export function packerCacheDir(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env['PACKER_CACHE_DIR'] || 'packer_cache');
}

export interface CacheTargetOptions {
  readonly source: string;
  readonly checksum: Checksum | undefined;
  readonly cacheDir: string;
  /** iso_target_path: a file, or a directory when it has no extension. */
  readonly targetPath?: string;
  /** iso_target_extension, lower-cased (Packer's default `iso`). */
  readonly extension?: string;
}

/**
 * Where Packer puts a download: iso_target_path if it names a file; else
 * `<dir>/<sha1>.<extension>` with dir = iso_target_path or the cache, and sha1 taken of the
 * checksum string (`sha256:ab...`), or of the URL when there is no checksum.
 */
export function cacheTargetPath(options: CacheTargetOptions): string {
  const key = options.checksum ? formatChecksum(options.checksum) : options.source;
  const sha = createHash('sha1').update(key).digest('hex');
  const extension = options.extension ?? 'iso';
  if (!options.targetPath) return join(options.cacheDir, extension ? `${sha}.${extension}` : sha);
  if (extname(options.targetPath) !== '') return options.targetPath;
  const dir = options.targetPath.endsWith('/') ? options.targetPath : `${options.targetPath}/`;
  return `${dir}${sha}.${extension || 'iso'}`;
}

/** The URL as Packer shows it while trying: with `?checksum=type%3Avalue` added when there is one. */
export function urlWithChecksum(source: string, checksum: Checksum | undefined): string {
  if (!checksum) return source;
  const [base, query = ''] = splitOnce(source, '?');
  const params = new Map<string, string[]>();
  for (const pair of query.split('&').filter((part) => part !== '')) {
    const [key, value = ''] = splitOnce(pair, '=');
    params.set(key, [...(params.get(key) ?? []), value]);
  }
  params.set('checksum', [goQueryEscape(formatChecksum(checksum))]);
  const encoded = [...params.keys()].sort().flatMap((key) => params.get(key)!.map((value) => `${key}=${value}`));
  return `${base}?${encoded.join('&')}`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function goQueryEscape(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+').replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface DownloadOptions {
  /** iso_urls (iso_url first), tried in order. */
  readonly urls: readonly string[];
  /** iso_checksum as written: `none`, `type:value`, bare hex or `file:<path or URL>`. */
  readonly checksum: string;
  /** What is fetched, for the messages: `ISO` (default), `Guest Additions`, `OVF/OVA`. */
  readonly description?: string;
  /** The cache directory (BuildEnvironment.cacheDir; default packerCacheDir()). */
  readonly cacheDir?: string;
  readonly targetPath?: string;
  readonly extension?: string;
  /** Base of relative paths (default process.cwd()). */
  readonly cwd?: string;
  readonly ui?: Ui;
  readonly signal?: AbortSignal;
  /** Progress of an HTTP download; without it, ui.progress gets it. */
  readonly onProgress?: (done: number, total: number | undefined) => void;
}

/**
 * Packer's StepDownload: each URL in turn until one gives a file whose checksum matches.
 * Local paths and file:// URLs are verified and used in place; http(s) URLs go to the cache
 * (cacheTargetPath), which is reused when it already matches the checksum and resumed when a
 * partial file is there. A `<target>.lock` file makes parallel builds wait for one download.
 * A mismatch removes the downloaded file and moves on. Returns the path of the verified file.
 */
export async function downloadIso(options: DownloadOptions): Promise<string> {
  const ui = options.ui ?? silentUi;
  const description = options.description ?? 'ISO';
  const cwd = options.cwd ?? process.cwd();
  ui.say(`Retrieving ${description}`);
  let checksum: Checksum | undefined;
  try {
    checksum = options.urls.length > 0 ? await resolveChecksum(options.checksum, { sourceUrl: options.urls[0]!, cwd, ...signalOf(options) }) : undefined;
  } catch (error) {
    if (options.signal?.aborted) throw cancelledError(options.signal);
    throw new KilnError('STEP_FAILED', `error downloading ${description}: [${(error as Error).message}]`, { cause: error });
  }
  const errors: Error[] = [];
  for (const source of options.urls) {
    if (options.signal?.aborted) throw cancelledError(options.signal);
    ui.say(`Trying ${source}`);
    try {
      return await fetchOne(source, checksum, { ...options, cwd, ui, description });
    } catch (error) {
      if (isCancellation(error) || options.signal?.aborted) throw cancelledError(options.signal);
      errors.push(error as Error);
    }
  }
  throw new KilnError('STEP_FAILED', `error downloading ${description}: [${errors.map((error) => error.message).join(' ')}]`);
}

type FetchOptions = DownloadOptions & { readonly cwd: string; readonly ui: Ui; readonly description: string };

async function fetchOne(source: string, checksum: Checksum | undefined, options: FetchOptions): Promise<string> {
  const { ui } = options;
  const target = cacheTargetPath({
    source,
    checksum,
    cacheDir: options.cacheDir ?? packerCacheDir(process.env, options.cwd),
    ...(options.targetPath ? { targetPath: options.targetPath } : {}),
    ...(options.extension !== undefined ? { extension: options.extension } : {}),
  });
  const shown = urlWithChecksum(source, checksum);
  const lockPath = resolve(options.cwd, `${target}.lock`);
  const lock = await lockFile(lockPath, signalOf(options));
  try {
    ui.say(`Trying ${shown}`);
    if (!isRemote(source)) {
      const path = localPath(source, options.cwd);
      try {
        const info = await stat(path);
        if (!info.isFile()) throw new Error(`source path error: ${path} is a directory`);
      } catch (error) {
        const reason = error instanceof Error && error.message.startsWith('source path') ? error.message : `source path error: ${goStatError(path, error as NodeJS.ErrnoException)}`;
        ui.say(`Download failed ${reason}`);
        throw new Error(reason, { cause: error });
      }
      // The user's own file is verified but never removed on a mismatch.
      if (checksum) await verifyChecksum(path, checksum, options.signal);
      ui.say(`${shown} => ${path}`);
      return path;
    }
    const absoluteTarget = resolve(options.cwd, target);
    await mkdir(dirname(absoluteTarget), { recursive: true });
    if (!checksum || !(await matches(absoluteTarget, checksum, options.signal))) {
      // Without a checksum a file already there cannot be trusted to be whole: start over.
      if (!checksum) await rm(absoluteTarget, { force: true });
      try {
        await httpDownload({
          url: source,
          destination: absoluteTarget,
          ...signalOf(options),
          onProgress: options.onProgress ?? ((done, total) => ui.progress?.(basename(new URL(source).pathname), done, total)),
        });
      } catch (error) {
        if (options.signal?.aborted) throw cancelledError(options.signal);
        ui.say(`Download failed ${(error as Error).message}`);
        throw error;
      }
      if (checksum) {
        try {
          await verifyChecksum(absoluteTarget, checksum, options.signal);
        } catch (error) {
          if (error instanceof ChecksumMismatchError) {
            ui.say(`Checksum did not match, removing ${target}`);
            await rm(absoluteTarget, { force: true }).catch(() => ui.error(`Failed to remove cache file. Please remove manually: ${target}`));
          }
          throw error;
        }
      }
    }
    ui.say(`${shown} => ${target}`);
    return absoluteTarget;
  } finally {
    await lock.release();
  }
}

async function matches(path: string, checksum: Checksum, signal?: AbortSignal): Promise<boolean> {
  try {
    await verifyChecksum(path, checksum, signal);
    return true;
  } catch (error) {
    if (isCancellation(error)) throw error;
    return false;
  }
}

function signalOf(options: { readonly signal?: AbortSignal }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
