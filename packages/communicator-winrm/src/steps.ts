import { isKilnError, type Communicator, type Step, type Ui } from '@kiln/sdk';
import type { WinrmCommunicator } from './communicator.js';
import type { WinrmConfig } from './config.js';
import { connectWinrm, type WinrmCredentials } from './connect.js';

export interface StepConnectWinrmOptions<State extends object> {
  /** The machine's address, asked before every attempt (it may not be known at first). */
  host(state: Readonly<State>): string | Promise<string>;
  /** Defaults to the config's winrm_port (5985, or 5986 with winrm_use_ssl). */
  port?(state: Readonly<State>): number | Promise<number>;
  /** The builder's communicator options. */
  config(state: Readonly<State>): WinrmConfig;
  /** Credentials that win over the config's (amazon-ebs: the password GetPasswordData gave). */
  credentials?(state: Readonly<State>): WinrmCredentials;
  /** Where HTTP_PROXY, HTTPS_PROXY and NO_PROXY are read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface WinrmConnectedState {
  readonly communicator?: WinrmCommunicator;
}

/**
 * Packer's StepConnect for WinRM: a builder writes host(), port() and config() and gets a
 * connected communicator in its state; it is closed at cleanup.
 */
export function stepConnectWinrm<State extends object>(options: StepConnectWinrmOptions<State>): Step<State, WinrmConnectedState> {
  return {
    name: 'StepConnect',
    async run(state, ctx) {
      const config = options.config(state);
      try {
        const communicator = await connectWinrm({
          host: () => options.host(state),
          ...(options.port ? { port: () => options.port!(state) } : {}),
          config,
          ...(options.credentials ? { credentials: () => options.credentials!(state) } : {}),
          ui: ctx.ui,
          signal: ctx.signal,
          ...(options.env ? { env: options.env } : {}),
        });
        return { communicator };
      } catch (error) {
        reportConnectError(ctx.ui, error);
        throw error;
      }
    },
    async cleanup(state) {
      await state.communicator?.close();
    },
  };
}

/**
 * A communicator factory for builders that take one (builder-basic's `Connector`): WinRM to
 * winrm_host.
 */
export function connectWinrmFromConfig(
  config: WinrmConfig,
  options: { readonly ui: Ui; readonly signal: AbortSignal },
): Promise<Communicator> {
  return connectWinrm({ host: config.winrm_host ?? '', config, ui: options.ui, signal: options.signal }).catch((error: unknown) => {
    reportConnectError(options.ui, error);
    throw error;
  });
}

/** Packer's wording: `Timeout waiting for WinRM.` alone, other failures as `Error waiting for WinRM: ...`. */
function reportConnectError(ui: Ui, error: unknown): void {
  if (isKilnError(error) && error.code === 'CANCELLED') return;
  const message = error instanceof Error ? error.message : String(error);
  ui.error(isKilnError(error) && error.code === 'TIMEOUT' ? message : `Error waiting for WinRM: ${message}`);
}
