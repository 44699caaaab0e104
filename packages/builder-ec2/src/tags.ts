import type { Tag } from '@aws-sdk/client-ec2';
import type { Ui } from '@kiln/sdk';
import type { RawTags } from './settings.js';

/**
 * Renders tags with the build data (.BuildRegion, .SourceAMI, ...): key and value, as Packer's
 * TagMap.EC2Tags. Order is the template's (Packer's is Go map order, i.e. random).
 */
export function renderTags(tags: RawTags, render: (text: string) => string): Tag[] {
  return tags.map(([key, value]) => ({ Key: render(key), Value: render(value) }));
}

/** Packer's TagMap.Report: one `Adding tag: "k": "v"` line per tag. */
export function reportTags(ui: Ui, tags: readonly Tag[]): void {
  for (const tag of tags) ui.message(`Adding tag: "${tag.Key ?? ''}": "${tag.Value ?? ''}"`);
}
