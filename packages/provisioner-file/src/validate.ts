import { statErrorText } from '@kiln/sdk';
import type { FileConfig } from './config.js';

/** Every source, as Packer gathers them: `sources` first, then `source`. */
export function fileSources(config: FileConfig): string[] {
  return [...(config.sources ?? []), ...(config.source ? [config.source] : [])];
}

/** Packer's file Prepare: every problem in its order and words. */
export function fileConfigErrors(config: FileConfig, cwd?: string): string[] {
  const direction = config.direction || 'upload';
  const sources = fileSources(config);
  const errors: string[] = [];
  if (direction !== 'download' && direction !== 'upload') errors.push('Direction must be one of: download, upload.');
  if (direction === 'upload' && !config.generated) {
    for (const source of sources) {
      const problem = statErrorText(source, cwd);
      if (problem) errors.push(`Bad source '${source}': ${problem}`);
    }
  }
  if (config.content !== undefined) {
    if (sources.length > 0) errors.push('source(s) conflicts with content.');
    if (direction === 'download') errors.push('content can only be uploaded, not downloaded.');
  } else if (sources.length < 1) {
    errors.push('Source must be specified.');
  }
  if (!config.destination) errors.push('Destination must be specified.');
  return errors;
}
