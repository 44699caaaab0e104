import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { validateSshConfig } from '@kiln/communicator-ssh';
import type { AmazonEbsConfig, BlockDeviceConfig } from './config.js';

const AMI_NAME_FORBIDDEN = /[^a-zA-Z0-9()[\] ./\-'@_]/g;

const KMS_KEY_ID = '[a-f0-9-]+$';
const KMS_ALIAS = 'alias/[a-zA-Z0-9:/_-]+$';
const KMS_ARN_START = '^arn:aws(-us-gov)?:kms:([a-z]{2}-(gov-)?[a-z]+-\\d{1})?:(\\d{12}):';
const KMS_PATTERNS = [
  new RegExp(`^${KMS_KEY_ID}`),
  new RegExp(`^${KMS_ALIAS}`),
  new RegExp(`${KMS_ARN_START}key/${KMS_KEY_ID}`),
  new RegExp(`${KMS_ARN_START}${KMS_ALIAS}`),
];

/** Packer's ValidateKmsKey: a key id, an alias, or the ARN of either. */
export function isValidKmsKey(key: string): boolean {
  return KMS_PATTERNS.some((pattern) => pattern.test(key));
}

const SSH_INTERFACES = ['public_ip', 'private_ip', 'public_dns', 'private_dns', 'session_manager', ''];

/**
 * Packer 1.6.6's prepare checks of amazon-ebs, in its order and words: AccessConfig, AMIConfig,
 * both block device lists, RunConfig (with the communicator's), then the builder's own. Returns
 * one message per problem; empty when the config can run.
 */
export function amazonEbsConfigErrors(config: AmazonEbsConfig): string[] {
  return [...accessErrors(config), ...amiErrors(config), ...blockDeviceErrors(config), ...runErrors(config), ...builderErrors(config)];
}

/** Packer's prepare warnings (Packer prints them and goes on). */
export function amazonEbsConfigWarnings(config: AmazonEbsConfig): string[] {
  return config.spot_price_auto_product
    ? [
        'spot_price_auto_product is deprecated and no longer necessary for Packer builds. In future versions of ' +
          'Packer, inclusion of spot_price_auto_product will error your builds. Please take a look at our current ' +
          'documentation to understand how Packer requests Spot instances.',
      ]
    : [];
}

function accessErrors(config: AmazonEbsConfig): string[] {
  const errors: string[] = [];
  const vault = config.vault_aws_engine;
  if (vault && Object.values(vault).some((v) => v) && config.access_key) {
    errors.push('If you have set vault_aws_engine, you must not set the access_key or secret_key.');
  }
  if (!!config.access_key !== !!config.secret_key) {
    errors.push('`access_key` and `secret_key` must both be either set or not set.');
  }
  return errors;
}

function amiErrors(config: AmazonEbsConfig): string[] {
  const errors: string[] = [];
  const name = config.ami_name ?? '';
  if (name === '') errors.push('ami_name must be specified');
  const regions = config.ami_regions ?? [];
  const regionKeys = config.region_kms_key_ids ?? {};
  const hasRegionKeys = Object.keys(regionKeys).length > 0;
  for (const region of Object.keys(regionKeys)) {
    if (!regions.includes(region)) errors.push(`Region ${region} is in region_kms_key_ids but not in ami_regions`);
  }
  if (hasRegionKeys) {
    for (const region of new Set(regions)) {
      if (!(region in regionKeys)) errors.push(`Region ${region} is in ami_regions but not in region_kms_key_ids`);
    }
  }
  const encrypt = config.encrypt_boot === true;
  const kmsKeyId = config.kms_key_id ?? '';
  if ((config.ami_users ?? []).length > 0) {
    if (encrypt && kmsKeyId === '') errors.push('Cannot share AMI encrypted with default KMS key');
    if (Object.values(regionKeys).some((key) => key === '')) {
      errors.push('Cannot share AMI encrypted with default KMS key for other regions');
    }
  }
  const kmsKeys = [kmsKeyId, ...Object.values(regionKeys)].filter((key) => key !== '');
  if (kmsKeys.length > 0 && !encrypt) {
    errors.push('If you have set either region_kms_key_ids or kms_key_id, encrypt_boot must also be true.');
  }
  for (const key of kmsKeys) if (!isValidKmsKey(key)) errors.push(`${JSON.stringify(key)} is not a valid KMS Key Id.`);
  if ((config.snapshot_users ?? []).length > 0) {
    if (encrypt && kmsKeyId === '') {
      errors.push(
        'Cannot share snapshot encrypted with default KMS key, see ' +
          'https://www.packer.io/docs/builders/amazon-ebs#region_kms_key_ids for more information',
      );
    }
    if (Object.values(regionKeys).some((key) => key === '')) {
      errors.push(
        'Cannot share snapshot encrypted with default KMS key for other regions, see ' +
          'https://www.packer.io/docs/builders/amazon-ebs#region_kms_key_ids for more information',
      );
    }
  }
  if (name.length < 3 || name.length > 128) errors.push('ami_name must be between 3 and 128 characters long');
  if (name !== cleanResourceName(name)) {
    errors.push(
      'AMIName should only contain alphanumeric characters, parentheses (()), square brackets ([]), spaces ( ), ' +
        "periods (.), slashes (/), dashes (-), single quotes ('), at-signs (@), or underscores(_). You can use the " +
        '`clean_resource_name` template filter to automatically clean your ami name.',
    );
  }
  return errors;
}

/** The template function's rule, applied to check ami_name. */
export function cleanResourceName(name: string): string {
  return name.replace(AMI_NAME_FORBIDDEN, '-');
}

function blockDeviceErrors(config: AmazonEbsConfig): string[] {
  return [...(config.ami_block_device_mappings ?? []), ...(config.launch_block_device_mappings ?? [])].flatMap(blockDeviceError);
}

function blockDeviceError(device: BlockDeviceConfig): string[] {
  if (!device.device_name) {
    return ['The `device_name` must be specified for every device in the block device mapping.'];
  }
  if (device.kms_key_id && device.encrypted === false) {
    return [`The device ${device.device_name}, must also have \`encrypted: true\` when setting a kms_key_id.`];
  }
  const throughput = device.throughput ?? 0;
  if (device.volume_type === 'gp3' && (throughput < 125 || throughput > 1000)) {
    return [`Throughput must be between 125 and 1000 for device ${device.device_name}`];
  }
  if (device.volume_type !== 'gp3' && throughput > 0) return [`Throughput is not available for device ${device.device_name}`];
  return [];
}

function communicatorErrors(config: AmazonEbsConfig): string[] {
  const type = config.communicator || 'ssh';
  if (type === 'winrm') return config.winrm_username ? [] : ['winrm_username must be specified.'];
  return validateSshConfig(config);
}

function runErrors(config: AmazonEbsConfig): string[] {
  const errors = communicatorErrors(config);
  const type = config.communicator || 'ssh';
  const sshInterface = config.ssh_interface ?? '';
  if (!SSH_INTERFACES.includes(sshInterface)) errors.push(`Unknown interface type: ${sshInterface}`);
  if (sshInterface === 'session_manager' && type === 'winrm') {
    errors.push('session_manager connectivity is not supported with the "winrm" communicator; please use "ssh"');
  }
  if (sshInterface === 'session_manager' && !config.iam_instance_profile && !config.temporary_iam_instance_profile_policy_document) {
    errors.push(
      'no iam_instance_profile defined; session_manager connectivity requires a valid instance profile with ' +
        'AmazonSSMManagedInstanceCore permissions. Alternatively a temporary_iam_instance_profile_policy_document can be used.',
    );
  }
  if (config.ssh_keypair_name) {
    if (type === 'winrm' && !config.winrm_password && !config.ssh_private_key_file) {
      errors.push('ssh_private_key_file must be provided to retrieve the winrm password when using ssh_keypair_name.');
    } else if (!config.ssh_private_key_file && !config.ssh_agent_auth) {
      errors.push('ssh_private_key_file must be provided or ssh_agent_auth enabled when ssh_keypair_name is specified.');
    }
  }
  const filter = config.source_ami_filter;
  const filterEmpty = !filter || (Object.keys(filter.filters ?? {}).length === 0 && (filter.owners ?? []).length === 0);
  if (!config.source_ami && filterEmpty) errors.push('A source_ami or source_ami_filter must be specified');
  if (!config.source_ami && (filter?.owners ?? []).length === 0) {
    errors.push('For security reasons, your source AMI filter must declare an owner.');
  }
  const spotTypes = config.spot_instance_types ?? [];
  if (!config.instance_type && spotTypes.length === 0) errors.push('either instance_type or spot_instance_types must be specified');
  if (config.instance_type && spotTypes.length > 0) {
    errors.push('either instance_type or spot_instance_types must be specified, not both');
  }
  if ((config.block_duration_minutes ?? 0) % 60 !== 0) errors.push('block_duration_minutes must be multiple of 60');
  const spotTagged = Object.keys(config.spot_tags ?? {}).length > 0 || (config.spot_tag ?? []).length > 0;
  if (spotTagged && !config.spot_price) errors.push('spot_tags should not be set when not requesting a spot instance');
  if (config.user_data && config.user_data_file) {
    errors.push('Only one of user_data or user_data_file can be specified.');
  } else if (config.user_data_file && !existsSync(config.user_data_file)) {
    errors.push(`user_data_file not found: ${config.user_data_file}`);
  }
  if (config.security_group_id && (config.security_group_ids ?? []).length > 0) {
    errors.push('Only one of security_group_id or security_group_ids can be specified.');
  }
  for (const cidr of config.temporary_security_group_source_cidrs ?? []) {
    const problem = cidrProblem(cidr);
    if (problem) errors.push(`Error parsing CIDR in temporary_security_group_source_cidrs: ${problem}`);
  }
  if (config.shutdown_behavior && !['stop', 'terminate'].includes(config.shutdown_behavior)) {
    errors.push("shutdown_behavior only accepts 'stop' or 'terminate' values.");
  }
  if (config.enable_t2_unlimited) {
    if (config.spot_price) errors.push('Error: T2 Unlimited cannot be used in conjunction with Spot Instances');
    const instanceType = config.instance_type ?? '';
    const dot = instanceType.indexOf('.');
    if (dot === -1) errors.push(`Error determining main Instance Type from: ${instanceType}`);
    else if (instanceType.slice(0, dot) !== 't2') {
      errors.push(`Error: T2 Unlimited enabled with a non-T2 Instance Type: ${instanceType}`);
    }
  }
  if (config.tenancy && !['default', 'dedicated', 'host'].includes(config.tenancy)) {
    errors.push(`Error: Unknown tenancy type ${config.tenancy}`);
  }
  return errors;
}

function builderErrors(config: AmazonEbsConfig): string[] {
  const spot = isSpot(config);
  if (spot && (config.ena_support === true || config.sriov_support === true)) {
    return [
      'Spot instances do not support modification, which is required when either `ena_support` or `sriov_support` ' +
        'are set. Please ensure you use an AMI that already has either SR-IOV or ENA enabled.',
    ];
  }
  return [];
}

/**
 * Packer's IsSpotInstance: a spot price other than "0". spot_instance_types alone does not make a
 * spot build (Packer 1.6.6 then launches on demand without an instance type).
 */
export function isSpot(config: Pick<AmazonEbsConfig, 'spot_price'>): boolean {
  return !!config.spot_price && config.spot_price !== '0';
}

/** Go's net.ParseCIDR error text, for the CIDRs Packer checks. */
function cidrProblem(cidr: string): string | undefined {
  const slash = cidr.indexOf('/');
  const invalid = `invalid CIDR address: ${cidr}`;
  if (slash < 0) return invalid;
  const address = cidr.slice(0, slash);
  const bits = cidr.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^\d+$/.test(bits)) return invalid;
  return Number(bits) > (family === 4 ? 32 : 128) ? invalid : undefined;
}
