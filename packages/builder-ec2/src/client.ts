import { Agent } from 'node:https';
import { KilnError } from '@kiln/sdk';
import { assumedRoleCredentials, type AwsCredentialIdentity, type AwsCredentialIdentityProvider } from './assume-role.js';
import type { AmazonEbsConfig, AssumeRoleConfig } from './config.js';
import { sdkEc2Api, type AwsSender, type Ec2ApiFactory, type SdkSend } from './driver.js';
import { sdkIamApi, type IamApi } from './iam.js';
import { sdkSsmApi, type SsmApiFactory } from './ssm-api.js';

export type { AwsCredentialIdentity } from './assume-role.js';

/** Where and as whom the builder talks to AWS. */
export interface AwsAccess {
  readonly endpoint?: string;
  readonly profile?: string;
  readonly sharedCredentialsFile?: string;
  readonly mfaCode?: string;
  /** access_key/secret_key/token, or what Vault handed out. */
  readonly staticCredentials?: AwsCredentialIdentity;
  /** max_retries: retries after the first attempt (SDK default when unset). */
  readonly maxRetries?: number;
  readonly insecureSkipTlsVerify?: boolean;
  /** assume_role: the role every call is made as, assumed with the credentials above. */
  readonly assumeRole?: AssumeRoleConfig & { readonly role_arn: string };
  /** The build region: where STS is asked for the assumed role. */
  readonly region?: string;
}

export function accessFromConfig(config: AmazonEbsConfig): AwsAccess {
  const roleArn = config.assume_role?.role_arn;
  return {
    ...(config.custom_endpoint_ec2 ? { endpoint: config.custom_endpoint_ec2 } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
    ...(config.shared_credentials_file ? { sharedCredentialsFile: config.shared_credentials_file } : {}),
    ...(config.mfa_code ? { mfaCode: config.mfa_code } : {}),
    ...(config.access_key && config.secret_key
      ? {
          staticCredentials: {
            accessKeyId: config.access_key,
            secretAccessKey: config.secret_key,
            ...(config.token ? { sessionToken: config.token } : {}),
          },
        }
      : {}),
    ...(config.max_retries ? { maxRetries: config.max_retries } : {}),
    ...(config.insecure_skip_tls_verify ? { insecureSkipTlsVerify: true } : {}),
    ...(roleArn ? { assumeRole: { ...config.assume_role, role_arn: roleArn } } : {}),
    ...(config.region ? { region: config.region } : {}),
  };
}

export interface AwsClients {
  readonly ec2: Ec2ApiFactory;
  readonly iam: () => IamApi;
  /** SSM per region, for ssh_interface session_manager (absent in fakes that have no SSM). */
  readonly ssm?: SsmApiFactory;
  /** Resolves the credentials once (assuming the role, if any); rejects with Packer's advice when there are none. */
  checkCredentials(): Promise<void>;
}

/**
 * EC2 (one client per region) and IAM clients sharing one credential provider: the standard
 * chain (environment, shared credentials/config files with profile, SSO, process, web identity,
 * container and instance roles), or static keys; with assume_role, the role's credentials got
 * with those. custom_endpoint_ec2 serves every region, IAM and STS too, as the endpoint of
 * Packer's session does for EC2 and IAM.
 *
 * Nothing of the SDK is loaded here: each client is made, from SDK code loaded with import(), on
 * its first call, so a build pays for the SDK parts it uses only, and validate for none.
 */
export function awsClients(access: AwsAccess): AwsClients {
  // The SDK warns on stderr that its releases after January 2027 need Node 22; Kiln pins its
  // version, so the warning would only clutter Packer-shaped output. The user may still turn it on.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const base = access.staticCredentials ?? credentialChain(access);
  const clientConfig = (credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider, region: string) => ({
    credentials,
    region,
    ...(access.endpoint ? { endpoint: access.endpoint } : {}),
    ...(access.maxRetries !== undefined ? { maxAttempts: access.maxRetries + 1 } : {}),
    ...(access.insecureSkipTlsVerify ? { requestHandler: { httpsAgent: new Agent({ rejectUnauthorized: false }) } } : {}),
  });
  const assumed =
    access.assumeRole &&
    assumedRoleCredentials(
      access.assumeRole,
      lazySender(async () => {
        const sdk = await import('./sdk/sts-commands.js');
        return { sdk, client: new sdk.STSClient(clientConfig(base, access.region ?? 'us-east-1')) };
      }),
    );
  const credentials = assumed ?? base;
  return {
    ec2: perRegion((region) =>
      sdkEc2Api(
        lazySender(async () => {
          const sdk = await import('./sdk/ec2-commands.js');
          return { sdk, client: new sdk.EC2Client(clientConfig(credentials, region)) };
        }),
        region,
      ),
    ),
    iam: once(() =>
      sdkIamApi(
        lazySender(async () => {
          const sdk = await import('./sdk/iam-commands.js');
          return { sdk, client: new sdk.IAMClient(clientConfig(credentials, 'us-east-1')) };
        }),
      ),
    ),
    ssm: perRegion((region) =>
      sdkSsmApi(
        lazySender(async () => {
          const sdk = await import('./sdk/ssm-commands.js');
          return { sdk, client: new sdk.SSMClient(clientConfig(credentials, region)) };
        }),
        region,
        access.endpoint,
      ),
    ),
    async checkCredentials() {
      if (typeof base === 'function') {
        try {
          await base();
        } catch (error) {
          throw new KilnError(
            'AUTH_FAILED',
            'No valid credential sources found for AWS Builder. Please see ' +
              'https://www.packer.io/docs/builders/amazon#specifying-amazon-credentials for more information on ' +
              `providing credentials for the AWS Builder. (${(error as Error).message})`,
            { cause: error },
          );
        }
      }
      await assumed?.();
    },
  };
}

/**
 * The SDK's standard credential chain, loaded on first use. Its later links (SSO, profiles with
 * roles, containers, instance metadata) load only when the earlier ones found nothing; and its
 * first link, keys in the environment when no profile is named, needs no loading at all.
 */
function credentialChain(access: AwsAccess): AwsCredentialIdentityProvider {
  const env = process.env;
  const profile = access.profile ?? env['AWS_PROFILE'];
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!profile && accessKeyId && secretAccessKey && !env['AWS_CREDENTIAL_EXPIRATION']) {
    const sessionToken = env['AWS_SESSION_TOKEN'];
    const fromEnv = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    return () => Promise.resolve(fromEnv);
  }
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    chain ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) =>
      defaultProvider({
        ...(access.profile ? { profile: access.profile } : {}),
        ...(access.sharedCredentialsFile ? { filepath: access.sharedCredentialsFile } : {}),
        ...(access.mfaCode ? { mfaCodeProvider: async () => access.mfaCode! } : {}),
      }),
    );
    return (await chain)();
  };
}

