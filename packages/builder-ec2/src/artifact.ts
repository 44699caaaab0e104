import type { Artifact, GeneratedData } from '@kiln/sdk';
import type { Ec2ApiFactory } from './driver.js';
import { destroyImage } from './images.js';

export const AMAZON_EBS_BUILDER_ID = 'mitchellh.amazonebs';

/**
 * Packer's amazon Artifact: Id `region:ami,...` sorted, String `AMIs were created:` with one line
 * per region, `atlas.artifact.metadata` {region.<r>: ami}. Destroy deregisters every AMI and,
 * unlike Packer 1.6.6 (which leaves them), deletes their snapshots too.
 */
export function amazonArtifact(options: {
  readonly amis: Readonly<Record<string, string>>;
  readonly apiFor: Ec2ApiFactory;
  readonly generatedData?: GeneratedData;
  readonly builderId?: string;
}): Artifact {
  const regions = Object.keys(options.amis).sort();
  const amis = regions.map((region) => [region, options.amis[region]!] as const);
  return {
    builderId: options.builderId ?? AMAZON_EBS_BUILDER_ID,
    id: amis.map(([region, ami]) => `${region}:${ami}`).join(','),
    files: [],
    describe: () => `AMIs were created:\n${amis.map(([region, ami]) => `${region}: ${ami}\n`).join('')}`,
    state(key) {
      if (key === 'atlas.artifact.metadata') return Object.fromEntries(amis.map(([region, ami]) => [`region.${region}`, ami]));
      if (key === 'generated_data') return options.generatedData;
      return undefined;
    },
    async destroy() {
      const errors: string[] = [];
      for (const [region, ami] of amis) {
        await destroyImage(options.apiFor(region), { imageId: ami }).catch((error: unknown) => {
          errors.push(`${region} ${ami}: ${(error as Error).message}`);
        });
      }
      if (errors.length > 0) throw new Error(`Error destroying AMIs:\n${errors.join('\n')}`);
    },
  };
}
