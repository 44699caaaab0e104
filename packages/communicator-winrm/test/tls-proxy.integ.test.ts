import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKilnError } from '@kiln/sdk';
import { startWinrmServer, type WinrmServer } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsmanTransport, connectWinrm } from '../src/index.js';
import { configFor, run } from './support.js';

let plain: WinrmServer;
let secure: WinrmServer;
let proxy: http.Server;
let proxyPort: number;
const proxied: string[] = [];

/** A forward proxy as Squid is one: absolute-URI requests and CONNECT tunnels, all sent to `to`. */
function startProxy(to: (authority: string) => number): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    proxied.push(`${request.method} ${request.url} ${request.headers['proxy-authorization'] ?? ''}`.trim());
    const url = new URL(request.url!);
    const upstream = http.request(
      { host: '127.0.0.1', port: to(url.host), method: request.method, path: url.pathname, headers: request.headers },
      (reply) => {
        response.writeHead(reply.statusCode!, reply.headers);
        reply.pipe(response);
      },
    );
    request.pipe(upstream);
  });
  server.on('connect', (request: http.IncomingMessage, client: Socket) => {
    proxied.push(`CONNECT ${request.url}`);
    const upstream = connect(to(request.url!), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-winrm-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=winrm.test', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    [plain, secure] = await Promise.all([startWinrmServer(), startWinrmServer({ tls })]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  proxy = await startProxy((authority) => (authority.endsWith(':5986') ? secure.port : plain.port));
  const address = proxy.address();
  proxyPort = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await Promise.all([plain?.stop(), secure?.stop()]);
});

describe('HTTPS (winrm_use_ssl)', () => {
  it('connects to a self-signed listener with winrm_insecure', async () => {
    const winrm = await connectWinrm({ host: secure.host, config: configFor(secure, { winrm_use_ssl: true, winrm_insecure: true }), env: {} });
    try {
      expect(await run(winrm, 'echo secure')).toEqual({ stdout: ['secure'], stderr: [], exitStatus: 0 });
    } finally {
      await winrm.close();
    }
  });

  it('refuses the self-signed certificate without winrm_insecure, and says so at the timeout', async () => {
    const error = await connectWinrm({ host: secure.host, config: configFor(secure, { winrm_use_ssl: true, winrm_timeout: '500ms' }), env: {} }).catch(
      (e: unknown) => e,
    );
    expect(isKilnError(error) && error.code).toBe('TIMEOUT');
    expect((error as Error).message).toContain(`address: 127.0.0.1:${secure.port} (https, Basic)`);
    expect((error as Error).message).toMatch(/self[- ]signed certificate/);
  });
});

describe('proxies (HTTP_PROXY / HTTPS_PROXY, winrm_no_proxy)', () => {
  it('sends http requests to HTTP_PROXY with the absolute URL and the proxy credentials', async () => {
    proxied.length = 0;
    const env = { HTTP_PROXY: `http://kiln:secret@127.0.0.1:${proxyPort}` };
    const winrm = await connectWinrm({ host: 'winrm.test', port: 5985, config: configFor(plain), env });
    try {
      expect((await run(winrm, 'echo via proxy')).stdout).toEqual(['via proxy']);
    } finally {
      await winrm.close();
    }
    expect(proxied[0]).toBe(`POST http://winrm.test:5985/wsman Basic ${Buffer.from('kiln:secret').toString('base64')}`);
  });

  it('tunnels https through HTTPS_PROXY with CONNECT', async () => {
    proxied.length = 0;
    const env = { HTTPS_PROXY: `127.0.0.1:${proxyPort}` };
    const winrm = await connectWinrm({ host: 'winrm.test', config: configFor(secure, { winrm_use_ssl: true, winrm_insecure: true, winrm_port: 5986 }), env });
    try {
      expect((await run(winrm, 'echo tunnelled')).stdout).toEqual(['tunnelled']);
    } finally {
      await winrm.close();
    }
    expect(proxied[0]).toBe('CONNECT winrm.test:5986');
  });

  it('goes direct with winrm_no_proxy', () => {
    const options = { host: 'winrm.test', port: 5985, https: false, insecure: false, ntlm: false, username: 'u', password: 'p', responseTimeoutMs: 1000 };
    const env = { HTTP_PROXY: `http://127.0.0.1:${proxyPort}` };
    expect(new WsmanTransport({ ...options, noProxy: false, env }).describe()).toBe(`winrm.test:5985 (http, Basic via proxy 127.0.0.1:${proxyPort})`);
    expect(new WsmanTransport({ ...options, noProxy: true, env }).describe()).toBe('winrm.test:5985 (http, Basic)');
  });
});
