import type { DescribeImagesCommandInput, Filter, Image } from '@aws-sdk/client-ec2';
import type { Step } from '@kiln/sdk';
import type { Ec2BuildContext } from '../context.js';
import { sourceImageQuery } from '../early-reads.js';
import type { RawTags } from '../settings.js';
import { fail, messageOf } from './step-pre-validate.js';
import type { SourceImageState } from './state.js';

/** EC2 filters from `filters` maps, in template order (Packer's buildEc2Filters, whose order is Go's map order). */
export function ec2Filters(filters: RawTags): Filter[] {
  return filters.map(([name, value]) => ({ Name: name, Values: [value] }));
}

/** The newest image by CreationDate (Packer's mostRecentAmi). */
export function mostRecent(images: readonly Image[]): Image | undefined {
  return [...images].sort((a, b) => Date.parse(a.CreationDate ?? '') - Date.parse(b.CreationDate ?? '')).at(-1);
}

/** Packer's StepSourceAMIInfo: finds the source AMI by id or filter (most_recent) and checks it can be used. */
export function stepSourceAmiInfo(ctx: Ec2BuildContext): Step<object, SourceImageState> {
  const { settings } = ctx;
  return {
    name: 'StepSourceAMIInfo',
    async run(_state, { ui }) {
      const input = sourceImageQuery(settings);
      const filter = settings.sourceAmiFilter;
      const images = await ctx.early.sourceImageCandidates().catch((error: unknown) => {
        throw fail(ui, `Error querying AMI: ${messageOf(error)}`, error);
      });
      if (images.length === 0) throw fail(ui, `No AMI was found matching filters: ${describeQuery(input)}`);
      if (images.length > 1 && !filter?.mostRecent) {
        throw fail(ui, 'Your query returned more than one result. Please try a more specific search, or set most_recent to true.');
      }
      const image = (filter?.mostRecent ? mostRecent(images) : images[0])!;
      ui.message(`Found Image ID: ${image.ImageId ?? ''}`);
      if (settings.enaSupport === true || settings.sriovSupport) {
        if (settings.amiVirtualizationType === 'paravirtual') {
          throw fail(ui, `Cannot enable enhanced networking, AMIVirtType '${settings.amiVirtualizationType}' is not HVM`);
        }
        if (!settings.amiVirtualizationType && image.VirtualizationType !== 'hvm') {
          throw fail(ui, `Cannot enable enhanced networking, source AMI '${image.ImageId ?? ''}' is not HVM`);
        }
      }
      return { sourceImage: image };
    },
  };
}

function describeQuery(input: DescribeImagesCommandInput): string {
  const parts: string[] = [];
  if (input.ImageIds) parts.push(`ImageIds: [${input.ImageIds.join(' ')}]`);
  if (input.Filters) parts.push(`Filters: [${input.Filters.map((f) => `${f.Name}=${(f.Values ?? []).join(',')}`).join(' ')}]`);
  if (input.Owners) parts.push(`Owners: [${input.Owners.join(' ')}]`);
  return `{ ${parts.join(', ')} }`;
}
