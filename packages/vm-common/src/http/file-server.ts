import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.cfg': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.sh': 'text/x-sh; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.xml': 'text/xml; charset=utf-8',
  '.json': 'application/json',
  '.ks': 'text/plain; charset=utf-8',
  '.yaml': 'text/plain; charset=utf-8',
  '.yml': 'text/plain; charset=utf-8',
  '.iso': 'application/octet-stream',
};

/**
 * Serves a directory like Go's http.FileServer, which Packer uses for http_directory: GET and
 * HEAD, index.html for directories, a `<pre>` listing otherwise, a redirect to add the slash to
 * a directory URL, single byte ranges, `404 page not found`. Paths never leave the directory.
 */
export function fileServerHandler(root: string): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    serve(root, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('500 Internal Server Error\n');
    });
  };
}

async function serve(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    notFound(response);
    return;
  }
  const relativePath = normalize(`/${path}`).slice(1);
  const file = join(root, relativePath);
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) {
    notFound(response);
    return;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info) {
    notFound(response);
    return;
  }
  if (info.isDirectory()) {
    if (!url.pathname.endsWith('/')) {
      response.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
      return;
    }
    const index = join(file, 'index.html');
    const indexInfo = await stat(index).catch(() => undefined);
    if (indexInfo?.isFile()) {
      sendFile(index, indexInfo.size, indexInfo.mtime, request, response);
      return;
    }
    const entries = (await readdir(file, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    const links = entries.map((entry) => {
      const name = entry.isDirectory() ? `${entry.name}/` : entry.name;
      return `<a href="${encodeURI(name)}">${escapeHtml(name)}</a>\n`;
    });
    const body = `<pre>\n${links.join('')}</pre>\n`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  sendFile(file, info.size, info.mtime, request, response);
}

function sendFile(file: string, size: number, mtime: Date, request: IncomingMessage, response: ServerResponse): void {
  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'last-modified': mtime.toUTCString(),
    'accept-ranges': 'bytes',
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  let status = 200;
  if (range && (range[1] !== '' || range[2] !== '')) {
    if (range[1] === '') {
      start = Math.max(0, size - Number(range[2]));
    } else {
      start = Number(range[1]);
      if (range[2] !== '') end = Math.min(end, Number(range[2]));
    }
    if (start >= size || start > end) {
      response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['content-length'] = size === 0 ? 0 : end - start + 1;
  response.writeHead(status, headers);
  if (request.method === 'HEAD' || size === 0) {
    response.end();
    return;
  }
  createReadStream(file, { start, end }).pipe(response);
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  response.end('404 page not found\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
