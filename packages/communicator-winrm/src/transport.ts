import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { negotiateMessage, authenticateMessage, parseChallenge } from './ntlm.js';
import { proxyFor } from './proxy.js';
import { parseFault, type Fault } from './soap.js';
import { TunnelAgent, proxyAuthorization } from './tunnel-agent.js';

export type WsmanErrorKind = 'network' | 'auth' | 'http' | 'fault' | 'cancelled';

/** A failed WS-Management exchange; `kind` says whether a retry may help. */
export class WsmanError extends Error {
  constructor(
    readonly kind: WsmanErrorKind,
    message: string,
    readonly fault?: Fault,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'WsmanError';
  }
}

export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly https: boolean;
  readonly insecure: boolean;
  readonly ntlm: boolean;
  readonly username: string;
  readonly password: string;
  /** Ignore HTTP(S)_PROXY (winrm_no_proxy). */
  readonly noProxy: boolean;
  /** Where HTTP_PROXY, HTTPS_PROXY and NO_PROXY are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Longest wait for one response: the operation timeout plus a margin. */
  readonly responseTimeoutMs: number;
}

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly authenticate: readonly string[];
  readonly body: string;
}

const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';

/**
 * HTTP(S) POSTs of SOAP envelopes to /wsman, one at a time over one kept-alive connection (NTLM
 * authenticates a connection, not a request), with Basic or NTLMv2 auth, TLS and proxies as
 * masterzen/winrm's http.go and ClientNTLM (Azure/go-ntlmssp) do them.
 */
