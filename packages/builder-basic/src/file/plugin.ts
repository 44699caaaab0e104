import { definePlugin } from '@kiln/sdk';
import { FileBuilder } from './builder.js';
import { fileConfigErrors, fileSchema, type FileConfig } from './config.js';

export const plugin = definePlugin<FileConfig, FileBuilder>({
  kind: 'builder',
  type: 'file',
  description: 'Writes one file from inline content or a copy of another file; handy to try out templates.',
  schema: fileSchema,
  validate: (config) => fileConfigErrors(config),
  create: () => new FileBuilder(),
});
