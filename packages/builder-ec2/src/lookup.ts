import type { Filter, Instance } from '@aws-sdk/client-ec2';
import type { Ec2Api } from './driver.js';

/** What identifies a source instance before its id is known (kept in the ledger entry). */
export interface InstanceHint {
  readonly instanceId?: string;
  /** RunInstances' idempotency token. */
  readonly clientToken?: string;
  /** The run's own temporary key pair: only its instances carry it. */
  readonly keyName?: string;
  /** The run's own temporary security group. */
  readonly groupId?: string;
}

const LIVE_STATES: Filter = { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] };

/**
 * The instances a run launched: by id when known, else by what only that run's instances have
 * (its temporary key pair or security group, which moto and EC2 both filter on), else by the
 * client token (EC2's `client-token` filter). Terminated instances are left out.
 */
export async function findRunInstances(api: Ec2Api, hint: InstanceHint): Promise<Instance[]> {
  if (hint.instanceId) {
    const found = await api.describeInstances({ InstanceIds: [hint.instanceId] }).catch(() => []);
    return found.filter((i) => i.State?.Name !== 'terminated');
  }
  const filter: Filter | undefined = hint.keyName
    ? { Name: 'key-name', Values: [hint.keyName] }
    : hint.groupId
      ? { Name: 'instance.group-id', Values: [hint.groupId] }
      : hint.clientToken
        ? { Name: 'client-token', Values: [hint.clientToken] }
        : undefined;
  if (!filter) return [];
  return api.describeInstances({ Filters: [filter, LIVE_STATES] });
}
