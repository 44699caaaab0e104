import type {
  AuthorizeSecurityGroupIngressCommandInput,
  CopyImageCommandInput,
  CreateFleetCommandInput,
  CreateFleetCommandOutput,
  CreateImageCommandInput,
  CreateLaunchTemplateCommandInput,
  CreateSecurityGroupCommandInput,
  DescribeImagesCommandInput,
  DescribeInstancesCommandInput,
  DescribeSecurityGroupsCommandInput,
  DescribeSubnetsCommandInput,
  DescribeVolumesCommandInput,
  DescribeVpcsCommandInput,
  Image,
  Instance,
  ModifyImageAttributeCommandInput,
  ModifyInstanceAttributeCommandInput,
  ModifySnapshotAttributeCommandInput,
  RunInstancesCommandInput,
  SecurityGroup,
  Subnet,
  Tag,
  Volume,
  Vpc,
} from '@aws-sdk/client-ec2';
import type * as Ec2Sdk from './sdk/ec2-commands.js';

/**
 * The EC2 calls amazon-ebs makes, for one region: the builder's whole view of the outside world.
 * The real one sends through @aws-sdk/client-ec2; unit tests give an in-memory fake, fault tests
 * wrap the real one.
 */
export interface Ec2Api {
  readonly region: string;
  describeRegions(): Promise<string[]>;
  describeImages(input: DescribeImagesCommandInput): Promise<Image[]>;
  describeInstances(input: DescribeInstancesCommandInput): Promise<Instance[]>;
  describeVpcs(input: DescribeVpcsCommandInput): Promise<Vpc[]>;
  describeSubnets(input: DescribeSubnetsCommandInput): Promise<Subnet[]>;
  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput): Promise<SecurityGroup[]>;
  describeVolumes(input: DescribeVolumesCommandInput): Promise<Volume[]>;
  createKeyPair(keyName: string): Promise<{ keyMaterial: string }>;
  deleteKeyPair(keyName: string): Promise<void>;
  createSecurityGroup(input: CreateSecurityGroupCommandInput): Promise<string>;
  authorizeSecurityGroupIngress(input: AuthorizeSecurityGroupIngressCommandInput): Promise<void>;
  deleteSecurityGroup(groupId: string): Promise<void>;
  runInstances(input: RunInstancesCommandInput): Promise<Instance>;
  createLaunchTemplate(input: CreateLaunchTemplateCommandInput): Promise<void>;
  deleteLaunchTemplate(name: string): Promise<void>;
  createFleet(input: CreateFleetCommandInput): Promise<CreateFleetCommandOutput>;
  createTags(resources: readonly string[], tags: readonly Tag[]): Promise<void>;
  stopInstances(instanceIds: readonly string[]): Promise<void>;
  terminateInstances(instanceIds: readonly string[]): Promise<void>;
  modifyInstanceAttribute(input: ModifyInstanceAttributeCommandInput): Promise<void>;
  getPasswordData(instanceId: string): Promise<string | undefined>;
  deleteVolume(volumeId: string): Promise<void>;
  createImage(input: CreateImageCommandInput): Promise<string>;
  copyImage(input: CopyImageCommandInput): Promise<string>;
  deregisterImage(imageId: string): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  modifyImageAttribute(input: ModifyImageAttributeCommandInput): Promise<void>;
  modifySnapshotAttribute(input: ModifySnapshotAttributeCommandInput): Promise<void>;
}

/** An Ec2Api per region: the build region and each of ami_regions. */
export type Ec2ApiFactory = (region: string) => Ec2Api;

/** What the APIs need of an SDK client: `send` (EC2Client, IAMClient, or anything shaped like them in tests). */
export interface AwsSender {
  send(command: unknown): Promise<unknown>;
}

/**
 * Sends one command, made from the SDK's command classes `S` once they are loaded (the SDK is
 * loaded on the first call, not when the builder is: see sdk/ec2-commands.ts).
 */
export type SdkSend<S> = <T>(command: (sdk: S) => unknown) => Promise<T>;

