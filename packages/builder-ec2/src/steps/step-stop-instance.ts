import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { retrying } from '../retry.js';
import { waitForInstance } from '../waiters.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { InstanceState } from './state.js';

/** Packer's StepStopEBSBackedInstance: stops the instance (unless disable_stop_instance) and waits; spot builds skip it. */
export function stepStopInstance(ctx: Ec2BuildContext): Step<InstanceState> {
  const { settings, api } = ctx;
  return {
    name: 'StepStopEBSBackedInstance',
    async run(state, { ui, signal }) {
      if (settings.spot) return;
      const instanceId = state.instance.InstanceId!;
      if (!settings.disableStopInstance) {
        ui.say('Stopping the source instance...');
        await retrying(
          () => {
            ui.message('Stopping instance');
            return api.stopInstances([instanceId]);
          },
          { retryOn: ['InvalidInstanceID.NotFound'], tries: 6, initialDelayMs: 10_000, maxDelayMs: 60_000, signal },
        ).catch((error: unknown) => {
          throw fail(ui, `Error stopping instance: ${messageOf(error)}`, error);
        });
      } else {
        ui.say('Automatic instance stop disabled. Please stop instance manually.');
      }
      ui.say('Waiting for the instance to stop...');
      await waitForInstance(api, instanceId, 'stopped', { polling: ctx.polling, signal }).catch((error: unknown) => {
        throw fail(ui, `Error waiting for instance to stop: ${messageOf(error)}`, error);
      });
    },
  };
}
