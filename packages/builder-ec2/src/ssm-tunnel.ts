import { sleep, type Ui } from '@kiln/sdk';
import { awsErrorCode } from './driver.js';
import type { PortForwardingInput, SsmApi, SsmSession } from './ssm-api.js';
import { pluginArguments, startPlugin, type PluginProcess } from './ssm-plugin.js';

export interface SsmTunnelOptions {
  readonly api: SsmApi;
  readonly pluginPath: string;
  readonly instanceId: string;
  readonly localPort: number;
  readonly remotePort: number;
  /** Handed to the plugin (Packer passes ''). */
  readonly profile: string;
  readonly ui: Ui;
  /** How long StartSession is retried while the instance's agent is not connected yet. */
  readonly connectTimeoutMs: number;
  /** How long to wait for the plugin to say it listens before going on anyway. */
  readonly readyTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Packer's linear backoff between TargetNotConnected retries: 200 ms × attempt, at most 60 s. */
  readonly retryDelayMs?: (attempt: number) => number;
}

/**
 * Packer's SSM port-forwarding tunnel: an SSM session to the instance's port, carried by a local
 * session-manager-plugin listening on localPort. When the plugin exits while the build still uses
 * the tunnel (a dropped data channel, an idle timeout), a new session and plugin replace it, as
 * Packer's session loop does. close() terminates every session and stops the plugin.
 */
export class SsmTunnel {
  private readonly input: PortForwardingInput;
  private readonly open = new Set<string>();
  private readonly stopping = new AbortController();
  private plugin: PluginProcess | undefined;
  private supervisor: Promise<void> | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: SsmTunnelOptions) {
    this.input = {
      DocumentName: 'AWS-StartPortForwardingSession',
      Parameters: { portNumber: [String(options.remotePort)], localPortNumber: [String(options.localPort)] },
      Target: options.instanceId,
    };
  }

  /** Starts the first session and plugin; resolves once the plugin listens. */
  async start(signal: AbortSignal): Promise<void> {
    const both = AbortSignal.any([signal, this.stopping.signal]);
    const plugin = await this.startOnce(both);
    this.supervisor = this.superviseFrom(plugin);
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.stopping.abort();
    await this.release();
    await this.supervisor;
    // A replacement may have been starting when close() came.
    await this.release();
  }

  private async release(): Promise<void> {
    // The service ends the plugin's data channel when its session is terminated; the plugin is
    // stopped too, in case it does not notice.
    for (const sessionId of [...this.open]) await this.terminate(sessionId);
    await this.plugin?.stop();
  }

  private async startOnce(signal: AbortSignal): Promise<PluginProcess> {
    const { api, ui } = this.options;
    const session = await this.startSession(signal);
    signal.throwIfAborted();
    ui.message(`Starting portForwarding session "${session.SessionId}".`);
    const plugin = startPlugin({
      pluginPath: this.options.pluginPath,
      args: pluginArguments({ session, input: this.input, region: api.region, profile: this.options.profile, endpoint: api.endpoint }),
      ...(this.options.env ? { env: this.options.env } : {}),
      onLine: (line) => ui.message(line),
    });
    this.plugin = plugin;
    void plugin.exited.then(() => this.terminate(session.SessionId));
    // The real plugin says "Waiting for connections..." once it listens; one that does not say so
    // is given readyTimeout, after which StepConnect's retries do the waiting.
    const waited = new AbortController();
    const timeout = sleep(this.options.readyTimeoutMs ?? 10_000, AbortSignal.any([signal, waited.signal]));
    try {
      await Promise.race([plugin.ready, timeout]);
    } finally {
      waited.abort();
    }
    return plugin;
  }

  /** StartSession, retried while SSM says the target is not connected (its agent not registered yet). */
  private async startSession(signal: AbortSignal): Promise<SsmSession> {
    const { api, connectTimeoutMs } = this.options;
    const delay = this.options.retryDelayMs ?? ((attempt: number) => Math.min(200 * attempt, 60_000));
    const deadline = Date.now() + connectTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      try {
        const session = await api.startSession(this.input);
        this.open.add(session.SessionId);
        return session;
      } catch (error) {
        if (awsErrorCode(error) !== 'TargetNotConnected' || Date.now() + delay(attempt) > deadline) throw error;
      }
      await sleep(delay(attempt), signal);
    }
  }

  private async terminate(sessionId: string): Promise<void> {
    if (!this.open.delete(sessionId)) return;
    try {
      await this.options.api.terminateSession(sessionId);
    } catch (error) {
      this.options.ui.error(
        `Error terminating SSM Session "${sessionId}". Please terminate the session manually: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Replaces a plugin that exits while the tunnel is in use, until close(). */
  private async superviseFrom(first: PluginProcess): Promise<void> {
    const { ui } = this.options;
    const signal = this.stopping.signal;
    let plugin = first;
    for (;;) {
      const exit = await plugin.exited;
      if (signal.aborted) return;
      if (exit.code !== 0) ui.error(`Bad exit status: ${exit.code ?? -1}`);
      try {
        // A pause, so that a plugin that cannot run does not spin through sessions.
        await sleep(1_000, signal);
        plugin = await this.startOnce(signal);
      } catch (error) {
        if (!signal.aborted) ui.error(`ssm error: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
  }
}
