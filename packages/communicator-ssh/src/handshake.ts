import type { Duplex } from 'node:stream';
import type { Algorithms, Client } from 'ssh2';
import { AuthTracker, type AuthMethod } from './auth.js';
import { enableCertificateAuth } from './certificate.js';
import { ssh2, ssh2Constants } from './ssh2-internals.js';

export interface HandshakeOptions {
  readonly sock: Duplex;
  readonly username: string;
  readonly methods: readonly AuthMethod[];
  readonly ciphers?: readonly string[];
  readonly keyExchangeAlgorithms?: readonly string[];
  readonly keepAliveIntervalMs: number;
  /** Limit on key exchange plus authentication. */
  readonly readyTimeoutMs: number;
  /** The local agent to forward (agent forwarding is requested later, per connection). */
  readonly forwardAgent?: string;
  readonly signal?: AbortSignal;
}

/** Why a handshake failed: authentication failures count towards ssh_handshake_attempts. */
export class HandshakeError extends Error {
  constructor(
    message: string,
    readonly authFailure: boolean,
    readonly tracker: AuthTracker,
  ) {
    super(message);
    this.name = 'HandshakeError';
  }
}

/**
 * Keeps the algorithms ssh2 knows, as Go's client ignores names it does not support; an empty
 * result leaves ssh2's defaults.
 */
function supported(requested: readonly string[] | undefined, known: readonly string[]): string[] | undefined {
  const kept = requested?.filter((name) => known.includes(name));
  return kept && kept.length > 0 ? kept : undefined;
}

/** Runs the SSH handshake and authentication over an open socket; resolves once authenticated. */
export function sshHandshake(options: HandshakeOptions): Promise<{ client: Client; tracker: AuthTracker }> {
  const tracker = new AuthTracker(options.username, options.methods);
  const client: Client = new (ssh2().Client)();
  const algorithms: Algorithms = {};
  const cipher = supported(options.ciphers, ssh2Constants().SUPPORTED_CIPHER);
  const kex = supported(options.keyExchangeAlgorithms, ssh2Constants().SUPPORTED_KEX);
  if (cipher) algorithms.cipher = cipher as Algorithms['cipher'];
  if (kex) algorithms.kex = kex as Algorithms['kex'];
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: HandshakeError) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      client.end();
      options.sock.destroy();
      reject(error);
    };
    const onAbort = () => fail(new HandshakeError('cancelled', false, tracker));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('error', (error: Error & { level?: string }) => {
      const auth = error.level === 'client-authentication';
      fail(new HandshakeError(auth ? tracker.goSummary() : `ssh: handshake failed: ${error.message}`, auth, tracker));
    });
    client.on('close', () => fail(new HandshakeError('ssh: handshake failed: the connection closed during the handshake', false, tracker)));
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ client, tracker });
    });
    client.connect({
      sock: options.sock,
      username: options.username,
      authHandler: tracker.handler,
      // Like Packer (InsecureIgnoreHostKey): builders connect to machines they just created.
      hostVerifier: () => true,
      readyTimeout: options.readyTimeoutMs,
      keepaliveInterval: options.keepAliveIntervalMs > 0 ? options.keepAliveIntervalMs : 0,
      keepaliveCountMax: 3,
      algorithms,
      ...(options.forwardAgent ? { agent: options.forwardAgent } : {}),
    });
    enableCertificateAuth(client);
  });
}
