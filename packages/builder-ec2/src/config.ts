import type { JsonSchema } from '@kiln/sdk';
import { sshConfigProperties, type SshConfig } from '@kiln/communicator-ssh';
import { winrmConfigProperties, type WinrmConfig } from '@kiln/communicator-winrm';

/** One entry of launch_block_device_mappings / ami_block_device_mappings (Packer's BlockDevice). */
export interface BlockDeviceConfig {
  readonly device_name?: string;
  readonly delete_on_termination?: boolean;
  readonly encrypted?: boolean;
  readonly iops?: number;
  readonly no_device?: boolean;
  readonly snapshot_id?: string;
  readonly throughput?: number;
  readonly virtual_name?: string;
  readonly volume_type?: string;
  readonly volume_size?: number;
  readonly kms_key_id?: string;
}

/** `filters` maps an EC2 filter name to one value (Packer's map[string]string). */
export interface FilterConfig {
  readonly filters?: Readonly<Record<string, string>>;
}

export interface AmiFilterConfig extends FilterConfig {
  readonly owners?: readonly string[];
  readonly most_recent?: boolean;
}

export interface SubnetFilterConfig extends FilterConfig {
  readonly most_free?: boolean;
  readonly random?: boolean;
}

/** Packer's `tag`/`run_tag`/... blocks: the same tags as a list (the HCL2 block form). */
export interface KeyValueTag {
  readonly key?: string;
  readonly value?: string;
}

/** run_volume_tag uses name/value where the other tag blocks use key/value (as in Packer 1.6.6). */
export interface NameValueTag {
  readonly name?: string;
  readonly value?: string;
}

export interface AssumeRoleConfig {
  readonly role_arn?: string;
  readonly duration_seconds?: number;
  readonly external_id?: string;
  readonly policy?: string;
  readonly policy_arns?: readonly string[];
  readonly session_name?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly transitive_tag_keys?: readonly string[];
}

export interface VaultAwsEngineConfig {
  readonly name?: string;
  readonly role_arn?: string;
  readonly ttl?: string;
  readonly engine_name?: string;
}

export interface PolicyDocumentConfig {
  readonly Version?: string;
  readonly Statement?: readonly {
    readonly Effect?: string;
    readonly Action?: string | readonly string[];
    readonly Resource?: string | readonly string[];
  }[];
}

type Tags = Readonly<Record<string, string>>;

/** Every option of Packer 1.6.6's amazon-ebs builder, as the template writes it. */
export interface AmazonEbsConfig extends SshConfig, WinrmConfig {
  // Access (AccessConfig)
  readonly access_key?: string;
  readonly secret_key?: string;
  readonly token?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly shared_credentials_file?: string;
  readonly custom_endpoint_ec2?: string;
  readonly decode_authorization_messages?: boolean;
  readonly insecure_skip_tls_verify?: boolean;
  readonly max_retries?: number;
  readonly mfa_code?: string;
  readonly skip_credential_validation?: boolean;
  readonly skip_metadata_api_check?: boolean;
  readonly skip_region_validation?: boolean;
  readonly assume_role?: AssumeRoleConfig;
  readonly vault_aws_engine?: VaultAwsEngineConfig;
  readonly aws_polling?: { readonly delay_seconds?: number; readonly max_attempts?: number };

  // AMI (AMIConfig)
  readonly ami_name?: string;
  readonly ami_description?: string;
  readonly ami_virtualization_type?: string;
  readonly ami_users?: readonly string[];
  readonly ami_groups?: readonly string[];
  readonly ami_product_codes?: readonly string[];
  readonly ami_regions?: readonly string[];
  readonly tags?: Tags;
  readonly tag?: readonly KeyValueTag[];
  readonly ena_support?: boolean;
  readonly sriov_support?: boolean;
  readonly force_deregister?: boolean;
  readonly force_delete_snapshot?: boolean;
  readonly encrypt_boot?: boolean;
  readonly kms_key_id?: string;
  readonly region_kms_key_ids?: Tags;
  readonly skip_save_build_region?: boolean;
  readonly snapshot_tags?: Tags;
  readonly snapshot_tag?: readonly KeyValueTag[];
  readonly snapshot_users?: readonly string[];
  readonly snapshot_groups?: readonly string[];

