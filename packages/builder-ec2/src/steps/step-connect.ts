import { stepConnectSsh, type ConnectedState } from '@kiln/communicator-ssh';
import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { sshHost } from '../ssh-host.js';
import { fail } from './step-pre-validate.js';
import type { InstanceState, KeyPairState } from './state.js';

/**
 * StepConnect for amazon-ebs: SSH to the address ssh_interface picks (communicator-ssh does the
 * waiting and retrying), with the temporary key pair's private key. `none` skips it; WinRM and
 * session_manager tunnels are not available in Kiln yet and fail with that message.
 */
export function stepConnect(ctx: Ec2BuildContext): Step<InstanceState & KeyPairState, ConnectedState> {
  const { settings, config, api } = ctx;
  const ssh = stepConnectSsh<InstanceState & KeyPairState>({
    host: (state) => sshHost(api, state.instance, { ...(config.ssh_host ? { host: config.ssh_host } : {}), sshInterface: settings.sshInterface }),
    port: () => config.ssh_port || 22,
    config: () => config,
    privateKeys: (state) =>
      state.privateKey && !config.ssh_private_key_file ? [{ key: state.privateKey, source: `temporary key pair ${state.keyPairName}` }] : [],
  });
  return {
    name: 'StepConnect',
    async run(state, stepCtx) {
      if (settings.communicator === 'winrm') throw fail(stepCtx.ui, 'The winrm communicator is not available in Kiln yet.');
      if (settings.communicator === 'ssh' && settings.sshInterface === 'session_manager') {
        throw fail(stepCtx.ui, 'ssh_interface "session_manager" (an SSM tunnel) is not available in Kiln yet.');
      }
      if (settings.communicator !== 'ssh') return {};
      return ssh.run(state, stepCtx);
    },
    async cleanup(state, cleanupCtx) {
      await ssh.cleanup?.(state, cleanupCtx);
    },
  };
}
