/** The result of a build or a post-processor, as Packer's packer.Artifact. */
export interface Artifact {
  /** Identifies the kind of artifact: 'mitchellh.amazonebs', 'transcend.qemu', ... */
  readonly builderId: string;
  /** 'us-east-1:ami-1,us-west-2:ami-2', 'VM', ... */
  readonly id: string;
  readonly files: readonly string[];
  /** Packer's String(): the line printed after `--> name: `. */
  describe(): string;
  /** Packer's State(key): 'generated_data', 'atlas.artifact.metadata', ... */
  state(key: string): unknown;
  /** Removes what the artifact stands for (files, images). */
  destroy(): Promise<void>;
}
