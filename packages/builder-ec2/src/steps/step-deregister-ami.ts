import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { fail, messageOf } from './step-pre-validate.js';

/**
 * Packer's StepDeregisterAMI: with force_deregister, deregisters the caller's AMIs of the same
 * name in ami_regions and the build region (and, with force_delete_snapshot, their snapshots).
 */
export function stepDeregisterAmi(ctx: Ec2BuildContext): Step<object> {
  const { settings } = ctx;
  return {
    name: 'StepDeregisterAMI',
    async run(_state, { ui }) {
      if (!settings.forceDeregister) return;
      for (const region of [...settings.amiRegions, settings.region]) {
        const api = ctx.apiFor(region);
        const images = await api
          .describeImages({ Owners: ['self'], Filters: [{ Name: 'name', Values: [settings.amiName] }] })
          .catch((error: unknown) => {
            throw fail(ui, `Error describing AMI: ${messageOf(error)}`, error);
          });
        for (const image of images) {
          await api.deregisterImage(image.ImageId!).catch((error: unknown) => {
            throw fail(ui, `Error deregistering existing AMI: ${messageOf(error)}`, error);
          });
          ui.say(`Deregistered AMI ${settings.amiName}, id: ${image.ImageId}`);
          if (!settings.forceDeleteSnapshot) continue;
          for (const mapping of image.BlockDeviceMappings ?? []) {
            const snapshotId = mapping.Ebs?.SnapshotId;
            if (!snapshotId) continue;
            await api.deleteSnapshot(snapshotId).catch((error: unknown) => {
              throw fail(ui, `Error deleting existing snapshot: ${messageOf(error)}`, error);
            });
            ui.say(`Deleted snapshot: ${snapshotId}`);
          }
        }
      }
    },
  };
}
