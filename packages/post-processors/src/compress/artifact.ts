import { rm } from 'node:fs/promises';
import { KilnError, formatSystemError, type Artifact } from '@kiln/sdk';

export const COMPRESS_BUILDER_ID = 'packer.post-processor.compress';

export function compressArtifact(path: string): Artifact {
  return {
    builderId: COMPRESS_BUILDER_ID,
    id: '',
    files: [path],
    describe: () => `compressed artifacts in: ${path}`,
    state: () => undefined,
    destroy: async () => {
      try {
        await rm(path);
      } catch (error) {
        throw new KilnError('IO', formatSystemError(error), { cause: error });
      }
    },
  };
}