/** The real Ec2Api over an EC2 client of that region. */
export function sdkEc2Api(send: SdkSend<typeof Ec2Sdk>, region: string): Ec2Api {
  const ok = async (command: (sdk: typeof Ec2Sdk) => unknown): Promise<void> => {
    await send<unknown>(command);
  };
  return {
    region,
    describeRegions: async () =>
      ((await send<{ Regions?: { RegionName?: string }[] }>((sdk) => new sdk.DescribeRegionsCommand({}))).Regions ?? []).flatMap((r) =>
        r.RegionName ? [r.RegionName] : [],
      ),
    describeImages: async (input) => (await send<{ Images?: Image[] }>((sdk) => new sdk.DescribeImagesCommand(input))).Images ?? [],
    describeInstances: async (input) =>
      ((await send<{ Reservations?: { Instances?: Instance[] }[] }>((sdk) => new sdk.DescribeInstancesCommand(input))).Reservations ?? []).flatMap(
        (r) => r.Instances ?? [],
      ),
    describeVpcs: async (input) => (await send<{ Vpcs?: Vpc[] }>((sdk) => new sdk.DescribeVpcsCommand(input))).Vpcs ?? [],
    describeSubnets: async (input) => (await send<{ Subnets?: Subnet[] }>((sdk) => new sdk.DescribeSubnetsCommand(input))).Subnets ?? [],
    describeSecurityGroups: async (input) =>
      (await send<{ SecurityGroups?: SecurityGroup[] }>((sdk) => new sdk.DescribeSecurityGroupsCommand(input))).SecurityGroups ?? [],
    describeVolumes: async (input) => (await send<{ Volumes?: Volume[] }>((sdk) => new sdk.DescribeVolumesCommand(input))).Volumes ?? [],
    createKeyPair: async (keyName) => ({
      keyMaterial: (await send<{ KeyMaterial?: string }>((sdk) => new sdk.CreateKeyPairCommand({ KeyName: keyName }))).KeyMaterial ?? '',
    }),
    deleteKeyPair: (keyName) => ok((sdk) => new sdk.DeleteKeyPairCommand({ KeyName: keyName })),
    createSecurityGroup: async (input) => required((await send<{ GroupId?: string }>((sdk) => new sdk.CreateSecurityGroupCommand(input))).GroupId, 'GroupId'),
    authorizeSecurityGroupIngress: (input) => ok((sdk) => new sdk.AuthorizeSecurityGroupIngressCommand(input)),
    deleteSecurityGroup: (groupId) => ok((sdk) => new sdk.DeleteSecurityGroupCommand({ GroupId: groupId })),
    runInstances: async (input) => required((await send<{ Instances?: Instance[] }>((sdk) => new sdk.RunInstancesCommand(input))).Instances?.[0], 'Instances'),
    createLaunchTemplate: (input) => ok((sdk) => new sdk.CreateLaunchTemplateCommand(input)),
    deleteLaunchTemplate: (name) => ok((sdk) => new sdk.DeleteLaunchTemplateCommand({ LaunchTemplateName: name })),
    createFleet: (input) => send<CreateFleetCommandOutput>((sdk) => new sdk.CreateFleetCommand(input)),
    createTags: (resources, tags) => ok((sdk) => new sdk.CreateTagsCommand({ Resources: [...resources], Tags: [...tags] })),
    stopInstances: (ids) => ok((sdk) => new sdk.StopInstancesCommand({ InstanceIds: [...ids] })),
    terminateInstances: (ids) => ok((sdk) => new sdk.TerminateInstancesCommand({ InstanceIds: [...ids] })),
    modifyInstanceAttribute: (input) => ok((sdk) => new sdk.ModifyInstanceAttributeCommand(input)),
    getPasswordData: async (instanceId) =>
      (await send<{ PasswordData?: string }>((sdk) => new sdk.GetPasswordDataCommand({ InstanceId: instanceId }))).PasswordData?.trim() || undefined,
    deleteVolume: (volumeId) => ok((sdk) => new sdk.DeleteVolumeCommand({ VolumeId: volumeId })),
    createImage: async (input) => required((await send<{ ImageId?: string }>((sdk) => new sdk.CreateImageCommand(input))).ImageId, 'ImageId'),
    copyImage: async (input) => required((await send<{ ImageId?: string }>((sdk) => new sdk.CopyImageCommand(input))).ImageId, 'ImageId'),
    deregisterImage: (imageId) => ok((sdk) => new sdk.DeregisterImageCommand({ ImageId: imageId })),
    deleteSnapshot: (snapshotId) => ok((sdk) => new sdk.DeleteSnapshotCommand({ SnapshotId: snapshotId })),
    modifyImageAttribute: (input) => ok((sdk) => new sdk.ModifyImageAttributeCommand(input)),
    modifySnapshotAttribute: (input) => ok((sdk) => new sdk.ModifySnapshotAttributeCommand(input)),
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`EC2 answered without ${what}`);
  return value;
}

/** The AWS error code of a failed call (`InvalidGroup.NotFound`, `DependencyViolation`, ...). */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, Code, code } = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const candidate of [Code, code, name]) if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
  return undefined;
}
