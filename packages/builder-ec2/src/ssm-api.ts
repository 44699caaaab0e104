import type { SdkSend } from './driver.js';
import type * as SsmSdk from './sdk/ssm-commands.js';

/** The StartSession input of a port-forwarding tunnel, as Packer builds it. */
export interface PortForwardingInput {
  readonly DocumentName: 'AWS-StartPortForwardingSession';
  /** portNumber: the port on the instance; localPortNumber: the one on this machine. */
  readonly Parameters: { readonly portNumber: readonly [string]; readonly localPortNumber: readonly [string] };
  readonly Target: string;
}

/** What StartSession returns, all of which the session-manager-plugin needs. */
export interface SsmSession {
  readonly SessionId: string;
  readonly StreamUrl: string;
  readonly TokenValue: string;
}

/** The SSM calls of a session_manager tunnel, for one region. */
export interface SsmApi {
  readonly region: string;
  /** The SSM endpoint URL, for the plugin (it calls ResumeSession there when it reconnects). */
  readonly endpoint: string;
  startSession(input: PortForwardingInput): Promise<SsmSession>;
  terminateSession(sessionId: string): Promise<void>;
}

export type SsmApiFactory = (region: string) => SsmApi;

/** SSM's public endpoint of a region, as the AWS CLI hands it to the plugin. */
export function ssmEndpoint(region: string, customEndpoint?: string): string {
  if (customEndpoint) return customEndpoint.replace(/\/+$/, '');
  return `https://ssm.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/** The real SsmApi over an SSM client of that region (custom_endpoint_ec2 serves SSM too, as in Packer). */
export function sdkSsmApi(send: SdkSend<typeof SsmSdk>, region: string, customEndpoint?: string): SsmApi {
  return {
    region,
    endpoint: ssmEndpoint(region, customEndpoint),
    async startSession(input) {
      const out = await send<{ SessionId?: string; StreamUrl?: string; TokenValue?: string }>(
        (sdk) =>
          new sdk.StartSessionCommand({
            DocumentName: input.DocumentName,
            Target: input.Target,
            Parameters: { portNumber: [...input.Parameters.portNumber], localPortNumber: [...input.Parameters.localPortNumber] },
          }),
      );
      if (!out.SessionId || !out.StreamUrl || !out.TokenValue) {
        throw new Error('an active Amazon SSM Session is required before trying to open a session tunnel');
      }
      return { SessionId: out.SessionId, StreamUrl: out.StreamUrl, TokenValue: out.TokenValue };
    },
    async terminateSession(sessionId) {
      await send<unknown>((sdk) => new sdk.TerminateSessionCommand({ SessionId: sessionId }));
    },
  };
}
