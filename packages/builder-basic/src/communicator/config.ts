import type { JsonSchema } from '@kiln/sdk';
import { sshConfigProperties, validateSshConfig, type SshConfig } from '@kiln/communicator-ssh';

/**
 * Packer's communicator options (communicator.Config: `communicator`, `pause_before_connecting`,
 * the ssh_* and winrm_* keys), as the null builder accepts them. The SSH part is
 * @kiln/communicator-ssh's; the WinRM keys are accepted (Packer takes them) until a WinRM
 * communicator exists.
 */
export interface CommunicatorConfig extends SshConfig {
  readonly ssh_public_key?: string;
  readonly ssh_private_key?: string;
  readonly winrm_host?: string;
  readonly winrm_port?: number;
  readonly winrm_username?: string;
  readonly winrm_password?: string;
  readonly winrm_use_ssl?: boolean;
  /** The other winrm_* options. */
  readonly [option: string]: unknown;
}

const text = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const flag = (description: string): JsonSchema => ({ type: 'boolean', default: false, description });
const duration = (description: string, defaultValue?: string): JsonSchema => ({
  type: 'string',
  'x-kiln-duration': true,
  description,
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});
const port = (description: string, defaultValue?: number): JsonSchema => ({
  type: 'integer',
  description,
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});

export const communicatorProperties: Readonly<Record<string, JsonSchema>> = {
  ...sshConfigProperties,
  ssh_public_key: text('Public key material for builders that generate keys (internal to Packer; rarely set by hand).'),
  ssh_private_key: text('Private key material for builders that generate keys (internal to Packer; rarely set by hand).', {
    'x-kiln-secret': true,
  }),

  winrm_username: text('User to connect as over WinRM. Required with the winrm communicator.'),
  winrm_password: text('Password for WinRM.', { 'x-kiln-secret': true }),
  winrm_host: text('Address to connect to over WinRM.'),
  winrm_no_proxy: flag('Add the WinRM host:port to NO_PROXY, so that configured proxies are bypassed.'),
  winrm_port: port('WinRM port. Default 5985, or 5986 with `winrm_use_ssl`.'),
  winrm_timeout: duration('How long to wait for WinRM to become available.', '30m'),
  winrm_use_ssl: flag('Use HTTPS for WinRM.'),
  winrm_insecure: flag('Do not verify the WinRM server certificate.'),
  winrm_use_ntlm: flag('Use NTLMv2 authentication instead of basic authentication.'),
};

export function communicatorType(config: CommunicatorConfig): string {
  return config.communicator || 'ssh';
}

/** Packer's communicator.Config.Prepare checks, in its words (SSH key files must exist and parse). */
export function communicatorErrors(config: CommunicatorConfig): string[] {
  const errors = validateSshConfig(config);
  if (errors.length === 0 && communicatorType(config) === 'winrm' && !config.winrm_username) {
    return ['winrm_username must be specified.'];
  }
  return errors;
}
