import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Artifact, GeneratedData } from '@kiln/sdk';

export const QEMU_BUILDER_ID = 'transcend.qemu';

export interface QemuArtifactState {
  readonly generatedData: GeneratedData | undefined;
  readonly diskName: string;
  /** Only when the builder created the disks (not for a copied disk_image). */
  readonly diskPaths: readonly string[] | undefined;
  readonly diskType: string;
  readonly diskSize: string;
  readonly domainType: string;
}

/** Packer's qemu Artifact: every file of the output directory; Id `VM`; Destroy removes the directory. */
export class QemuArtifact implements Artifact {
  readonly builderId = QEMU_BUILDER_ID;
  readonly id = 'VM';

  constructor(
    readonly dir: string,
    readonly files: readonly string[],
    private readonly values: QemuArtifactState,
  ) {}

  describe(): string {
    return `VM files in directory: ${this.dir}`;
  }

  state(key: string): unknown {
    switch (key) {
      case 'generated_data':
        return this.values.generatedData;
      case 'diskName':
        return this.values.diskName;
      case 'diskPaths':
        return this.values.diskPaths;
      case 'diskType':
        return this.values.diskType;
      case 'diskSize':
        return this.values.diskSize;
      case 'domainType':
        return this.values.domainType;
      default:
        return undefined;
    }
  }

  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The files under dir, as Go's filepath.Walk lists them: lexical order, paths joined onto dir. */
export async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else files.push(path);
  }
  return files;
}
