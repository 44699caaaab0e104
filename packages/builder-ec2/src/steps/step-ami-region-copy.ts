import { KilnError, type Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { snapshotIdsOf } from '../images.js';
import { waitForImage } from '../waiters.js';
import type { AmiRecords } from './ami-records.js';
import { BUILD } from './step-create-ami.js';
import { messageOf } from './step-pre-validate.js';
import type { AmiState } from './state.js';

const copyKey = (region: string) => `copy:${region}`;

/**
 * Packer's StepAMIRegionCopy: copies the AMI to every region of ami_regions at once (with
 * encrypt_boot also back into the build region, encrypted), then deletes the intermediary AMI.
 * Unlike Packer, copies are deleted again when the build fails or is cancelled later on, and
 * with skip_save_build_region the deleted build-region AMI is not listed in the artifact.
 */
export function stepAmiRegionCopy(ctx: Ec2BuildContext, records: AmiRecords): Step<AmiState, AmiState> {
  const { settings } = ctx;
  const original = settings.region;
  let intermediary = false;
  return {
    name: 'StepAMIRegionCopy',
    // Deregisters the copies when the build failed: it must know how the build ended.
    cleanupAwaitsOutcome: true,
    async run(state, { ui, signal, provide }) {
      intermediary = state.intermediary;
      const targets = new Set(settings.amiRegions);
      if (intermediary && !settings.skipSaveBuildRegion) targets.add(original);
      else targets.delete(original);
      const regionKeys: Record<string, string> = { ...settings.regionKmsKeyIds };
      let kmsKeyId = settings.kmsKeyId;
      if (settings.encryptBoot === true) {
        if (kmsKeyId) regionKeys[original] ??= kmsKeyId;
        else if (regionKeys[original]) kmsKeyId = regionKeys[original];
      }
      const ami = state.amis[original]!;
      if (targets.size === 0) return state;

      ui.say(`Copying/Encrypting AMI (${ami}) to other regions...`);
      const amis: Record<string, string> = { ...state.amis };
      const snapshots: Record<string, readonly string[]> = { ...state.snapshots };
      if (settings.skipSaveBuildRegion) {
        delete amis[original];
        delete snapshots[original];
      }
      const copies = [...targets].map((region) => {
        ui.message(`Copying to: ${region}`);
        const keyId = settings.encryptBoot === true ? (regionKeys[region] ?? '') : '';
        return copyTo(region, keyId).then(
          (copy) => {
            amis[region] = copy.imageId;
            snapshots[region] = copy.snapshotIds;
            provide({ amis: { ...amis }, snapshots: { ...snapshots } });
          },
          (error: unknown) => error,
        );
      });
      ui.message('Waiting for all copies to complete...');
      const errors = (await Promise.all(copies)).filter((e): e is unknown => e !== undefined);
      if (errors.length > 0) {
        const message = `${errors.length} error(s) occurred:\n\n${errors.map((e) => `* ${messageOf(e)}`).join('\n')}`;
        ui.error(message);
        throw new KilnError('STEP_FAILED', message, { cause: errors[0] });
      }
      return { amis, snapshots, intermediary };

      async function copyTo(region: string, keyId: string): Promise<{ imageId: string; snapshotIds: string[] }> {
        const api = ctx.apiFor(region);
        const key = copyKey(region);
        await records.intent(key, region, settings.amiName);
        const imageId = await api
          .copyImage({
            SourceRegion: original,
            SourceImageId: ami,
            Name: settings.amiName,
            ...(settings.encryptBoot === undefined ? {} : { Encrypted: settings.encryptBoot }),
            KmsKeyId: keyId,
          })
          .catch((error: unknown) => {
            throw new Error(`Error Copying AMI (${ami}) to region (${region}): ${messageOf(error)}`, { cause: error });
          });
        await records.created(key, imageId);
        // The waiter's last answer is the copy's description: no second DescribeImages as in Packer.
        const image = await waitForImage(api, imageId, { polling: ctx.amiPolling, signal }).catch((error: unknown) => {
          throw new Error(`Error waiting for AMI (${imageId}) in region (${region}): ${messageOf(error)}`, { cause: error });
        });
        await records.described(key, image);
        return { imageId, snapshotIds: snapshotIdsOf(image) };
      }
    },
    async cleanup(_state, { ui, outcome }) {
      if (intermediary && records.has(BUILD)) {
        ui.say('Deregistering the AMI and deleting unencrypted temporary AMIs and snapshots');
        await records.destroy(BUILD, () => undefined).catch((error: unknown) => ui.error(messageOf(error)));
      }
      const keys = records.keys('copy:');
      if (outcome === 'succeeded') {
        for (const key of keys) await records.keep(key);
        return;
      }
      if (keys.length === 0) return;
      ui.say('Deregistering the AMI copies because of cancellation, or error...');
      for (const key of keys) {
        await records.destroy(key, (line) => ui.say(line)).catch((error: unknown) => ui.error(`Error deregistering AMI copy: ${messageOf(error)}`));
      }
    },
  };
}
