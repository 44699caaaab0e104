import type { ChefStandinTool } from '@kiln/testbed';

/**
 * The templates whose Packer 1.6.6 output is stored under fixtures/<name>/ (recorded by
 * record-packer-fixtures.test.ts) and which Kiln must reproduce (packer-parity.integ.test.ts).
 * Local paths are relative to fixtures/, where inputs/ holds the cookbooks and friends.
 */
export interface ChefCase {
  readonly name: string;
  readonly variables?: Readonly<Record<string, string>>;
  readonly provisioner: Readonly<Record<string, unknown>>;
  /** Stand-ins that exit non-zero in this case. */
  readonly failWith?: Partial<Record<ChefStandinTool, number>>;
  /** Directories that must exist on the machine beforehand (remote_cookbook_paths). */
  readonly remoteDirs?: readonly string[];
}

const user = (name: string) => `{{user \`${name}\`}}`;

export const CHEF_CASES: readonly ChefCase[] = [
  {
    name: 'solo-defaults',
    variables: { motd: 'say "hi" \\ there <b>' },
    provisioner: {
      type: 'chef-solo',
      cookbook_paths: ['inputs/cookbooks'],
      run_list: ['recipe[base]', 'role[web]'],
      json: {
        base: { motd: user('motd'), ports: [80, 443], ratio: 0.5, enabled: true, nothing: null, big: 12345678901 },
        html: '<b>&amp;</b>',
        unicode: 'é ☃ 😀',
        Zeta: 'sorted before lower case',
      },
    },
  },
  {
    name: 'solo-everything',
    variables: { owner: 'ops' },
    remoteDirs: ['/tmp/kiln-chef-remote-cookbooks'],
    provisioner: {
      type: 'chef-solo',
      cookbook_paths: ['inputs/cookbooks', 'inputs/site-cookbooks/'],
      remote_cookbook_paths: ['/tmp/kiln-chef-remote-cookbooks'],
      roles_path: 'inputs/roles',
      data_bags_path: 'inputs/data_bags',
      encrypted_data_bag_secret_path: 'inputs/encrypted_data_bag_secret',
      environments_path: 'inputs/environments',
      chef_environment: 'staging',
      chef_license: 'accept-no-persist',
      prevent_sudo: true,
      skip_install: true,
      staging_directory: '/tmp/kiln-chef-solo-all/',
      execute_command: `{{if .Sudo}}sudo {{end}}chef-solo --no-color --log_level warn -c {{.ConfigPath}} -j {{.JsonPath}} # ${user('owner')}`,
    },
  },
  {
    name: 'solo-template-version',
    variables: { owner: 'platform' },
    provisioner: {
      type: 'chef-solo',
      version: '16.1.0',
      config_template: 'inputs/solo.rb.tpl',
      cookbook_paths: ['inputs/cookbooks'],
      roles_path: 'inputs/roles',
      chef_environment: 'ignored-without-environments-path',
      staging_directory: '/tmp/kiln-chef-solo-template',
    },
  },
  {
    name: 'solo-failure',
    failWith: { 'chef-solo': 3 },
    provisioner: {
      type: 'chef-solo',
      skip_install: true,
      cookbook_paths: ['inputs/cookbooks'],
      staging_directory: '/tmp/kiln-chef-solo-failure',
    },
  },
  {
    name: 'client-defaults',
    provisioner: {
      type: 'chef-client',
      server_url: 'https://chef.example.com/organizations/kiln',
      run_list: ['recipe[base]'],
      json: { base: { motd: 'from chef-client' } },
    },
  },
  {
    name: 'client-everything',
    provisioner: {
      type: 'chef-client',
      server_url: 'https://chef.example.com/organizations/kiln',
      node_name: 'kiln-node',
      client_key: '/etc/chef/client.pem',
      validation_key_path: 'inputs/validation.pem',
      validation_client_name: 'kiln-validator',
      encrypted_data_bag_secret_path: 'inputs/encrypted_data_bag_secret',
      chef_environment: 'production',
      policy_group: 'prod',
      policy_name: 'webserver',
      ssl_verify_mode: 'verify_none',
      trusted_certs_dir: '/etc/chef/trusted_certs',
      chef_license: 'accept',
      skip_install: true,
      prevent_sudo: true,
      skip_clean_staging_directory: true,
      knife_command: 'knife {{.Args}} {{.Flags}} --disable-editing',
      staging_directory: '/tmp/kiln-chef-client-all',
    },
  },
  {
    name: 'client-template-skip-clean',
    provisioner: {
      type: 'chef-client',
      server_url: 'https://chef.example.com/',
      node_name: 'kept-node',
      config_template: 'inputs/client.rb.tpl',
      validation_key_path: 'inputs/validation.pem',
      version: '17.0.242',
      skip_clean_node: true,
      skip_clean_client: true,
      staging_directory: '/tmp/kiln-chef-client-template',
    },
  },
  {
    name: 'client-failure',
    failWith: { 'chef-client': 2 },
    provisioner: {
      type: 'chef-client',
      server_url: 'https://chef.example.com/',
      node_name: 'failing-node',
      skip_install: true,
      staging_directory: '/tmp/kiln-chef-client-failure',
    },
  },
  {
    name: 'client-knife-failure',
    failWith: { knife: 4 },
    provisioner: {
      type: 'chef-client',
      server_url: 'https://chef.example.com/',
      node_name: 'stuck-node',
      skip_install: true,
      staging_directory: '/tmp/kiln-chef-client-knife',
    },
  },
];

/** Where a case's run leaves files on the machine: its staging directory, or the default. */
export function stagingDirOf(chefCase: ChefCase): string {
  const configured = chefCase.provisioner.staging_directory;
  if (typeof configured === 'string') return configured;
  return chefCase.provisioner.type === 'chef-solo' ? '/tmp/packer-chef-solo' : '/tmp/packer-chef-client';
}
