import type { Image } from '@aws-sdk/client-ec2';
import type { Ec2Api } from './driver.js';
import { awsErrorCode } from './driver.js';
import { retrying } from './retry.js';

/** The snapshot ids of an image's EBS mappings. */
export function snapshotIdsOf(image: Image | undefined): string[] {
  return (image?.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
}

/** How an image to destroy is known: by id, or only by the name it was being created with. */
export interface ImageRef {
  readonly imageId?: string;
  readonly name?: string;
  /** Snapshots known from an earlier describe; used when the image itself is already gone. */
  readonly snapshotIds?: readonly string[];
}

/**
 * Deregisters an AMI and deletes its snapshots (Packer's DestroyAMIs, which Kiln also uses for
 * its own artifacts and leftovers). Idempotent: what is already gone is skipped. `say` reports
 * each deletion in Packer's words.
 */
export async function destroyImage(api: Ec2Api, ref: ImageRef, say: (line: string) => void = () => undefined): Promise<void> {
  const images = await findImages(api, ref);
  const snapshots = new Set(ref.snapshotIds ?? []);
  for (const image of images) {
    for (const id of snapshotIdsOf(image)) snapshots.add(id);
    const gone = await notFound(() => retrying(() => api.deregisterImage(image.ImageId!)));
    if (!gone) say(`Deregistered AMI id: ${image.ImageId}`);
  }
  for (const snapshotId of snapshots) {
    // A snapshot stays "in use" by its AMI for a moment after the AMI is deregistered.
    const gone = await notFound(() => retrying(() => api.deleteSnapshot(snapshotId), { retryOn: ['InvalidSnapshot.InUse'] }));
    if (!gone) say(`Deleted snapshot: ${snapshotId}`);
  }
}

async function findImages(api: Ec2Api, ref: ImageRef): Promise<Image[]> {
  if (ref.imageId) {
    try {
      const images = await api.describeImages({ ImageIds: [ref.imageId] });
      return images.length > 0 ? images : [];
    } catch (error) {
      if (awsErrorCode(error) === 'InvalidAMIID.NotFound' || awsErrorCode(error) === 'InvalidAMIID.Unavailable') return [];
      throw error;
    }
  }
  if (!ref.name) return [];
  return api.describeImages({ Owners: ['self'], Filters: [{ Name: 'name', Values: [ref.name] }] });
}

const NOT_FOUND = ['InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable', 'InvalidSnapshot.NotFound'];

async function notFound(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return false;
  } catch (error) {
    if (NOT_FOUND.includes(awsErrorCode(error) ?? '')) return true;
    throw error;
  }
}
