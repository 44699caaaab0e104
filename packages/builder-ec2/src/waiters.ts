import type { Image, Instance } from '@aws-sdk/client-ec2';
import { awsErrorCode, type Ec2Api } from './driver.js';
import { pollUntil, type Polling, type PollResult } from './polling.js';

type InstanceTarget = 'running' | 'stopped' | 'terminated';

/** The AWS SDK waiters' failure states: waiting for `running` stops at once on `terminated`. */
const FAILURE_STATES: Record<InstanceTarget, readonly string[]> = {
  running: ['shutting-down', 'terminated', 'stopping'],
  stopped: ['pending', 'terminated'],
  terminated: ['pending', 'stopping'],
};

/** WaitUntilInstanceRunning / Stopped / Terminated; resolves with the instance as last described. */
export function waitForInstance(
  api: Ec2Api,
  instanceId: string,
  target: InstanceTarget,
  options: { readonly polling: Polling; readonly signal: AbortSignal },
): Promise<Instance | undefined> {
  return pollUntil<Instance | undefined>(
    async (): Promise<PollResult<Instance | undefined>> => {
      let instance: Instance | undefined;
      try {
        [instance] = await api.describeInstances({ InstanceIds: [instanceId] });
      } catch (error) {
        // Just created and not yet visible (eventual consistency), or already gone for good.
        if (awsErrorCode(error) !== 'InvalidInstanceID.NotFound') throw error;
        return target === 'terminated' ? { done: undefined } : { pending: 'not found yet' };
      }
      const state = instance?.State?.Name ?? 'unknown';
      if (!instance) return target === 'terminated' ? { done: undefined } : { pending: 'not found yet' };
      if (state === target) return { done: instance };
      if (FAILURE_STATES[target].includes(state)) {
        const reason = instance.StateReason?.Message ?? instance.StateTransitionReason;
        return { failed: `instance ${instanceId} is ${state}${reason ? ` (${reason})` : ''}` };
      }
      return { pending: state };
    },
    { ...options, description: `instance ${instanceId} to be ${target}` },
  );
}

/** WaitUntilImageAvailable; resolves with the image as last described. */
export function waitForImage(
  api: Ec2Api,
  imageId: string,
  options: { readonly polling: Polling; readonly signal: AbortSignal },
): Promise<Image> {
  return pollUntil<Image>(
    async (): Promise<PollResult<Image>> => {
      let image: Image | undefined;
      try {
        [image] = await api.describeImages({ ImageIds: [imageId] });
      } catch (error) {
        if (awsErrorCode(error) !== 'InvalidAMIID.NotFound') throw error;
      }
      const state = image?.State ?? 'not found yet';
      if (image && state === 'available') return { done: image };
      if (state === 'failed') return { failed: `AMI ${imageId} failed: ${image?.StateReason?.Message ?? 'no reason given'}` };
      return { pending: state };
    },
    { ...options, description: `AMI ${imageId} in ${api.region} to become available` },
  );
}
