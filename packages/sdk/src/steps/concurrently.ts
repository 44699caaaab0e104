import type { Step } from './step.js';

/**
 * Two steps that need nothing of each other, run at once, so a build waits for the slower of the
 * two rather than for both (amazon-ebs: the temporary key pair and the temporary security group).
 * To the user they look as the two in order would: each run() says its first line before its
 * first await, so the first step's line comes before the second's; the error is the first
 * step's when both fail; cleanup undoes the second and then the first, at once as well, each
 * saying its first line in that order.
 *
 * A retry (-on-error=ask) runs again only the steps that failed. Under -debug runSteps runs the
 * two one after the other, pausing after each, as it would have without this.
 */
export function concurrently<InA extends object, OutA extends object, InB extends object, OutB extends object>(
  first: Step<InA, OutA>,
  second: Step<InB, OutB>,
): Step<InA & InB, OutA & OutB> {
  const done: { first?: OutA | void; second?: OutB | void } = {};
  return {
    name: `${first.name}, ${second.name}`,
    parts: [first, second],
    ...(first.cleanupAwaitsOutcome || second.cleanupAwaitsOutcome ? { cleanupAwaitsOutcome: true } : {}),
    ...(first.holdsEarlierSteps || second.holdsEarlierSteps ? { holdsEarlierSteps: true } : {}),
    async run(state, ctx) {
      const runs = [
        'first' in done ? Promise.resolve(done.first) : first.run(state, ctx).then((out) => (done.first = out)),
        'second' in done ? Promise.resolve(done.second) : second.run(state, ctx).then((out) => (done.second = out)),
      ] as const;
      const [a, b] = await Promise.allSettled(runs);
      if (a.status === 'rejected') throw a.reason;
      if (b.status === 'rejected') throw b.reason;
      return { ...(a.value ?? {}), ...(b.value ?? {}) } as OutA & OutB;
    },
    async cleanup(state, ctx) {
      const cleanups = [second.cleanup?.(state, ctx), first.cleanup?.(state, ctx)];
      const failed = (await Promise.allSettled(cleanups)).find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
