import { constants, privateDecrypt } from 'node:crypto';
import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { pollUntil } from '../polling.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { InstanceState, KeyPairState, WinrmPasswordState } from './state.js';

/**
 * Packer's StepGetPassword: for WinRM without winrm_password, waits (up to
 * windows_password_timeout) for the administrator password EC2 generates and decrypts it with
 * the key pair's private key.
 */
export function stepGetPassword(ctx: Ec2BuildContext): Step<InstanceState & KeyPairState, WinrmPasswordState> {
  const { settings, api, config } = ctx;
  return {
    name: 'StepGetPassword',
    async run(state, { ui, signal }) {
      if (settings.communicator !== 'winrm' || config.winrm_password) return {};
      if (!state.privateKey) throw fail(ui, 'Error: no private key to decrypt the Windows password with (set ssh_private_key_file).');
      const instanceId = state.instance.InstanceId!;
      ui.say('Waiting for auto-generated password for instance...');
      ui.message('It is normal for this process to take up to 15 minutes,\nbut it usually takes around 5. Please wait.');
      const encrypted: string = await pollUntil<string>(
        async () => {
          const data = await api.getPasswordData(instanceId);
          return data ? { done: data } : { pending: 'no password yet' };
        },
        {
          polling: { delayMs: 5_000, maxAttempts: Math.max(1, Math.ceil(settings.windowsPasswordTimeoutMs / 5_000)) },
          signal,
          description: 'password for instance',
        },
      ).catch((error: unknown) => {
        throw fail(ui, `Error waiting for password: ${messageOf(error)}`, error);
      });
      const password = privateDecrypt({ key: state.privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(encrypted, 'base64')).toString('utf8');
      ui.message(' \nPassword retrieved!');
      if (ctx.build.env.debug) ui.message(`Password (since debug is enabled): ${password}`);
      return { winrmPassword: password };
    },
  };
}
