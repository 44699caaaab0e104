import type { JsonSchema } from '@kiln/sdk';
import type { ChefCommonPlan } from '../common/chef-session.js';
import { planCommon, type ChefCommonConfig } from '../common/common-config.js';
import { checkConfigTemplate, checkLocalFile } from '../common/local-paths.js';
import { booleanSchema, sharedChefProperties, sortedProperties, stringSchema } from '../common/schema.js';

export interface ChefClientConfig extends ChefCommonConfig {
  readonly client_key?: string;
  readonly elevated_user?: string;
  readonly elevated_password?: string;
  readonly knife_command?: string;
  readonly node_name?: string;
  readonly policy_group?: string;
  readonly policy_name?: string;
  readonly server_url?: string;
  readonly skip_clean_client?: boolean;
  readonly skip_clean_node?: boolean;
  readonly skip_clean_staging_directory?: boolean;
  readonly ssl_verify_mode?: string;
  readonly trusted_certs_dir?: string;
  readonly validation_client_name?: string;
  readonly validation_key_path?: string;
}

export const chefClientSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: sortedProperties({
    ...sharedChefProperties,
    client_key: { ...stringSchema, description: 'The client key path on the machine; default `<staging>/client.pem`.' },
    elevated_user: { ...stringSchema, description: 'Windows: run Chef as this user through a scheduled task.' },
    elevated_password: {
      ...stringSchema,
      'x-kiln-secret': true,
      'x-kiln-late-render': true,
      description: 'Windows: the password of elevated_user; may use the build data, e.g. `{{ build "Password" }}`.',
    },
    knife_command: {
      ...stringSchema,
      'x-kiln-late-render': true,
      description: 'The knife command of the clean-up; data `.Sudo`, `.Args`, `.Flags`.',
    },
    node_name: { ...stringSchema, description: 'The Chef node name; default `packer-<uuid>`.' },
    policy_group: { ...stringSchema, description: 'The policyfile group (with policy_name).' },
    policy_name: { ...stringSchema, description: 'The policyfile name (with policy_group).' },
    server_url: { ...stringSchema, description: 'The Chef server URL (required).' },
    skip_clean_client: { ...booleanSchema, description: 'Keep the client on the Chef server after the run.' },
    skip_clean_node: { ...booleanSchema, description: 'Keep the node on the Chef server after the run.' },
    skip_clean_staging_directory: { ...booleanSchema, description: 'Keep the staging directory on the machine.' },
    ssl_verify_mode: { ...stringSchema, description: 'Chef ssl_verify_mode, e.g. `verify_none`.' },
    trusted_certs_dir: { ...stringSchema, description: 'The trusted certificates directory on the machine.' },
    validation_client_name: { ...stringSchema, description: 'The validation client name; default `chef-validator`.' },
    validation_key_path: { ...stringSchema, description: 'A local validation key, uploaded to `<staging>/validation.pem`.' },
  }),
};

export interface ChefClientPlan extends ChefCommonPlan {
  readonly clientKey: string;
  readonly elevatedUser: string;
  readonly elevatedPassword: string;
  readonly knifeCommand: string;
  readonly nodeName: string;
  readonly policyGroup: string;
  readonly policyName: string;
  readonly serverUrl: string;
  readonly skipCleanClient: boolean;
  readonly skipCleanNode: boolean;
  readonly skipCleanStagingDirectory: boolean;
  readonly sslVerifyMode: string;
  readonly trustedCertsDir: string;
  readonly validationClientName: string;
  readonly validationKeyPath: string;
}

const CLIENT_DEFAULTS = {
  unix: {
    executeCommand: '{{if .Sudo}}sudo {{end}}chef-client --no-color -c {{.ConfigPath}} -j {{.JsonPath}}',
    knifeCommand: '{{if .Sudo}}sudo {{end}}knife {{.Args}} {{.Flags}}',
    stagingDir: '/tmp/packer-chef-client',
  },
  windows: {
    executeCommand: 'c:/opscode/chef/bin/chef-client.bat --no-color -c {{.ConfigPath}} -j {{.JsonPath}}',
    knifeCommand: 'c:/opscode/chef/bin/knife.bat {{.Args}} {{.Flags}}',
    stagingDir: 'C:/Windows/Temp/packer-chef-client',
  },
} as const;

/** Packer's chef-client Prepare: defaults, then its checks, all problems together. */
export function planChefClient(config: ChefClientConfig): { plan?: ChefClientPlan; errors: string[] } {
  const common = planCommon(config, (type) => CLIENT_DEFAULTS[type]);
  if ('error' in common) return { errors: [common.error] };
  const errors = [
    checkConfigTemplate(config.config_template),
    config.server_url ? undefined : 'server_url must be set',
    config.encrypted_data_bag_secret_path
      ? checkLocalFile('encrypted data bag secret', config.encrypted_data_bag_secret_path)
      : undefined,
    Boolean(config.policy_name) === Boolean(config.policy_group)
      ? undefined
      : 'If either policy_name or policy_group are set, they must both be set.',
  ].filter((message): message is string => message !== undefined);
  if (errors.length > 0) return { errors };
  return {
    plan: {
      ...common.plan,
      clientKey: config.client_key ?? '',
      elevatedUser: config.elevated_user ?? '',
      elevatedPassword: config.elevated_password ?? '',
      knifeCommand: config.knife_command || CLIENT_DEFAULTS[common.plan.guestOsType].knifeCommand,
      nodeName: config.node_name ?? '',
      policyGroup: config.policy_group ?? '',
      policyName: config.policy_name ?? '',
      serverUrl: config.server_url ?? '',
      skipCleanClient: config.skip_clean_client ?? false,
      skipCleanNode: config.skip_clean_node ?? false,
      skipCleanStagingDirectory: config.skip_clean_staging_directory ?? false,
      sslVerifyMode: config.ssl_verify_mode ?? '',
      trustedCertsDir: config.trusted_certs_dir ?? '',
      validationClientName: config.validation_client_name ?? '',
      validationKeyPath: config.validation_key_path ?? '',
    },
    errors: [],
  };
}
