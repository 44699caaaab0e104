import { definePlugin } from '@kiln/sdk';
import { NullBuilder } from './builder.js';
import { nullConfigErrors, nullSchema, type NullConfig } from './config.js';

export const plugin = definePlugin<NullConfig, NullBuilder>({
  kind: 'builder',
  type: 'null',
  description: 'Builds nothing: connects to an existing machine (or to none) and runs the provisioners.',
  schema: nullSchema,
  validate: (config) => nullConfigErrors(config),
  create: () => new NullBuilder(),
});
