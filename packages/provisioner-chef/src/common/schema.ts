import type { JsonSchema } from '@kiln/sdk';

const string: JsonSchema = { type: 'string' };
const boolean: JsonSchema = { type: 'boolean' };
const strings: JsonSchema = { type: 'array', items: { type: 'string' } };

/** Options chef-solo and chef-client share, with Packer's meaning. */
export const sharedChefProperties: Readonly<Record<string, JsonSchema>> = {
  chef_environment: { ...string, description: 'The Chef environment the node runs in.' },
  chef_license: {
    ...string,
    description: 'Chef license acceptance; `accept-silent` by default when Chef is installed with the default command.',
  },
  config_template: { ...string, description: 'A local file whose Go template replaces the generated Chef configuration.' },
  encrypted_data_bag_secret_path: { ...string, description: 'A local file with the secret for encrypted data bags.' },
  execute_command: {
    ...string,
    'x-kiln-late-render': true,
    description: 'The command that runs Chef; data `.ConfigPath`, `.JsonPath`, `.Sudo`.',
  },
  guest_os_type: { ...string, description: 'The guest family, `unix` (default) or `windows`: picks paths and commands.' },
  install_command: {
    ...string,
    'x-kiln-late-render': true,
    description: 'The command that installs Chef; data `.Sudo`, `.Version`.',
  },
  json: { type: 'object', description: 'Node attributes written to the JSON file Chef reads (`-j`).' },
  prevent_sudo: { ...boolean, description: 'Never run commands with sudo.' },
  run_list: { ...strings, description: 'The run list, stored in the node JSON as `run_list`.' },
  skip_install: { ...boolean, description: 'Assume Chef is already installed.' },
  staging_directory: { ...string, description: 'The remote directory that receives the uploads and generated files.' },
  version: { ...string, description: 'The Chef version to install (`.Version` of install_command).' },
};

export const stringSchema = string;
export const booleanSchema = boolean;
export const stringsSchema = strings;

/** Properties in name order, so the generated option tables read alphabetically. */
export function sortedProperties(properties: Readonly<Record<string, JsonSchema>>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1)));
}
