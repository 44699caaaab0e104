import type { Filter, Subnet } from '@aws-sdk/client-ec2';
import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { ec2Filters } from './step-source-ami-info.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { NetworkState } from './state.js';

/** Packer's StepNetworkInfo: resolves vpc_filter and subnet_filter, and the AZ and VPC of the subnet. */
export function stepNetworkInfo(ctx: Ec2BuildContext, random: () => number = Math.random): Step<object, NetworkState> {
  const { settings, api } = ctx;
  return {
    name: 'StepNetworkInfo',
    async run(_state, { ui }) {
      let { vpcId, subnetId, availabilityZone } = settings;
      if (!vpcId && settings.vpcFilter) {
        const filters = ec2Filters(settings.vpcFilter.filters);
        const vpcs = await api.describeVpcs({ Filters: filters }).catch((error: unknown) => {
          throw fail(ui, `Error querying VPCs: ${messageOf(error)}`, error);
        });
        if (vpcs.length !== 1) {
          throw fail(ui, `Exactly one VPC should match the filter, but ${vpcs.length} VPC's was found matching filters: ${show(filters)}`);
        }
        vpcId = vpcs[0]!.VpcId ?? '';
        ui.message(`Found VPC ID: ${vpcId}`);
      }
      if (!subnetId && settings.subnetFilter) {
        const { mostFree, random: pickRandom } = settings.subnetFilter;
        const filters: Filter[] = [...ec2Filters(settings.subnetFilter.filters), { Name: 'state', Values: ['available'] }];
        if (vpcId) filters.push({ Name: 'vpc-id', Values: [vpcId] });
        if (availabilityZone) filters.push({ Name: 'availabilityZone', Values: [availabilityZone] });
        const subnets = await api.describeSubnets({ Filters: filters }).catch((error: unknown) => {
          throw fail(ui, `Error querying Subnets: ${messageOf(error)}`, error);
        });
        if (subnets.length === 0) throw fail(ui, `No Subnets was found matching filters: ${show(filters)}`);
        if (subnets.length > 1 && !pickRandom && !mostFree) {
          throw fail(ui, `Your filter matched ${subnets.length} Subnets. Please try a more specific search, or set random or most_free to true.`);
        }
        const subnet = mostFree ? mostFreeSubnet(subnets) : pickRandom ? subnets[Math.floor(random() * subnets.length)]! : subnets[0]!;
        subnetId = subnet.SubnetId ?? '';
        ui.message(`Found Subnet ID: ${subnetId}`);
      }
      if (subnetId && (!availabilityZone || !vpcId)) {
        const [subnet] = await api.describeSubnets({ SubnetIds: [subnetId] }).catch((error: unknown) => {
          throw fail(ui, `Describing the subnet: ${subnetId} returned error: ${messageOf(error)}.`, error);
        });
        availabilityZone ||= subnet?.AvailabilityZone ?? '';
        vpcId ||= subnet?.VpcId ?? '';
      }
      return { vpcId, subnetId, availabilityZone };
    },
  };
}

function mostFreeSubnet(subnets: readonly Subnet[]): Subnet {
  return [...subnets].sort((a, b) => (a.AvailableIpAddressCount ?? 0) - (b.AvailableIpAddressCount ?? 0)).at(-1)!;
}

function show(filters: readonly Filter[]): string {
  return `[${filters.map((f) => `${f.Name}=${(f.Values ?? []).join(',')}`).join(' ')}]`;
}
