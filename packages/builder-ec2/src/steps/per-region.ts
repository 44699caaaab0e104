// What the steps that act on every region's AMI share.
import type { Ec2BuildContext } from '../context.js';
import { fail, messageOf } from './step-pre-validate.js';

/** Runs the tasks at once; when any fail, reports the first (in the tasks' order) as the step's error. */
export async function allOrFirstError(ui: { error(text: string): void }, tasks: readonly (() => Promise<void>)[]): Promise<void> {
  const failed = (await Promise.allSettled(tasks.map((task) => task()))).find((result) => result.status === 'rejected');
  if (failed) throw fail(ui, messageOf(failed.reason), (failed.reason as Error).cause);
}

/** The build region first, then ami_regions in template order (Packer walks a Go map: any order). */
export function inRegionOrder<T>(ctx: Ec2BuildContext, byRegion: Readonly<Record<string, T>>): [string, T][] {
  const order = [ctx.settings.region, ...ctx.settings.amiRegions];
  return Object.entries(byRegion).sort(([a], [b]) => rank(order, a) - rank(order, b));
}

function rank(order: readonly string[], region: string): number {
  const at = order.indexOf(region);
  return at < 0 ? order.length : at;
}
