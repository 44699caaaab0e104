import type { Duplex } from 'node:stream';
import { isKilnError, type Communicator, type Step, type Ui } from '@kiln/sdk';
import type { SshCommunicator } from './communicator.js';
import type { SshConfig } from './config.js';
import { connectSsh } from './connect.js';
import type { InMemoryKey } from './connector.js';

export interface StepConnectSshOptions<State extends object> {
  /** The machine's address, asked before every attempt (it may not be known at first). */
  host(state: Readonly<State>): string | Promise<string>;
  /** Defaults to the config's ssh_port. */
  port?(state: Readonly<State>): number | Promise<number>;
  /** The builder's communicator options. */
  config(state: Readonly<State>): SshConfig;
  /** Keys the builder holds in memory (a temporary key pair). */
  privateKeys?(state: Readonly<State>): readonly InMemoryKey[];
  /** Where SSH_AUTH_SOCK is read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** An open connection to the sshd for the first attempt (see ConnectSshOptions.socket). */
  socket?(state: Readonly<State>): Duplex | undefined;
}

export interface ConnectedState {
  /** Absent with `communicator: none`. */
  readonly communicator?: SshCommunicator;
}

/**
 * Packer's StepConnect for SSH: a builder writes host(), port() and config() and gets a connected
 * communicator in its state; the connection is closed at cleanup. `communicator: none` skips it.
 */
export function stepConnectSsh<State extends object>(options: StepConnectSshOptions<State>): Step<State, ConnectedState> {
  return {
    name: 'StepConnect',
    async run(state, ctx) {
      const config = options.config(state);
      // Packer's StepConnect only logs this, no Ui message.
      if (config.communicator === 'none') return {};
      try {
        const communicator = await connectSsh({
          host: () => options.host(state),
          ...(options.port ? { port: () => options.port!(state) } : {}),
          config,
          ...(options.privateKeys ? { privateKeys: options.privateKeys(state) } : {}),
          ui: ctx.ui,
          signal: ctx.signal,
          ...(options.env ? { env: options.env } : {}),
          ...(options.socket ? { socket: () => options.socket!(state) } : {}),
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

/** Packer's wording: `Timeout waiting for SSH.` alone, other failures as `Error waiting for SSH: ...`. */
function reportConnectError(ui: Ui, error: unknown): void {
  if (isKilnError(error) && error.code === 'CANCELLED') return;
  const message = error instanceof Error ? error.message : String(error);
  ui.error(isKilnError(error) && error.code === 'TIMEOUT' ? message : `Error waiting for SSH: ${message}`);
}

/**
 * ssh_clear_authorized_keys: removes the temporary key (by its comment) from the login user's and
 * root's authorized_keys, with the commands Packer runs. Failures are reported, never fatal.
 */
export async function clearAuthorizedKeys(communicator: Communicator, keyPairName: string, ui: Ui): Promise<void> {
  ui.say('Trying to remove ephemeral keys from authorized_keys files');
  const commands = [
    `sed -i.bak '/ ${keyPairName}$/d' ~/.ssh/authorized_keys; rm ~/.ssh/authorized_keys.bak`,
    `sudo sed -i.bak '/ ${keyPairName}$/d' /root/.ssh/authorized_keys; sudo rm /root/.ssh/authorized_keys.bak`,
  ];
  for (const command of commands) {
    try {
      await communicator.exec({ command, onStdout: (line) => ui.message(line), onStderr: (line) => ui.error(line) });
    } catch (error) {
      ui.error(`Error cleaning up authorized_keys; please clean up keys manually: ${(error as Error).message}`);
    }
  }
}

/** Packer's StepCleanupTempKeys: runs clearAuthorizedKeys when ssh_clear_authorized_keys is set. */
export function stepCleanupTempKeys<State extends object>(options: {
  config(state: Readonly<State>): SshConfig;
  communicator(state: Readonly<State>): Communicator | undefined;
}): Step<State> {
  return {
    name: 'StepCleanupTempKeys',
    async run(state, ctx) {
      const config = options.config(state);
      const communicator = options.communicator(state);
      if (!config.ssh_clear_authorized_keys || (config.communicator ?? 'ssh') !== 'ssh') return;
      if (!config.temporary_key_pair_name || !communicator) return;
      await clearAuthorizedKeys(communicator, config.temporary_key_pair_name, ctx.ui);
    },
  };
}

