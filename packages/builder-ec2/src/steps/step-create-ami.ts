import type { Step } from '@kiln/sdk';
import { ec2BlockDeviceMappings } from '../block-devices.js';
import type { Ec2BuildContext } from '../context.js';
import { snapshotIdsOf } from '../images.js';
import { waitForImage } from '../waiters.js';
import type { AmiRecords } from './ami-records.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { AmiState, InstanceState } from './state.js';

/** The AmiRecords key of the AMI made in the build region. */
export const BUILD = 'build';

/**
 * Packer's stepCreateAMI: CreateImage from the stopped instance, wait until available. With
 * encrypt_boot or skip_save_build_region the AMI is an intermediary one under a random name,
 * which the copy step replaces. On failure or cancel the AMI and its snapshots are deleted, also
 * when the AMI never became available (Packer leaks it then).
 */
export function stepCreateAmi(ctx: Ec2BuildContext, records: AmiRecords): Step<InstanceState, AmiState> {
  const { settings, api } = ctx;
  const region = settings.region;
  let intermediary = false;
  return {
    name: 'StepCreateAMI',
    // Deregisters the AMI when the build failed: it must know how the build ended.
    cleanupAwaitsOutcome: true,
    async run(state, { ui, signal, provide }) {
      intermediary = settings.encryptBoot === true || settings.skipSaveBuildRegion;
      const name = intermediary ? ctx.names.alphaNum(7) : settings.amiName;
      const instanceId = state.instance.InstanceId!;
      ui.say(`Creating AMI ${name} from instance ${instanceId}`);
      await records.intent(BUILD, region, name);
      const mappings = ec2BlockDeviceMappings(settings.amiMappings);
      const imageId = await api
        .createImage({ InstanceId: instanceId, Name: name, ...(mappings ? { BlockDeviceMappings: mappings } : {}) })
        .catch((error: unknown) => {
          throw fail(ui, `Error creating AMI: ${messageOf(error)}`, error);
        });
      await records.created(BUILD, imageId);
      ui.message(`AMI: ${imageId}`);
      provide({ amis: { [region]: imageId }, snapshots: {}, intermediary });
      ui.say('Waiting for AMI to become ready...');
      // The waiter's last answer is the AMI's description: no second DescribeImages as in Packer.
      const image = await waitForImage(api, imageId, { polling: ctx.amiPolling, signal }).catch((error: unknown) => {
        throw fail(ui, `Error waiting for AMI: ${messageOf(error)}`, error);
      });
      await records.described(BUILD, image);
      return { amis: { [region]: imageId }, snapshots: { [region]: snapshotIdsOf(image) }, intermediary };
    },
    async cleanup(_state, { ui, outcome }) {
      if (!records.has(BUILD)) return;
      if (outcome === 'succeeded') {
        // The intermediary AMI is the copy step's to delete; the final one is the artifact.
        if (!intermediary) await records.keep(BUILD);
        return;
      }
      ui.say('Deregistering the AMI and deleting associated snapshots because of cancellation, or error...');
      try {
        await records.destroy(BUILD, (line) => ui.say(line));
      } catch (error) {
        ui.error(`Error deregistering AMI, may still be around: ${messageOf(error)}`);
      }
    },
  };
}
