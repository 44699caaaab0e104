import type { JsonSchema } from '@kiln/sdk';
import {
  communicatorErrors,
  communicatorProperties,
  communicatorType,
  type CommunicatorConfig,
} from '../communicator/config.js';

/** The null builder has no options of its own: only the communicator's. */
export type NullConfig = CommunicatorConfig;

export const nullSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: communicatorProperties,
};

/** Packer's null Config.Prepare: the communicator's checks, then the null builder's own. */
export function nullConfigErrors(config: NullConfig): string[] {
  const errors = communicatorErrors(config);
  const type = communicatorType(config);
  if (type === 'none') return errors;

  // Packer's Host(), User() and Password() answer for ssh and winrm only.
  const pick = (ssh: string | undefined, winrm: string | undefined) =>
    type === 'ssh' ? ssh : type === 'winrm' ? winrm : undefined;
  const host = pick(config.ssh_host, config.winrm_host);
  const user = pick(config.ssh_username, config.winrm_username);
  const password = pick(config.ssh_password, config.winrm_password);
  if (!host) errors.push('a Host must be specified, please reference your communicator documentation');
  if (!user) errors.push('a Username must be specified, please reference your communicator documentation');
  if (!config.ssh_agent_auth && !password && !config.ssh_private_key_file) {
    errors.push('one authentication method must be specified, please reference your communicator documentation');
  }
  const methods = [config.ssh_agent_auth === true, !!config.ssh_password, !!config.ssh_private_key_file];
  if (methods.filter(Boolean).length > 1) {
    errors.push('only one of ssh_agent_auth, ssh_password, and ssh_private_key_file must be specified');
  }
  return errors;
}
