import type { AssumeRoleCommandInput } from '@aws-sdk/nested-clients/sts';
import { KilnError } from '@kiln/sdk';
import type { AssumeRoleConfig } from './config.js';
import type { SdkSend } from './driver.js';
import type * as StsSdk from './sdk/sts-commands.js';

/** AWS credentials as the SDK takes them; temporary ones say when they expire. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** The session length Packer asks for when duration_seconds is unset (aws-sdk-go's stscreds default). */
const DEFAULT_DURATION_SECONDS = 15 * 60;
/** Assumed credentials this close to expiring are renewed first, so a long build never signs with stale ones. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * Packer's AssumeRole request for an assume_role block: 15 minutes unless duration_seconds says
 * otherwise, and a session named after the current time in nanoseconds when session_name is unset.
 * Session tags are sent in key order (Packer's come from a map, in no particular order).
 */
export function assumeRoleInput(config: AssumeRoleConfig & { readonly role_arn: string }, now: () => number = Date.now): AssumeRoleCommandInput {
  const tags = Object.entries(config.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    RoleArn: config.role_arn,
    RoleSessionName: config.session_name || `${BigInt(now()) * 1_000_000n}`,
    DurationSeconds: config.duration_seconds || DEFAULT_DURATION_SECONDS,
    ...(config.external_id ? { ExternalId: config.external_id } : {}),
    ...(config.policy ? { Policy: config.policy } : {}),
    ...(config.policy_arns?.length ? { PolicyArns: config.policy_arns.map((arn) => ({ arn })) } : {}),
    ...(tags.length > 0 ? { Tags: tags.map(([Key, Value]) => ({ Key, Value })) } : {}),
    ...(config.transitive_tag_keys?.length ? { TransitiveTagKeys: [...config.transitive_tag_keys] } : {}),
  };
}

/**
 * The credentials of the role assume_role names, got with STS AssumeRole (signed with the base
 * credentials, which `send`'s client holds) and shared by every client of the build: assumed
 * once, and again only when they are about to expire.
 */
export function assumedRoleCredentials(
  config: AssumeRoleConfig & { readonly role_arn: string },
  send: SdkSend<typeof StsSdk>,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (credentials: AwsCredentialIdentity | undefined): credentials is AwsCredentialIdentity =>
    credentials !== undefined && (!credentials.expiration || credentials.expiration.getTime() - now() > RENEW_BEFORE_MS);
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const input = assumeRoleInput(config, now);
    const answer = await send<{ Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } }>(
      (sdk) => new sdk.AssumeRoleCommand(input),
    ).catch((error: unknown) => {
      throw cannotAssume(config.role_arn, (error as Error).message, error);
    });
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = answer.Credentials ?? {};
    if (!AccessKeyId || !SecretAccessKey) throw cannotAssume(config.role_arn, 'STS answered without credentials');
    return {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      ...(SessionToken ? { sessionToken: SessionToken } : {}),
      ...(Expiration ? { expiration: Expiration } : {}),
    };
  };
  return async () => {
    if (fresh(current)) return current;
    pending ??= assume().finally(() => {
      pending = undefined;
    });
    return (current = await pending);
  };
}

function cannotAssume(roleArn: string, reason: string, cause?: unknown): KilnError {
  return new KilnError(
    'AUTH_FAILED',
    `IAM Role (${roleArn}) cannot be assumed.\n\n` +
      'There are a number of possible causes of this - the most common are:\n' +
      '  * The credentials used in order to assume the role are invalid\n' +
      '  * The credentials do not have appropriate permission to assume the role\n' +
      '  * The role ARN is not valid\n\n' +
      `Error: ${reason}`,
    { cause },
  );
}
