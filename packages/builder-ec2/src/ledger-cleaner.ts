import type { CleanerContext, LedgerCleaner, StoredLedgerEntry } from '@kiln/resource-ledger';
import { awsClients, type AwsAccess, type AwsClients } from './client.js';
import { awsErrorCode, type Ec2Api } from './driver.js';
import { destroyImage } from './images.js';
import { findRunInstances } from './lookup.js';
import type { Polling } from './polling.js';
import { KIND } from './resources.js';
import { ignoring, retrying } from './retry.js';
import { SECURITY_GROUP_BUSY } from './steps/step-security-group.js';
import { waitForInstance } from './waiters.js';

export interface Ec2LedgerCleanerOptions {
  /** Makes the AWS clients for an endpoint/profile found in the ledger (tests inject). */
  readonly clients?: (access: AwsAccess) => AwsClients;
  /** How termination is waited for (default every 2 s, for up to 10 minutes). */
  readonly polling?: Polling;
}

/** The order resources must go in: what uses a resource before the resource. */
const ORDER = [KIND.instance, KIND.volume, KIND.image, KIND.snapshot, KIND.launchTemplate, KIND.securityGroup, KIND.keyPair, KIND.role, KIND.instanceProfile];

/**
 * What `kiln cleanup` runs for the resources amazon-ebs recorded: terminates instances (and
 * deletes the volumes they leave), deregisters AMIs with their snapshots, deletes launch
 * templates, security groups (retrying while EC2 still sees them in use), key pairs and the
 * temporary IAM role and profile. Credentials come from the standard chain (the ledger keeps only
 * the endpoint and profile).
 */
export function ec2LedgerCleaner(options: Ec2LedgerCleanerOptions = {}): LedgerCleaner {
  const makeClients = options.clients ?? awsClients;
  const polling = options.polling ?? { delayMs: 2_000, maxAttempts: 300 };
  return {
    name: 'Amazon EC2',
    handles: (kind) => kind.startsWith('aws.'),
    async clean(entries, ctx) {
      const clientsByAccess = new Map<string, AwsClients>();
      const clientsFor = (entry: StoredLedgerEntry): AwsClients => {
        const access: AwsAccess = {
          ...(entry.detail?.['endpoint'] ? { endpoint: entry.detail['endpoint'] } : {}),
          ...(entry.detail?.['profile'] ? { profile: entry.detail['profile'] } : {}),
        };
        const key = `${access.endpoint ?? ''}|${access.profile ?? ''}`;
        let clients = clientsByAccess.get(key);
        if (!clients) clientsByAccess.set(key, (clients = makeClients(access)));
        return clients;
      };
      const pending = [...entries];
      for (const kind of ORDER) {
        // Terminating instances may reveal volumes to record: read the ledger's view as we go.
        for (const entry of pending.filter((e) => e.kind === kind)) {
          try {
            await cleanEntry(entry, clientsFor(entry), ctx, polling, (found) => pending.push(found));
            await ctx.forget(entry);
          } catch (error) {
            ctx.say(`could not delete ${describe(entry)}: ${(error as Error).message}`);
          }
        }
      }
    },
  };
}

