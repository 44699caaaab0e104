import { definePlugin } from '@kiln/sdk';
import { shellSchema, type ShellConfig } from './config.js';
import { planShell } from './plan.js';
import { ShellProvisioner } from './provisioner.js';

export const plugin = definePlugin<ShellConfig, ShellProvisioner>({
  kind: 'provisioner',
  type: 'shell',
  description: 'Uploads shell scripts or inline commands to the machine and runs them there.',
  schema: shellSchema,
  validate: (config, ctx) => planShell(config, { ...(ctx.cwd ? { cwd: ctx.cwd } : {}) }).errors,
  create: () => new ShellProvisioner(),
});
