import { KilnError, messageOf, type Artifact, type BuildEnvironment, type Ui } from '@kiln/sdk';
import type { BuildEvent } from '../events.js';
import type { PreparedPostProcessor } from '../prepare/prepared-build.js';

export interface PostProcessOptions {
  readonly build: string;
  readonly chains: readonly (readonly PreparedPostProcessor[])[];
  /** The build's Ui: `Running post-processor: x` goes here. */
  readonly ui: Ui;
  /** The Ui each post-processor gets (Packer's target `name (type)`). */
  readonly uiFor: (postProcessorType: string) => Ui;
  readonly signal: AbortSignal;
  readonly env: BuildEnvironment;
  readonly emit: (event: BuildEvent) => void;
}

export interface PostProcessOutcome {
  /** What the build hands back: kept inputs, chain results, the builder artifact first when kept. */
  readonly artifacts: readonly Artifact[];
  /** Post-processor failures and failed destroys; the build errors when there is any. */
  readonly errors: readonly KilnError[];
}

/**
 * Runs every chain over the builder's artifact, with Packer's keep_input_artifact rules:
 * - a post-processor returns its default `keep`; the user's keep_input_artifact overrides it,
 *   except that a forced keep=true (manifest, checksum, shell-local) beats a user's false;
 * - the first post-processor of a chain decides for the builder artifact: it is kept (listed
 *   first) if there are no chains or any first post-processor keeps it, otherwise destroyed at the end;
 * - later post-processors decide for the artifact of the one before: kept (listed) or destroyed now;
 * - an error skips the rest of its chain; an undefined artifact ends its chain silently.
 */
export async function runPostProcessors(builderArtifact: Artifact, options: PostProcessOptions): Promise<PostProcessOutcome> {
  const { chains, ui, build, emit } = options;
  const results: Artifact[] = [];
  const errors: KilnError[] = [];
  let keepBuilderArtifact = chains.length === 0;

  for (const [chainIndex, chain] of chains.entries()) {
    let prior: Artifact | undefined = builderArtifact;
    for (const [index, pp] of chain.entries()) {
      ui.say(
        pp.name === pp.type ? `Running post-processor: ${pp.type}` : `Running post-processor: ${pp.name} (type ${pp.type})`,
      );
      const report = (status: 'started' | 'succeeded' | 'failed'): void =>
        emit({ type: 'post-processor', build, chain: chainIndex, index, name: pp.name, postProcessorType: pp.type, status });
      report('started');
      let result;
      try {
        result = await pp.postProcessor.postProcess(prior, { ui: options.uiFor(pp.type), signal: options.signal, env: options.env });
      } catch (error) {
        report('failed');
        errors.push(new KilnError(codeOf(error), `Post-processor failed: ${messageOf(error)}`, { cause: error }));
        prior = undefined;
        break;
      }
      report('succeeded');
      if (!result.artifact) {
        prior = undefined;
        break;
      }
      const keep = keepInput(result.keep, result.forceOverride, pp.keepInputArtifact);
      if (index === 0) {
        if (keep) keepBuilderArtifact = true;
      } else if (keep) {
        results.push(prior);
      } else {
        await destroy(prior, errors, (e) => `Failed cleaning up prior artifact: ${e}; pp is ${pp.type}`);
      }
      prior = result.artifact;
    }
    if (prior) results.push(prior);
  }

  if (keepBuilderArtifact) {
    results.unshift(builderArtifact);
  } else {
    await destroy(builderArtifact, errors, (e) =>
      `Error destroying builder artifact: ${e}; bad artifact: ${goStringSlice(builderArtifact.files)}`,
    );
  }
  return { artifacts: results, errors };
}

/** The keep_input_artifact decision for one post-processor (exported for its table test). */
export function keepInput(defaultKeep: boolean, forceOverride: boolean, userKeep: boolean | undefined): boolean {
  if (userKeep === undefined) return defaultKeep;
  if (defaultKeep && !userKeep && forceOverride) return true;
  return userKeep;
}

async function destroy(artifact: Artifact, errors: KilnError[], describe: (error: string) => string): Promise<void> {
  try {
    await artifact.destroy();
  } catch (error) {
    errors.push(new KilnError(codeOf(error), describe(messageOf(error)), { cause: error }));
  }
}

function codeOf(error: unknown): KilnError['code'] {
  return error instanceof KilnError ? error.code : 'POST_PROCESSOR_FAILED';
}

/** Go's %#v of a []string, as Packer prints the files of an artifact it failed to destroy. */
function goStringSlice(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}