export class WsmanTransport {
  readonly url: string;
  private readonly agent: http.Agent;
  private readonly proxy: URL | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: TransportOptions) {
    const host = isIP(options.host) === 6 ? `[${options.host}]` : options.host;
    this.url = `${options.https ? 'https' : 'http'}://${host}:${options.port}/wsman`;
    this.proxy = options.noProxy ? undefined : proxyFor(new URL(this.url), options.env ?? process.env);
    const agentOptions = { keepAlive: true, maxSockets: 1, rejectUnauthorized: !options.insecure };
    if (options.https) this.agent = this.proxy ? new TunnelAgent(this.proxy, agentOptions) : new https.Agent(agentOptions);
    else this.agent = new http.Agent(agentOptions);
  }

  /** `host:port` and how, for messages. */
  describe(): string {
    const via = this.proxy ? ` via proxy ${this.proxy.host}` : '';
    return `${this.options.host}:${this.options.port} (${this.options.https ? 'https' : 'http'}${this.options.ntlm ? ', NTLM' : ', Basic'}${via})`;
  }

  /** Sends one envelope; resolves with the response envelope of a 200, rejects with a WsmanError. */
  post(envelope: string, signal?: AbortSignal): Promise<string> {
    const result = this.queue.then(() => this.exchange(envelope, signal));
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.agent.destroy();
  }

  private async exchange(envelope: string, signal?: AbortSignal): Promise<string> {
    const reply = this.options.ntlm ? await this.sendNtlm(envelope, signal) : await this.send(envelope, this.basic(), signal);
    if (reply.status === 401) {
      throw new WsmanError(
        'auth',
        `the server refused the credentials of user "${this.options.username}" (HTTP 401, ${this.options.ntlm ? 'NTLM' : 'Basic'} authentication)`,
      );
    }
    if (!reply.contentType.includes('application/soap+xml')) {
      throw new WsmanError('http', `http response error: ${reply.status} - invalid content type`);
    }
    if (reply.status !== 200) {
      const fault = parseFault(reply.body);
      if (fault) throw new WsmanError('fault', `http error ${reply.status}: ${fault.message || fault.subcode}`, fault);
      throw new WsmanError('http', `http error ${reply.status}: ${reply.body}`);
    }
    return reply.body;
  }

  private basic(): string {
    return `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`;
  }

  /**
   * go-ntlmssp's Negotiator: anonymous first (the connection may still be authenticated), Basic
   * when the server offers nothing else, then negotiate / challenge / authenticate with the
   * scheme the server named. Every leg carries the body, as Go's does.
   */
  private async sendNtlm(envelope: string, signal?: AbortSignal): Promise<Reply> {
    let reply = await this.send(envelope, undefined, signal);
    if (reply.status !== 401) return reply;
    let offered = schemes(reply.authenticate);
    if (!offered.has('negotiate') && !offered.has('ntlm')) {
      reply = await this.send(envelope, this.basic(), signal);
      if (reply.status !== 401) return reply;
      offered = schemes(reply.authenticate);
    }
    if (!offered.has('negotiate') && !offered.has('ntlm')) return reply;
    const scheme = offered.has('negotiate') ? 'Negotiate' : 'NTLM';
    reply = await this.send(envelope, `${scheme} ${negotiateMessage().toString('base64')}`, signal);
    const token = reply.authenticate
      .map((value) => new RegExp(`^${scheme}\\s+(\\S+)`, 'i').exec(value.trim())?.[1])
      .find((value) => value !== undefined);
    if (reply.status !== 401 || !token) return reply;
    let challenge;
    try {
      challenge = parseChallenge(Buffer.from(token, 'base64'));
    } catch (error) {
      throw new WsmanError('auth', `NTLM: ${(error as Error).message}`, undefined, { cause: error });
    }
    const answer = authenticateMessage(challenge, this.options.username, this.options.password);
    return this.send(envelope, `${scheme} ${answer.toString('base64')}`, signal);
  }

  /**
   * One HTTP exchange. A kept-alive connection the server closed while idle (HTTP.sys drops them
   * after 2 minutes) fails at once on reuse: the request never reached the server, so it is sent
   * again on a new connection, as Node's documentation advises and Go's transport does.
   */
  private async send(envelope: string, authorization: string | undefined, signal?: AbortSignal): Promise<Reply> {
    try {
      return await this.sendOnce(envelope, authorization, signal);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      return this.sendOnce(envelope, authorization, signal);
    }
  }

  private sendOnce(envelope: string, authorization: string | undefined, signal?: AbortSignal): Promise<Reply> {
    const target = new URL(this.url);
    const viaHttpProxy = this.proxy && !this.options.https ? this.proxy : undefined;
    const body = Buffer.from(envelope, 'utf8');
    const headers: Record<string, string | number> = {
      'Content-Type': SOAP_CONTENT_TYPE,
      'Content-Length': body.length,
      'User-Agent': 'Go-http-client/1.1',
      ...(authorization ? { Authorization: authorization } : {}),
      ...(viaHttpProxy ? { ...proxyAuthorization(viaHttpProxy), Host: target.host } : {}),
    };
    const request = this.options.https ? https.request : http.request;
    return new Promise<Reply>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new WsmanError('cancelled', 'cancelled'));
        return;
      }
      const req = request(
        {
          agent: this.agent,
          method: 'POST',
          host: (viaHttpProxy ?? target).hostname.replace(/^\[|\]$/g, ''),
          port: Number((viaHttpProxy ?? target).port || (viaHttpProxy ? 80 : this.options.https ? 443 : 80)),
          path: viaHttpProxy ? this.url : target.pathname,
          headers,
          timeout: this.options.responseTimeoutMs,
          ...(signal ? { signal } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => reject(this.networkError(error)));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              contentType: String(response.headers['content-type'] ?? ''),
              authenticate: response.headersDistinct['www-authenticate'] ?? [],
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no response within ${Math.round(this.options.responseTimeoutMs / 1000)}s`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (signal?.aborted) reject(new WsmanError('cancelled', 'cancelled'));
        else if (req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) reject(new StaleConnection());
        else reject(this.networkError(error));
      });
      req.end(body);
    });
  }

  private networkError(error: Error): WsmanError {
    return new WsmanError('network', `Post "${this.url}": ${error.message}`, undefined, { cause: error });
  }
}

class StaleConnection extends Error {}

function schemes(values: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const value of values) {
    for (const part of value.split(',')) {
      const scheme = /^\s*([A-Za-z-]+)(\s|$)/.exec(part)?.[1];
      if (scheme) found.add(scheme.toLowerCase());
    }
  }
  return found;
}
