import type { JsonSchema } from '@kiln/sdk';
import type { ChefCommonPlan } from '../common/chef-session.js';
import { planCommon, type ChefCommonConfig } from '../common/common-config.js';
import { checkConfigTemplate, checkLocalDirectory, checkLocalFile } from '../common/local-paths.js';
import { sharedChefProperties, sortedProperties, stringSchema, stringsSchema } from '../common/schema.js';

export interface ChefSoloConfig extends ChefCommonConfig {
  readonly cookbook_paths?: readonly string[];
  readonly remote_cookbook_paths?: readonly string[];
  readonly roles_path?: string;
  readonly data_bags_path?: string;
  readonly environments_path?: string;
}

export const chefSoloSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: sortedProperties({
    ...sharedChefProperties,
    cookbook_paths: { ...stringsSchema, description: 'Local cookbook directories, uploaded to `<staging>/cookbooks-<i>`.' },
    remote_cookbook_paths: { ...stringsSchema, description: 'Cookbook directories already on the machine.' },
    roles_path: { ...stringSchema, description: 'A local roles directory, uploaded to `<staging>/roles`.' },
    data_bags_path: { ...stringSchema, description: 'A local data bags directory, uploaded to `<staging>/data_bags`.' },
    environments_path: { ...stringSchema, description: 'A local environments directory, uploaded to `<staging>/environments`.' },
  }),
};

export interface ChefSoloPlan extends ChefCommonPlan {
  readonly cookbookPaths: readonly string[];
  readonly remoteCookbookPaths: readonly string[];
  readonly rolesPath: string;
  readonly dataBagsPath: string;
  readonly environmentsPath: string;
}

const SOLO_DEFAULTS = {
  unix: {
    executeCommand: '{{if .Sudo}}sudo {{end}}chef-solo --no-color -c {{.ConfigPath}} -j {{.JsonPath}}',
    stagingDir: '/tmp/packer-chef-solo',
  },
  windows: {
    executeCommand: 'c:/opscode/chef/bin/chef-solo.bat --no-color -c {{.ConfigPath}} -j {{.JsonPath}}',
    stagingDir: 'C:/Windows/Temp/packer-chef-solo',
  },
} as const;

/** Packer's chef-solo Prepare: defaults, then every local path checked, all problems together. */
export function planChefSolo(config: ChefSoloConfig): { plan?: ChefSoloPlan; errors: string[] } {
  const common = planCommon(config, (type) => SOLO_DEFAULTS[type]);
  if ('error' in common) return { errors: [common.error] };
  const errors = [
    checkConfigTemplate(config.config_template),
    ...(config.cookbook_paths ?? []).map((path) => checkLocalDirectory('cookbook path', path)),
    config.roles_path ? checkLocalDirectory('roles path', config.roles_path) : undefined,
    config.data_bags_path ? checkLocalDirectory('data bags path', config.data_bags_path) : undefined,
    config.encrypted_data_bag_secret_path
      ? checkLocalFile('encrypted data bag secret', config.encrypted_data_bag_secret_path)
      : undefined,
    config.environments_path ? checkLocalDirectory('environments path', config.environments_path) : undefined,
  ].filter((message): message is string => message !== undefined);
  if (errors.length > 0) return { errors };
  return {
    plan: {
      ...common.plan,
      cookbookPaths: config.cookbook_paths ?? [],
      remoteCookbookPaths: config.remote_cookbook_paths ?? [],
      rolesPath: config.roles_path ?? '',
      dataBagsPath: config.data_bags_path ?? '',
      environmentsPath: config.environments_path ?? '',
    },
    errors: [],
  };
}
