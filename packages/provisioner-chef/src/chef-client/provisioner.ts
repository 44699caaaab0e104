import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { KilnError, isKilnError, throwConfigErrors, type PrepareContext, type ProvisionContext, type Provisioner } from '@kiln/sdk';
import { ChefSession, stage } from '../common/chef-session.js';
import { elevatedRunner } from '../common/elevated-runner.js';
import { DEFAULT_CLIENT_RB, DEFAULT_KNIFE_RB, type ClientConfigData } from '../common/config-templates.js';
import { timeOrderedUuid } from '../common/time-ordered-uuid.js';
import { planChefClient, type ChefClientConfig, type ChefClientPlan } from './config.js';

const NO_CONFIG: ClientConfigData = {
  ChefEnvironment: '',
  ChefLicense: '',
  ClientKey: '',
  EncryptedDataBagSecretPath: '',
  NodeName: '',
  PolicyGroup: '',
  PolicyName: '',
  ServerUrl: '',
  SslVerifyMode: '',
  TrustedCertsDir: '',
  ValidationClientName: '',
  ValidationKeyPath: '',
};

/**
 * Runs chef-client against a Chef server, then (unless skipped) deletes the node and client it
 * registered with knife on the machine, and removes the staging directory after a good run.
 */
export class ChefClientProvisioner implements Provisioner<ChefClientConfig> {
  private plan?: ChefClientPlan;
  private render?: PrepareContext['render'];

  prepare(config: ChefClientConfig, ctx: PrepareContext): void {
    const { plan, errors } = planChefClient(config);
    throwConfigErrors(errors);
    this.plan = plan;
    this.render = (text, data) => ctx.render(text, data);
  }

  async provision(ctx: ProvisionContext): Promise<void> {
    const { plan, render } = this;
    if (!plan || !render) throw new Error('chef-client: provision() before prepare()');
    if (!ctx.communicator) throw new KilnError('STEP_FAILED', 'chef-client needs a communicator: the build has none');
    const session = new ChefSession(plan, ctx.communicator, ctx.ui, render, ctx.signal);
    const staging = plan.stagingDir;
    const nodeName = plan.nodeName || `packer-${timeOrderedUuid()}`;

    if (!plan.skipInstall) await stage('Error installing Chef', () => session.installChef({ echo: true }));
    await stage('Error creating staging directory', () => session.createDir(staging));
    const clientKey = plan.clientKey || `${staging}/client.pem`;

    const uploadFile = async (remotePath: string, localPath: string) => {
      ctx.ui.message(`Uploading ${localPath}...`);
      await session.uploadFile(remotePath, localPath);
      return remotePath;
    };
    const secretPath = plan.encryptedDataBagSecretPath
      ? await stage('Error uploading encrypted data bag secret', () =>
          uploadFile(`${staging}/encrypted_data_bag_secret`, plan.encryptedDataBagSecretPath),
        )
      : '';
    const validationKeyPath = plan.validationKeyPath
      ? await stage('Error copying validation key', () =>
          uploadFile(`${staging}/validation.pem`, expandUser(plan.validationKeyPath)),
        )
      : '';

    const configPath = await stage('Error creating Chef config file', async () => {
      ctx.ui.message("Creating configuration file 'client.rb'");
      const data: ClientConfigData = {
        ChefEnvironment: plan.chefEnvironment,
        ChefLicense: plan.chefLicense,
        ClientKey: clientKey,
        EncryptedDataBagSecretPath: secretPath,
        NodeName: nodeName,
        PolicyGroup: plan.policyGroup,
        PolicyName: plan.policyName,
        ServerUrl: plan.serverUrl,
        SslVerifyMode: plan.sslVerifyMode,
        TrustedCertsDir: plan.trustedCertsDir,
        ValidationClientName: plan.validationClientName,
        ValidationKeyPath: validationKeyPath,
      };
      const template = plan.configTemplate ? await readFile(plan.configTemplate, 'utf8') : DEFAULT_CLIENT_RB;
      return session.uploadText('client.rb', render(template, { ...data }));
    });
    const jsonPath = await stage('Error creating JSON attributes', () => session.uploadNodeJson('first-boot.json'));

    // The node and client are cleaned up even when the run failed: Chef registered them either way.
    let chefFailure: unknown;
    const communicator = ctx.communicator;
    const elevate = plan.elevatedUser
      ? (command: string) =>
          elevatedRunner(
            communicator,
            command,
            // Packer renders the password with the build's data, e.g. {{ build `Password` }}.
            { user: plan.elevatedUser, password: render(plan.elevatedPassword, ctx.generatedData) },
            ctx.signal,
          )
      : undefined;
    await stage('Error executing Chef', () => session.executeChef(configPath, jsonPath, elevate)).catch((error: unknown) => {
      // A cancelled build stops here: the connection is going away with it.
      if (isKilnError(error) && error.code === 'CANCELLED') throw error;
      chefFailure = error;
    });

    if (!(plan.skipCleanNode && plan.skipCleanClient)) {
      const knifeConfigPath = await stage('Error creating knife config on node', () => {
        ctx.ui.message("Creating configuration file 'knife.rb'");
        const data: ClientConfigData = {
          ...NO_CONFIG,
          NodeName: nodeName,
          ServerUrl: plan.serverUrl,
          ClientKey: clientKey,
          SslVerifyMode: plan.sslVerifyMode,
          TrustedCertsDir: plan.trustedCertsDir,
        };
        return session.uploadText('knife.rb', render(DEFAULT_KNIFE_RB, { ...data }));
      });
      const knife = async (kind: 'node' | 'client') => {
        ctx.ui.say(`Cleaning up chef ${kind}...`);
        const command = render(plan.knifeCommand, {
          Sudo: plan.sudo,
          Flags: ['-y', '-c', knifeConfigPath].join(' '),
          Args: [kind, 'delete', nodeName].join(' '),
        });
        if ((await session.run(command)) !== 0) {
          throw new Error(
            `Failed to cleanup ${kind}: Non-zero exit status. See output above for more info.\n\nCommand: ${command}`,
          );
        }
      };
      if (!plan.skipCleanNode) await stage('Error cleaning up chef node', () => knife('node'));
      if (!plan.skipCleanClient) await stage('Error cleaning up chef client', () => knife('client'));
    }

    if (chefFailure !== undefined) throw chefFailure;

    if (!plan.skipCleanStagingDirectory) {
      // Packer ignores rm's exit status here: a leftover directory does not fail the build.
      await stage(`Error removing ${staging}`, async () => {
        ctx.ui.message(`Removing directory: ${staging}`);
        await session.run(session.commands.removeDir(staging));
      });
    }
  }
}

/** Packer's ExpandUser: a leading `~` is this user's home directory. */
function expandUser(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return `${homedir()}${path.slice(1)}`;
  if (path.startsWith('~')) throw new KilnError('STEP_FAILED', 'Error while expanding a tilde in the validation key: cannot expand user-specific home dir');
  return path;
}
