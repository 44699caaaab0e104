import { KilnError, formatGoDuration, sleep, type Ui } from '@kiln/sdk';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { SshCommunicator } from './communicator.js';
import type { SshConfig } from './config.js';
import { AttemptError, Connector, type Endpoint, type InMemoryKey } from './connector.js';
import { ConnectDiagnostics } from './diagnostics.js';
import { resolveSshSettings, type SshSettings } from './settings.js';

type Lazy<T> = T | (() => T | Promise<T>);

export interface ConnectSshOptions {
  /** The machine's address. A function is asked again before every attempt (an IP may appear late). */
  readonly host: Lazy<string>;
  /** Defaults to ssh_port (22). A function is asked before every attempt. */
  readonly port?: Lazy<number>;
  readonly config: SshConfig;
  /** Keys held in memory, offered after ssh_private_key_file (a builder's temporary key pair). */
  readonly privateKeys?: readonly InMemoryKey[];
  /** Where progress goes: `Waiting for SSH to become available...`, `Connected to SSH!`. */
  readonly ui?: Ui;
  readonly signal?: AbortSignal;
  /** Where SSH_AUTH_SOCK is read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * An open connection to the machine's sshd, asked for once, before the first attempt: the first
   * handshake runs over it instead of a new connection (a builder that has just seen the server's
   * banner on it saves the machine a second sshd process). Unread bytes, the banner included, must
   * still be in the stream. Later attempts dial as usual.
   */
  readonly socket?: () => Duplex | undefined;
}

/**
 * Packer waits 5 s between attempts; Kiln starts at 100 ms and backs off to 1 s, so a machine is
 * used the moment its sshd answers.
 */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 1_000;
/** As Packer: a pause after a refused login, so a host still installing its keys gets time. */
const AUTH_RETRY_MS = 2_000;

const resolve = async <T>(value: Lazy<T>): Promise<T> => (typeof value === 'function' ? (value as () => T | Promise<T>)() : value);

/**
 * Connects to a machine over SSH with Packer's semantics (ssh_timeout, ssh_handshake_attempts,
 * pause_before_connecting, bastion, proxy, tunnels) and returns the connected communicator.
 * Rejects with TIMEOUT (saying what was tried), AUTH_FAILED, CONFIG_INVALID (a bad key file) or
 * CANCELLED.
 */
export async function connectSsh(options: ConnectSshOptions): Promise<SshCommunicator> {
  const settings = resolveSshSettings(options.config);
  const connector = new Connector(settings, {
    env: options.env ?? process.env,
    ...(options.ui ? { ui: options.ui } : {}),
    ...(options.privateKeys ? { extraKeys: options.privateKeys } : {}),
  });
  const port = options.port ?? options.config.ssh_port ?? 22;
  const ui = options.ui;
  try {
    const firstHost = await Promise.resolve(resolve(options.host)).catch(() => '');
    ui?.say(`Using ssh communicator to connect: ${firstHost}`);
    let connected = await waitForSsh(connector, settings, options.host, port, options);
    if (settings.pauseBeforeConnectingMs > 0) {
      // Packer's pause_before_connecting: connect once to know the machine is up, then wait and
      // connect again (the machine may still be finishing its first boot).
      connected.client.end();
      ui?.say(`Pausing ${formatGoDuration(settings.pauseBeforeConnectingMs)} before connecting...`);
      await sleep(settings.pauseBeforeConnectingMs, options.signal);
      connected = await waitForSsh(connector, settings, options.host, port, { ...(ui ? { ui } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    }
    const communicator = new SshCommunicator(connected.client, connector, connected.endpoint, ui);
    await communicator.start().catch(async (error: unknown) => {
      await communicator.close();
      throw new KilnError('IO', (error as Error).message, { cause: error });
    });
    return communicator;
  } catch (error) {
    connector.close();
    throw error;
  }
}

async function waitForSsh(
  connector: Connector,
  settings: SshSettings,
  host: Lazy<string>,
  port: Lazy<number>,
  options: { ui?: Ui; signal?: AbortSignal; socket?: () => Duplex | undefined },
): Promise<{ client: Client; endpoint: Endpoint }> {
  options.ui?.say('Waiting for SSH to become available...');
  const diagnostics = new ConnectDiagnostics();
  const deadline = Date.now() + settings.timeoutMs;
  const timedOut = new AbortController();
  const timer = setTimeout(() => timedOut.abort(), settings.timeoutMs);
  const stop = options.signal ? AbortSignal.any([options.signal, timedOut.signal]) : timedOut.signal;
  let authFailures = 0;
  let delay = FIRST_RETRY_MS;
  let ready = options.socket?.();
  const pause = (ms: number) => sleep(Math.min(ms, Math.max(0, deadline - Date.now())), stop).catch(() => undefined);
  try {
    for (;;) {
      if (options.signal?.aborted) throw new KilnError('CANCELLED', 'SSH wait cancelled', { cause: options.signal.reason });
      if (timedOut.signal.aborted) throw new KilnError('TIMEOUT', diagnostics.timeoutMessage());
      let endpoint: Endpoint;
      try {
        endpoint = { host: await resolve(host), port: await resolve(port) };
      } catch (error) {
        diagnostics.failed(`getting the SSH address: ${(error as Error).message}`);
        await pause(delay);
        continue;
      }
      diagnostics.attempt(connector.target(endpoint));
      try {
        const sock = ready;
        ready = undefined;
        const client = await connector.connect(endpoint, { timeoutMs: Math.max(1, deadline - Date.now()), signal: stop, ...(sock ? { sock } : {}) });
        options.ui?.say('Connected to SSH!');
        return { client, endpoint };
      } catch (error) {
        if (!(error instanceof AttemptError)) throw error;
        // An attempt cut short by the deadline or a cancel says nothing about the machine.
        if (stop.aborted) continue;
        diagnostics.failed(error.message, error.handshake?.tracker.outcomesSoFar());
        if (error.stage === 'auth') {
          authFailures++;
          if (authFailures >= settings.handshakeAttempts) throw authError(connector, endpoint, error);
          await pause(AUTH_RETRY_MS);
          continue;
        }
        await pause(delay);
        delay = Math.min(MAX_RETRY_MS, delay * 1.5);
      }
    }
  } finally {
    clearTimeout(timer);
    ready?.destroy();
  }
}

function authError(connector: Connector, endpoint: Endpoint, error: AttemptError): KilnError {
  const target = `${connector.settings.username}@${endpoint.host}:${endpoint.port}`;
  const outcomes = error.handshake?.tracker.outcomesSoFar() ?? [];
  const details = outcomes.map((outcome) => `\n  ${outcome.method}: ${outcome.result}`).join('');
  return new KilnError(
    'AUTH_FAILED',
    `Kiln experienced an authentication error when trying to connect via SSH to ${target}. This can happen if ` +
      'your username/password are wrong. You may want to double-check your credentials as part of your debugging ' +
      `process. original error: ssh: handshake failed: ${error.message}${details}`,
    { cause: error },
  );
}
