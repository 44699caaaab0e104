import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { awsErrorCode } from '../driver.js';
import { retrying } from '../retry.js';
import type { SourceInstance } from './launch-common.js';
import { messageOf } from './step-pre-validate.js';
import type { InstanceState } from './state.js';

/**
 * Packer's StepCleanupVolumes (cleanup only, after the instance is terminated): deletes the
 * volumes the instance left behind, except the launch_block_device_mappings, which follow their
 * own delete_on_termination as in Packer.
 */
export function stepCleanupVolumes(ctx: Ec2BuildContext, source: SourceInstance): Step<object, Partial<InstanceState>> {
  const { api } = ctx;
  return {
    name: 'StepCleanupVolumes',
    async run() {
      return {};
    },
    async cleanup(state, { ui }) {
      const volumeIds = source.recordedVolumes;
      if (!state.instance && volumeIds.length === 0) {
        ui.say('No volumes to clean up, skipping');
        return;
      }
      ui.say('Cleaning up any extra volumes...');
      const described = new Set((state.instance?.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.VolumeId ? [m.Ebs.VolumeId] : [])));
      const candidates = [...new Set([...described, ...volumeIds])];
      let volumes;
      try {
        volumes = await api.describeVolumes({ Filters: [{ Name: 'volume-id', Values: candidates }] });
      } catch (error) {
        ui.error(`Error describing volumes: ${messageOf(error)}`);
        return;
      }
      const leftovers = volumes.filter((v) => v.State === 'available' && volumeIds.includes(v.VolumeId ?? ''));
      for (const volumeId of volumeIds) if (!volumes.some((v) => v.VolumeId === volumeId)) await source.forgetVolume(volumeId);
      if (volumes.length === 0) {
        ui.say('No volumes to clean up, skipping');
        return;
      }
      for (const volume of leftovers) {
        const volumeId = volume.VolumeId!;
        ui.say(`Destroying volume (${volumeId})...`);
        try {
          await retrying(() => api.deleteVolume(volumeId), { retryOn: ['VolumeInUse'] });
          await source.forgetVolume(volumeId);
        } catch (error) {
          if (awsErrorCode(error) === 'InvalidVolume.NotFound') await source.forgetVolume(volumeId);
          else ui.say(`Error deleting volume: ${messageOf(error)}`);
        }
      }
    },
  };
}
