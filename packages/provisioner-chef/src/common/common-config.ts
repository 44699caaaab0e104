import { DEFAULT_INSTALL_COMMAND, parseGuestOsType, type GuestOsType } from './guest-os.js';
import type { ChefCommonPlan } from './chef-session.js';

/** The options both provisioners read the same way. */
export interface ChefCommonConfig {
  readonly chef_environment?: string;
  readonly chef_license?: string;
  readonly config_template?: string;
  readonly encrypted_data_bag_secret_path?: string;
  readonly execute_command?: string;
  readonly guest_os_type?: string;
  readonly install_command?: string;
  readonly json?: Readonly<Record<string, unknown>>;
  readonly prevent_sudo?: boolean;
  readonly run_list?: readonly string[];
  readonly skip_install?: boolean;
  readonly staging_directory?: string;
  readonly version?: string;
}

export interface GuestDefaults {
  readonly executeCommand: string;
  readonly stagingDir: string;
}

/**
 * Applies Packer's defaults for the guest family. An unknown guest_os_type stops here, before
 * any other check, as it does in Packer.
 */
export function planCommon(
  config: ChefCommonConfig,
  defaultsFor: (type: GuestOsType) => GuestDefaults,
): { plan: ChefCommonPlan } | { error: string } {
  const { type, error } = parseGuestOsType(config.guest_os_type);
  if (!type) return { error: error ?? 'Invalid guest_os_type' };
  const defaults = defaultsFor(type);
  const installCommand = config.install_command || DEFAULT_INSTALL_COMMAND[type];
  const skipInstall = config.skip_install ?? false;
  // Chef 15+ stops to ask for its license; Packer accepts it for the user only when it installs
  // Chef itself with the stock installer.
  const acceptsLicense = !skipInstall && installCommand === DEFAULT_INSTALL_COMMAND[type];
  return {
    plan: {
      guestOsType: type,
      sudo: !(config.prevent_sudo ?? false),
      skipInstall,
      version: config.version ?? '',
      installCommand,
      executeCommand: config.execute_command || defaults.executeCommand,
      stagingDir: config.staging_directory || defaults.stagingDir,
      json: config.json ?? {},
      runList: config.run_list ?? [],
      chefLicense: config.chef_license || (acceptsLicense ? 'accept-silent' : ''),
      chefEnvironment: config.chef_environment ?? '',
      configTemplate: config.config_template ?? '',
      encryptedDataBagSecretPath: config.encrypted_data_bag_secret_path ?? '',
    },
  };
}
