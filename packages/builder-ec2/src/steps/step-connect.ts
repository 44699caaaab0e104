import { stepConnectSsh } from '@kiln/communicator-ssh';
import { stepConnectWinrm } from '@kiln/communicator-winrm';
import type { Communicator, Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { sshHost } from '../ssh-host.js';
import type { SsmTunnelState } from './step-ssm-tunnel.js';
import type { InstanceState, KeyPairState, WinrmPasswordState } from './state.js';

type ConnectInput = InstanceState & KeyPairState & SsmTunnelState & WinrmPasswordState;

/**
 * StepConnect for amazon-ebs: SSH to the address ssh_interface picks (communicator-ssh does the
 * waiting and retrying), with the temporary key pair's private key. With session_manager that is
 * localhost at the local end of StepCreateSSMTunnel's tunnel, as Packer's Port() has it. WinRM
 * goes to the same address (or winrm_host), with winrm_password or the Windows password
 * StepGetPassword decrypted. `none` skips it.
 */
export function stepConnect(ctx: Ec2BuildContext): Step<ConnectInput, { communicator?: Communicator }> {
  const { settings, config, api } = ctx;
  const ssh = stepConnectSsh<ConnectInput>({
    host: (state) => sshHost(api, state.instance, { ...(config.ssh_host ? { host: config.ssh_host } : {}), sshInterface: settings.sshInterface }),
    port: (state) => {
      if (settings.sshInterface !== 'session_manager') return config.ssh_port || 22;
      if (state.sessionPort === undefined) throw new Error('no local port defined for session-manager');
      return state.sessionPort;
    },
    config: () => config,
    privateKeys: (state) =>
      state.privateKey && !config.ssh_private_key_file ? [{ key: state.privateKey, source: `temporary key pair ${state.keyPairName}` }] : [],
  });
  const winrm = stepConnectWinrm<ConnectInput>({
    host: (state) => sshHost(api, state.instance, { ...(config.winrm_host ? { host: config.winrm_host } : {}), sshInterface: settings.sshInterface }),
    config: () => config,
    credentials: (state) => ({ password: config.winrm_password || state.winrmPassword }),
  });
  return {
    name: 'StepConnect',
    async run(state, stepCtx) {
      if (settings.communicator === 'winrm') return winrm.run(state, stepCtx);
      if (settings.communicator !== 'ssh') return {};
      return ssh.run(state, stepCtx);
    },
    async cleanup(state) {
      await state.communicator?.close?.();
    },
  };
}
