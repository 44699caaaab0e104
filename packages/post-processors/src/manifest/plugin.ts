import { definePlugin } from '@kiln/sdk';
import { manifestSchema, type ManifestConfig } from './config.js';
import { ManifestPostProcessor } from './post-processor.js';

export const plugin = definePlugin<ManifestConfig, ManifestPostProcessor>({
  kind: 'post-processor',
  type: 'manifest',
  description: 'Records every build and its artifact files in a JSON manifest (packer-manifest.json).',
  schema: manifestSchema,
  create: () => new ManifestPostProcessor(),
});
