export { buildTemplateSchema } from './template-schema.js';
export type { PluginSchemaSource } from './template-schema.js';
export { describePluginOptions } from './describe-options.js';
export type { PluginOption } from './describe-options.js';
