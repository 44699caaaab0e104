import type { Image } from '@aws-sdk/client-ec2';

/** The generated data keys amazon-ebs declares at prepare (Packer's GetGeneratedDataList). */
export const GENERATED_DATA_KEYS = [
  'SourceAMIName',
  'BuildRegion',
  'SourceAMI',
  'SourceAMICreationDate',
  'SourceAMIOwner',
  'SourceAMIOwnerName',
] as const;

/**
 * The data tags, descriptions and provisioners see ({{ .SourceAMIName }}, {{ build `BuildRegion` }}):
 * Packer's BuildInfoTemplate. Before the source image is known, only BuildRegion.
 */
export function buildInfo(region: string, source: Image | undefined): Record<string, unknown> {
  if (!source) return { BuildRegion: region };
  const tags: Record<string, string> = {};
  for (const tag of source.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return {
    BuildRegion: region,
    SourceAMI: source.ImageId ?? '',
    SourceAMICreationDate: source.CreationDate ?? '',
    SourceAMIName: source.Name ?? '',
    SourceAMIOwner: source.OwnerId ?? '',
    SourceAMIOwnerName: source.ImageOwnerAlias ?? '',
    SourceAMITags: tags,
  };
}

/** The generated data handed to provisioners: the declared keys only (not the tag map). */
export function generatedData(region: string, source: Image | undefined): Record<string, unknown> {
  const info = buildInfo(region, source);
  const data: Record<string, unknown> = {};
  for (const key of GENERATED_DATA_KEYS) if (key in info) data[key] = info[key];
  return data;
}
