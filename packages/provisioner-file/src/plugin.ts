import { definePlugin } from '@kiln/sdk';
import { fileSchema, type FileConfig } from './config.js';
import { FileProvisioner } from './provisioner.js';
import { fileConfigErrors } from './validate.js';

export const plugin = definePlugin<FileConfig, FileProvisioner>({
  kind: 'provisioner',
  type: 'file',
  description: 'Uploads files and directories to the machine, or downloads them from it.',
  schema: fileSchema,
  validate: (config, ctx) => fileConfigErrors(config, ctx.cwd),
  create: () => new FileProvisioner(),
});