/** An SdkSend whose SDK part and client are made on the first command (again after a failed load). */
function lazySender<S>(load: () => Promise<{ readonly sdk: S; readonly client: AwsSender }>): SdkSend<S> {
  let loading: Promise<{ readonly sdk: S; readonly client: AwsSender }> | undefined;
  return async <T>(command: (sdk: S) => unknown): Promise<T> => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    const { sdk, client } = await loading;
    return (await client.send(command(sdk))) as T;
  };
}

/** Vault's AWS secrets engine (vault_aws_engine): GET /v1/<engine>/creds/<name> with VAULT_ADDR and VAULT_TOKEN. */
export async function credentialsFromVault(
  vault: NonNullable<AmazonEbsConfig['vault_aws_engine']>,
  env: Readonly<Record<string, string | undefined>>,
  fetchImpl: typeof fetch = fetch,
): Promise<AwsCredentialIdentity> {
  const address = (env['VAULT_ADDR'] || 'https://127.0.0.1:8200').replace(/\/+$/, '');
  const url = new URL(`${address}/v1/${vault.engine_name || 'aws'}/creds/${vault.name ?? ''}`);
  if (vault.role_arn) url.searchParams.set('role_arn', vault.role_arn);
  if (vault.ttl) url.searchParams.set('ttl', vault.ttl);
  const response = await fetchImpl(url, { headers: env['VAULT_TOKEN'] ? { 'X-Vault-Token': env['VAULT_TOKEN'] } : {} }).catch((error: unknown) => {
    throw new KilnError('AUTH_FAILED', `Error reading vault secret: ${(error as Error).message}`, { cause: error });
  });
  if (response.status === 404) throw new KilnError('AUTH_FAILED', 'Vault Secret does not exist at the given path.');
  if (!response.ok) throw new KilnError('AUTH_FAILED', `Error reading vault secret: HTTP ${response.status}`);
  const body = (await response.json()) as { data?: { access_key?: string; secret_key?: string; security_token?: string | null } };
  const data = body.data ?? {};
  if (!data.access_key || !data.secret_key) throw new KilnError('AUTH_FAILED', 'Vault Secret does not exist at the given path.');
  return { accessKeyId: data.access_key, secretAccessKey: data.secret_key, ...(data.security_token ? { sessionToken: data.security_token } : {}) };
}

/** One API object per region, made on first use (each holds its SDK client and connections). */
function perRegion<T>(make: (region: string) => T): (region: string) => T {
  const made = new Map<string, T>();
  return (region) => {
    let api = made.get(region);
    if (!api) made.set(region, (api = make(region)));
    return api;
  };
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
