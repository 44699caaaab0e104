import type { Artifact } from '@kiln/sdk';

export const NULL_BUILDER_ID = 'fnoeding.null';

/** The null builder makes nothing; its artifact says so (and, as in Packer 1.6.6, carries no state). */
export const nullArtifact: Artifact = {
  builderId: NULL_BUILDER_ID,
  id: 'Null',
  files: [],
  describe: () => 'Did not export anything. This is the null builder',
  state: () => undefined,
  destroy: async () => undefined,
};
