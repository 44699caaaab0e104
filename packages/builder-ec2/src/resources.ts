import type { LedgerEntry, ResourceLedger } from '@kiln/sdk';

/** The ledger kinds amazon-ebs records; `kiln cleanup` hands these to the EC2 cleaner. */
export const KIND = {
  instance: 'aws.ec2.instance',
  volume: 'aws.ec2.volume',
  image: 'aws.ec2.image',
  snapshot: 'aws.ec2.snapshot',
  launchTemplate: 'aws.ec2.launch-template',
  securityGroup: 'aws.ec2.security-group',
  keyPair: 'aws.ec2.key-pair',
  instanceProfile: 'aws.iam.instance-profile',
  role: 'aws.iam.role',
} as const;

export type ResourceKind = (typeof KIND)[keyof typeof KIND];

/** How to reach the API again later, stored with every entry (never credentials). */
export interface ApiLocation {
  readonly endpoint?: string;
  readonly profile?: string;
}

/**
 * The builder's handle on the run ledger: records a resource before the call that creates it,
 * notes its id once known, and forgets it once deleted (or kept, for the AMIs of a finished build).
 */
export class ResourceTracker {
  constructor(
    private readonly ledger: ResourceLedger,
    private readonly location: ApiLocation,
  ) {}

  /** Writes the entry (awaited, so it is on disk before the resource can exist). */
  record(kind: ResourceKind, id: string, region: string | undefined, detail: Readonly<Record<string, string | undefined>> = {}): Promise<void> {
    return this.ledger.record(this.entry(kind, id, region, detail));
  }

  forget(kind: ResourceKind, id: string, region: string | undefined): Promise<void> {
    return this.ledger.forget({ kind, id, ...(region ? { region } : {}) });
  }

  private entry(kind: string, id: string, region: string | undefined, detail: Readonly<Record<string, string | undefined>>): LedgerEntry {
    const all: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...this.location, ...detail })) if (value !== undefined && value !== '') all[key] = value;
    return { kind, id, ...(region ? { region } : {}), ...(Object.keys(all).length > 0 ? { detail: all } : {}) };
  }
}
