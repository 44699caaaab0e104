import type { Image, Instance, SecurityGroup, Tag, Volume } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../src/client.js';
import type { Ec2Api } from '../../src/driver.js';
import type { IamApi } from '../../src/iam.js';

/** An error shaped as the SDK's service errors (name and Code carry the AWS code). */
export function awsError(code: string, message = code): Error {
  return Object.assign(new Error(message), { name: code, Code: code });
}

interface FakeRegion {
  images: Map<string, Image>;
  instances: Map<string, Instance>;
  keyPairs: Set<string>;
  groups: Map<string, SecurityGroup>;
  volumes: Map<string, Volume>;
  snapshots: Set<string>;
  launchTemplates: Set<string>;
  tags: Map<string, Tag[]>;
}

/**
 * EC2 in memory, just enough for amazon-ebs: images (with one snapshot each), instances (with a
 * root volume deleted on termination), key pairs, security groups, launch templates, tags. Every
 * call is logged as `region Action` and may be intercepted by `before` (to fail or to check the
 * ledger at that moment). `pendingChecks` answers that many describes with `pending` first.
 */
export class FakeEc2 {
  readonly calls: string[] = [];
  readonly regions = new Map<string, FakeRegion>();
  pendingChecks = 0;
  before: ((region: string, action: string) => void) | undefined;
  private counter = 0;

  constructor(sourceImages: readonly Image[] = []) {
    for (const region of ['us-east-1', 'us-west-2']) {
      const r = this.region(region);
      for (const image of sourceImages) r.images.set(image.ImageId!, image);
    }
  }

  region(name: string): FakeRegion {
    let region = this.regions.get(name);
    if (!region) {
      region = { images: new Map(), instances: new Map(), keyPairs: new Set(), groups: new Map(), volumes: new Map(), snapshots: new Set(), launchTemplates: new Set(), tags: new Map() };
      this.regions.set(name, region);
    }
    return region;
  }

  /** Everything the fake holds that a build made, as `region:id`. */
  leftovers(): string[] {
    const out: string[] = [];
    for (const [name, r] of this.regions) {
      for (const [id, image] of r.images) if (image.OwnerId === 'self') out.push(`${name}:${id}`);
      for (const [id, instance] of r.instances) if (instance.State?.Name !== 'terminated') out.push(`${name}:${id}`);
      for (const id of [...r.keyPairs, ...r.groups.keys(), ...r.volumes.keys(), ...r.snapshots, ...r.launchTemplates]) out.push(`${name}:${id}`);
    }
    return out;
  }

  clients(): AwsClients {
    return { ec2: (region) => this.api(region), iam: () => this.iam(), checkCredentials: async () => undefined };
  }

  private id(prefix: string): string {
    return `${prefix}-${(++this.counter).toString(16).padStart(8, '0')}`;
  }

  private iam(): IamApi {
    const ok = (action: string) => async () => {
      this.calls.push(`iam ${action}`);
      this.before?.('iam', action);
    };
    return {
      getInstanceProfile: ok('GetInstanceProfile'),
      getRole: ok('GetRole'),
      createInstanceProfile: ok('CreateInstanceProfile'),
      createRole: ok('CreateRole'),
      putRolePolicy: ok('PutRolePolicy'),
      addRoleToInstanceProfile: ok('AddRoleToInstanceProfile'),
      removeRoleFromInstanceProfile: ok('RemoveRoleFromInstanceProfile'),
      deleteRolePolicy: ok('DeleteRolePolicy'),
      deleteRole: ok('DeleteRole'),
      deleteInstanceProfile: ok('DeleteInstanceProfile'),
    };
  }

