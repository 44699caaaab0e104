import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isKilnError, recordingUi } from '@kiln/sdk';
import { ChefSoloProvisioner, chefSoloSchema, planChefSolo, type ChefSoloConfig } from '../src/index.js';
import { decodeConfig, fakeCommunicator, loadValidators, prepareErrors, provisionContext, templateContext, type FakeEvent } from './support.js';

const local = mkdtempSync(join(tmpdir(), 'kiln-chef-solo-unit-'));
mkdirSync(join(local, 'cookbooks'));
mkdirSync(join(local, 'roles'));
writeFileSync(join(local, 'afile'), 'x');
writeFileSync(join(local, 'solo.tpl'), 'cookbook_path [{{.CookbookPaths}}] # {{user `who`}} {{.HasRolesPath}}\n');

async function provision(config: ChefSoloConfig, options: Parameters<typeof fakeCommunicator>[0] = {}, vars: Record<string, string> = {}) {
  const provisioner = new ChefSoloProvisioner();
  provisioner.prepare(decodeConfig(chefSoloSchema, config, vars), templateContext(vars));
  const communicator = fakeCommunicator(options);
  const ui = recordingUi();
  let error: unknown;
  await provisioner.provision(provisionContext(communicator, ui)).catch((failure: unknown) => (error = failure));
  return { communicator, ui, error: error as Error | undefined, commands: commandsOf(communicator.events) };
}

const commandsOf = (events: readonly FakeEvent[]) =>
  events.filter((event) => event.kind === 'exec').map((event) => (event as { command: string }).command);

beforeAll(() => loadValidators(chefSoloSchema));

describe('chef-solo prepare', () => {
  // Messages as `packer validate` 1.6.6 prints them for the same config.
  it.each<[string, ChefSoloConfig, string[]]>([
    ['unknown guest_os_type, lowercased', { guest_os_type: 'BeOS' }, ['Invalid guest_os_type: "beos"']],
    ['missing cookbook path', { cookbook_paths: ['nope'] }, ["Bad cookbook path 'nope': stat nope: no such file or directory"]],
    [
      'a file where directories belong',
      { cookbook_paths: [join(local, 'afile')], roles_path: join(local, 'afile') },
      [`Bad cookbook path '${join(local, 'afile')}': %!s(<nil>)`, `Bad roles path '${join(local, 'afile')}': %!s(<nil>)`],
    ],
    ['secret that is a directory', { encrypted_data_bag_secret_path: local }, [`Bad encrypted data bag secret '${local}': %!s(<nil>)`]],
    ['config_template missing', { config_template: 'missing.tpl' }, ['Bad config template path: stat missing.tpl: no such file or directory']],
    ['config_template a directory', { config_template: local }, ['Config template path must be a file: %!s(<nil>)']],
    [
      'every problem at once, in Packer order',
      { config_template: local, data_bags_path: 'nope3', environments_path: 'nope2', cookbook_paths: ['nope'] },
      [
        'Config template path must be a file: %!s(<nil>)',
        "Bad cookbook path 'nope': stat nope: no such file or directory",
        "Bad data bags path 'nope3': stat nope3: no such file or directory",
        "Bad environments path 'nope2': stat nope2: no such file or directory",
      ],
    ],
  ])('%s', (_name, config, errors) => {
    expect(planChefSolo(config).errors).toEqual(errors);
    expect(prepareErrors(() => new ChefSoloProvisioner().prepare(config, templateContext()))).toEqual(errors);
  });

  it.each<[string, ChefSoloConfig, string]>([
    ['default installer accepts the license', {}, 'accept-silent'],
    ['default installer written out accepts too', { install_command: 'curl -L https://omnitruck.chef.io/install.sh | {{if .Sudo}}sudo {{end}}bash -s --{{if .Version}} -v {{.Version}}{{end}}' }, 'accept-silent'],
    ['skip_install leaves it unset', { skip_install: true }, ''],
    ['own installer leaves it unset', { install_command: 'apt-get install chef' }, ''],
    ['an explicit license wins', { chef_license: 'accept', skip_install: true }, 'accept'],
  ])('chef_license: %s', (_name, config, license) => {
    expect(planChefSolo(config).plan?.chefLicense).toBe(license);
  });
});

