import { definePlugin } from '@kiln/sdk';
import { AmazonEbsBuilder } from './builder.js';
import { amazonEbsSchema, type AmazonEbsConfig } from './config.js';
import { amazonEbsConfigErrors } from './validate.js';

export const amazonEbsPlugin = definePlugin<AmazonEbsConfig, AmazonEbsBuilder>({
  kind: 'builder',
  type: 'amazon-ebs',
  description: 'Creates EBS-backed AMIs by launching a source AMI, provisioning it and snapshotting it (Amazon EC2).',
  schema: amazonEbsSchema,
  templateFunctions: 'amazon',
  validate: (config) => amazonEbsConfigErrors(config),
  create: () => new AmazonEbsBuilder(),
});
