import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { InstanceState } from './state.js';

/** Packer's StepModifyEBSBackedInstance: SR-IOV and ENA flags on the stopped instance, which the AMI inherits. */
export function stepModifyInstance(ctx: Ec2BuildContext): Step<InstanceState> {
  const { settings, api } = ctx;
  return {
    name: 'StepModifyEBSBackedInstance',
    async run(state, { ui }) {
      const instanceId = state.instance.InstanceId!;
      if (settings.sriovSupport) {
        ui.say('Enabling Enhanced Networking (SR-IOV)...');
        await api.modifyInstanceAttribute({ InstanceId: instanceId, SriovNetSupport: { Value: 'simple' } }).catch((error: unknown) => {
          throw fail(ui, `Error enabling Enhanced Networking (SR-IOV) on ${instanceId}: ${messageOf(error)}`, error);
        });
      }
      if (settings.enaSupport !== undefined) {
        const verb = settings.enaSupport ? 'Enabling' : 'Disabling';
        ui.say(`${verb} Enhanced Networking (ENA)...`);
        await api.modifyInstanceAttribute({ InstanceId: instanceId, EnaSupport: { Value: settings.enaSupport } }).catch((error: unknown) => {
          throw fail(ui, `Error ${settings.enaSupport ? 'enabling' : 'disabling'} ENA support on ${instanceId}: ${messageOf(error)}`, error);
        });
      }
    },
  };
}
