import { randomUUID } from 'node:crypto';
import { parseGoDuration } from '@kiln/sdk';
import type { AmazonEbsConfig, BlockDeviceConfig, KeyValueTag, NameValueTag, PolicyDocumentConfig } from './config.js';
import { isSpot } from './validate.js';

/** Raw (not yet rendered) tags in template order, block entries after the map's, as Packer's CopyOn. */
export type RawTags = readonly (readonly [key: string, value: string])[];

export interface FilterSettings {
  /** EC2 filters in template order: [name, value]. */
  readonly filters: RawTags;
}

/** The config with Packer's prepare-time defaults applied: what the steps read. */
export interface Ec2Settings {
  readonly region: string;
  readonly amiName: string;
  readonly amiDescription: string;
  /** Copy targets: deduplicated, the build region left out (Packer's AMIConfig.Prepare). */
  readonly amiRegions: readonly string[];
  readonly skipRegionValidation: boolean;
  readonly skipCredentialValidation: boolean;
  readonly skipSaveBuildRegion: boolean;
  readonly amiUsers: readonly string[];
  readonly amiGroups: readonly string[];
  readonly amiProductCodes: readonly string[];
  readonly snapshotUsers: readonly string[];
  readonly snapshotGroups: readonly string[];
  readonly amiVirtualizationType: string;
  readonly tags: RawTags;
  readonly snapshotTags: RawTags;
  readonly runTags: RawTags;
  readonly runVolumeTags: RawTags;
  readonly spotTags: RawTags;
  /** undefined: unset (keep the source's encryption), as Packer's Trilean. */
  readonly encryptBoot: boolean | undefined;
  readonly kmsKeyId: string;
  readonly regionKmsKeyIds: Readonly<Record<string, string>>;
  readonly forceDeregister: boolean;
  readonly forceDeleteSnapshot: boolean;
  readonly enaSupport: boolean | undefined;
  readonly sriovSupport: boolean;

  readonly sourceAmi: string;
  readonly sourceAmiFilter: (FilterSettings & { readonly owners: readonly string[]; readonly mostRecent: boolean }) | undefined;
  readonly vpcId: string;
  readonly vpcFilter: FilterSettings | undefined;
  readonly subnetId: string;
  readonly subnetFilter: (FilterSettings & { readonly mostFree: boolean; readonly random: boolean }) | undefined;
  readonly availabilityZone: string;
  readonly securityGroupIds: readonly string[];
  readonly securityGroupFilter: FilterSettings | undefined;
  readonly temporarySecurityGroupCidrs: readonly string[];
  readonly iamInstanceProfile: string;
  readonly skipProfileValidation: boolean;
  readonly temporaryIamPolicyDocument: PolicyDocumentConfig | undefined;

  readonly spot: boolean;
  readonly instanceType: string;
  readonly spotInstanceTypes: readonly string[];
  readonly spotPrice: string;
  readonly blockDurationMinutes: number;
  readonly shutdownBehavior: string;
  readonly associatePublicIpAddress: boolean;
  readonly ebsOptimized: boolean;
  readonly enableT2Unlimited: boolean;
  readonly tenancy: string;
  readonly userData: string;
  readonly userDataFile: string;
  readonly noEphemeral: boolean;
  readonly disableStopInstance: boolean;
  readonly launchMappings: readonly BlockDeviceConfig[];
  readonly amiMappings: readonly BlockDeviceConfig[];

  /** 'ssh' | 'winrm' | 'none' | ... */
  readonly communicator: string;
  /** The port the temporary security group opens: 0 with `communicator: none`, as Packer's Comm.Port(). */
  readonly communicatorPort: number;
  readonly sshInterface: string;
  /** ssh_keypair_name: an existing key pair for the instance. */
  readonly sshKeyPairName: string;
  /** The key pair Kiln creates (packer_<uuid>) when nothing else authenticates. */
  readonly temporaryKeyPairName: string;
  readonly windowsPasswordTimeoutMs: number;
  readonly endpoint: string | undefined;
  readonly profile: string | undefined;
}

const strings = (value: readonly string[] | undefined): readonly string[] => value ?? [];

/** Packer's CopyOn: the map's tags, then the block entries (a block wins over the map for its key). */
export function rawTags(map: Readonly<Record<string, string>> | undefined, blocks?: readonly (KeyValueTag | NameValueTag)[]): RawTags {
  const tags = new Map<string, string>(Object.entries(map ?? {}));
  for (const block of blocks ?? []) {
    const key = 'key' in block ? block.key : (block as NameValueTag).name;
    if (key !== undefined) tags.set(key, block.value ?? '');
  }
  return [...tags];
}

function filterSettings(filters: Readonly<Record<string, string>> | undefined): FilterSettings | undefined {
  const entries = Object.entries(filters ?? {});
  return entries.length === 0 ? undefined : { filters: entries };
}

function communicatorPort(config: AmazonEbsConfig): number {
  const type = config.communicator || 'ssh';
  if (type === 'ssh') return config.ssh_port || 22;
  if (type === 'winrm') return config.winrm_port || (config.winrm_use_ssl ? 5986 : 5985);
  return 0;
}

