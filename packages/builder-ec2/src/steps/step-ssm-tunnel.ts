import { KilnError, formatGoDuration, parseGoDuration, sleep, type Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import type { SsmApiFactory } from '../ssm-api.js';
import { SESSION_MANAGER_PLUGIN, SESSION_MANAGER_PLUGIN_INSTALL_URL, findSessionManagerPlugin, pickLocalPort } from '../ssm-plugin.js';
import { SsmTunnel } from '../ssm-tunnel.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { InstanceState } from './state.js';

export interface SsmTunnelState {
  /** The local end of the tunnel: what StepConnect connects to (Packer's `sessionPort`). */
  readonly sessionPort?: number;
}

export interface SsmTunnelStepOptions {
  /** Where the plugin is looked up and what it runs with (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Packer's SSMAgentEnabled: session_manager with an instance profile (prepare insists on one). */
export function ssmTunnelEnabled(ctx: Ec2BuildContext): boolean {
  const { settings } = ctx;
  return (
    settings.sshInterface === 'session_manager' &&
    settings.communicator === 'ssh' &&
    (settings.iamInstanceProfile !== '' || settings.temporaryIamPolicyDocument !== undefined)
  );
}

/**
 * Packer's StepCreateSSMTunnel (ssh_interface session_manager): after pause_before_ssm, picks the
 * local port (session_manager_port, or a random free one in 8000-9000), starts an SSM
 * port-forwarding session to the instance's SSH port and runs AWS's session-manager-plugin to
 * carry it; StepConnect then connects to localhost on that port. Unlike Packer, which carries on
 * and lets the SSH wait time out, a missing plugin or a failed session halts the build here.
 */
export function stepCreateSsmTunnel(
  ctx: Ec2BuildContext,
  ssmFor: SsmApiFactory | undefined,
  options: SsmTunnelStepOptions = {},
): Step<InstanceState, SsmTunnelState> {
  const { settings, config } = ctx;
  let tunnel: SsmTunnel | undefined;
  return {
    name: 'StepCreateSSMTunnel',
    async run(state, { ui, signal }) {
      if (!ssmTunnelEnabled(ctx)) return {};
      // -on-error=ask may run the step again: the tunnel of the failed try goes first.
      await tunnel?.close();
      const env = options.env ?? process.env;
      const pause = parseGoDuration(config.pause_before_ssm || '0s') ?? 0;
      if (pause > 0) {
        ui.say(`Waiting ${formatGoDuration(pause)} before establishing the SSM session...`);
        await sleep(pause, signal);
      }
      const pluginPath = findSessionManagerPlugin(env['PATH']);
      if (!pluginPath) {
        ui.error(`${SESSION_MANAGER_PLUGIN} not found on PATH`);
        throw new KilnError(
          'STEP_FAILED',
          `ssh_interface "session_manager" needs AWS's Session Manager plugin (${SESSION_MANAGER_PLUGIN}) on PATH. ` +
            `Install it: ${SESSION_MANAGER_PLUGIN_INSTALL_URL}`,
          { hint: `Install the Session Manager plugin: ${SESSION_MANAGER_PLUGIN_INSTALL_URL}` },
        );
      }
      if (!ssmFor) throw fail(ui, 'ssm error: no SSM client is available to this build');
      const localPort = await pickLocalPort(config.session_manager_port ?? 0).catch((error: unknown) => {
        throw fail(ui, `error finding an available port to initiate a session tunnel: ${messageOf(error)}`, error);
      });
      const instanceId = state.instance.InstanceId;
      if (!instanceId) throw fail(ui, 'error encountered in obtaining target instance id for session tunnel');
      tunnel = new SsmTunnel({
        api: ssmFor(settings.region),
        pluginPath,
        instanceId,
        localPort,
        remotePort: settings.communicatorPort,
        profile: settings.profile ?? '',
        ui,
        connectTimeoutMs: parseGoDuration(config.ssh_wait_timeout || config.ssh_timeout || '5m') ?? 300_000,
        env,
      });
      try {
        await tunnel.start(signal);
      } catch (error) {
        if (signal.aborted) throw error;
        throw fail(ui, `ssm error: ${messageOf(error)}`, error);
      }
      return { sessionPort: localPort };
    },
    async cleanup() {
      await tunnel?.close();
    },
  };
}
