import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expandUser } from '@kiln/communicator-ssh';
import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { KIND } from '../resources.js';
import { retrying } from '../retry.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { KeyPairState } from './state.js';

/**
 * Packer's StepKeyPair: uses ssh_private_key_file / the agent / an existing key pair, or creates
 * the temporary key pair (recorded in the ledger first) and deletes it at cleanup. With -debug the
 * private key is saved as ec2_<build>.pem in the working directory, as Packer does.
 */
export function stepKeyPair(ctx: Ec2BuildContext, cwd: string = process.cwd()): Step<object, KeyPairState> {
  const { settings, api, tracker, config } = ctx;
  const debugKeyPath = path.join(cwd, `ec2_${ctx.build.env.buildName}.pem`);
  let created: string | undefined;
  return {
    name: 'StepKeyPair',
    async run(_state, { ui, signal }) {
      if (config.ssh_private_key_file) {
        ui.say('Using existing SSH private key');
        const privateKey = await readFile(expandUser(config.ssh_private_key_file), 'utf8').catch((error: unknown) => {
          throw fail(ui, `Error loading configured private key file: ${messageOf(error)}`, error);
        });
        return { keyPairName: settings.sshKeyPairName, privateKey };
      }
      if (config.ssh_agent_auth) {
        ui.say(
          settings.sshKeyPairName
            ? `Using SSH Agent for existing key pair ${settings.sshKeyPairName}`
            : 'Using SSH Agent with key pair in Source AMI',
        );
        return { keyPairName: settings.sshKeyPairName };
      }
      const name = settings.temporaryKeyPairName;
      if (!name) {
        ui.say('Not using temporary keypair');
        return { keyPairName: '' };
      }
      ui.say(`Creating temporary keypair: ${name}`);
      await tracker.record(KIND.keyPair, name, settings.region);
      created = name;
      const { keyMaterial } = await retrying(() => api.createKeyPair(name), { signal }).catch((error: unknown) => {
        throw fail(ui, `Error creating temporary keypair: ${messageOf(error)}`, error);
      });
      if (ctx.build.env.debug) {
        ui.message(`Saving key for debug purposes: ${debugKeyPath}`);
        await writeFile(debugKeyPath, keyMaterial, { mode: 0o600 });
        await chmod(debugKeyPath, 0o600);
      }
      return { keyPairName: name, privateKey: keyMaterial };
    },
    async cleanup(_state, { ui }) {
      if (!created) return;
      ui.say('Deleting temporary keypair...');
      try {
        await retrying(() => api.deleteKeyPair(created!));
        await tracker.forget(KIND.keyPair, created, settings.region);
      } catch {
        ui.error(`Error cleaning up keypair. Please delete the key manually: ${created}`);
      }
      if (ctx.build.env.debug) {
        await rm(debugKeyPath).catch((error: unknown) => ui.error(`Error removing debug key '${debugKeyPath}': ${messageOf(error)}`));
      }
    },
  };
}
