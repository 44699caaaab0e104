import { rm } from 'node:fs/promises';
import { KilnError, formatSystemError, type Artifact } from '@kiln/sdk';

export const FILE_BUILDER_ID = 'packer.file';

/** The one file the file builder wrote. */
export function fileArtifact(filename: string): Artifact {
  return {
    builderId: FILE_BUILDER_ID,
    id: 'File',
    files: [filename],
    describe: () => `Stored file: ${filename}`,
    state: (key) =>
      key === 'par.artifact.metadata' ? { ImageID: filename, ProviderName: 'File' } : undefined,
    destroy: async () => {
      try {
        await rm(filename);
      } catch (error) {
        throw new KilnError('IO', formatSystemError(error), { cause: error });
      }
    },
  };
}
