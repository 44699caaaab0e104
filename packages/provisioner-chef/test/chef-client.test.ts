import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KilnError, isKilnError, recordingUi } from '@kiln/sdk';
import { ChefClientProvisioner, chefClientSchema, planChefClient, type ChefClientConfig } from '../src/index.js';
import { decodeConfig, fakeCommunicator, loadValidators, prepareErrors, provisionContext, templateContext, type FakeEvent } from './support.js';

const local = mkdtempSync(join(tmpdir(), 'kiln-chef-client-unit-'));
writeFileSync(join(local, 'validation.pem'), 'KEY');
const SERVER = 'https://chef.example/';

async function provision(config: ChefClientConfig, options: Parameters<typeof fakeCommunicator>[0] = {}) {
  const provisioner = new ChefClientProvisioner();
  provisioner.prepare(decodeConfig(chefClientSchema, { server_url: SERVER, ...config }), templateContext());
  const communicator = fakeCommunicator(options);
  const ui = recordingUi();
  let error: Error | undefined;
  await provisioner.provision(provisionContext(communicator, ui)).catch((failure: unknown) => (error = failure as Error));
  const commands = communicator.events
    .filter((event): event is Extract<FakeEvent, { kind: 'exec' }> => event.kind === 'exec')
    .map((event) => event.command);
  return { communicator, ui, error, commands };
}

beforeAll(() => loadValidators(chefClientSchema));

describe('chef-client prepare', () => {
  // Messages as `packer validate` 1.6.6 prints them for the same config.
  it.each<[string, ChefClientConfig, string[]]>([
    [
      'every problem at once, in Packer order',
      { policy_name: 'x', config_template: 'missing.tpl', encrypted_data_bag_secret_path: 'nope' },
      [
        'Bad config template path: stat missing.tpl: no such file or directory',
        'server_url must be set',
        "Bad encrypted data bag secret 'nope': stat nope: no such file or directory",
        'If either policy_name or policy_group are set, they must both be set.',
      ],
    ],
    ['policy_group alone', { server_url: SERVER, policy_group: 'g' }, ['If either policy_name or policy_group are set, they must both be set.']],
    ['unknown guest_os_type', { server_url: SERVER, guest_os_type: 'plan9' }, ['Invalid guest_os_type: "plan9"']],
  ])('%s', (_name, config, errors) => {
    expect(planChefClient(config).errors).toEqual(errors);
    expect(prepareErrors(() => new ChefClientProvisioner().prepare(config, templateContext()))).toEqual(errors);
  });
});

