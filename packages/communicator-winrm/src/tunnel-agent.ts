import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** The Proxy-Authorization header for a proxy URL with credentials (Go sends Basic). */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'Proxy-Authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/**
 * An HTTPS agent whose connections go through an HTTP proxy's CONNECT tunnel, TLS inside it (what
 * Go's transport does for an https URL with HTTPS_PROXY set).
 */
export class TunnelAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (error: Error | null, stream: Duplex) => void): undefined {
    const host = String(options.host ?? options.hostname ?? 'localhost');
    const port = Number(options.port ?? 443);
    const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    const connect = http.request({
      host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: Number(this.proxy.port || 80),
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority, ...proxyAuthorization(this.proxy) },
    });
    connect.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        callback?.(new Error(`proxyconnect tcp: the proxy refused CONNECT ${authority}: ${response.statusCode} ${response.statusMessage ?? ''}`.trim()), socket);
        return;
      }
      const secure = tls.connect({
        socket,
        ...(isIP(host) ? {} : { servername: host }),
        rejectUnauthorized: options.rejectUnauthorized !== false,
      });
      callback?.(null, secure);
    });
    connect.once('error', (error) => callback?.(new Error(`proxyconnect tcp: ${error.message}`, { cause: error }), connect.socket!));
    connect.end();
    return undefined;
  }
}