describe('chef-solo provision', () => {
  it('runs the unix commands with sudo, in Packer order', async () => {
    const { commands, communicator, error } = await provision({
      cookbook_paths: [join(local, 'cookbooks')],
      roles_path: join(local, 'roles'),
      version: '16.1.0',
    });
    expect(error).toBeUndefined();
    expect(commands).toEqual([
      'curl -L https://omnitruck.chef.io/install.sh | sudo bash -s -- -v 16.1.0',
      "sudo mkdir -p '/tmp/packer-chef-solo'",
      "sudo chmod 0777 '/tmp/packer-chef-solo'",
      "sudo mkdir -p '/tmp/packer-chef-solo/cookbooks-0'",
      "sudo chmod 0777 '/tmp/packer-chef-solo/cookbooks-0'",
      "sudo mkdir -p '/tmp/packer-chef-solo/roles'",
      "sudo chmod 0777 '/tmp/packer-chef-solo/roles'",
      'sudo chef-solo --no-color -c /tmp/packer-chef-solo/solo.rb -j /tmp/packer-chef-solo/node.json',
    ]);
    // Directories travel as one directory upload each, contents only (trailing slash).
    expect(communicator.events.filter((event) => event.kind === 'uploadDir')).toEqual([
      { kind: 'uploadDir', remoteDir: '/tmp/packer-chef-solo/cookbooks-0', localDir: `${join(local, 'cookbooks')}/` },
      { kind: 'uploadDir', remoteDir: '/tmp/packer-chef-solo/roles', localDir: `${join(local, 'roles')}/` },
    ]);
  });

  it('prevent_sudo drops sudo everywhere', async () => {
    const { commands } = await provision({ prevent_sudo: true });
    expect(commands).toEqual([
      'curl -L https://omnitruck.chef.io/install.sh | bash -s --',
      "mkdir -p '/tmp/packer-chef-solo'",
      "chmod 0777 '/tmp/packer-chef-solo'",
      'chef-solo --no-color -c /tmp/packer-chef-solo/solo.rb -j /tmp/packer-chef-solo/node.json',
    ]);
  });

  it('renders Windows paths and commands for guest_os_type windows', async () => {
    const { commands, communicator } = await provision({
      guest_os_type: 'Windows',
      version: '16',
      staging_directory: 'C:/Program Files/chef stage',
    });
    expect(commands).toEqual([
      'powershell.exe -Command ". { iwr -useb https://omnitruck.chef.io/install.ps1 } | iex; Install-Project -version 16"',
      'powershell.exe -Command "New-Item -ItemType directory -Force -ErrorAction SilentlyContinue -Path C:/Program` Files/chef` stage"',
      "echo 'skipping chmod 0777 C:/Program` Files/chef` stage'",
      'c:/opscode/chef/bin/chef-solo.bat --no-color -c C:/Program Files/chef stage/solo.rb -j C:/Program Files/chef stage/node.json',
    ]);
    expect(communicator.uploaded('C:/Program Files/chef stage/solo.rb')).toContain('chef_license \t\t"accept-silent"');
  });

  it('uses the Windows default staging directory', async () => {
    const { commands } = await provision({ guest_os_type: 'windows', skip_install: true });
    expect(commands.at(-1)).toBe(
      'c:/opscode/chef/bin/chef-solo.bat --no-color -c C:/Windows/Temp/packer-chef-solo/solo.rb -j C:/Windows/Temp/packer-chef-solo/node.json',
    );
  });

  it('renders a custom config_template with the solo data and user variables', async () => {
    const { communicator } = await provision(
      { skip_install: true, config_template: join(local, 'solo.tpl'), cookbook_paths: [join(local, 'cookbooks')], remote_cookbook_paths: ['/srv/cb'] },
      {},
      { who: 'ops' },
    );
    expect(communicator.uploaded('/tmp/packer-chef-solo/solo.rb')).toBe(
      'cookbook_path ["/srv/cb","/tmp/packer-chef-solo/cookbooks-0"] # ops false\n',
    );
  });

  it('renders execute_command with its data', async () => {
    const { commands } = await provision({
      skip_install: true,
      staging_directory: '/var/chef/',
      execute_command: 'cd /var && {{if .Sudo}}sudo -E {{end}}chef-solo -c {{.ConfigPath}} -j {{.JsonPath}}',
    });
    expect(commands.at(-1)).toBe('cd /var && sudo -E chef-solo -c /var/chef/solo.rb -j /var/chef/node.json');
  });

  it.each<[string, ChefSoloConfig, Parameters<typeof fakeCommunicator>[0], string]>([
    ['install fails', {}, { exitStatusOf: (c) => (c.startsWith('curl') ? 5 : 0) }, 'Error installing Chef: Install script exited with non-zero exit status 5'],
    ['mkdir fails', { skip_install: true }, { exitStatusOf: (c) => (c.includes('mkdir') ? 1 : 0) }, 'Error creating staging directory: Non-zero exit status. See output above for more info.'],
    ['chef fails', { skip_install: true }, { exitStatusOf: (c) => (c.startsWith('sudo chef-solo') ? 42 : 0) }, 'Error executing Chef: Non-zero exit status: 42'],
    ['config upload fails', { skip_install: true }, { failUploadTo: /solo\.rb$/ }, 'Error creating Chef config file: scp: /tmp/packer-chef-solo/solo.rb: Permission denied'],
    ['JSON upload fails', { skip_install: true }, { failUploadTo: /node\.json$/ }, 'Error creating JSON attributes: scp: /tmp/packer-chef-solo/node.json: Permission denied'],
  ])('reports a failure as Packer does: %s', async (_name, config, options, message) => {
    const { error } = await provision(config, options);
    expect(isKilnError(error) && error.code).toBe('STEP_FAILED');
    expect(error?.message).toBe(message);
  });

  it('streams command output to the Ui and leaves the staging directory (Packer does not clean up)', async () => {
    const { ui, commands } = await provision({ skip_install: true }, { stdoutOf: (c) => (c.startsWith('sudo chef-solo') ? ['Chef run done'] : []) });
    expect(ui.lines).toEqual([
      'say: Provisioning with chef-solo',
      'message: Creating directory: /tmp/packer-chef-solo',
      "message: Creating configuration file 'solo.rb'",
      'message: Creating JSON attribute file',
      'message: Executing Chef: sudo chef-solo --no-color -c /tmp/packer-chef-solo/solo.rb -j /tmp/packer-chef-solo/node.json',
      'message: Chef run done',
    ]);
    expect(commands.some((command) => command.includes('rm -rf'))).toBe(false);
  });

  it('writes the json option and run_list as node.json', async () => {
    const { communicator } = await provision(
      { skip_install: true, run_list: ['recipe[a]'], json: { who: '{{user `who`}}', n: 2 } },
      {},
      { who: 'say "x"' },
    );
    expect(communicator.uploaded('/tmp/packer-chef-solo/node.json')).toBe(
      '{\n  "n": 2,\n  "run_list": [\n    "recipe[a]"\n  ],\n  "who": "say \\"x\\""\n}',
    );
  });
});
