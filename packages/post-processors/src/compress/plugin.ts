import { definePlugin } from '@kiln/sdk';
import { compressSchema, type CompressConfig } from './config.js';
import { CompressPostProcessor } from './post-processor.js';

export const plugin = definePlugin<CompressConfig, CompressPostProcessor>({
  kind: 'post-processor',
  type: 'compress',
  description: 'Archives and compresses the artifact files into one file (tar, zip, gzip, xz, lz4, bgzf).',
  schema: compressSchema,
  create: () => new CompressPostProcessor(),
});
