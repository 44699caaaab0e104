import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { awsErrorCode } from '../driver.js';
import { pollUntil } from '../polling.js';
import { KIND } from '../resources.js';
import { retrying } from '../retry.js';
import { ec2Filters } from './step-source-ami-info.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { NetworkState, SecurityGroupState } from './state.js';

/** Codes EC2 answers while the group is still attached to an instance that is going away. */
export const SECURITY_GROUP_BUSY = ['DependencyViolation', 'InvalidGroup.InUse'];

/**
 * Packer's StepSecurityGroup: uses the given groups (ids or filter) or creates a temporary group
 * (recorded in the ledger first) that admits the communicator port from
 * temporary_security_group_source_cidrs, and deletes it at cleanup, retrying while EC2 still
 * sees it in use.
 */
export function stepSecurityGroup(ctx: Ec2BuildContext): Step<NetworkState, SecurityGroupState> {
  const { settings, api, tracker } = ctx;
  let name: string | undefined;
  let groupId: string | undefined;
  return {
    name: 'StepSecurityGroup',
    async run(state, { ui, signal }) {
      if (settings.securityGroupIds.length > 0) {
        await api.describeSecurityGroups({ GroupIds: [...settings.securityGroupIds] }).catch((error: unknown) => {
          throw fail(ui, `Couldn't find specified security group: ${messageOf(error)}`, error);
        });
        return { securityGroupIds: settings.securityGroupIds };
      }
      if (settings.securityGroupFilter) {
        const filters = ec2Filters(settings.securityGroupFilter.filters);
        if (state.vpcId) filters.push({ Name: 'vpc-id', Values: [state.vpcId] });
        const groups = await api.describeSecurityGroups({ Filters: filters }).catch((error: unknown) => {
          throw fail(ui, `Couldn't find security groups for filter: ${messageOf(error)}`, error);
        });
        const ids = groups.flatMap((g) => (g.GroupId ? [g.GroupId] : []));
        ui.message(`Found Security Group(s): ${ids.join(', ')}`);
        return { securityGroupIds: ids };
      }
      if (settings.sshInterface === 'session_manager') return { securityGroupIds: [] };

      name = ctx.names.temporary();
      ui.say(`Creating temporary security group for this instance: ${name}`);
      await tracker.record(KIND.securityGroup, name, settings.region, { vpcId: state.vpcId });
      groupId = await api
        .createSecurityGroup({ GroupName: name, Description: 'Temporary group for Packer', VpcId: state.vpcId })
        .catch((error: unknown) => {
          throw fail(ui, messageOf(error), error);
        });
      await tracker.record(KIND.securityGroup, name, settings.region, { groupId });
      await waitUntilVisible(ctx, groupId, signal).catch((error: unknown) => {
        throw fail(ui, `Timed out waiting for security group ${groupId}: ${messageOf(error)}`, error);
      });
      const port = settings.communicatorPort;
      const cidrs = settings.temporarySecurityGroupCidrs;
      ui.say(`Authorizing access to port ${port} from [${cidrs.join(' ')}] in the temporary security groups...`);
      await api
        .authorizeSecurityGroupIngress({
          GroupId: groupId,
          IpPermissions: [{ FromPort: port, ToPort: port, IpRanges: cidrs.map((cidr) => ({ CidrIp: cidr })), IpProtocol: 'tcp' }],
        })
        .catch((error: unknown) => {
          throw fail(ui, `Error authorizing temporary security group: ${messageOf(error)}`, error);
        });
      return { securityGroupIds: [groupId] };
    },
    async cleanup(_state, { ui }) {
      if (!name) return;
      ui.say('Deleting temporary security group...');
      try {
        // The group may have been created by a call that then failed: find it by its name.
        const id = groupId ?? (await api.describeSecurityGroups({ Filters: [{ Name: 'group-name', Values: [name] }] }))[0]?.GroupId;
        if (id) await retrying(() => api.deleteSecurityGroup(id), { retryOn: SECURITY_GROUP_BUSY, maxDelayMs: 5_000 });
        await tracker.forget(KIND.securityGroup, name, settings.region);
      } catch (error) {
        ui.error(`Error cleaning up security group. Please delete the group manually: err: ${messageOf(error)}; security group ID: ${groupId ?? name}`);
      }
    },
  };
}

/** Packer's waitUntilSecurityGroupExists: EC2 is eventually consistent about new groups. */
async function waitUntilVisible(ctx: Ec2BuildContext, groupId: string, signal: AbortSignal): Promise<void> {
  await pollUntil(
    async () => {
      try {
        const groups = await ctx.api.describeSecurityGroups({ GroupIds: [groupId] });
        return groups.length > 0 ? { done: true } : { pending: 'not visible yet' };
      } catch (error) {
        if (['InvalidGroup.NotFound', 'InvalidSecurityGroupID.NotFound'].includes(awsErrorCode(error) ?? '')) return { pending: 'not found yet' };
        throw error;
      }
    },
    { polling: { delayMs: 5_000, maxAttempts: 40 }, signal, description: `security group ${groupId}` },
  );
}
