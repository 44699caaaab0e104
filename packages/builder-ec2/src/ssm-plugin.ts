import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { PortForwardingInput, SsmSession } from './ssm-api.js';

/** The name of AWS's Session Manager plugin, looked up on PATH as Packer runs it. */
export const SESSION_MANAGER_PLUGIN = 'session-manager-plugin';

export const SESSION_MANAGER_PLUGIN_INSTALL_URL =
  'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html';

/** The plugin's path on PATH, or undefined when it is not installed. */
export function findSessionManagerPlugin(path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, SESSION_MANAGER_PLUGIN);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/**
 * Packer's choice of the tunnel's local port: session_manager_port when set (it must be free),
 * else a random free one between 8000 and 9000. The port is let go again right away for the
 * plugin to take.
 */
export async function pickLocalPort(requested: number, random: () => number = Math.random): Promise<number> {
  if (requested !== 0) {
    await listenOnce(requested);
    return requested;
  }
  const tried = new Set<number>();
  while (tried.size <= 1000) {
    const port = 8000 + Math.floor(random() * 1001);
    if (tried.has(port)) continue;
    tried.add(port);
    try {
      await listenOnce(port);
      return port;
    } catch {
      // Taken: try another.
    }
  }
  throw new Error('no free port between 8000 and 9000');
}

function listenOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    // Packer listens on 0.0.0.0, so a port busy on any address counts as taken.
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve()));
  });
}

/**
 * The plugin's arguments, in the order it reads them: the StartSession output and input as JSON,
 * the region, the operation, the profile and the SSM endpoint.
 */
export function pluginArguments(options: {
  readonly session: SsmSession;
  readonly input: PortForwardingInput;
  readonly region: string;
  readonly profile: string;
  readonly endpoint: string;
}): string[] {
  const { session, input } = options;
  return [
    JSON.stringify({ SessionId: session.SessionId, StreamUrl: session.StreamUrl, TokenValue: session.TokenValue }),
    options.region,
    'StartSession',
    options.profile,
    // Keys in the order Packer's Go JSON has them (its map keys sorted).
    JSON.stringify({
      DocumentName: input.DocumentName,
      Parameters: { localPortNumber: input.Parameters.localPortNumber, portNumber: input.Parameters.portNumber },
      Target: input.Target,
    }),
    options.endpoint,
  ];
}

export interface PluginExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running session-manager-plugin. */
export interface PluginProcess {
  readonly pid: number;
  /** Settles when the process has exited and its output is read. */
  readonly exited: Promise<PluginExit>;
  /** Resolves once it listens (says "Waiting for connections"), rejects if it exits first. */
  readonly ready: Promise<void>;
  /** SIGTERM, then SIGKILL after graceMs; resolves when it is gone. */
  stop(graceMs?: number): Promise<PluginExit>;
}

/**
 * Starts the plugin. Its output lines go to `onLine` as Packer's RunAndStream shows them (escape
 * codes and blanks dropped, trimmed, up to the last carriage return).
 */
export function startPlugin(options: {
  readonly pluginPath: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly onLine: (line: string) => void;
}): PluginProcess {
  const child: ChildProcess = spawn(options.pluginPath, [...options.args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let markReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  // A caller that stops waiting for readiness must not leave an unhandled rejection behind.
  ready.catch(() => undefined);
  const stream = (readable: NodeJS.ReadableStream | null): Promise<void> =>
    new Promise((resolve) => {
      if (!readable) return resolve();
      let pending = '';
      const emit = (raw: string): void => {
        const line = cleanOutputLine(raw);
        if (!line) return;
        if (line.includes('Waiting for connections')) markReady();
        options.onLine(line);
      };
      readable.setEncoding('utf8');
      readable.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(emit);
      });
      readable.on('end', () => {
        emit(pending);
        resolve();
      });
      readable.on('error', () => resolve());
    });
  const output = Promise.all([stream(child.stdout), stream(child.stderr)]);
  const exited = new Promise<PluginExit>((resolve) => {
    child.once('error', (error) => {
      failReady(error);
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  }).then(async (exit) => {
    await output;
    failReady(new Error(`${SESSION_MANAGER_PLUGIN} exited before it listened (${describeExit(exit)})`));
    return exit;
  });
  // The plugin must neither keep Kiln running (a build aborted without cleanup, -on-error=abort)
  // nor outlive it on a normal exit.
  child.unref();
  for (const pipe of [child.stdout, child.stderr]) (pipe as { unref?: () => void } | null)?.unref?.();
  const stopOnExit = (): void => void child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  let gone = false;
  void exited.then(() => {
    gone = true;
    process.off('exit', stopOnExit);
  });
  return {
    pid: child.pid ?? 0,
    exited,
    ready,
    async stop(graceMs = 5_000) {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

export function describeExit(exit: PluginExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit status ${exit.code ?? -1}`;
}

// The escape codes Packer strips from streamed output.
const SHELL_CODES = /\x1b\[([0-9]{1,2}(;[0-9]{1,2})?)?[a|b|m|k]/gi;

/** Packer's cleanOutputLine: no shell colour codes, trimmed, only what follows the last `\r`. */
function cleanOutputLine(line: string): string {
  const trimmed = line.replace(SHELL_CODES, '').trim();
  const carriage = trimmed.lastIndexOf('\r');
  return carriage >= 0 ? trimmed.slice(carriage + 1) : trimmed;
}
