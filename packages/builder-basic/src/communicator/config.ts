import type { JsonSchema } from '@kiln/sdk';
import { sshConfigProperties, validateSshConfig, type SshConfig } from '@kiln/communicator-ssh';
import { validateWinrmConfig, winrmConfigProperties, type WinrmConfig } from '@kiln/communicator-winrm';

/**
 * Packer's communicator options (communicator.Config: `communicator`, `pause_before_connecting`,
 * the ssh_* and winrm_* keys), as the null builder accepts them: the SSH part is
 * @kiln/communicator-ssh's, the WinRM part @kiln/communicator-winrm's.
 */
export interface CommunicatorConfig extends SshConfig, WinrmConfig {
  readonly ssh_public_key?: string;
  readonly ssh_private_key?: string;
}

const text = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
export const communicatorProperties: Readonly<Record<string, JsonSchema>> = {
  ...sshConfigProperties,
  ssh_public_key: text('Public key material for builders that generate keys (internal to Packer; rarely set by hand).'),
  ssh_private_key: text('Private key material for builders that generate keys (internal to Packer; rarely set by hand).', {
    'x-kiln-secret': true,
  }),
  ...winrmConfigProperties,
};

export function communicatorType(config: CommunicatorConfig): string {
  return config.communicator || 'ssh';
}

/** Packer's communicator.Config.Prepare checks, in its words (SSH key files must exist and parse). */
export function communicatorErrors(config: CommunicatorConfig): string[] {
  const errors = validateSshConfig(config);
  return errors.length > 0 ? errors : validateWinrmConfig(config);
}