  // Run (RunConfig)
  readonly associate_public_ip_address?: boolean;
  readonly availability_zone?: string;
  readonly block_duration_minutes?: number;
  readonly disable_stop_instance?: boolean;
  readonly ebs_optimized?: boolean;
  readonly enable_t2_unlimited?: boolean;
  readonly iam_instance_profile?: string;
  readonly skip_profile_validation?: boolean;
  readonly temporary_iam_instance_profile_policy_document?: PolicyDocumentConfig;
  readonly shutdown_behavior?: string;
  readonly instance_type?: string;
  readonly security_group_filter?: FilterConfig;
  readonly run_tags?: Tags;
  readonly run_tag?: readonly KeyValueTag[];
  readonly security_group_id?: string;
  readonly security_group_ids?: readonly string[];
  readonly source_ami?: string;
  readonly source_ami_filter?: AmiFilterConfig;
  readonly spot_instance_types?: readonly string[];
  readonly spot_price?: string;
  readonly spot_price_auto_product?: string;
  readonly spot_tags?: Tags;
  readonly spot_tag?: readonly KeyValueTag[];
  readonly subnet_filter?: SubnetFilterConfig;
  readonly subnet_id?: string;
  readonly tenancy?: string;
  readonly temporary_security_group_source_cidrs?: readonly string[];
  readonly user_data?: string;
  readonly user_data_file?: string;
  readonly vpc_filter?: FilterConfig;
  readonly vpc_id?: string;
  readonly windows_password_timeout?: string;
  readonly ssh_interface?: string;
  readonly pause_before_ssm?: string;
  readonly session_manager_port?: number;

  // EBS builder
  readonly ami_block_device_mappings?: readonly BlockDeviceConfig[];
  readonly launch_block_device_mappings?: readonly BlockDeviceConfig[];
  readonly run_volume_tags?: Tags;
  readonly run_volume_tag?: readonly NameValueTag[];
  readonly no_ephemeral?: boolean;

  // Communicator internals Packer also accepts from a template.
  readonly ssh_public_key?: string;
  readonly ssh_private_key?: string;
}

const text = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'string', description, ...extra });
const secret = (description: string): JsonSchema => text(description, { 'x-kiln-secret': true });
const flag = (description: string): JsonSchema => ({ type: 'boolean', description });
const integer = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({ type: 'integer', description, ...extra });
const list = (description: string): JsonSchema => ({ type: 'array', items: { type: 'string' }, description });
const duration = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => text(description, { 'x-kiln-duration': true, ...extra });
const stringMap = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  description,
  ...extra,
});
/** Rendered at run time with the build data (.BuildRegion, .SourceAMI, ...), as Packer's InterpolateFilter excludes them. */
const lateTags = (description: string): JsonSchema =>
  stringMap(`${description} Keys and values may use {{ .BuildRegion }}, {{ .SourceAMI }}, {{ .SourceAMIName }} and the other build data.`, {
    'x-kiln-late-render': true,
  });
const tagBlocks = (description: string, nameKey: 'key' | 'name'): JsonSchema => ({
  type: 'array',
  description,
  'x-kiln-late-render': true,
  items: {
    type: 'object',
    additionalProperties: false,
    properties: { [nameKey]: text('Tag name.'), value: text('Tag value.') },
  },
});
const filters = (what: string, extra: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  description: `Find the ${what} with EC2 filters.`,
  properties: {
    filters: stringMap('EC2 filter names and the value each must match (see the EC2 Describe* API).'),
    ...extra,
  },
});

const blockDevice: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    device_name: text('The device name exposed to the instance (for example, /dev/sdh or xvdh). Required for every mapping.'),
    delete_on_termination: flag('Delete the EBS volume when the instance terminates.'),
    encrypted: flag('Encrypt the EBS volume (unset: as the snapshot or account default).'),
    iops: integer('Provisioned IOPS (io1, io2, gp3).'),
    no_device: flag('Suppress the device mapped by the AMI.'),
    snapshot_id: text('The snapshot to create the volume from.'),
    throughput: integer('Throughput in MiB/s for gp3 volumes (125 to 1000).'),
    virtual_name: text('An instance store volume (ephemeral0, ...).'),
    volume_type: text('standard, gp2, gp3, io1, io2, st1 or sc1.'),
    volume_size: integer('Size in GiB; defaults to the snapshot size.'),
    kms_key_id: text('The KMS key to encrypt the volume with (needs encrypted true).'),
  },
};

const blockDevices = (description: string): JsonSchema => ({ type: 'array', items: blockDevice, description });

/**
 * amazon-ebs's own options; the communicator's (ssh_*) come from communicator-ssh. Values Packer
 * checks with its own words are left open here and checked in validate.ts.
 */
