import { createRequire } from 'node:module';
import type * as Ec2Sdk from '@aws-sdk/client-ec2';
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

const requireHere = createRequire(import.meta.url);
let ec2Module: typeof Ec2Sdk | undefined;

/**
 * @aws-sdk/client-ec2, loaded on first use and with require(): importing its 2 MB CommonJS bundle
 * from ESM makes Node scan it for export names first, which costs more than the build's EC2 calls
 * against a local endpoint; and `kiln validate` never pays for it at all.
 */
export function ec2Sdk(): typeof Ec2Sdk {
  return (ec2Module ??= requireHere('@aws-sdk/client-ec2') as typeof Ec2Sdk);
}

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

/** The real Ec2Api over an EC2 client of that region. */
export function sdkEc2Api(client: AwsSender, region: string): Ec2Api {
  const sdk = ec2Sdk();
  const send = <T>(command: unknown): Promise<T> => client.send(command) as Promise<T>;
  const ok = async (command: unknown): Promise<void> => {
    await send<unknown>(command);
  };
  return {
    region,
    describeRegions: async () =>
      ((await send<{ Regions?: { RegionName?: string }[] }>(new sdk.DescribeRegionsCommand({}))).Regions ?? []).flatMap((r) =>
        r.RegionName ? [r.RegionName] : [],
      ),
    describeImages: async (input) => (await send<{ Images?: Image[] }>(new sdk.DescribeImagesCommand(input))).Images ?? [],
    describeInstances: async (input) =>
      ((await send<{ Reservations?: { Instances?: Instance[] }[] }>(new sdk.DescribeInstancesCommand(input))).Reservations ?? []).flatMap(
        (r) => r.Instances ?? [],
      ),
    describeVpcs: async (input) => (await send<{ Vpcs?: Vpc[] }>(new sdk.DescribeVpcsCommand(input))).Vpcs ?? [],
    describeSubnets: async (input) => (await send<{ Subnets?: Subnet[] }>(new sdk.DescribeSubnetsCommand(input))).Subnets ?? [],
    describeSecurityGroups: async (input) =>
      (await send<{ SecurityGroups?: SecurityGroup[] }>(new sdk.DescribeSecurityGroupsCommand(input))).SecurityGroups ?? [],
    describeVolumes: async (input) => (await send<{ Volumes?: Volume[] }>(new sdk.DescribeVolumesCommand(input))).Volumes ?? [],
    createKeyPair: async (keyName) => ({
      keyMaterial: (await send<{ KeyMaterial?: string }>(new sdk.CreateKeyPairCommand({ KeyName: keyName }))).KeyMaterial ?? '',
    }),
    deleteKeyPair: (keyName) => ok(new sdk.DeleteKeyPairCommand({ KeyName: keyName })),
    createSecurityGroup: async (input) => required((await send<{ GroupId?: string }>(new sdk.CreateSecurityGroupCommand(input))).GroupId, 'GroupId'),
    authorizeSecurityGroupIngress: (input) => ok(new sdk.AuthorizeSecurityGroupIngressCommand(input)),
    deleteSecurityGroup: (groupId) => ok(new sdk.DeleteSecurityGroupCommand({ GroupId: groupId })),
    runInstances: async (input) => required((await send<{ Instances?: Instance[] }>(new sdk.RunInstancesCommand(input))).Instances?.[0], 'Instances'),
    createLaunchTemplate: (input) => ok(new sdk.CreateLaunchTemplateCommand(input)),
    deleteLaunchTemplate: (name) => ok(new sdk.DeleteLaunchTemplateCommand({ LaunchTemplateName: name })),
    createFleet: (input) => send<CreateFleetCommandOutput>(new sdk.CreateFleetCommand(input)),
    createTags: (resources, tags) => ok(new sdk.CreateTagsCommand({ Resources: [...resources], Tags: [...tags] })),
    stopInstances: (ids) => ok(new sdk.StopInstancesCommand({ InstanceIds: [...ids] })),
    terminateInstances: (ids) => ok(new sdk.TerminateInstancesCommand({ InstanceIds: [...ids] })),
    modifyInstanceAttribute: (input) => ok(new sdk.ModifyInstanceAttributeCommand(input)),
    getPasswordData: async (instanceId) =>
      (await send<{ PasswordData?: string }>(new sdk.GetPasswordDataCommand({ InstanceId: instanceId }))).PasswordData?.trim() || undefined,
    deleteVolume: (volumeId) => ok(new sdk.DeleteVolumeCommand({ VolumeId: volumeId })),
    createImage: async (input) => required((await send<{ ImageId?: string }>(new sdk.CreateImageCommand(input))).ImageId, 'ImageId'),
    copyImage: async (input) => required((await send<{ ImageId?: string }>(new sdk.CopyImageCommand(input))).ImageId, 'ImageId'),
    deregisterImage: (imageId) => ok(new sdk.DeregisterImageCommand({ ImageId: imageId })),
    deleteSnapshot: (snapshotId) => ok(new sdk.DeleteSnapshotCommand({ SnapshotId: snapshotId })),
    modifyImageAttribute: (input) => ok(new sdk.ModifyImageAttributeCommand(input)),
    modifySnapshotAttribute: (input) => ok(new sdk.ModifySnapshotAttributeCommand(input)),
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