  api(region: string): Ec2Api {
    const r = this.region(region);
    const log = (action: string): void => {
      this.calls.push(`${region} ${action}`);
      this.before?.(region, action);
    };
    const pending = (): boolean => {
      if (this.pendingChecks <= 0) return false;
      this.pendingChecks--;
      return true;
    };
    const newId = (prefix: string) => this.id(prefix);
    const addImage = (name: string) => this.addImage(r, name);
    const calls = this.calls;
    return {
      region,
      async describeRegions() {
        log('DescribeRegions');
        return ['us-east-1', 'us-west-2', 'eu-west-1'];
      },
      async describeImages(input) {
        log('DescribeImages');
        let images = [...r.images.values()];
        if (input.ImageIds) {
          images = input.ImageIds.map((id) => {
            const image = r.images.get(id);
            if (!image) throw awsError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
            return image;
          });
        }
        for (const filter of input.Filters ?? []) {
          const value = filter.Values?.[0] ?? '';
          const pattern = new RegExp(`^${value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
          images = images.filter((image) => {
            const field = { name: image.Name, 'virtualization-type': image.VirtualizationType, 'root-device-type': image.RootDeviceType }[filter.Name ?? ''];
            return field === undefined || pattern.test(field);
          });
        }
        const owners = input.Owners;
        if (owners) images = images.filter((i) => owners.includes(i.OwnerId ?? '') || owners.includes(i.ImageOwnerAlias ?? ''));
        return images.map((image) => (image.OwnerId === 'self' && pending() ? { ...image, State: 'pending' } : image));
      },
      async describeInstances(input) {
        log('DescribeInstances');
        let instances = [...r.instances.values()];
        if (input.InstanceIds) instances = instances.filter((i) => input.InstanceIds!.includes(i.InstanceId!));
        for (const filter of input.Filters ?? []) {
          if (filter.Name === 'key-name') instances = instances.filter((i) => filter.Values?.includes(i.KeyName ?? ''));
          if (filter.Name === 'instance-state-name') instances = instances.filter((i) => filter.Values?.includes(i.State?.Name ?? ''));
        }
        return instances.map((i) => (i.State?.Name === 'running' && pending() ? { ...i, State: { Name: 'pending', Code: 0 } } : i));
      },
      async describeVpcs() {
        log('DescribeVpcs');
        return [{ VpcId: 'vpc-default', IsDefault: true }];
      },
      async describeSubnets() {
        log('DescribeSubnets');
        return [{ SubnetId: 'subnet-1', VpcId: 'vpc-default', AvailabilityZone: `${region}a`, AvailableIpAddressCount: 10 }];
      },
      async describeSecurityGroups(input) {
        log('DescribeSecurityGroups');
        const groups = [...r.groups.values()];
        if (input.GroupIds) return groups.filter((g) => input.GroupIds!.includes(g.GroupId!));
        const name = input.Filters?.find((f) => f.Name === 'group-name')?.Values?.[0];
        return name ? groups.filter((g) => g.GroupName === name) : groups;
      },
      async describeVolumes(input) {
        log('DescribeVolumes');
        const ids = input.VolumeIds ?? input.Filters?.[0]?.Values ?? [];
        return [...r.volumes.values()].filter((v) => ids.includes(v.VolumeId!));
      },
      async createKeyPair(name) {
        log('CreateKeyPair');
        r.keyPairs.add(name);
        return { keyMaterial: '-----BEGIN RSA PRIVATE KEY-----\nfake\n-----END RSA PRIVATE KEY-----\n' };
      },
      async deleteKeyPair(name) {
        log('DeleteKeyPair');
        r.keyPairs.delete(name);
      },
      async createSecurityGroup(input) {
        log('CreateSecurityGroup');
        const id = newId('sg');
        r.groups.set(id, { GroupId: id, GroupName: input.GroupName });
        return id;
      },
      async authorizeSecurityGroupIngress() {
        log('AuthorizeSecurityGroupIngress');
      },
      async deleteSecurityGroup(id) {
        log('DeleteSecurityGroup');
        if ([...r.instances.values()].some((i) => i.State?.Name !== 'terminated' && i.SecurityGroups?.some((g) => g.GroupId === id))) {
          throw awsError('DependencyViolation');
        }
        r.groups.delete(id);
      },
      async runInstances(input) {
        log('RunInstances');
        const id = newId('i');
        const volumeId = newId('vol');
        r.volumes.set(volumeId, { VolumeId: volumeId, State: 'in-use' });
        const instance: Instance = {
          InstanceId: id,
          ImageId: input.ImageId,
          KeyName: input.KeyName,
          State: { Name: 'running', Code: 16 },
          PublicIpAddress: '203.0.113.10',
          VpcId: 'vpc-default',
          SecurityGroups: (input.SecurityGroupIds ?? []).map((g) => ({ GroupId: g })),
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: volumeId, DeleteOnTermination: true } }],
        };
        r.instances.set(id, instance);
        return instance;
      },
      async createLaunchTemplate(input) {
        log('CreateLaunchTemplate');
        r.launchTemplates.add(input.LaunchTemplateName!);
      },
      async deleteLaunchTemplate(name) {
        log('DeleteLaunchTemplate');
        r.launchTemplates.delete(name);
      },
      async createFleet() {
        log('CreateFleet');
        const instance = await this.runInstances({ ImageId: 'ami-fleet', MinCount: 1, MaxCount: 1 });
        calls.pop();
        return { $metadata: {}, FleetId: 'fleet-1', Instances: [{ InstanceIds: [instance.InstanceId!] }] };
      },
      async createTags(resources, tags) {
        log('CreateTags');
        for (const id of resources) r.tags.set(id, [...(r.tags.get(id) ?? []), ...tags]);
      },
      async stopInstances(ids) {
        log('StopInstances');
        for (const id of ids) r.instances.get(id)!.State = { Name: 'stopped', Code: 80 };
      },
      async terminateInstances(ids) {
        log('TerminateInstances');
        for (const id of ids) {
          const instance = r.instances.get(id);
          if (!instance) throw awsError('InvalidInstanceID.NotFound');
          instance.State = { Name: 'terminated', Code: 48 };
          for (const m of instance.BlockDeviceMappings ?? []) if (m.Ebs?.DeleteOnTermination) r.volumes.delete(m.Ebs.VolumeId!);
        }
      },
      async modifyInstanceAttribute() {
        log('ModifyInstanceAttribute');
      },
      async getPasswordData() {
        log('GetPasswordData');
        return undefined;
      },
      async deleteVolume(id) {
        log('DeleteVolume');
        r.volumes.delete(id);
      },
      async createImage(input) {
        log('CreateImage');
        return addImage(input.Name ?? '');
      },
      async copyImage(input) {
        log('CopyImage');
        return addImage(input.Name ?? '');
      },
      async deregisterImage(id) {
        log('DeregisterImage');
        if (!r.images.delete(id)) throw awsError('InvalidAMIID.NotFound');
      },
      async deleteSnapshot(id) {
        log('DeleteSnapshot');
        if (!r.snapshots.delete(id)) throw awsError('InvalidSnapshot.NotFound');
      },
      async modifyImageAttribute() {
        log('ModifyImageAttribute');
      },
      async modifySnapshotAttribute() {
        log('ModifySnapshotAttribute');
      },
    };
  }

  private addImage(r: FakeRegion, name: string): string {
    const id = this.id('ami');
    const snapshot = this.id('snap');
    r.snapshots.add(snapshot);
    r.images.set(id, { ImageId: id, Name: name, OwnerId: 'self', State: 'available', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snapshot } }] });
    return id;
  }
}

/** A source image as EC2 describes one. */
export function sourceImage(overrides: Partial<Image> = {}): Image {
  return {
    ImageId: 'ami-source1',
    Name: 'base-image',
    OwnerId: '137112412989',
    ImageOwnerAlias: 'amazon',
    CreationDate: '2020-01-01T00:00:00.000Z',
    RootDeviceType: 'ebs',
    VirtualizationType: 'hvm',
    State: 'available',
    Tags: [{ Key: 'Team', Value: 'base' }],
    ...overrides,
  };
}