export const amazonEbsProperties: Readonly<Record<string, JsonSchema>> = {
  access_key: secret('AWS access key. Default: the standard credential chain (environment, shared files, instance role).'),
  secret_key: secret('AWS secret key; set with access_key.'),
  token: secret('AWS session token for temporary credentials (also read from AWS_SESSION_TOKEN).'),
  region: text('The region to launch the source instance and create the AMI in.'),
  profile: text('The profile of the shared credentials and config files.'),
  shared_credentials_file: text('Path of the shared credentials file (default ~/.aws/credentials).'),
  custom_endpoint_ec2: text('The EC2 endpoint URL, for EC2-compatible clouds (or a test double such as moto).'),
  decode_authorization_messages: flag('Decode encoded authorization error messages with sts:DecodeAuthorizationMessage.'),
  insecure_skip_tls_verify: flag('Do not verify the TLS certificate of the EC2 endpoint.'),
  max_retries: integer('How many times an API call is retried on throttling and server errors (default: the SDK default).'),
  mfa_code: secret('The MFA TOTP code, when the profile assumes a role that needs one.'),
  skip_credential_validation: flag('Do not check that credentials resolve before starting.'),
  skip_metadata_api_check: flag('Ignored, as in Packer 1.6.6.'),
  skip_region_validation: flag('Do not check region and ami_regions against DescribeRegions.'),
  assume_role: {
    type: 'object',
    additionalProperties: false,
    description:
      'Assume this IAM role (STS AssumeRole, with the credentials resolved otherwise) and make every EC2 and IAM call as it. ' +
      'STS is asked in the build region, or at custom_endpoint_ec2 when set.',
    properties: {
      role_arn: text('The ARN of the role to assume; without it the block is ignored.'),
      duration_seconds: integer('Session duration in seconds (default 900); renewed before it runs out.'),
      external_id: text('The external ID the role requires.'),
      policy: text('An inline session policy (JSON).'),
      policy_arns: list('Managed policies to scope the session with.'),
      session_name: text('The session name (default: the time in nanoseconds).'),
      tags: stringMap('Session tags.'),
      transitive_tag_keys: list('Session tag keys passed on to later role chaining.'),
    },
  },
  vault_aws_engine: {
    type: 'object',
    additionalProperties: false,
    description: "Get credentials from HashiCorp Vault's AWS secrets engine (VAULT_ADDR, VAULT_TOKEN).",
    properties: {
      name: text('The Vault role name.'),
      role_arn: text('The role ARN, for roles with several.'),
      ttl: text('The credential TTL (assumed_role and federation_token roles).'),
      engine_name: text('The mount path of the AWS engine (default aws).'),
    },
  },
  aws_polling: {
    type: 'object',
    additionalProperties: false,
    description: 'How waits poll EC2 (instance running/stopped/terminated, AMI available). Also AWS_POLL_DELAY_SECONDS and AWS_MAX_ATTEMPTS.',
    properties: {
      delay_seconds: integer('Seconds between checks (default 15).'),
      max_attempts: integer('Checks before giving up (default 40; 120 for AMIs).'),
    },
  },

  ami_name: text('The name of the AMI: 3 to 128 of letters, digits, ( ) [ ] space . / - \' @ _ (clean_resource_name helps). Required.'),
  ami_description: text('The description of the AMI; rendered with the build data.', { 'x-kiln-late-render': true }),
  ami_virtualization_type: text('The virtualization type of the AMI (hvm or paravirtual); used with ena/sriov checks.'),
  ami_users: list('Account IDs that may launch the AMI.'),
  ami_groups: list('Groups that may launch the AMI; `all` makes it public.'),
  ami_product_codes: list('Product codes to attach to the AMI.'),
  ami_regions: list('Regions to copy the AMI to (concurrently); the build region is left out.'),
  tags: lateTags('Tags for the AMI and its snapshots, in every region.'),
  tag: tagBlocks('The same as tags, as a list of {key, value}.', 'key'),
  ena_support: flag('Enable enhanced networking (ENA) on the AMI (not for spot instances).'),
  sriov_support: flag('Enable SR-IOV (simple) networking on the AMI (not for spot instances).'),
  force_deregister: flag('Deregister an existing AMI of the same name first (also set by -force).'),
  force_delete_snapshot: flag('With force_deregister, delete the snapshots of the deregistered AMI too.'),
  encrypt_boot: flag('Encrypt the boot volume of the AMI (a temporary unencrypted AMI is copied with encryption).'),
  kms_key_id: text('The KMS key for encrypt_boot (default: the account default key).'),
  region_kms_key_ids: stringMap('The KMS key per region of ami_regions, for encrypted copies.'),
  skip_save_build_region: flag('Keep the AMI only in ami_regions, not in the build region.'),
  snapshot_tags: lateTags('Tags for the snapshots of the AMI.'),
  snapshot_tag: tagBlocks('The same as snapshot_tags, as a list of {key, value}.', 'key'),
  snapshot_users: list('Account IDs that may create volumes from the snapshots.'),
  snapshot_groups: list('Groups that may create volumes from the snapshots; `all` makes them public.'),

  associate_public_ip_address: flag('Give the instance a public IP (needs subnet_id or subnet_filter).'),
  availability_zone: text('The availability zone to launch in.'),
  block_duration_minutes: integer('Spot block duration in minutes, a multiple of 60.'),
  disable_stop_instance: flag('Do not stop the instance before creating the AMI (a provisioner stops it).'),
  ebs_optimized: flag('Launch an EBS-optimized instance.'),
  enable_t2_unlimited: flag('Enable T2 Unlimited (t2 instance types only, not spot).'),
  iam_instance_profile: text('An existing IAM instance profile for the instance.'),
  skip_profile_validation: flag('Do not check that iam_instance_profile exists.'),
  temporary_iam_instance_profile_policy_document: {
    type: 'object',
    description: 'Create a temporary instance profile and role with this policy for the build.',
    additionalProperties: false,
    properties: {
      Version: text('Policy language version, 2012-10-17.'),
      Statement: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            Effect: text('Allow or Deny.'),
            Action: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Actions.' },
            Resource: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Resource ARNs or *.' },
          },
        },
      },
    },
  },
  shutdown_behavior: text('What the instance does on shutdown from inside: stop (default) or terminate.'),
  instance_type: text('The EC2 instance type of the source instance (or spot_instance_types).'),
  security_group_filter: filters('security groups'),
  run_tags: lateTags('Tags for the source instance (Name defaults to "Packer Builder").'),
  run_tag: tagBlocks('The same as run_tags, as a list of {key, value}.', 'key'),
  security_group_id: text('An existing security group for the instance (instead of a temporary one).'),
  security_group_ids: list('Existing security groups for the instance (instead of a temporary one).'),
  source_ami: text('The AMI to start from (or source_ami_filter).'),
  source_ami_filter: filters('source AMI', {
    owners: list('Account IDs or aliases (self, amazon, aws-marketplace) that must own the AMI. Required.'),
    most_recent: flag('Take the newest match instead of failing on several.'),
  }),
  spot_instance_types: list('Instance types a spot fleet may choose from (instead of instance_type).'),
  spot_price: text('The maximum spot price, or `auto` for the on-demand price; requests a spot instance.'),
  spot_price_auto_product: text('Deprecated and ignored, as in Packer 1.6.6.', { deprecated: true }),
  spot_tags: lateTags('Tags for the spot request (the launch template).'),
  spot_tag: tagBlocks('The same as spot_tags, as a list of {key, value}.', 'key'),
  subnet_filter: filters('subnet', {
    most_free: flag('Take the subnet with the most free addresses.'),
    random: flag('Take a random matching subnet.'),
  }),
  subnet_id: text('The subnet to launch in (required in a VPC other than the default one).'),
  tenancy: text('Instance tenancy: default, dedicated or host.'),
  temporary_security_group_source_cidrs: list('CIDRs the temporary security group admits on the communicator port (default 0.0.0.0/0).'),
  user_data: text('User data for the instance (base64-encoded if it is not already).'),
  user_data_file: text('A file whose content is the user data.'),
  vpc_filter: filters('VPC'),
  vpc_id: text('The VPC to launch in.'),
  windows_password_timeout: duration('How long to wait for the Windows administrator password (WinRM).', { default: '20m' }),
  ssh_interface: text('How to reach the instance: public_ip, private_ip, public_dns, private_dns or session_manager.'),
  pause_before_ssm: duration('With session_manager: how long to wait before opening the session.'),
  session_manager_port: integer('With session_manager: the local port of the tunnel (random if 0).'),

  ami_block_device_mappings: blockDevices('Block devices of the AMI, applied when instances launch from it.'),
  launch_block_device_mappings: blockDevices('Block devices of the source instance; their snapshots go into the AMI.'),
  run_volume_tags: lateTags('Tags for the volumes of the source instance.'),
  run_volume_tag: tagBlocks('The same as run_volume_tags, as a list of {name, value}.', 'name'),
  no_ephemeral: flag('Map xvdca-xvdcz to no device, hiding ephemeral drives (Windows guests).'),

  ssh_public_key: text('Public key material Packer sets internally; accepted for compatibility, unused.'),
  ssh_private_key: secret('Private key material Packer sets internally; accepted for compatibility, unused.'),

  ...winrmConfigProperties,
};

/** Old keys `kiln fix` rewrites; found in a template they are reported as Packer does. */
const FIXABLE = [
  'clean_ami_name',
  'enhanced_networking',
  'shutdown_behaviour',
  'ssh_disable_agent',
  'ssh_host_port_max',
  'ssh_host_port_min',
  'ssh_key_path',
  'ssh_private_ip',
  'ssh_skip_nat_mapping',
  'temporary_security_group_source_cidr',
];

export const amazonEbsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...sshConfigProperties, ...amazonEbsProperties },
  'x-kiln-fixable': FIXABLE,
};
