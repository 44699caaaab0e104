import { rm } from 'node:fs/promises';
import { KilnError, formatSystemError, type Artifact } from '@kiln/sdk';

export const CHECKSUM_BUILDER_ID = 'packer.post-processor.checksum';

/**
 * The input files plus the checksum files. As in Packer, destroying it removes them all, input
 * files included (a later post-processor that does not keep its input does that).
 */
export function checksumArtifact(files: readonly string[]): Artifact {
  return {
    builderId: CHECKSUM_BUILDER_ID,
    id: '',
    files,
    describe: () => `Created artifact from files: ${files.join(', ')}`,
    state: () => undefined,
    destroy: async () => {
      for (const file of files) {
        try {
          await rm(file, { recursive: true, force: true });
        } catch (error) {
          throw new KilnError('IO', formatSystemError(error), { cause: error });
        }
      }
    },
  };
}
