import { randomBytes } from 'node:crypto';

/**
 * Packer's time-ordered UUID: the top 32 bits are the Unix time of the call (not of the run), the
 * other 96 are random, printed as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
 */
export function timeOrderedUuid(now: Date = new Date(), random: Buffer = randomBytes(12)): string {
  const seconds = (Math.floor(now.getTime() / 1000) >>> 0).toString(16).padStart(8, '0');
  const hex = random.toString('hex');
  return `${seconds}-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 24)}`;
}