/** Resolves defaults; assumes amazonEbsConfigErrors found nothing. `-force` sets force_deregister, as in Packer. */
export function resolveSettings(config: AmazonEbsConfig, options: { force?: boolean; newName?: () => string } = {}): Ec2Settings {
  const newName = options.newName ?? (() => `packer_${randomUUID()}`);
  const region = config.region ?? '';
  const amiRegions = [...new Set(strings(config.ami_regions))].filter((r) => r !== region);
  const filter = config.source_ami_filter;
  const subnetFilter = config.subnet_filter;
  const wantsTemporaryKey =
    !config.ssh_keypair_name && !config.temporary_key_pair_name && !config.ssh_private_key_file && !config.ssh_password;
  return {
    region,
    amiName: config.ami_name ?? '',
    amiDescription: config.ami_description ?? '',
    amiRegions,
    skipRegionValidation: config.skip_region_validation === true,
    skipCredentialValidation: config.skip_credential_validation === true,
    skipSaveBuildRegion: config.skip_save_build_region === true,
    amiUsers: strings(config.ami_users),
    amiGroups: strings(config.ami_groups),
    amiProductCodes: strings(config.ami_product_codes),
    snapshotUsers: strings(config.snapshot_users),
    snapshotGroups: strings(config.snapshot_groups),
    amiVirtualizationType: config.ami_virtualization_type ?? '',
    tags: rawTags(config.tags, config.tag),
    snapshotTags: rawTags(config.snapshot_tags, config.snapshot_tag),
    runTags: rawTags(config.run_tags, config.run_tag),
    runVolumeTags: rawTags(config.run_volume_tags, config.run_volume_tag),
    spotTags: rawTags(config.spot_tags, config.spot_tag),
    encryptBoot: config.encrypt_boot,
    kmsKeyId: config.kms_key_id ?? '',
    regionKmsKeyIds: config.region_kms_key_ids ?? {},
    forceDeregister: config.force_deregister === true || options.force === true,
    forceDeleteSnapshot: config.force_delete_snapshot === true,
    enaSupport: config.ena_support,
    sriovSupport: config.sriov_support === true,

    sourceAmi: config.source_ami ?? '',
    sourceAmiFilter:
      filter && (Object.keys(filter.filters ?? {}).length > 0 || strings(filter.owners).length > 0)
        ? { filters: Object.entries(filter.filters ?? {}), owners: strings(filter.owners), mostRecent: filter.most_recent === true }
        : undefined,
    vpcId: config.vpc_id ?? '',
    vpcFilter: filterSettings(config.vpc_filter?.filters),
    subnetId: config.subnet_id ?? '',
    subnetFilter: subnetFilter?.filters && Object.keys(subnetFilter.filters).length > 0
      ? { filters: Object.entries(subnetFilter.filters), mostFree: subnetFilter.most_free === true, random: subnetFilter.random === true }
      : undefined,
    availabilityZone: config.availability_zone ?? '',
    securityGroupIds: config.security_group_id ? [config.security_group_id] : strings(config.security_group_ids),
    securityGroupFilter: filterSettings(config.security_group_filter?.filters),
    temporarySecurityGroupCidrs:
      strings(config.temporary_security_group_source_cidrs).length > 0 ? strings(config.temporary_security_group_source_cidrs) : ['0.0.0.0/0'],
    iamInstanceProfile: config.iam_instance_profile ?? '',
    skipProfileValidation: config.skip_profile_validation === true,
    temporaryIamPolicyDocument: config.temporary_iam_instance_profile_policy_document,

    spot: isSpot(config),
    instanceType: config.instance_type ?? '',
    spotInstanceTypes: strings(config.spot_instance_types),
    spotPrice: config.spot_price ?? '',
    blockDurationMinutes: config.block_duration_minutes ?? 0,
    shutdownBehavior: config.shutdown_behavior || 'stop',
    associatePublicIpAddress: config.associate_public_ip_address === true,
    ebsOptimized: config.ebs_optimized === true,
    enableT2Unlimited: config.enable_t2_unlimited === true,
    tenancy: config.tenancy ?? '',
    userData: config.user_data ?? '',
    userDataFile: config.user_data_file ?? '',
    noEphemeral: config.no_ephemeral === true,
    disableStopInstance: config.disable_stop_instance === true,
    launchMappings: config.launch_block_device_mappings ?? [],
    amiMappings: config.ami_block_device_mappings ?? [],

    communicator: config.communicator || 'ssh',
    communicatorPort: communicatorPort(config),
    sshInterface: config.ssh_interface ?? '',
    sshKeyPairName: config.ssh_keypair_name ?? '',
    temporaryKeyPairName: config.temporary_key_pair_name || (wantsTemporaryKey ? newName() : ''),
    windowsPasswordTimeoutMs: parseGoDuration(config.windows_password_timeout || '20m') || 20 * 60_000,
    endpoint: config.custom_endpoint_ec2 || undefined,
    profile: config.profile || undefined,
  };
}
