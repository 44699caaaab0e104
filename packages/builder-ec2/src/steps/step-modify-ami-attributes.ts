import type { ModifyImageAttributeCommandInput, ModifySnapshotAttributeCommandInput } from '@aws-sdk/client-ec2';
import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { allOrFirstError, inRegionOrder } from './per-region.js';
import { messageOf } from './step-pre-validate.js';
import type { AmiState, SourceImageState } from './state.js';

/**
 * Packer's StepModifyAMIAttributes: description, launch permissions (ami_users/groups) and
 * product codes on every AMI; create-volume permissions (snapshot_users/groups) on every
 * snapshot. Options go in Packer's order of construction (Packer's own order is Go map order).
 */
export function stepModifyAmiAttributes(ctx: Ec2BuildContext): Step<AmiState & SourceImageState> {
  const { settings } = ctx;
  return {
    name: 'StepModifyAMIAttributes',
    async run(state, { ui }) {
      const worthIt =
        settings.amiDescription !== '' ||
        settings.amiUsers.length > 0 ||
        settings.amiGroups.length > 0 ||
        settings.amiProductCodes.length > 0 ||
        settings.snapshotUsers.length > 0 ||
        settings.snapshotGroups.length > 0;
      if (!worthIt) return;
      const description = ctx.render(settings.amiDescription, state.sourceImage);
      const imageOptions: [string, Omit<ModifyImageAttributeCommandInput, 'ImageId'>][] = [];
      if (description) imageOptions.push(['description', { Description: { Value: description } }]);
      if (settings.amiGroups.length > 0) {
        imageOptions.push([
          'groups',
          { UserGroups: [...settings.amiGroups], LaunchPermission: { Add: settings.amiGroups.map((g) => ({ Group: g as 'all' })) } },
        ]);
      }
      if (settings.amiUsers.length > 0) {
        imageOptions.push(['users', { UserIds: [...settings.amiUsers], LaunchPermission: { Add: settings.amiUsers.map((u) => ({ UserId: u })) } }]);
      }
      if (settings.amiProductCodes.length > 0) imageOptions.push(['product codes', { ProductCodes: [...settings.amiProductCodes] }]);
      const snapshotOptions: [string, Omit<ModifySnapshotAttributeCommandInput, 'SnapshotId'>][] = [];
      if (settings.snapshotGroups.length > 0) {
        snapshotOptions.push([
          'groups',
          {
            GroupNames: [...settings.snapshotGroups],
            CreateVolumePermission: { Add: settings.snapshotGroups.map((g) => ({ Group: g as 'all' })) },
          },
        ]);
      }
      if (settings.snapshotUsers.length > 0) {
        snapshotOptions.push([
          'users',
          { UserIds: [...settings.snapshotUsers], CreateVolumePermission: { Add: settings.snapshotUsers.map((u) => ({ UserId: u })) } },
        ]);
      }
      // The lines come in Packer's order, all before the first call (so that StepCreateTags can run
      // alongside and still print after them); the calls for every AMI and snapshot then go at
      // once (Packer makes them one by one, walking its regions in Go map order).
      const onAmis = inRegionOrder(ctx, state.amis).map(([region, ami]) =>
        announced(ui, `Modifying attributes on AMI (${ami})...`, imageOptions, 'Error modify AMI attributes', (input) =>
          ctx.apiFor(region).modifyImageAttribute({ ...input, ImageId: ami }),
        ),
      );
      const onSnapshots = inRegionOrder(ctx, state.snapshots).flatMap(([region, snapshots]) =>
        snapshots.map((snapshot) =>
          announced(ui, `Modifying attributes on snapshot (${snapshot})...`, snapshotOptions, 'Error modify snapshot attributes', (input) =>
            ctx.apiFor(region).modifySnapshotAttribute({ ...input, SnapshotId: snapshot }),
          ),
        ),
      );
      await allOrFirstError(ui, [...onAmis, ...onSnapshots]);
    },
  };
}

/** Says the lines for one resource now; returns its modifications, one option after the other, to run later. */
function announced<Input>(
  ui: { say(text: string): void; message(text: string): void },
  headline: string,
  options: readonly [string, Input][],
  failure: string,
  modify: (input: Input) => Promise<void>,
): () => Promise<void> {
  ui.say(headline);
  for (const [name] of options) ui.message(`Modifying: ${name}`);
  return async () => {
    for (const [, input] of options) {
      await modify(input).catch((error: unknown) => {
        throw new Error(`${failure}: ${messageOf(error)}`, { cause: error });
      });
    }
  };
}
