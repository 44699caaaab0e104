import type { DescribeImagesCommandInput, Image } from '@aws-sdk/client-ec2';
import type { Ec2Api } from './driver.js';
import type { Ec2Settings } from './settings.js';
import { ec2Filters } from './steps/step-source-ami-info.js';

/**
 * The reads at the start of a build that depend on nothing before them: whether the AMI name is
 * taken (StepPreValidate) and the source AMI (StepSourceAMIInfo). Packer sends them one after the
 * other once the regions are validated; Kiln sends them together with the region check, and each
 * step still takes its own answer at its turn, so what the user reads is unchanged. Each query is
 * sent once, by whichever comes first: start() or the step.
 */
export class EarlyReads {
  private amiName?: Promise<Image[]>;
  private sourceImages?: Promise<Image[]>;

  constructor(
    private readonly api: Ec2Api,
    private readonly settings: Ec2Settings,
  ) {}

  /** Sends the queries the build's steps will make. */
  start(): void {
    // An answer no step takes (the region check failed first) must not become an unhandled rejection.
    const quietly = (read: Promise<Image[]>) => void read.catch(() => undefined);
    if (amiNameIsChecked(this.settings)) quietly(this.imagesNamedLikeTheAmi());
    quietly(this.sourceImageCandidates());
  }

  /** Images already carrying ami_name. */
  imagesNamedLikeTheAmi(): Promise<Image[]> {
    return (this.amiName ??= this.api.describeImages({ Filters: [{ Name: 'name', Values: [this.settings.amiName] }] }));
  }

  /** The images source_ami or source_ami_filter match. */
  sourceImageCandidates(): Promise<Image[]> {
    return (this.sourceImages ??= this.api.describeImages(sourceImageQuery(this.settings)));
  }
}

/** StepPreValidate looks the AMI name up unless force_deregister or skip_save_build_region. */
export function amiNameIsChecked(settings: Ec2Settings): boolean {
  return !settings.forceDeregister && !settings.skipSaveBuildRegion;
}

/** Packer's source AMI query: source_ami by id, and source_ami_filter's filters and owners. */
export function sourceImageQuery(settings: Ec2Settings): DescribeImagesCommandInput {
  const input: DescribeImagesCommandInput = {};
  if (settings.sourceAmi) input.ImageIds = [settings.sourceAmi];
  const filter = settings.sourceAmiFilter;
  if (filter && filter.filters.length > 0) input.Filters = ec2Filters(filter.filters);
  if (filter && filter.owners.length > 0) input.Owners = [...filter.owners];
  return input;
}
