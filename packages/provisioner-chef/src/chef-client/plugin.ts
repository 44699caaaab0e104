import { definePlugin } from '@kiln/sdk';
import { chefClientSchema, planChefClient, type ChefClientConfig } from './config.js';
import { ChefClientProvisioner } from './provisioner.js';

export const chefClientProvisionerPlugin = definePlugin<ChefClientConfig, ChefClientProvisioner>({
  kind: 'provisioner',
  type: 'chef-client',
  description: 'Installs Chef and runs chef-client against a Chef server, then removes the node and client it registered.',
  schema: chefClientSchema,
  validate: (config) => planChefClient(config).errors,
  create: () => new ChefClientProvisioner(),
});
