import { definePlugin } from '@kiln/sdk';
import { hostOs, planShellLocal, shellLocalSchema, type ShellLocalConfig } from '@kiln/shell-common';
import { ShellLocalPostProcessor, withLegacyExecuteCommand } from './post-processor.js';

export const plugin = definePlugin<ShellLocalConfig, ShellLocalPostProcessor>({
  kind: 'post-processor',
  type: 'shell-local',
  description: 'Runs shell commands or scripts on the machine that runs Kiln after a build, with its artifact data.',
  schema: shellLocalSchema('post-processor'),
  validate: (config) => planShellLocal(withLegacyExecuteCommand(config), { os: hostOs() }).errors,
  create: () => new ShellLocalPostProcessor(),
});
