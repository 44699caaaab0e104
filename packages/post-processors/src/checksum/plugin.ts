import { definePlugin } from '@kiln/sdk';
import { checksumConfigErrors, checksumSchema, type ChecksumConfig } from './config.js';
import { ChecksumPostProcessor } from './post-processor.js';

export const plugin = definePlugin<ChecksumConfig, ChecksumPostProcessor>({
  kind: 'post-processor',
  type: 'checksum',
  description: 'Computes checksums (md5, sha1, sha224, sha256, sha384, sha512) of the artifact files into checksum files.',
  schema: checksumSchema,
  validate: (config) => checksumConfigErrors(config),
  create: () => new ChecksumPostProcessor(),
});
