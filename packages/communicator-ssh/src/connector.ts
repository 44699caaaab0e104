import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { KilnError, type Ui } from '@kiln/sdk';
import type { Client } from 'ssh2';
import { answerWithPassword, describeMethod, type AuthMethod, type PromptAnswerer } from './auth.js';
import { certifyKey } from './certificate.js';
import type { ConnectTarget } from './diagnostics.js';
import { HandshakeError, sshHandshake } from './handshake.js';
import { expandUser, loadPrivateKeyFile, parsePrivateKey, type LoadedKey } from './keys.js';
import type { SshSettings } from './settings.js';
import { connectSocks5 } from './socks5.js';
import { openTcp } from './tcp.js';

/** A private key a builder holds in memory (amazon's temporary key pair, say). */
export interface InMemoryKey {
  readonly key: string | Buffer;
  /** How messages name it: `temporary key pair packer_...`. */
  readonly source: string;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** One failed connection attempt, at the stage it reached. */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly stage: 'dial' | 'handshake' | 'auth',
    readonly handshake?: HandshakeError,
  ) {
    super(message);
    this.name = 'AttemptError';
  }
}

const HANDSHAKE_TIMEOUT_MS = 60_000;

function keyFromFile(file: string, certificateFile: string | undefined, option: string): LoadedKey {
  try {
    const loaded = loadPrivateKeyFile(expandUser(file));
    return certificateFile ? certifyKey(loaded, expandUser(certificateFile)) : loaded;
  } catch (error) {
    throw new KilnError('CONFIG_INVALID', `${option} is invalid: ${(error as Error).message}`, { keyPath: option, cause: error });
  }
}

function agentSocket(env: NodeJS.ProcessEnv): string {
  const socket = env['SSH_AUTH_SOCK'];
  if (!socket) throw new KilnError('CONFIG_INVALID', 'SSH_AUTH_SOCK is not set');
  return socket;
}

/**
 * Opens SSH connections to a machine as the settings describe (direct, through a bastion, or a
 * SOCKS5 proxy), one attempt at a time; the retry policy lives with the caller. Key files are read
 * once, up front, so a bad key fails at once instead of being retried until the timeout.
 */
export class Connector {
  readonly methods: readonly AuthMethod[];
  private readonly bastionMethods: readonly AuthMethod[];
  private bastion: Client | undefined;

  constructor(
    readonly settings: SshSettings,
    private readonly options: { env: NodeJS.ProcessEnv; ui?: Ui; extraKeys?: readonly InMemoryKey[] },
  ) {
    this.methods = this.targetMethods();
    this.bastionMethods = settings.bastion ? this.bastionAuthMethods() : [];
  }

  private targetMethods(): AuthMethod[] {
    const { settings } = this;
    const methods: AuthMethod[] = [];
    if (settings.agentAuth) methods.push({ kind: 'agent', socket: agentSocket(this.options.env) });
    if (settings.privateKeyFile) {
      methods.push({ kind: 'publickey', key: keyFromFile(settings.privateKeyFile, settings.certificateFile, 'ssh_private_key_file') });
    }
    for (const extra of this.options.extraKeys ?? []) {
      let key = parsePrivateKey(extra.key, extra.source);
      if (settings.certificateFile) key = certifyKey(key, expandUser(settings.certificateFile));
      methods.push({ kind: 'publickey', key });
    }
    if (settings.password !== undefined) {
      methods.push({ kind: 'password', password: settings.password });
      methods.push({ kind: 'keyboard-interactive', answer: answerWithPassword(settings.password) });
    }
    return methods;
  }

  private bastionAuthMethods(): AuthMethod[] {
    const bastion = this.settings.bastion!;
    const methods: AuthMethod[] = [];
    if (bastion.interactive) methods.push({ kind: 'keyboard-interactive', answer: this.askUser() });
    if (bastion.password !== undefined) {
      methods.push({ kind: 'password', password: bastion.password });
      methods.push({ kind: 'keyboard-interactive', answer: answerWithPassword(bastion.password) });
    }
    if (bastion.privateKeyFile) {
      methods.push({
        kind: 'publickey',
        key: keyFromFile(bastion.privateKeyFile, bastion.certificateFile, 'ssh_bastion_private_key_file'),
      });
    }
    if (bastion.agentAuth) methods.push({ kind: 'agent', socket: agentSocket(this.options.env) });
    return methods;
  }

  /** ssh_bastion_interactive: the bastion's questions go to the user through the Ui. */
  private askUser(): PromptAnswerer {
    return async (prompts, instructions) => {
      const ui = this.options.ui;
      if (!ui) throw new Error('ssh_bastion_interactive needs a terminal to answer the bastion');
      if (instructions) ui.say(instructions);
      const answers: string[] = [];
      for (const prompt of prompts) answers.push(await ui.ask(prompt.prompt));
      return answers;
    };
  }

