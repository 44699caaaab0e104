import { KilnError, type Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';

/**
 * Packer's StepPreValidate: fails early when the AMI name is taken (unless force_deregister or
 * skip_save_build_region), and when a non-default VPC comes without a subnet.
 */
export function stepPreValidate(ctx: Ec2BuildContext): Step<object> {
  const { settings, api } = ctx;
  return {
    name: 'StepPreValidate',
    async run(_state, { ui }) {
      if (settings.forceDeregister) {
        ui.say('Force Deregister flag found, skipping prevalidating AMI Name');
        return;
      }
      if (settings.skipSaveBuildRegion) {
        ui.say('skip_build_region was set; not prevalidating AMI name');
        return;
      }
      ui.say('Prevalidating any provided VPC information');
      if (settings.vpcId && !settings.subnetId && !settings.subnetFilter) {
        const [vpc] = await api.describeVpcs({ VpcIds: [settings.vpcId] }).catch((error: unknown) => {
          throw fail(ui, `Error retrieving VPC information for vpc_id ${settings.vpcId}: ${messageOf(error)}`, error);
        });
        if (!vpc?.IsDefault) throw fail(ui, 'Error: subnet_id or subnet_filter must be provided for non-default VPCs');
      }
      ui.say(`Prevalidating AMI Name: ${settings.amiName}`);
      const images = await ctx.early.imagesNamedLikeTheAmi().catch((error: unknown) => {
        throw fail(ui, `Error querying AMI: ${messageOf(error)}`, error);
      });
      const taken = images[0];
      if (taken) throw fail(ui, `Error: AMI Name: '${taken.Name ?? settings.amiName}' is used by an existing AMI: ${taken.ImageId ?? ''}`);
    },
  };
}

/** Packer's habit in steps: the error is shown on the Ui and also halts the build. */
export function fail(ui: { error(text: string): void }, message: string, cause?: unknown): KilnError {
  ui.error(message);
  return new KilnError('STEP_FAILED', message, cause === undefined ? {} : { cause });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
