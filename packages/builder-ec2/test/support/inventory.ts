import { DescribeImagesCommand, DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeLaunchTemplatesCommand, DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, ListInstanceProfilesCommand, ListRolesCommand } from '@aws-sdk/client-iam';

// The SDK's notice about Node 22 would only clutter test output.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Everything a build could leave in moto, per kind, as `region:id` (empty lists: nothing left). */
export interface Inventory {
  instances: string[];
  volumes: string[];
  images: string[];
  snapshots: string[];
  keyPairs: string[];
  securityGroups: string[];
  launchTemplates: string[];
  roles: string[];
  instanceProfiles: string[];
}

export function ec2Client(endpoint: string, region: string): EC2Client {
  return new EC2Client({ endpoint, region, credentials: TEST_CREDENTIALS });
}

export async function inventory(endpoint: string, regions: readonly string[] = ['us-east-1', 'us-west-2']): Promise<Inventory> {
  const result: Inventory = { instances: [], volumes: [], images: [], snapshots: [], keyPairs: [], securityGroups: [], launchTemplates: [], roles: [], instanceProfiles: [] };
  for (const region of regions) {
    const ec2 = ec2Client(endpoint, region);
    const at = (id: string | undefined) => `${region}:${id ?? '?'}`;
    const reservations = (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [];
    for (const instance of reservations.flatMap((r) => r.Instances ?? [])) {
      if (instance.State?.Name !== 'terminated') result.instances.push(at(instance.InstanceId));
    }
    for (const v of (await ec2.send(new DescribeVolumesCommand({}))).Volumes ?? []) result.volumes.push(at(v.VolumeId));
    for (const i of (await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []) result.images.push(at(i.ImageId));
    for (const s of (await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots ?? []) result.snapshots.push(at(s.SnapshotId));
    for (const k of (await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? []) result.keyPairs.push(at(k.KeyName));
    for (const g of (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []) {
      if (g.GroupName !== 'default') result.securityGroups.push(at(g.GroupName));
    }
    for (const t of (await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? []) result.launchTemplates.push(at(t.LaunchTemplateName));
  }
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  result.roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName ?? '?');
  result.instanceProfiles = ((await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles ?? []).map((p) => p.InstanceProfileName ?? '?');
  return result;
}

export const EMPTY_INVENTORY: Inventory = {
  instances: [],
  volumes: [],
  images: [],
  snapshots: [],
  keyPairs: [],
  securityGroups: [],
  launchTemplates: [],
  roles: [],
  instanceProfiles: [],
};

/** What is in `now` and was not in `before`: the resources a run made (or left). */
export function added(now: Inventory, before: Inventory): Inventory {
  const out = { ...EMPTY_INVENTORY };
  for (const key of Object.keys(out) as (keyof Inventory)[]) out[key] = now[key].filter((item) => !before[key].includes(item));
  return out;
}
