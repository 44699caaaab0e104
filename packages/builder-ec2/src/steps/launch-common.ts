import { readFile } from 'node:fs/promises';
import type { Image, Instance } from '@aws-sdk/client-ec2';
import type { Ui } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { awsErrorCode } from '../driver.js';
import { findRunInstances, type InstanceHint } from '../lookup.js';
import { KIND } from '../resources.js';
import { retrying } from '../retry.js';
import { waitForInstance } from '../waiters.js';
import { fail, messageOf } from './step-pre-validate.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** user_data / user_data_file, base64-encoded unless it already is (Packer's test: does it decode?). */
export async function loadUserData(ctx: Ec2BuildContext): Promise<string> {
  const { userData, userDataFile } = ctx.settings;
  const text = userDataFile ? await readFile(userDataFile, 'utf8').catch((error: unknown) => {
    throw new Error(`Problem reading user data file: ${messageOf(error)}`, { cause: error });
  }) : userData;
  return BASE64.test(text) ? text : Buffer.from(text, 'utf8').toString('base64');
}

/** The source image must be EBS-backed: amazon-ebs snapshots its volumes. */
export function checkRootDevice(ui: Ui, image: Image): void {
  if (image.RootDeviceType !== 'ebs') {
    throw fail(ui, `The provided source AMI has an invalid root device type.\nExpected 'ebs', got '${image.RootDeviceType ?? ''}'.`);
  }
}

/** run_tags with Packer's default Name tag ("Packer Builder"). */
export function runTagsWithName(ctx: Ec2BuildContext): readonly (readonly [string, string])[] {
  const tags = ctx.settings.runTags;
  return tags.some(([key]) => key === 'Name') ? tags : [...tags, ['Name', 'Packer Builder']];
}

/**
 * What the launch steps share at cleanup: terminate the instance (found through the ledger hint
 * when the launch call failed before answering), wait until it is gone, and keep the ledger in step.
 */
export class SourceInstance {
  private hint: InstanceHint | undefined;
  private clientToken = '';
  private readonly volumes = new Set<string>();

  constructor(private readonly ctx: Ec2BuildContext) {}

  get id(): string | undefined {
    return this.hint?.instanceId;
  }

  /** Records the instance about to be launched, identified by what only this run's instances carry. */
  async recordIntent(detail: { keyName?: string; groupId?: string; launchTemplate?: string; clientToken?: string }): Promise<void> {
    this.clientToken = detail.clientToken ?? this.ctx.names.clientToken();
    this.hint = { clientToken: this.clientToken, ...detail };
    await this.ctx.tracker.record(KIND.instance, this.clientToken, this.ctx.settings.region, { ...detail });
  }

  async launched(instanceId: string): Promise<void> {
    this.hint = { ...this.hint, instanceId };
    await this.ctx.tracker.record(KIND.instance, this.clientToken, this.ctx.settings.region, { instanceId });
  }

  /** Puts the volumes Kiln must delete if the instance leaves them behind into the ledger. */
  async recordVolumes(instance: Instance): Promise<void> {
    const keep = new Set(this.ctx.settings.launchMappings.map((m) => m.device_name));
    for (const mapping of instance.BlockDeviceMappings ?? []) {
      const volumeId = mapping.Ebs?.VolumeId;
      if (!volumeId || keep.has(mapping.DeviceName) || this.volumes.has(volumeId)) continue;
      this.volumes.add(volumeId);
      await this.ctx.tracker.record(KIND.volume, volumeId, this.ctx.settings.region, { instanceId: instance.InstanceId });
    }
  }

  /** Terminates and waits; true when nothing of it is left running. */
  async terminate(ui: Ui): Promise<boolean> {
    if (!this.hint) return true;
    const { api, settings, tracker } = this.ctx;
    let instances: Instance[];
    if (this.hint.instanceId) {
      instances = [{ InstanceId: this.hint.instanceId }];
    } else {
      instances = await findRunInstances(api, this.hint).catch((): Instance[] => []);
      // An instance found only now (its launch call failed) may own volumes that outlive it.
      for (const instance of instances) await this.recordVolumes(instance);
    }
    if (instances.length === 0) {
      await tracker.forget(KIND.instance, this.clientToken, settings.region);
      return true;
    }
    ui.say('Terminating the source AWS instance...');
    for (const instance of instances) {
      const id = instance.InstanceId!;
      try {
        await retrying(() => api.terminateInstances([id]));
      } catch (error) {
        if (awsErrorCode(error) === 'InvalidInstanceID.NotFound') continue;
        ui.error(`Error terminating instance, may still be around: ${messageOf(error)}`);
        return false;
      }
      try {
        await waitForInstance(api, id, 'terminated', { polling: this.ctx.polling, signal: new AbortController().signal });
      } catch (error) {
        ui.error(messageOf(error));
        return false;
      }
    }
    await tracker.forget(KIND.instance, this.clientToken, settings.region);
    return true;
  }

  /** The volumes in the ledger, for StepCleanupVolumes: the described instance's, or those found at termination. */
  get recordedVolumes(): readonly string[] {
    return [...this.volumes];
  }

  async forgetVolume(volumeId: string): Promise<void> {
    this.volumes.delete(volumeId);
    await this.ctx.tracker.forget(KIND.volume, volumeId, this.ctx.settings.region);
  }
}
