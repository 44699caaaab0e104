import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { retrying } from '../retry.js';
import { renderTags, reportTags } from '../tags.js';
import { allOrFirstError, inRegionOrder } from './per-region.js';
import { messageOf } from './step-pre-validate.js';
import type { AmiState, SourceImageState } from './state.js';

/**
 * Packer's StepCreateTags: `tags` on every AMI and its snapshots, then `snapshot_tags` on the
 * snapshots, in every region. The lines come region by region as in Packer; the calls of all
 * regions then go at once (Packer walks its regions one by one, in Go map order). The snapshots are
 * those the AMI's wait found, where Packer describes each AMI once more.
 */
export function stepCreateTags(ctx: Ec2BuildContext): Step<AmiState & SourceImageState> {
  const { settings } = ctx;
  return {
    name: 'StepCreateTags',
    async run(state, { ui, signal }) {
      if (settings.tags.length === 0 && settings.snapshotTags.length === 0) return;
      const render = (text: string) => ctx.render(text, state.sourceImage);
      const tagging = inRegionOrder(ctx, state.amis).map(([region, ami]) => {
        ui.say(`Adding tags to AMI (${ami})...`);
        const snapshotIds = [...(state.snapshots[region] ?? [])];
        for (const snapshot of snapshotIds) ui.say(`Tagging snapshot: ${snapshot}`);
        ui.say('Creating AMI tags');
        const amiTags = renderTags(settings.tags, render);
        reportTags(ui, amiTags);
        ui.say('Creating snapshot tags');
        const snapshotTags = renderTags(settings.snapshotTags, render);
        reportTags(ui, snapshotTags);
        const api = ctx.apiFor(region);
        const resources = [ami, ...snapshotIds];
        return async () => {
          await retrying(
            async () => {
              if (amiTags.length > 0) await api.createTags(resources, amiTags);
              if (snapshotTags.length > 0 && snapshotIds.length > 0) await api.createTags(snapshotIds, snapshotTags);
            },
            { retryOn: ['InvalidAMIID.NotFound', 'InvalidSnapshot.NotFound'], signal },
          ).catch((error: unknown) => {
            throw new Error(`Error adding tags to Resources (${resources.join(', ')}): ${messageOf(error)}`, { cause: error });
          });
        };
      });
      await allOrFirstError(ui, tagging);
    },
  };
}
