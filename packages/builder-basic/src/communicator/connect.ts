import { KilnError, type Communicator, type ConnectionData, type Ui } from '@kiln/sdk';
import { communicatorType, type CommunicatorConfig } from './config.js';
import { noneCommunicator } from './none.js';

/**
 * Opens the build's communicator (Packer's StepConnect). Builders take one in their options so that
 * the SSH communicator can be plugged in without them knowing it.
 */
export type Connector = (
  config: CommunicatorConfig,
  options: { readonly ui: Ui; readonly signal: AbortSignal },
) => Promise<Communicator>;

/**
 * The connector for what is not SSH (the null builder connects SSH itself): `none`, and WinRM to
 * winrm_host, whose package loads only for WinRM builds.
 */
export const connectNotSsh: Connector = async (config, options) => {
  const type = communicatorType(config);
  if (type === 'none') return noneCommunicator;
  if (type === 'winrm') return (await import('@kiln/communicator-winrm')).connectWinrmFromConfig(config, options);
  throw new KilnError('CONFIG_INVALID', `Communicator type ${type} is not supported; use "ssh", "winrm" or "none".`);
};

/**
 * The connection keys of `{{ build ... }}` (Host, Port, User, ...), absent with `none` as in
 * Packer, so that they render `<no value>` there.
 */
export function connectionData(config: CommunicatorConfig): ConnectionData | undefined {
  const type = communicatorType(config);
  if (type === 'none') return undefined;
  const winrm = type === 'winrm';
  const data: ConnectionData = {
    type,
    host: (winrm ? config.winrm_host : config.ssh_host) ?? '',
    port: winrm ? (config.winrm_port ?? (config.winrm_use_ssl ? 5986 : 5985)) : (config.ssh_port ?? 22),
    user: (winrm ? config.winrm_username : config.ssh_username) ?? '',
    password: (winrm ? config.winrm_password : config.ssh_password) ?? '',
    sshPublicKey: config.ssh_public_key ?? '',
    sshPrivateKey: config.ssh_private_key ?? '',
    sshPrivateKeyFile: config.ssh_private_key_file ?? '',
    sshAgentAuth: config.ssh_agent_auth ?? false,
    winrmPassword: config.winrm_password ?? '',
  };
  return data;
}
