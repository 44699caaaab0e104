import { definePlugin } from '@kiln/sdk';
import { chefSoloSchema, planChefSolo, type ChefSoloConfig } from './config.js';
import { ChefSoloProvisioner } from './provisioner.js';

export const chefSoloProvisionerPlugin = definePlugin<ChefSoloConfig, ChefSoloProvisioner>({
  kind: 'provisioner',
  type: 'chef-solo',
  description: 'Installs Chef and runs chef-solo on the machine with cookbooks uploaded from this one.',
  schema: chefSoloSchema,
  validate: (config) => planChefSolo(config).errors,
  create: () => new ChefSoloProvisioner(),
});
