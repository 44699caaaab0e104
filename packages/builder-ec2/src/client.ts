import { Agent } from 'node:https';
import { createRequire } from 'node:module';
import type * as CredentialProviderNode from '@aws-sdk/credential-provider-node';
import { KilnError } from '@kiln/sdk';
import type { AmazonEbsConfig } from './config.js';
import { ec2Sdk, sdkEc2Api, type Ec2Api, type Ec2ApiFactory } from './driver.js';
import { iamSdk, sdkIamApi, type IamApi } from './iam.js';

const requireHere = createRequire(import.meta.url);

/** AWS credentials as the SDK takes them. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

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
}

export function accessFromConfig(config: AmazonEbsConfig): AwsAccess {
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
  };
}

export interface AwsClients {
  readonly ec2: Ec2ApiFactory;
  readonly iam: () => IamApi;
  /** Resolves the credentials once; rejects with Packer's advice when there are none. */
  checkCredentials(): Promise<void>;
}

/**
 * EC2 (one client per region) and IAM clients sharing one credential provider: the standard
 * chain (environment, shared credentials/config files with profile, SSO, process, web identity,
 * container and instance roles), or static keys. custom_endpoint_ec2 serves every region and IAM
 * too, as the endpoint of Packer's session does.
 */
export function awsClients(access: AwsAccess): AwsClients {
  // The SDK warns on stderr that its releases after January 2027 need Node 22; Kiln pins its
  // version, so the warning would only clutter Packer-shaped output. The user may still turn it on.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider =
    access.staticCredentials ??
    (requireHere('@aws-sdk/credential-provider-node') as typeof CredentialProviderNode).defaultProvider({
      ...(access.profile ? { profile: access.profile } : {}),
      ...(access.sharedCredentialsFile ? { filepath: access.sharedCredentialsFile } : {}),
      ...(access.mfaCode ? { mfaCodeProvider: async () => access.mfaCode! } : {}),
    });
  const common = {
    credentials,
    ...(access.endpoint ? { endpoint: access.endpoint } : {}),
    ...(access.maxRetries !== undefined ? { maxAttempts: access.maxRetries + 1 } : {}),
    ...(access.insecureSkipTlsVerify ? { requestHandler: { httpsAgent: new Agent({ rejectUnauthorized: false }) } } : {}),
  };
  const ec2Clients = new Map<string, Ec2Api>();
  let iam: IamApi | undefined;
  return {
    ec2: (region) => {
      let api = ec2Clients.get(region);
      if (!api) {
        api = sdkEc2Api(new (ec2Sdk().EC2Client)({ ...common, region }), region);
        ec2Clients.set(region, api);
      }
      return api;
    },
    iam: () => (iam ??= sdkIamApi(new (iamSdk().IAMClient)({ ...common, region: 'us-east-1' }))),
    async checkCredentials() {
      if (typeof credentials !== 'function') return;
      try {
        await credentials();
      } catch (error) {
        throw new KilnError(
          'AUTH_FAILED',
          'No valid credential sources found for AWS Builder. Please see ' +
            'https://www.packer.io/docs/builders/amazon#specifying-amazon-credentials for more information on ' +
            `providing credentials for the AWS Builder. (${(error as Error).message})`,
          { cause: error },
        );
      }
    },
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
