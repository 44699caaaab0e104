import { readFile } from 'node:fs/promises';
import { KilnError, throwConfigErrors, type PrepareContext, type ProvisionContext, type Provisioner } from '@kiln/sdk';
import { ChefSession, stage } from '../common/chef-session.js';
import { DEFAULT_SOLO_RB, type SoloConfigData } from '../common/config-templates.js';
import { planChefSolo, type ChefSoloConfig, type ChefSoloPlan } from './config.js';

/** Runs chef-solo on the machine with cookbooks, roles, data bags and environments uploaded from here. */
export class ChefSoloProvisioner implements Provisioner<ChefSoloConfig> {
  private plan?: ChefSoloPlan;
  private render?: PrepareContext['render'];

  prepare(config: ChefSoloConfig, ctx: PrepareContext): void {
    const { plan, errors } = planChefSolo(config);
    throwConfigErrors(errors);
    this.plan = plan;
    this.render = (text, data) => ctx.render(text, data);
  }

  async provision(ctx: ProvisionContext): Promise<void> {
    const { plan, render } = this;
    if (!plan || !render) throw new Error('chef-solo: provision() before prepare()');
    if (!ctx.communicator) throw new KilnError('STEP_FAILED', 'chef-solo needs a communicator: the build has none');
    const session = new ChefSession(plan, ctx.communicator, ctx.ui, render, ctx.signal);
    const staging = plan.stagingDir;
    ctx.ui.say('Provisioning with chef-solo');

    if (!plan.skipInstall) await stage('Error installing Chef', () => session.installChef({ echo: false }));
    await stage('Error creating staging directory', () => session.createDir(staging));

    const cookbookPaths: string[] = [];
    for (const [index, local] of plan.cookbookPaths.entries()) {
      const target = `${staging}/cookbooks-${index}`;
      await stage('Error uploading cookbooks', () => session.uploadDirectory(target, local));
      cookbookPaths.push(target);
    }
    const uploadDir = async (local: string, name: string, words: string): Promise<string> => {
      if (!local) return '';
      const target = `${staging}/${name}`;
      await stage(words, () => session.uploadDirectory(target, local));
      return target;
    };
    const rolesPath = await uploadDir(plan.rolesPath, 'roles', 'Error uploading roles');
    const dataBagsPath = await uploadDir(plan.dataBagsPath, 'data_bags', 'Error uploading data bags');
    let secretPath = '';
    if (plan.encryptedDataBagSecretPath) {
      secretPath = `${staging}/encrypted_data_bag_secret`;
      await stage('Error uploading encrypted data bag secret', () =>
        session.uploadFile(secretPath, plan.encryptedDataBagSecretPath),
      );
    }
    const environmentsPath = await uploadDir(plan.environmentsPath, 'environments', 'Error uploading environments');

    const configPath = await stage('Error creating Chef config file', async () => {
      ctx.ui.message("Creating configuration file 'solo.rb'");
      const data: SoloConfigData = {
        CookbookPaths: [...plan.remoteCookbookPaths, ...cookbookPaths].map((path) => `"${path}"`).join(','),
        RolesPath: rolesPath,
        DataBagsPath: dataBagsPath,
        EncryptedDataBagSecretPath: secretPath,
        EnvironmentsPath: environmentsPath,
        HasRolesPath: rolesPath !== '',
        HasDataBagsPath: dataBagsPath !== '',
        HasEncryptedDataBagSecretPath: secretPath !== '',
        HasEnvironmentsPath: environmentsPath !== '',
        ChefEnvironment: plan.chefEnvironment,
        ChefLicense: plan.chefLicense,
      };
      const template = plan.configTemplate ? await readFile(plan.configTemplate, 'utf8') : DEFAULT_SOLO_RB;
      return session.uploadText('solo.rb', render(template, { ...data }));
    });
    const jsonPath = await stage('Error creating JSON attributes', () => session.uploadNodeJson('node.json'));
    await stage('Error executing Chef', () => session.executeChef(configPath, jsonPath));
  }
}