  /** The agent to forward, unless forwarding is off or there is no agent (Packer's connectToAgent). */
  get forwardedAgent(): string | undefined {
    return this.settings.disableAgentForwarding ? undefined : this.options.env['SSH_AUTH_SOCK'] || undefined;
  }

  target(endpoint: Endpoint): ConnectTarget {
    const { bastion, proxy } = this.settings;
    const route = bastion
      ? `via bastion ${bastion.username}@${bastion.host}:${bastion.port}`
      : proxy
        ? `via SOCKS5 proxy ${proxy.host}:${proxy.port}`
        : undefined;
    return {
      host: endpoint.host,
      port: endpoint.port,
      username: this.settings.username,
      ...(route ? { route } : {}),
      methods: this.methods.map(describeMethod),
    };
  }

  /** One connection attempt: TCP (or bastion / proxy, or the open `sock` given), handshake, authentication. */
  async connect(endpoint: Endpoint, options: { timeoutMs: number; signal?: AbortSignal; sock?: Duplex }): Promise<Client> {
    const sock = options.sock ?? (await this.dial(endpoint, options));
    try {
      const { client } = await sshHandshake({
        sock,
        username: this.settings.username,
        methods: this.methods,
        ...(this.settings.ciphers ? { ciphers: this.settings.ciphers } : {}),
        ...(this.settings.keyExchangeAlgorithms ? { keyExchangeAlgorithms: this.settings.keyExchangeAlgorithms } : {}),
        keepAliveIntervalMs: this.settings.keepAliveIntervalMs,
        readyTimeoutMs: Math.max(5_000, Math.min(HANDSHAKE_TIMEOUT_MS, options.timeoutMs)),
        ...(this.forwardedAgent ? { forwardAgent: this.forwardedAgent } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      this.applyReadWriteTimeout(sock, client);
      return client;
    } catch (error) {
      if (error instanceof HandshakeError) {
        throw new AttemptError(error.message, error.authFailure ? 'auth' : 'handshake', error);
      }
      throw error;
    }
  }

  /** ssh_read_write_timeout: a connection silent for that long in both directions is dropped. */
  private applyReadWriteTimeout(sock: Duplex, client: Client): void {
    const timeout = this.settings.readWriteTimeoutMs;
    if (timeout <= 0 || !('setTimeout' in sock)) return;
    (sock as Socket).setTimeout(timeout, () => {
      client.end();
      sock.destroy();
    });
  }

  private async dial(endpoint: Endpoint, options: { timeoutMs: number; signal?: AbortSignal }): Promise<Duplex> {
    const timeout = Math.max(1_000, Math.min(HANDSHAKE_TIMEOUT_MS, options.timeoutMs));
    const { bastion, proxy } = this.settings;
    try {
      if (bastion) {
        const jump = await this.bastionClient(timeout, options.signal);
        return await new Promise<Duplex>((resolve, reject) =>
          jump.forwardOut('127.0.0.1', 0, endpoint.host, endpoint.port, (error, stream) =>
            error ? reject(new Error(`dial tcp ${endpoint.host}:${endpoint.port} via bastion: ${error.message}`)) : resolve(stream),
          ),
        );
      }
      if (proxy) {
        return await connectSocks5({
          proxyHost: proxy.host,
          proxyPort: proxy.port,
          ...(proxy.username !== undefined ? { username: proxy.username, password: proxy.password ?? '' } : {}),
          targetHost: endpoint.host,
          targetPort: endpoint.port,
          timeoutMs: timeout,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      }
      return await openTcp(endpoint.host, endpoint.port, timeout, options.signal);
    } catch (error) {
      if (error instanceof AttemptError) throw error;
      throw new AttemptError((error as Error).message, 'dial');
    }
  }

  /** The bastion connection, opened on first use and kept for later attempts and reconnects. */
  private async bastionClient(timeoutMs: number, signal?: AbortSignal): Promise<Client> {
    if (this.bastion) return this.bastion;
    const bastion = this.settings.bastion!;
    const sock = await openTcp(bastion.host, bastion.port, timeoutMs, signal);
    try {
      const { client } = await sshHandshake({
        sock,
        username: bastion.username,
        methods: this.bastionMethods,
        keepAliveIntervalMs: this.settings.keepAliveIntervalMs,
        readyTimeoutMs: Math.max(5_000, Math.min(HANDSHAKE_TIMEOUT_MS, timeoutMs)),
        ...(signal ? { signal } : {}),
      });
      client.on('close', () => {
        if (this.bastion === client) this.bastion = undefined;
      });
      this.bastion = client;
      return client;
    } catch (error) {
      const handshake = error instanceof HandshakeError ? error : undefined;
      const message = `bastion ${bastion.username}@${bastion.host}:${bastion.port}: ${(error as Error).message}`;
      // The bastion's auth outcomes are not the target's: the message carries them instead.
      throw new AttemptError(message, handshake?.authFailure ? 'auth' : 'dial');
    }
  }

  close(): void {
    this.bastion?.end();
    this.bastion = undefined;
  }
}
