import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { snapshotIdsOf } from '../images.js';
import { retrying } from '../retry.js';
import { renderTags, reportTags } from '../tags.js';
import { inRegionOrder } from './step-modify-ami-attributes.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { AmiState, SourceImageState } from './state.js';

/** Packer's StepCreateTags: `tags` on every AMI and its snapshots, then `snapshot_tags` on the snapshots, in every region. */
export function stepCreateTags(ctx: Ec2BuildContext): Step<AmiState & SourceImageState> {
  const { settings } = ctx;
  return {
    name: 'StepCreateTags',
    async run(state, { ui, signal }) {
      if (settings.tags.length === 0 && settings.snapshotTags.length === 0) return;
      const render = (text: string) => ctx.render(text, state.sourceImage);
      for (const [region, ami] of inRegionOrder(ctx, state.amis)) {
        ui.say(`Adding tags to AMI (${ami})...`);
        const api = ctx.apiFor(region);
        const [image] = await api.describeImages({ ImageIds: [ami] }).catch((error: unknown) => {
          throw fail(ui, `Error retrieving details for AMI (${ami}): ${messageOf(error)}`, error);
        });
        if (!image) throw fail(ui, `Error retrieving details for AMI (${ami}), no images found`);
        const snapshotIds = snapshotIdsOf(image);
        for (const snapshot of snapshotIds) ui.say(`Tagging snapshot: ${snapshot}`);
        ui.say('Creating AMI tags');
        const amiTags = renderTags(settings.tags, render);
        reportTags(ui, amiTags);
        ui.say('Creating snapshot tags');
        const snapshotTags = renderTags(settings.snapshotTags, render);
        reportTags(ui, snapshotTags);
        const resources = [ami, ...snapshotIds];
        await retrying(
          async () => {
            if (amiTags.length > 0) await api.createTags(resources, amiTags);
            if (snapshotTags.length > 0 && snapshotIds.length > 0) await api.createTags(snapshotIds, snapshotTags);
          },
          { retryOn: ['InvalidAMIID.NotFound', 'InvalidSnapshot.NotFound'], signal },
        ).catch((error: unknown) => {
          throw fail(ui, `Error adding tags to Resources (${resources.join(', ')}): ${messageOf(error)}`, error);
        });
      }
    },
  };
}
