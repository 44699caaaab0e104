import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ui } from '@kiln/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadIso } from './download.js';

const iso = randomBytes(256 * 1024);
const other = randomBytes(10 * 1024);
const sha256 = createHash('sha256').update(iso).digest('hex');
const md5 = createHash('md5').update(iso).digest('hex');
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

interface Request {
  readonly path: string;
  readonly range: string | undefined;
}

let server: Server;
let base: string;
let requests: Request[] = [];
let work: string;

beforeAll(async () => {
  const files: Record<string, Buffer> = {
    '/x.iso': iso,
    '/bad.iso': other,
    '/SHA256SUMS': Buffer.from(`${createHash('sha256').update(other).digest('hex')}  bad.iso\n${sha256} *x.iso\n`),
    '/MD5SUMS.bsd': Buffer.from(`MD5 (x.iso) = ${md5}\n`),
  };
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push({ path, range: request.headers.range });
    const body = files[path];
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range) {
      const from = Number(range[1]);
      if (from >= body.length) {
        response.writeHead(416).end();
        return;
      }
      response.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` });
      response.end(body.subarray(from));
      return;
    }
    response.writeHead(200, { 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(async () => {
  requests = [];
  if (work) await rm(work, { recursive: true, force: true });
  work = await mkdtemp(join(tmpdir(), 'kiln-download-'));
});

function recordingUi(): Ui & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    say: (text) => lines.push(text),
    message: (text) => lines.push(`    ${text}`),
    error: (text) => lines.push(`ERROR ${text}`),
    ask: () => Promise.reject(new Error('no')),
  };
}

const gets = (path: string): Request[] => requests.filter((request) => request.path === path);

describe('downloadIso over HTTP', () => {
  it("downloads into the cache under sha1 of the resolved checksum, with Packer's messages", async () => {
    const ui = recordingUi();
    const cache = join(work, 'cache');
    const path = await downloadIso({ urls: [`${base}/x.iso`], checksum: sha256, cacheDir: cache, ui });
    const target = join(cache, `${sha1(`sha256:${sha256}`)}.iso`);
    expect(path).toBe(target);
    expect(await readFile(path)).toEqual(iso);
    expect(ui.lines).toEqual([
      'Retrieving ISO',
      `Trying ${base}/x.iso`,
      `Trying ${base}/x.iso?checksum=sha256%3A${sha256}`,
      `${base}/x.iso?checksum=sha256%3A${sha256} => ${target}`,
    ]);
    expect(existsSync(`${target}.lock`)).toBe(false);

    // A second build finds the verified file in the cache and fetches nothing.
    requests = [];
    expect(await downloadIso({ urls: [`${base}/x.iso`], checksum: `SHA256:${sha256.toUpperCase()}`, cacheDir: cache })).toBe(target);
    expect(requests).toEqual([]);
  });

  it('names the file after the URL when the checksum is none, and honours iso_target_path and extension', async () => {
    const cache = join(work, 'cache');
    expect(await downloadIso({ urls: [`${base}/x.iso`], checksum: 'none', cacheDir: cache })).toBe(join(cache, `${sha1(`${base}/x.iso`)}.iso`));
    expect(await downloadIso({ urls: [`${base}/x.iso`], checksum: md5, cacheDir: cache, extension: 'img' })).toBe(
      join(cache, `${sha1(`md5:${md5}`)}.img`),
    );
    const dir = join(work, 'isos');
    expect(await downloadIso({ urls: [`${base}/x.iso`], checksum: md5, cacheDir: cache, targetPath: dir })).toBe(
      join(dir, `${sha1(`md5:${md5}`)}.iso`),
    );
    const file = join(work, 'exact.bin');
    expect(await downloadIso({ urls: [`${base}/x.iso`], checksum: md5, cacheDir: cache, targetPath: file })).toBe(file);
    expect(await readFile(file)).toEqual(iso);
  });

  it('removes a file whose checksum does not match and tries the next URL', async () => {
    const ui = recordingUi();
    const cache = join(work, 'cache');
    const target = join(cache, `${sha1(`sha256:${sha256}`)}.iso`);
    const path = await downloadIso({
      urls: [`${base}/bad.iso`, `${base}/missing.iso`, join(work, 'missing.iso'), `${base}/x.iso`],
      checksum: `sha256:${sha256}`,
      cacheDir: cache,
      ui,
    });
    expect(path).toBe(target);
    expect(ui.lines).toEqual([
      'Retrieving ISO',
      `Trying ${base}/bad.iso`,
      `Trying ${base}/bad.iso?checksum=sha256%3A${sha256}`,
      `Checksum did not match, removing ${target}`,
      `Trying ${base}/missing.iso`,
      `Trying ${base}/missing.iso?checksum=sha256%3A${sha256}`,
      'Download failed bad response code: 404',
      `Trying ${join(work, 'missing.iso')}`,
      `Trying ${join(work, 'missing.iso')}?checksum=sha256%3A${sha256}`,
      `Download failed source path error: stat ${join(work, 'missing.iso')}: no such file or directory`,
      `Trying ${base}/x.iso`,
      `Trying ${base}/x.iso?checksum=sha256%3A${sha256}`,
      `${base}/x.iso?checksum=sha256%3A${sha256} => ${target}`,
    ]);
  });

  it('fails with every reason when no URL works, leaving no file behind', async () => {
    const cache = join(work, 'cache');
    const attempt = downloadIso({ urls: [`${base}/bad.iso`], checksum: `sha256:${sha256}`, cacheDir: cache });
    const badSha = createHash('sha256').update(other).digest('hex');
    const target = join(cache, `${sha1(`sha256:${sha256}`)}.iso`);
    await expect(attempt).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: `error downloading ISO: [Checksums did not match for ${target}.\nExpected: ${sha256}\nGot: ${badSha}\n*sha256.digest]`,
    });
    expect(existsSync(target)).toBe(false);
  });

  it('resumes a partial download with an HTTP range request', async () => {
    const cache = join(work, 'cache');
    const target = join(cache, `${sha1(`sha256:${sha256}`)}.iso`);
    await rm(cache, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(cache, { recursive: true }));
    await writeFile(target, iso.subarray(0, 100_000));
    const progress: number[] = [];
    await downloadIso({ urls: [`${base}/x.iso`], checksum: sha256, cacheDir: cache, onProgress: (done) => progress.push(done) });
    expect(gets('/x.iso').map((request) => request.range)).toEqual(['bytes=100000-']);
    expect(await readFile(target)).toEqual(iso);
    expect(progress[0]).toBe(100_000);
    expect(progress.at(-1)).toBe(iso.length);
  });

  it('starts over when the file on disk is longer than the resource (416)', async () => {
    const cache = join(work, 'cache');
    const target = join(cache, `${sha1(`sha256:${sha256}`)}.iso`);
    await import('node:fs/promises').then((fs) => fs.mkdir(cache, { recursive: true }));
    await writeFile(target, Buffer.concat([iso, Buffer.from('junk')]));
    await downloadIso({ urls: [`${base}/x.iso`], checksum: sha256, cacheDir: cache });
    expect(gets('/x.iso').map((request) => request.range)).toEqual([`bytes=${iso.length + 4}-`, undefined]);
    expect(await readFile(target)).toEqual(iso);
  });

  it('lets parallel builds share one download through the lock file', async () => {
    const cache = join(work, 'cache');
    const both = await Promise.all([
      downloadIso({ urls: [`${base}/x.iso`], checksum: sha256, cacheDir: cache }),
      downloadIso({ urls: [`${base}/x.iso`], checksum: `sha256:${sha256}`, cacheDir: cache }),
    ]);
    expect(both[0]).toBe(both[1]);
    expect(gets('/x.iso')).toHaveLength(1);
  });

  it('finds the checksum in a SUMS file over HTTP (GNU) and in a local BSD file', async () => {
    const cache = join(work, 'cache');
    const target = join(cache, `${sha1(`sha256:${sha256}`)}.iso`);
    expect(await downloadIso({ urls: [`${base}/x.iso`], checksum: `file:${base}/SHA256SUMS`, cacheDir: cache })).toBe(target);
    await writeFile(join(work, 'MD5SUMS'), `MD5 (x.iso) = ${md5}\n`);
    expect(await downloadIso({ urls: [`${base}/x.iso`], checksum: 'file:./MD5SUMS', cacheDir: cache, cwd: work })).toBe(
      join(cache, `${sha1(`md5:${md5}`)}.iso`),
    );
    await expect(downloadIso({ urls: [`${base}/x.iso`], checksum: 'file:./nothing', cacheDir: cache, cwd: work })).rejects.toThrow(
      `error downloading ISO: [Error downloading checksum file: source path error: stat ${join(work, 'nothing')}: no such file or directory in "file:./nothing"]`,
    );
  });
});

describe('downloadIso of local files', () => {
  it('verifies a path or file:// URL and uses it in place', async () => {
    const local = join(work, 'local.iso');
    await writeFile(local, iso);
    const ui = recordingUi();
    const cache = join(work, 'cache');
    expect(await downloadIso({ urls: ['local.iso'], checksum: `sha256:${sha256}`, cacheDir: cache, cwd: work, ui })).toBe(local);
    expect(ui.lines).toEqual([
      'Retrieving ISO',
      'Trying local.iso',
      `Trying local.iso?checksum=sha256%3A${sha256}`,
      `local.iso?checksum=sha256%3A${sha256} => ${local}`,
    ]);
    expect(await downloadIso({ urls: [`file://${local}`], checksum: 'none', cacheDir: cache })).toBe(local);
    expect(existsSync(join(cache, `${sha1(`sha256:${sha256}`)}.iso`))).toBe(false);
  });

  it('keeps a local file whose checksum does not match', async () => {
    const local = join(work, 'local.iso');
    await writeFile(local, other);
    await expect(downloadIso({ urls: [local], checksum: sha256, cacheDir: join(work, 'cache') })).rejects.toThrow(
      `Checksums did not match for ${local}.`,
    );
    expect(await readFile(local)).toEqual(other);
  });

  it('stops between URLs when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(downloadIso({ urls: [`${base}/x.iso`], checksum: sha256, cacheDir: join(work, 'cache'), signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(requests).toEqual([]);
  });
});
