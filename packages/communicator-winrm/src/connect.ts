import { KilnError, formatGoDuration, sleep, type Ui } from '@kiln/sdk';
import { WinrmClient } from './client.js';
import { WinrmCommunicator } from './communicator.js';
import type { WinrmConfig } from './config.js';
import { ConnectDiagnostics } from './diagnostics.js';
import { LineSplitter } from './lines.js';
import { powershell } from './powershell.js';
import { resolveWinrmSettings, type WinrmSettings } from './settings.js';
import { WsmanError, WsmanTransport } from './transport.js';

type Lazy<T> = T | (() => T | Promise<T>);

export interface WinrmCredentials {
  readonly username?: string;
  readonly password?: string;
}

export interface ConnectWinrmOptions {
  /** The machine's address. A function is asked again before every attempt (an IP may appear late). */
  readonly host: Lazy<string>;
  /** Defaults to winrm_port (5985, 5986 with winrm_use_ssl). A function is asked before every attempt. */
  readonly port?: Lazy<number>;
  readonly config: WinrmConfig;
  /**
   * Credentials that win over winrm_username / winrm_password where set (Packer's WinRMConfig
   * hook: amazon-ebs's password from GetPasswordData). Asked before every attempt.
   */
  readonly credentials?: Lazy<WinrmCredentials>;
  /** Where progress goes: `Waiting for WinRM to become available...`, `Connected to WinRM!`. */
  readonly ui?: Ui;
  readonly signal?: AbortSignal;
  /** Where HTTP_PROXY, HTTPS_PROXY and NO_PROXY are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Connections that carry an upload side by side (default 4). */
  readonly uploadLanes?: number;
  /** Refused logins in a row that end the wait with AUTH_FAILED (default 10, 2 s apart). */
  readonly authAttempts?: number;
}

/** Packer waits 5 s between attempts; Kiln starts at 100 ms and backs off to 1 s. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 1_000;
/** After a refused login, as the SSH communicator: give a machine still setting its password time. */
const AUTH_RETRY_MS = 2_000;
/** Go's dialer gives up a TCP connect after 30 s; so does one attempt here. */
const ATTEMPT_TIMEOUT_MS = 30_000;
/** A response may take the whole operation timeout (a Receive waiting for output), plus this. */
const RESPONSE_MARGIN_MS = 60_000;

/** Packer's connection check, with its words: its stdout is shown as a message. */
const CONNECT_CHECK = powershell(`if (Test-Path variable:global:ProgressPreference){$ProgressPreference='SilentlyContinue'}; echo "WinRM connected."`);

const resolve = async <T>(value: Lazy<T>): Promise<T> => (typeof value === 'function' ? (value as () => T | Promise<T>)() : value);

interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
}

/**
 * Connects to a machine over WinRM with Packer's semantics (winrm_timeout, pause_before_connecting,
 * the "WinRM connected." check) and returns the connected communicator. Rejects with TIMEOUT
 * (saying what was tried), AUTH_FAILED (credentials refused authAttempts times in a row) or
 * CANCELLED.
 */
export async function connectWinrm(options: ConnectWinrmOptions): Promise<WinrmCommunicator> {
  const settings = resolveWinrmSettings(options.config);
  const ui = options.ui;
  const firstHost = await Promise.resolve(resolve(options.host)).catch(() => '');
  ui?.say(`Using winrm communicator to connect: ${firstHost}`);
  let connected = await waitForWinrm(settings, options);
  if (settings.pauseBeforeConnectingMs > 0) {
    connected.client.close();
    ui?.say(`Pausing ${formatGoDuration(settings.pauseBeforeConnectingMs)} before connecting...`);
    await sleep(settings.pauseBeforeConnectingMs, options.signal);
    connected = await waitForWinrm(settings, options);
  }
  const extraLanes = Array.from({ length: Math.max(0, (options.uploadLanes ?? 4) - 1) }, () =>
    newClient(settings, connected.endpoint, options.env),
  );
  return new WinrmCommunicator([connected.client, ...extraLanes], ui);
}

