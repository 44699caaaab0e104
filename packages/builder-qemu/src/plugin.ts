import { definePlugin } from '@kiln/sdk';
import { QemuBuilder } from './builder.js';
import { prepareQemuConfig, qemuSchema, type QemuConfig } from './config.js';

export const qemuBuilderPlugin = definePlugin<QemuConfig, QemuBuilder>({
  kind: 'builder',
  type: 'qemu',
  description: 'Builds a QEMU disk image (qcow2 or raw) from an installer ISO or a disk image.',
  schema: qemuSchema,
  validate: (config, ctx) => prepareQemuConfig(config, { buildName: ctx.buildName }).errors,
  create: () => new QemuBuilder(),
});
