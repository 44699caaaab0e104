import pLimit from 'p-limit';
import type { PreparedBuild } from '../prepare/prepared-build.js';
import { runBuild, type BuildOutcome, type RunContext } from './run-build.js';

/**
 * Runs prepared builds in order under a concurrency limit (-parallel-builds: 0 or less is
 * unlimited, 1 is one after the other; -debug forces 1). After a cancel no further build starts:
 * those report 'cancelled' without having run, as Packer's "not going to start any more builds".
 */
export async function runBuilds(
  builds: readonly PreparedBuild[],
  run: RunContext,
  parallel: number,
): Promise<BuildOutcome[]> {
  const concurrency = run.debug ? 1 : parallel < 1 ? Number.POSITIVE_INFINITY : parallel;
  const limit = pLimit(concurrency);
  return Promise.all(
    builds.map((build) =>
      limit(async (): Promise<BuildOutcome> => {
        if (run.signal.aborted) {
          run.log(`Interrupted, not going to start build: ${build.name}`);
          return { name: build.name, status: 'cancelled', durationMs: 0 };
        }
        run.log(`Starting build run: ${build.name}`, build.name);
        return runBuild(build, run);
      }),
    ),
  );
}
