import type { Instance, RunInstancesCommandInput, TagSpecification } from '@aws-sdk/client-ec2';
import type { Step } from '@kiln/sdk';
import { ec2BlockDeviceMappings, noEphemeralMappings } from '../block-devices.js';
import type { Ec2BuildContext } from '../context.js';
import { awsErrorCode } from '../driver.js';
import { retrying } from '../retry.js';
import { renderTags, reportTags } from '../tags.js';
import { waitForInstance } from '../waiters.js';
import { checkRootDevice, loadUserData, runTagsWithName, type SourceInstance } from './launch-common.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { IamProfileState, InstanceState, KeyPairState, NetworkState, SecurityGroupState, SourceImageState } from './state.js';

type In = SourceImageState & NetworkState & KeyPairState & SecurityGroupState & IamProfileState;

/**
 * Packer's StepRunSourceInstance: RunInstances with run_tags and run_volume_tags as tag
 * specifications, then waits for `running`. The instance is in the ledger (by client token, and
 * by what only this run's instances carry) before RunInstances is sent, so it is terminated at
 * cleanup even when the call failed after EC2 launched it.
 */
export function stepRunSourceInstance(ctx: Ec2BuildContext, source: SourceInstance): Step<In, InstanceState> {
  const { settings, api } = ctx;
  return {
    name: 'StepRunSourceInstance',
    async run(state, { ui, signal, provide }) {
      const userData = await loadUserData(ctx).catch((error: unknown) => {
        throw fail(ui, messageOf(error), error);
      });
      ui.say('Launching a source AWS instance...');
      checkRootDevice(ui, state.sourceImage);
      ui.say('Adding tags to source instance');
      const render = (text: string) => ctx.render(text, state.sourceImage);
      const instanceTags = renderTags(runTagsWithName(ctx), render);
      const volumeTags = renderTags(settings.runVolumeTags, render);
      const tagSpecifications: TagSpecification[] = [{ ResourceType: 'instance', Tags: instanceTags }];
      if (volumeTags.length > 0) tagSpecifications.push({ ResourceType: 'volume', Tags: volumeTags });
      reportTags(ui, instanceTags);
      reportTags(ui, volumeTags);

      const clientToken = ctx.names.clientToken();
      const input = runInstancesInput(ctx, state, { userData, clientToken, tagSpecifications });
      await source.recordIntent({
        clientToken,
        ...(state.keyPairName && state.keyPairName === settings.temporaryKeyPairName ? { keyName: state.keyPairName } : {}),
        ...(settings.securityGroupIds.length === 0 && !settings.securityGroupFilter && state.securityGroupIds[0]
          ? { groupId: state.securityGroupIds[0] }
          : {}),
      });
      let launched: Instance;
      try {
        // A new instance profile takes a while to be usable (eventual consistency of IAM).
        const profileNotReady = (error: unknown) =>
          awsErrorCode(error) === 'InvalidParameterValue' && messageOf(error).includes('iamInstanceProfile');
        launched = await retrying(() => api.runInstances(input), { signal, retryIf: profileNotReady });
      } catch (error) {
        if (awsErrorCode(error) === 'VPCIdNotSpecified' && !state.subnetId) {
          throw fail(ui, 'Error launching source instance: a valid Subnet Id was not specified', error);
        }
        throw fail(ui, `Error launching source instance: ${messageOf(error)}`, error);
      }
      const instanceId = launched.InstanceId!;
      await source.launched(instanceId);
      ui.message(`Instance ID: ${instanceId}`);
      ui.say(`Waiting for instance (${instanceId}) to become ready...`);
      const running = await waitForInstance(api, instanceId, 'running', { polling: ctx.polling, signal }).catch((error: unknown) => {
        throw fail(ui, `Error waiting for instance (${instanceId}) to become ready: ${messageOf(error)}`, error);
      });
      // Packer describes the instance again here because Go's waiters return nothing; the
      // waiter's last answer already is that description, so Kiln saves the round trip.
      const [instance] = running
        ? [running]
        : await retrying(() => api.describeInstances({ InstanceIds: [instanceId] }), {
            retryOn: ['InvalidInstanceID.NotFound'],
            signal,
          }).catch(() => []);
      if (!instance) throw fail(ui, 'Error finding source instance.');
      provide({ instance });
      await source.recordVolumes(instance);
      if (ctx.build.env.debug) reportAddresses(ui, instance);
      return { instance };
    },
    async cleanup(_state, { ui }) {
      await source.terminate(ui);
    },
  };
}

function runInstancesInput(
  ctx: Ec2BuildContext,
  state: In,
  extra: { userData: string; clientToken: string; tagSpecifications: TagSpecification[] },
): RunInstancesCommandInput {
  const { settings } = ctx;
  const mappings = [...(ec2BlockDeviceMappings(settings.launchMappings) ?? []), ...(settings.noEphemeral ? noEphemeralMappings() : [])];
  const input: RunInstancesCommandInput = {
    ImageId: state.sourceImage.ImageId,
    InstanceType: settings.instanceType as RunInstancesCommandInput['InstanceType'],
    UserData: extra.userData,
    MaxCount: 1,
    MinCount: 1,
    IamInstanceProfile: { Name: state.iamInstanceProfile },
    Placement: { AvailabilityZone: state.availabilityZone, ...(settings.tenancy ? { Tenancy: settings.tenancy as 'default' } : {}) },
    EbsOptimized: settings.ebsOptimized,
    ClientToken: extra.clientToken,
    TagSpecifications: extra.tagSpecifications,
    InstanceInitiatedShutdownBehavior: settings.shutdownBehavior as 'stop',
  };
  if (mappings.length > 0) input.BlockDeviceMappings = mappings;
  if (settings.enableT2Unlimited) input.CreditSpecification = { CpuCredits: 'unlimited' };
  if (state.keyPairName) input.KeyName = state.keyPairName;
  if (state.subnetId && settings.associatePublicIpAddress) {
    input.NetworkInterfaces = [
      {
        DeviceIndex: 0,
        AssociatePublicIpAddress: true,
        SubnetId: state.subnetId,
        Groups: [...state.securityGroupIds],
        DeleteOnTermination: true,
      },
    ];
  } else {
    input.SubnetId = state.subnetId;
    input.SecurityGroupIds = [...state.securityGroupIds];
  }
  return input;
}

function reportAddresses(ui: { message(text: string): void }, instance: Instance): void {
  if (instance.PublicDnsName) ui.message(`Public DNS: ${instance.PublicDnsName}`);
  if (instance.PublicIpAddress) ui.message(`Public IP: ${instance.PublicIpAddress}`);
  if (instance.PrivateIpAddress) ui.message(`Private IP: ${instance.PrivateIpAddress}`);
}
