import type { Image } from '@aws-sdk/client-ec2';
import type { Ec2BuildContext } from '../context.js';
import { destroyImage, snapshotIdsOf } from '../images.js';
import { KIND } from '../resources.js';

interface AmiRecord {
  readonly region: string;
  readonly name: string;
  imageId?: string;
  snapshotIds: string[];
}

/**
 * The AMIs a build makes (the build region's, the copies, an intermediary one) as the ledger
 * knows them: recorded by name before the create/copy call, then with id and snapshots. Keyed by
 * a role ('build', 'copy:us-west-2'), since an encrypted copy lands in the build region too.
 */
export class AmiRecords {
  private readonly records = new Map<string, AmiRecord>();

  constructor(private readonly ctx: Ec2BuildContext) {}

  async intent(key: string, region: string, name: string): Promise<void> {
    this.records.set(key, { region, name, snapshotIds: [] });
    await this.ctx.tracker.record(KIND.image, name, region);
  }

  async created(key: string, imageId: string): Promise<void> {
    const record = this.records.get(key);
    if (!record) return;
    record.imageId = imageId;
    await this.ctx.tracker.record(KIND.image, record.name, record.region, { imageId });
  }

  async described(key: string, image: Image): Promise<void> {
    const record = this.records.get(key);
    if (!record) return;
    record.snapshotIds = snapshotIdsOf(image);
    await this.ctx.tracker.record(KIND.image, record.name, record.region, { snapshots: record.snapshotIds.join(',') });
  }

  has(key: string): boolean {
    return this.records.has(key);
  }

  keys(prefix: string): string[] {
    return [...this.records.keys()].filter((key) => key.startsWith(prefix));
  }

  /** The AMI stays (it is part of the artifact): only the ledger forgets it. */
  async keep(key: string): Promise<void> {
    const record = this.records.get(key);
    if (!record) return;
    this.records.delete(key);
    await this.ctx.tracker.forget(KIND.image, record.name, record.region);
  }

  /** Deregisters the AMI (found by name if its id never came back) and deletes its snapshots. */
  async destroy(key: string, say: (line: string) => void): Promise<void> {
    const record = this.records.get(key);
    if (!record) return;
    const ref = record.imageId ? { imageId: record.imageId } : { name: record.name };
    await destroyImage(this.ctx.apiFor(record.region), { ...ref, snapshotIds: record.snapshotIds }, say);
    this.records.delete(key);
    await this.ctx.tracker.forget(KIND.image, record.name, record.region);
  }
}