async function cleanEntry(
  entry: StoredLedgerEntry,
  clients: AwsClients,
  ctx: CleanerContext,
  polling: Polling,
  discovered: (entry: StoredLedgerEntry) => void,
): Promise<void> {
  const detail = entry.detail ?? {};
  const region = entry.region ?? 'us-east-1';
  const api = (): Ec2Api => clients.ec2(region);
  switch (entry.kind) {
    case KIND.instance: {
      const instances = await findRunInstances(api(), {
        ...(detail['instanceId'] ? { instanceId: detail['instanceId'] } : {}),
        ...(detail['keyName'] ? { keyName: detail['keyName'] } : {}),
        ...(detail['groupId'] ? { groupId: detail['groupId'] } : {}),
        clientToken: entry.id,
      });
      if (instances.length === 0) ctx.say(`instance ${detail['instanceId'] ?? `(client token ${entry.id})`} in ${region} is already gone`);
      for (const instance of instances) {
        const id = instance.InstanceId!;
        // Volumes that outlive the instance would be orphans: note them before it goes.
        for (const mapping of instance.BlockDeviceMappings ?? []) {
          const volumeId = mapping.Ebs?.VolumeId;
          if (!volumeId || mapping.Ebs?.DeleteOnTermination) continue;
          const volume: StoredLedgerEntry = { kind: KIND.volume, id: volumeId, region, build: entry.build, detail: { ...detail, instanceId: id } };
          await ctx.record(volume);
          discovered(volume);
        }
        await ignoring(['InvalidInstanceID.NotFound'], () => retrying(() => api().terminateInstances([id])));
        await waitForInstance(api(), id, 'terminated', { polling, signal: ctx.signal });
        ctx.say(`Terminated instance ${id} in ${region}`);
      }
      return;
    }
    case KIND.volume: {
      const volumes = await api()
        .describeVolumes({ VolumeIds: [entry.id] })
        .catch((error: unknown) => {
          if (awsErrorCode(error) === 'InvalidVolume.NotFound') return [];
          throw error;
        });
      if (volumes.length === 0) return;
      await retrying(() => api().deleteVolume(entry.id), { retryOn: ['VolumeInUse'], signal: ctx.signal });
      ctx.say(`Deleted volume ${entry.id} in ${region}`);
      return;
    }
    case KIND.image: {
      const snapshotIds = (detail['snapshots'] ?? '').split(',').filter(Boolean);
      await destroyImage(api(), { ...(detail['imageId'] ? { imageId: detail['imageId'] } : { name: entry.id }), snapshotIds }, (line) =>
        ctx.say(`${line} in ${region}`),
      );
      return;
    }
    case KIND.snapshot:
      if (!(await ignoring(['InvalidSnapshot.NotFound'], () => retrying(() => api().deleteSnapshot(entry.id), { retryOn: ['InvalidSnapshot.InUse'] })))) {
        ctx.say(`Deleted snapshot: ${entry.id} in ${region}`);
      }
      return;
    case KIND.launchTemplate:
      if (!(await ignoring(['InvalidLaunchTemplateName.NotFoundException', 'InvalidLaunchTemplateId.NotFound'], () => api().deleteLaunchTemplate(entry.id)))) {
        ctx.say(`Deleted launch template ${entry.id} in ${region}`);
      }
      return;
    case KIND.securityGroup: {
      const groupId =
        detail['groupId'] ?? (await api().describeSecurityGroups({ Filters: [{ Name: 'group-name', Values: [entry.id] }] }))[0]?.GroupId;
      if (!groupId) return;
      const gone = await ignoring(['InvalidGroup.NotFound'], () =>
        retrying(() => api().deleteSecurityGroup(groupId), { retryOn: SECURITY_GROUP_BUSY, tries: 30, maxDelayMs: 5_000, signal: ctx.signal }),
      );
      if (!gone) ctx.say(`Deleted security group ${groupId} (${entry.id}) in ${region}`);
      return;
    }
    case KIND.keyPair:
      await retrying(() => api().deleteKeyPair(entry.id));
      ctx.say(`Deleted key pair ${entry.id} in ${region}`);
      return;
    case KIND.role: {
      const iam = clients.iam();
      const gone = ['NoSuchEntity', 'NoSuchEntityException'];
      // The run may have died before attaching either: whether these succeed, deleteRole says.
      if (detail['profile']) await iam.removeRoleFromInstanceProfile(detail['profile'], entry.id).catch(() => undefined);
      if (detail['policy']) await iam.deleteRolePolicy(entry.id, detail['policy']).catch(() => undefined);
      if (!(await ignoring(gone, () => retrying(() => iam.deleteRole(entry.id), { retryOn: ['DeleteConflict'] })))) {
        ctx.say(`Deleted IAM role ${entry.id}`);
      }
      return;
    }
    case KIND.instanceProfile:
      if (!(await ignoring(['NoSuchEntity', 'NoSuchEntityException'], () => clients.iam().deleteInstanceProfile(entry.id)))) {
        ctx.say(`Deleted IAM instance profile ${entry.id}`);
      }
      return;
    default:
      throw new Error(`unknown kind ${entry.kind}`);
  }
}

function describe(entry: StoredLedgerEntry): string {
  return `${entry.kind.replace(/^aws\.(ec2|iam)\./, '')} ${entry.id}${entry.region ? ` in ${entry.region}` : ''}`;
}
