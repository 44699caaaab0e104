import { resolve } from 'node:path';
import type { Step } from '@kiln/sdk';
import { downloadIso } from '@kiln/vm-common';
import type { PreparedQemuConfig } from '../config.js';
import type { QemuState } from '../state.js';

/**
 * Packer's StepDownload for iso_url(s), or with iso_skip_cache its stepSetISO: the first URL is
 * used where it is, nothing is cached.
 */
export function stepDownload(config: PreparedQemuConfig, cacheDir: string): Step<QemuState, Pick<QemuState, 'isoPath'>> {
  if (config.isoSkipCache) {
    return {
      name: 'stepSetISO',
      async run() {
        const url = config.isoUrls[0]!;
        return { isoPath: /^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('file://') ? url : resolve(url.replace(/^file:\/\//, '')) };
      },
    };
  }
  return {
    name: 'StepDownload',
    async run(_state, ctx) {
      const isoPath = await downloadIso({
        urls: config.isoUrls,
        checksum: config.isoChecksum,
        description: 'ISO',
        cacheDir,
        extension: config.isoTargetExtension,
        ...(config.isoTargetPath ? { targetPath: config.isoTargetPath } : {}),
        ui: ctx.ui,
        signal: ctx.signal,
      });
      return { isoPath };
    },
  };
}
