import { performance } from 'node:perf_hooks';
import {
  KilnError,
  KilnErrors,
  type Artifact,
  type BuildContext,
  type BuildEnvironment,
  type OnErrorPolicy,
} from '@kiln/sdk';
import type { PreparedBuild } from '../prepare/prepared-build.js';
import { buildUi, type UiSink } from './build-ui.js';
import type { FileLedger } from './ledger.js';
import { runPostProcessors } from './post-process.js';
import { provisionHook } from './provision-hook.js';

/** Facts shared by every build of one run. */
export interface RunContext {
  readonly runUuid: string;
  readonly cwd: string;
  readonly cacheDir: string;
  readonly templatePath?: string;
  readonly debug: boolean;
  readonly force: boolean;
  readonly onError: OnErrorPolicy;
  readonly userVariables: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly sink: UiSink;
  readonly ledger: FileLedger;
  readonly log: (text: string, build?: string) => void;
}

export type BuildOutcome =
  | { readonly name: string; readonly status: 'succeeded'; readonly artifacts: readonly Artifact[]; readonly durationMs: number }
  | { readonly name: string; readonly status: 'failed'; readonly error: Error; readonly durationMs: number }
  | { readonly name: string; readonly status: 'cancelled'; readonly durationMs: number };

/** Runs one prepared build: the builder (with the provisioning hook), then its post-processor chains. */
export async function runBuild(build: PreparedBuild, run: RunContext): Promise<BuildOutcome> {
  const { name } = build;
  const { sink, signal } = run;
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  sink.emit({ type: 'build-started', build: name });

  const env: BuildEnvironment = {
    buildName: name,
    builderType: build.builderType,
    runUuid: run.runUuid,
    cacheDir: run.cacheDir,
    cwd: run.cwd,
    ...(run.templatePath === undefined ? {} : { templatePath: run.templatePath }),
    debug: run.debug,
    force: run.force,
    onError: run.onError,
    userVariables: run.userVariables,
  };
  const ui = buildUi(sink, name);
  const ctx: BuildContext = {
    ui,
    signal,
    env,
    ledger: run.ledger.forBuild(name),
    hook: provisionHook({
      build: name,
      provisioners: build.provisioners,
      errorCleanupProvisioner: build.errorCleanupProvisioner,
      ui,
      env,
      emit: sink.emit,
    }),
    onStep: (step) => {
      run.log(`${step.phase} ${step.status}: ${step.step}`, name);
      sink.emit({ type: 'step', build: name, step });
    },
  };

  const finish = (outcome: BuildOutcome): BuildOutcome => {
    if (outcome.status === 'succeeded') {
      sink.emit({ type: 'build-finished', build: name, durationMs: outcome.durationMs, artifacts: outcome.artifacts });
    } else if (outcome.status === 'failed') {
      sink.emit({ type: 'build-errored', build: name, durationMs: outcome.durationMs, error: outcome.error });
    } else {
      sink.emit({ type: 'build-cancelled', build: name, durationMs: outcome.durationMs });
    }
    return outcome;
  };

  run.log(`Running builder: ${build.builderType}`, name);
  let builderArtifact: Artifact | undefined;
  try {
    builderArtifact = await build.builder.run(ctx);
  } catch (error) {
    if (signal.aborted) return finish({ name, status: 'cancelled', durationMs: elapsed() });
    return finish({ name, status: 'failed', error: asError(error), durationMs: elapsed() });
  }
  // Packer runs no post-processor after a cancel, and lists nothing for the build.
  if (signal.aborted) return finish({ name, status: 'cancelled', durationMs: elapsed() });
  if (!builderArtifact) return finish({ name, status: 'succeeded', artifacts: [], durationMs: elapsed() });

  const { artifacts, errors } = await runPostProcessors(builderArtifact, {
    build: name,
    chains: build.postProcessorChains,
    ui,
    uiFor: (type) => buildUi(sink, name, `${name} (${type})`),
    signal,
    env,
    emit: sink.emit,
  });
  if (errors.length > 0) {
    const message = `${errors.length} error(s) occurred:\n\n${errors.map((e) => `* ${e.message}`).join('\n')}`;
    return finish({ name, status: 'failed', error: new KilnErrors(errors, message), durationMs: elapsed() });
  }
  return finish({ name, status: 'succeeded', artifacts, durationMs: elapsed() });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new KilnError('INTERNAL', String(error));
}
