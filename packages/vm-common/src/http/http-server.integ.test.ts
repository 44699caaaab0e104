import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareHttpConfig } from './config.js';
import { startHttpServer } from './http-server.js';
import type { HttpDirectoryServer } from './http-server.js';

let work: string;
const servers: HttpDirectoryServer[] = [];

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-http-'));
  await mkdir(join(work, 'http', 'sub'), { recursive: true });
  await writeFile(join(work, 'http', 'preseed.cfg'), 'd-i debian-installer/locale string en_US\n');
  await writeFile(join(work, 'http', 'sub', 'ks.cfg'), '0123456789');
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await rm(work, { recursive: true, force: true });
});

async function start(min: number, max: number, says: string[] = []): Promise<HttpDirectoryServer> {
  const server = await startHttpServer({
    directory: join(work, 'http'),
    portMin: min,
    portMax: max,
    bindAddress: '127.0.0.1',
    cacheDir: join(work, 'cache'),
    ui: { say: (text) => says.push(text), message: () => undefined, error: () => undefined, ask: () => Promise.reject(new Error('no')) },
  });
  servers.push(server);
  return server;
}

const base = 18_000 + Math.floor(Math.random() * 20_000);

describe('startHttpServer (http_directory)', () => {
  it('serves the directory like Go’s FileServer on a port of the range', async () => {
    const says: string[] = [];
    const server = await start(base, base + 50, says);
    expect(server.port).toBeGreaterThanOrEqual(base);
    expect(server.port).toBeLessThan(base + 50);
    expect(says).toEqual([`Starting HTTP server on port ${server.port}`]);
    const url = `http://127.0.0.1:${server.port}`;

    const file = await fetch(`${url}/preseed.cfg`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('d-i debian-installer/locale string en_US\n');

    const range = await fetch(`${url}/sub/ks.cfg`, { headers: { range: 'bytes=2-5' } });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe('2345');

    const missing = await fetch(`${url}/nothing.cfg`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('404 page not found\n');

    const redirect = await fetch(`${url}/sub`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/sub/');

    const listing = await fetch(`${url}/`);
    expect(await listing.text()).toBe('<pre>\n<a href="preseed.cfg">preseed.cfg</a>\n<a href="sub/">sub/</a>\n</pre>\n');

    const escape = await fetch(`${url}/..%2f..%2fetc%2fpasswd`);
    expect(escape.status).toBe(404);
  });

  it('locks the port in $PACKER_CACHE_DIR/port so parallel runs pick different ports, and frees it on close', async () => {
    const first = await start(base + 100, base + 102);
    const second = await start(base + 100, base + 102);
    expect(new Set([first.port, second.port])).toEqual(new Set([base + 100, base + 101]));
    expect(existsSync(join(work, 'cache', 'port', String(first.port)))).toBe(true);
    await first.close();
    expect(existsSync(join(work, 'cache', 'port', String(first.port)))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${first.port}/`)).rejects.toThrow();
  });

  it('uses exactly http_port_min when it equals http_port_max, and fails when that port is taken', async () => {
    const server = await start(base + 200, base + 200);
    expect(server.port).toBe(base + 200);
    await expect(start(base + 200, base + 200)).rejects.toThrow(/^Error finding port: /);
  });

  it('starts nothing without http_directory (port 0)', async () => {
    const server = await startHttpServer({ directory: undefined, portMin: 8000, portMax: 9000, bindAddress: '0.0.0.0', cacheDir: work });
    expect(server.port).toBe(0);
  });
});

describe('prepareHttpConfig', () => {
  it.each([
    [{}, { portMin: 8000, portMax: 9000, bindAddress: '0.0.0.0', errors: [] }],
    [{ http_port_min: 9000, http_port_max: 8000 }, { portMin: 9000, portMax: 8000, errors: ['http_port_min must be less than http_port_max'] }],
    [{ http_port_min: 8080, http_port_max: 8080, http_bind_address: '127.0.0.1' }, { portMin: 8080, portMax: 8080, bindAddress: '127.0.0.1', errors: [] }],
  ])('%j', (config, expected) => {
    expect(prepareHttpConfig(config)).toMatchObject(expected);
  });
});
