import { randomBytes } from 'node:crypto';

/**
 * Packer's uuid.TimeOrderedUUID: the Unix second as 8 hex digits, then 12 random bytes in UUID
 * groups, so names made in one build sort by creation time (`packer-5fc1...`).
 */
export function timeOrderedUuid(now: Date = new Date()): string {
  const seconds = (Math.floor(now.getTime() / 1000) >>> 0).toString(16).padStart(8, '0');
  const random = randomBytes(12).toString('hex');
  return `${seconds}-${random.slice(0, 4)}-${random.slice(4, 8)}-${random.slice(8, 12)}-${random.slice(12)}`;
}