function newClient(settings: WinrmSettings, endpoint: Endpoint, env: NodeJS.ProcessEnv | undefined): WinrmClient {
  const transport = new WsmanTransport({
    host: endpoint.host,
    port: endpoint.port,
    https: settings.https,
    insecure: settings.insecure,
    ntlm: settings.ntlm,
    username: endpoint.username,
    password: endpoint.password,
    noProxy: settings.noProxy,
    ...(env ? { env } : {}),
    responseTimeoutMs: settings.timeoutMs + RESPONSE_MARGIN_MS,
  });
  return new WinrmClient(transport, settings.operationTimeout);
}

async function waitForWinrm(settings: WinrmSettings, options: ConnectWinrmOptions): Promise<{ client: WinrmClient; endpoint: Endpoint }> {
  options.ui?.say('Waiting for WinRM to become available...');
  const diagnostics = new ConnectDiagnostics(settings.username);
  const deadline = Date.now() + settings.timeoutMs;
  const timedOut = new AbortController();
  const timer = setTimeout(() => timedOut.abort(), settings.timeoutMs);
  const stop = options.signal ? AbortSignal.any([options.signal, timedOut.signal]) : timedOut.signal;
  const pause = (ms: number) => sleep(Math.min(ms, Math.max(0, deadline - Date.now())), stop).catch(() => undefined);
  const authAttempts = options.authAttempts ?? 10;
  let authFailures = 0;
  let delay = FIRST_RETRY_MS;
  try {
    for (;;) {
      if (options.signal?.aborted) throw new KilnError('CANCELLED', 'WinRM wait cancelled', { cause: options.signal.reason });
      if (timedOut.signal.aborted) throw new KilnError('TIMEOUT', diagnostics.timeoutMessage());
      let endpoint: Endpoint;
      try {
        const credentials = options.credentials ? await resolve(options.credentials) : {};
        endpoint = {
          host: await resolve(options.host),
          port: options.port === undefined ? settings.port : await resolve(options.port),
          username: credentials.username || settings.username,
          password: credentials.password || settings.password,
        };
      } catch (error) {
        diagnostics.failed(`getting the WinRM address: ${(error as Error).message}`);
        await pause(delay);
        continue;
      }
      const client = newClient(settings, endpoint, options.env);
      diagnostics.attempt(client.transport.describe());
      try {
        await attempt(client, AbortSignal.any([stop, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]), options.ui);
        options.ui?.say('Connected to WinRM!');
        return { client, endpoint };
      } catch (error) {
        client.close();
        // An attempt cut short by the deadline or a cancel says nothing about the machine.
        if (stop.aborted) continue;
        const message = error instanceof Error ? error.message : String(error);
        diagnostics.failed(message);
        if (error instanceof WsmanError && error.kind === 'auth') {
          if (++authFailures >= authAttempts) throw authError(endpoint, message, error);
          await pause(AUTH_RETRY_MS);
          continue;
        }
        authFailures = 0;
        await pause(delay);
        delay = Math.min(MAX_RETRY_MS, delay * 1.5);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Packer's winrm.New (a shell opened and closed), then its `echo "WinRM connected."` check. */
async function attempt(client: WinrmClient, signal: AbortSignal, ui: Ui | undefined): Promise<void> {
  const shellId = await client.createShell(signal);
  await client.deleteShell(shellId);
  const output: string[] = [];
  const lines = new LineSplitter((line) => {
    output.push(line);
    ui?.message(line);
  });
  await client.runInNewShell(CONNECT_CHECK, { onStdout: (chunk) => lines.write(chunk), signal });
  lines.end();
  if (!output.some((line) => line.includes('WinRM connected.'))) {
    throw new Error('the connection check did not answer "WinRM connected."');
  }
}

function authError(endpoint: Endpoint, message: string, cause: unknown): KilnError {
  return new KilnError(
    'AUTH_FAILED',
    `Kiln could not log in over WinRM as ${endpoint.username}@${endpoint.host}:${endpoint.port}: ${message}. ` +
      'Check winrm_username and winrm_password; with Basic authentication the WinRM service must also allow it ' +
      '(winrm set winrm/config/service/auth @{Basic="true"}), otherwise set winrm_use_ntlm.',
    { cause },
  );
}
