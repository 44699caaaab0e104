import { definePlugin } from '@kiln/sdk';
import { hostOs, planShellLocal, shellLocalSchema, type ShellLocalConfig } from '@kiln/shell-common';
import { ShellLocalProvisioner } from './provisioner.js';

export const plugin = definePlugin<ShellLocalConfig, ShellLocalProvisioner>({
  kind: 'provisioner',
  type: 'shell-local',
  description: 'Runs shell commands or scripts on the machine that runs Kiln, once for each build.',
  schema: shellLocalSchema('provisioner'),
  validate: (config) => planShellLocal(config, { os: hostOs() }).errors,
  create: () => new ShellLocalProvisioner(),
});
