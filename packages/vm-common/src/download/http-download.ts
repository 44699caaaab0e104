import { createWriteStream } from 'node:fs';
import { stat, truncate } from 'node:fs/promises';
import { once } from 'node:events';

export interface HttpDownloadOptions {
  readonly url: string;
  readonly destination: string;
  readonly signal?: AbortSignal;
  /** Bytes on disk so far and the full size when the server says it. */
  readonly onProgress?: (done: number, total: number | undefined) => void;
}

/**
 * Downloads a URL to a file, resuming a partial file left by an earlier attempt with an HTTP
 * Range request (go-getter does the same); a server that ignores the range, or answers 416
 * because the file on disk is already as long or longer, gets a fresh download.
 */
export async function httpDownload(options: HttpDownloadOptions): Promise<void> {
  const existing = await stat(options.destination).then((info) => info.size, () => 0);
  let response = await get(options, existing);
  let offset = existing;
  if (existing > 0 && response.status === 416) {
    await response.body?.cancel();
    response = await get(options, 0);
    offset = 0;
  }
  if (response.status === 200) offset = 0;
  else if (response.status !== 206) {
    await response.body?.cancel();
    throw new Error(`bad response code: ${response.status}`);
  }
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  const total = Number.isFinite(length) ? offset + length : undefined;
  if (offset === 0) await truncate(options.destination).catch(() => undefined);
  const file = createWriteStream(options.destination, { flags: offset === 0 ? 'w' : 'a' });
  let done = offset;
  options.onProgress?.(done, total);
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        if (!file.write(chunk)) await once(file, 'drain');
        done += (chunk as Uint8Array).byteLength;
        options.onProgress?.(done, total);
      }
    }
  } finally {
    file.end();
    await once(file, 'close');
  }
  if (total !== undefined && done !== total) throw new Error(`unexpected EOF: got ${done} of ${total} bytes`);
}

function get(options: HttpDownloadOptions, from: number): Promise<Response> {
  return fetch(options.url, {
    headers: from > 0 ? { range: `bytes=${from}-` } : {},
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
