import type { WinrmConfig } from './config.js';

/**
 * Packer's WinRM checks at prepare time (communicator.Config.prepareWinRM), with its message:
 * one message per problem, empty when the config is usable or the communicator is not winrm.
 * A malformed winrm_timeout is a decoding error, reported by the schema (`x-kiln-duration`).
 */
export function validateWinrmConfig(config: WinrmConfig): string[] {
  if (config.communicator !== 'winrm') return [];
  return config.winrm_username ? [] : ['winrm_username must be specified.'];
}
