import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingUi, type JsonSchema, type Provisioner } from '@kiln/sdk';
import { connectSsh, type SshCommunicator } from '@kiln/communicator-ssh';
import { installChefStandin, startSshd, type ChefStandin, type Sshd } from '@kiln/testbed';
import { chefClientSchema, chefSoloSchema, ChefClientProvisioner, ChefSoloProvisioner } from '../src/index.js';
import { CHEF_CASES, stagingDirOf, type ChefCase } from './cases.js';
import { cleanMachine, FIXTURES, kilnBuild, prepareMachine, readRecording, recordingOf, type Recording } from './reference.js';
import { decodeConfig, loadValidators, provisionContext, templateContext } from './support.js';

/**
 * Side by side with Packer 1.6.6: each case of cases.ts runs through Kiln's provisioner over the
 * testbed sshd with the chef stand-ins, and must leave the same generated files, stand-in calls,
 * Ui lines and error as Packer's recording in fixtures/<case>/ (random node names normalised).
 */
/** sha256 of every file below `root`, by relative path: the stand-in's view of a tree. */
function localTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return files;
}

/** The remote directories a case uploads (that solo.rb names), with the local directory of each. */
function uploadedDirectories(chefCase: ChefCase): Record<string, string> {
  const config = chefCase.provisioner;
  if (config.type !== 'chef-solo') return {};
  const staging = stagingDirOf(chefCase);
  const directories: Record<string, string> = {};
  ((config.cookbook_paths as string[] | undefined) ?? []).forEach((local, index) => {
    directories[`${staging}/cookbooks-${index}`] = local;
  });
  for (const [key, name] of [['roles_path', 'roles'], ['data_bags_path', 'data_bags'], ['environments_path', 'environments']]) {
    if (typeof config[key!] === 'string') directories[`${staging}/${name}`] = config[key!] as string;
  }
  return directories;
}

describe('chef provisioners match Packer 1.6.6', () => {
  let standin: ChefStandin;
  let sshd: Sshd;
  let communicator: SshCommunicator;
  const cwd = process.cwd();

  beforeAll(async () => {
    await loadValidators(chefSoloSchema, chefClientSchema);
    standin = await installChefStandin();
    sshd = await startSshd({ config: standin.sshdConfig });
    communicator = await connectSsh({
      host: sshd.host,
      port: sshd.port,
      config: { ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath },
    });
    // The templates name their inputs relative to fixtures/, where Packer ran.
    process.chdir(FIXTURES);
  });
  afterAll(async () => {
    process.chdir(cwd);
    await communicator?.close?.();
    await sshd?.stop();
    await standin?.stop();
  });

  async function runKiln(chefCase: ChefCase): Promise<Recording> {
    const variables = { ...chefCase.variables };
    const [provisioner, schema]: [Provisioner<never>, JsonSchema] =
      chefCase.provisioner.type === 'chef-solo'
        ? [new ChefSoloProvisioner(), chefSoloSchema]
        : [new ChefClientProvisioner(), chefClientSchema];
    provisioner.prepare(decodeConfig<never>(schema, chefCase.provisioner, variables), templateContext(variables));
    const ui = recordingUi();
    let error: string | undefined;
    await prepareMachine(standin, chefCase);
    try {
      await provisioner.provision(provisionContext(communicator, ui));
    } catch (failure) {
      error = (failure as Error).message;
    } finally {
      await cleanMachine(chefCase);
    }
    // Packer's own `Provisioning with chef-solo` is the provisioner's; core adds nothing here.
    return recordingOf(await standin.calls(), await standin.commands(), ui.lines, error);
  }

  for (const chefCase of CHEF_CASES) {
    it(`${chefCase.name}: same files, commands, output and error`, async () => {
      const packer = readRecording(chefCase);
      const kiln = await runKiln(chefCase);
      expect(Object.keys(kiln.files).sort(), kiln.error).toEqual(Object.keys(packer.files).sort());
      for (const [name, text] of Object.entries(packer.files)) expect(kiln.files[name], name).toBe(text);
      expect(kiln.commands).toEqual(packer.commands);
      expect(kiln.calls).toEqual(packer.calls);
      expect(kiln.ui).toEqual(packer.ui);
      expect(kiln.error).toBe(packer.error);
      // And what arrived is what was sent: each uploaded tree holds the local files, byte for byte.
      const trees = Object.assign({}, ...kiln.calls.map((call) => call.trees ?? {})) as Record<string, unknown>;
      for (const [remote, localDir] of Object.entries(uploadedDirectories(chefCase))) {
        expect(trees[remote], remote).toEqual(localTree(join(FIXTURES, localDir)));
      }
    });
  }
});

// Kept in this file, after the block above: both use the same staging directories on this host,
// and test files run in parallel.
// End to end: the stored template of a case through `kiln build -machine-readable` (the CLI with
// its bundled plugins, the null builder's SSH connection), against Packer 1.6.6's recording of the
// same template. The other cases are compared at the provisioner level in packer-parity; the CLI
// costs a process start each, so four cases stand for the path: user variables in json with the
// installer, every chef-solo upload, every chef-client option, and a failing chef-client with its
// clean-up.
const CLI_CASES = ['solo-defaults', 'solo-everything', 'client-everything', 'client-failure'];

describe('kiln build with the chef provisioners matches Packer 1.6.6', () => {
  let standin: ChefStandin;
  let sshd: Sshd;

  beforeAll(async () => {
    standin = await installChefStandin();
    sshd = await startSshd({ config: standin.sshdConfig });
  });
  afterAll(async () => {
    await sshd?.stop();
    await standin?.stop();
  });

  for (const chefCase of CHEF_CASES.filter((each) => CLI_CASES.includes(each.name))) {
    it(`${chefCase.name}: same files, commands, output and error`, async () => {
      await prepareMachine(standin, chefCase);
      const { ui, error } = kilnBuild(chefCase, sshd);
      const kiln = recordingOf(await standin.calls(), await standin.commands(), ui, error);
      await cleanMachine(chefCase);
      const packer = readRecording(chefCase);
      expect(kiln.files).toEqual(packer.files);
      expect(kiln.commands).toEqual(packer.commands);
      expect(kiln.calls).toEqual(packer.calls);
      expect(kiln.ui).toEqual(packer.ui);
      expect(kiln.error).toBe(packer.error);
    }, 180_000);
  }
});