describe('chef-client provision', () => {
  it('runs chef-client, cleans node and client with knife, then removes the staging directory', async () => {
    const { commands, ui, error, communicator } = await provision({ node_name: 'n1' });
    expect(error).toBeUndefined();
    expect(commands).toEqual([
      'curl -L https://omnitruck.chef.io/install.sh | sudo bash -s --',
      "sudo mkdir -p '/tmp/packer-chef-client'",
      "sudo chmod 0777 '/tmp/packer-chef-client'",
      'sudo chef-client --no-color -c /tmp/packer-chef-client/client.rb -j /tmp/packer-chef-client/first-boot.json',
      'sudo knife node delete n1 -y -c /tmp/packer-chef-client/knife.rb',
      'sudo knife client delete n1 -y -c /tmp/packer-chef-client/knife.rb',
      "sudo rm -rf '/tmp/packer-chef-client'",
    ]);
    expect(ui.lines).toContain('message: curl -L https://omnitruck.chef.io/install.sh | sudo bash -s --');
    expect(ui.lines.at(-1)).toBe('message: Removing directory: /tmp/packer-chef-client');
    expect(communicator.uploaded('/tmp/packer-chef-client/knife.rb')).toBe(
      '\nlog_level        :info\nlog_location     STDOUT\nchef_server_url  "https://chef.example/"\nclient_key       "/tmp/packer-chef-client/client.pem"\nnode_name "n1"\n\n\n',
    );
  });

  it('names the node packer-<time ordered uuid> by default', async () => {
    const { commands } = await provision({ skip_install: true });
    expect(commands[2]).toBe('sudo chef-client --no-color -c /tmp/packer-chef-client/client.rb -j /tmp/packer-chef-client/first-boot.json');
    expect(commands[3]).toMatch(/^sudo knife node delete packer-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} -y -c /);
  });

  it.each<[string, ChefClientConfig, string[]]>([
    ['skip_clean_node', { skip_clean_node: true }, ['sudo knife client delete n -y -c /tmp/packer-chef-client/knife.rb', "sudo rm -rf '/tmp/packer-chef-client'"]],
    ['skip_clean_client', { skip_clean_client: true }, ['sudo knife node delete n -y -c /tmp/packer-chef-client/knife.rb', "sudo rm -rf '/tmp/packer-chef-client'"]],
    ['both skipped: no knife at all', { skip_clean_client: true, skip_clean_node: true }, ["sudo rm -rf '/tmp/packer-chef-client'"]],
    ['skip_clean_staging_directory', { skip_clean_staging_directory: true, skip_clean_client: true, skip_clean_node: true }, []],
    [
      'knife_command and prevent_sudo',
      { prevent_sudo: true, knife_command: '{{if .Sudo}}sudo {{end}}/opt/chef/bin/knife {{.Args}} {{.Flags}} -VV', skip_clean_client: true },
      ["/opt/chef/bin/knife node delete n -y -c /tmp/packer-chef-client/knife.rb -VV", "rm -rf '/tmp/packer-chef-client'"],
    ],
  ])('after the run: %s', async (_name, config, tail) => {
    const { commands, communicator } = await provision({ node_name: 'n', skip_install: true, ...config });
    expect(commands.slice(3)).toEqual(tail);
    const knifeWritten = communicator.uploaded('/tmp/packer-chef-client/knife.rb') !== undefined;
    expect(knifeWritten).toBe(!(config.skip_clean_client && config.skip_clean_node));
  });

  it('still cleans node and client when chef-client fails, keeps the staging directory, reports the exit code', async () => {
    const { commands, error } = await provision(
      { node_name: 'n', skip_install: true },
      { exitStatusOf: (c) => (c.startsWith('sudo chef-client') ? 3 : 0) },
    );
    expect(error?.message).toBe('Error executing Chef: Non-zero exit status: 3');
    expect(commands.slice(3)).toEqual([
      'sudo knife node delete n -y -c /tmp/packer-chef-client/knife.rb',
      'sudo knife client delete n -y -c /tmp/packer-chef-client/knife.rb',
    ]);
  });

  it('a failing knife stops the clean-up with its command in the message', async () => {
    const { commands, error } = await provision(
      { node_name: 'n', skip_install: true },
      { exitStatusOf: (c) => (c.includes('knife node') ? 1 : 0) },
    );
    expect(error?.message).toBe(
      'Error cleaning up chef node: Failed to cleanup node: Non-zero exit status. See output above for more info.\n\nCommand: sudo knife node delete n -y -c /tmp/packer-chef-client/knife.rb',
    );
    expect(commands.at(-1)).toBe('sudo knife node delete n -y -c /tmp/packer-chef-client/knife.rb');
  });

  it('a failing rm does not fail the build (Packer ignores its status)', async () => {
    const { error } = await provision({ node_name: 'n', skip_install: true }, { exitStatusOf: (c) => (c.includes('rm -rf') ? 1 : 0) });
    expect(error).toBeUndefined();
  });

  it('renders Windows paths and commands for guest_os_type windows', async () => {
    const { commands, communicator } = await provision({ node_name: 'w', guest_os_type: 'windows', version: '17' });
    expect(commands).toEqual([
      'powershell.exe -Command ". { iwr -useb https://omnitruck.chef.io/install.ps1 } | iex; Install-Project -version 17"',
      'powershell.exe -Command "New-Item -ItemType directory -Force -ErrorAction SilentlyContinue -Path C:/Windows/Temp/packer-chef-client"',
      "echo 'skipping chmod 0777 C:/Windows/Temp/packer-chef-client'",
      'c:/opscode/chef/bin/chef-client.bat --no-color -c C:/Windows/Temp/packer-chef-client/client.rb -j C:/Windows/Temp/packer-chef-client/first-boot.json',
      'c:/opscode/chef/bin/knife.bat node delete w -y -c C:/Windows/Temp/packer-chef-client/knife.rb',
      'c:/opscode/chef/bin/knife.bat client delete w -y -c C:/Windows/Temp/packer-chef-client/knife.rb',
      'powershell.exe -Command "rm C:/Windows/Temp/packer-chef-client -recurse -force"',
    ]);
    expect(communicator.uploaded('C:/Windows/Temp/packer-chef-client/client.rb')).toContain(
      'client_key       "C:/Windows/Temp/packer-chef-client/client.pem"',
    );
  });

  it('uploads the validation key (with ~ expanded) and names it in client.rb', async () => {
    const inHome = relative(homedir(), join(local, 'validation.pem'));
    const keyPath = inHome.startsWith('..') ? join(local, 'validation.pem') : `~/${inHome}`;
    const { communicator, ui } = await provision({ node_name: 'n', skip_install: true, validation_key_path: keyPath });
    expect(communicator.uploaded('/tmp/packer-chef-client/validation.pem')).toBe('KEY');
    expect(ui.lines).toContain(`message: Uploading ${join(local, 'validation.pem')}...`);
    expect(communicator.uploaded('/tmp/packer-chef-client/client.rb')).toContain('validation_key "/tmp/packer-chef-client/validation.pem"');
  });

  it('a cancelled chef run is reported as cancelled, without the knife clean-up', async () => {
    const provisioner = new ChefClientProvisioner();
    provisioner.prepare(decodeConfig(chefClientSchema, { server_url: SERVER, node_name: 'n', skip_install: true }), templateContext());
    const communicator = fakeCommunicator();
    const exec = communicator.exec.bind(communicator);
    communicator.exec = async (command) => {
      if (command.command.includes('chef-client --no-color')) throw new KilnError('CANCELLED', 'Cancelled while running remote command');
      return exec(command);
    };
    const error = await provisioner.provision(provisionContext(communicator)).catch((failure: unknown) => failure);
    expect(isKilnError(error) && error.code).toBe('CANCELLED');
    expect(communicator.events.some((event) => event.kind === 'exec' && event.command.includes('knife'))).toBe(false);
  });

  it('runs Chef through the elevated runner for elevated_user, with the password rendered from build data', async () => {
    const provisioner = new ChefClientProvisioner();
    provisioner.prepare(
      decodeConfig(chefClientSchema, {
        server_url: SERVER,
        node_name: 'w',
        guest_os_type: 'windows',
        skip_install: true,
        skip_clean_node: true,
        skip_clean_client: true,
        elevated_user: 'Admin$',
        elevated_password: '{{.WinRMPassword}}',
      }),
      templateContext(),
    );
    const communicator = fakeCommunicator();
    const ui = recordingUi();
    await provisioner.provision({ ...provisionContext(communicator, ui), generatedData: { WinRMPassword: 'p"w`d' } });
    const script = communicator.events.find((event) => event.kind === 'upload' && event.path.endsWith('.ps1'));
    expect(script?.kind === 'upload' && script.path).toMatch(/^C:\/Windows\/Temp\/packer-elevated-shell-[0-9a-f]{8}-[0-9a-f-]{27}\.ps1$/);
    const path = script?.kind === 'upload' ? script.path : '';
    const text = script?.kind === 'upload' ? script.text : '';
    expect(text).toContain('<UserId>Admin`$</UserId>');
    expect(text).toContain('$password = "p`"w``d"');
    expect(text).toMatch(
      /<Arguments>\/c c:\/opscode\/chef\/bin\/chef-client\.bat --no-color -c C:\/Windows\/Temp\/packer-chef-client\/client\.rb -j C:\/Windows\/Temp\/packer-chef-client\/first-boot\.json &gt; %SYSTEMROOT%\/Temp\/packer-[0-9a-f-]{36}\.out 2&gt;&amp;1<\/Arguments>/,
    );
    const run = `powershell -executionpolicy bypass -file "${path}"`;
    expect(ui.lines).toContain(`message: Executing Chef: ${run}`);
    expect(communicator.events.filter((event) => event.kind === 'exec').map((event) => event.kind === 'exec' && event.command)).toContain(run);
  });
});
