import type { Step } from '@kiln/sdk';
import { prepareOutputDir } from '@kiln/vm-common';
import type { PreparedQemuConfig } from '../config.js';
import type { QemuState } from '../state.js';

/** Packer's stepPrepareOutputDir: made (or emptied with -force); removed again when the build fails or is cancelled. */
export function stepPrepareOutputDir(config: PreparedQemuConfig, force: boolean): Step<QemuState, Pick<QemuState, 'outputDir'>> {
  return {
    name: 'stepPrepareOutputDir',
    async run(_state, ctx) {
      return { outputDir: await prepareOutputDir({ path: config.outputDir, force, ui: ctx.ui }) };
    },
    async cleanup(state, ctx) {
      await state.outputDir?.cleanup({ failed: ctx.outcome !== 'succeeded' });
    },
  };
}
