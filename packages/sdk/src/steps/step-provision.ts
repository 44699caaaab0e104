import type { BuildContext, GeneratedData } from '../build.js';
import type { Communicator } from '../communicator.js';
import { KilnError, isKilnError } from '../errors.js';
import { provisionHookData, type ProvisionDataInput } from './provision-data.js';
import { messageOf } from './run-steps.js';
import type { Step } from './step.js';

export interface ProvisionStepSources<State extends object> {
  /** The connected communicator; undefined with `communicator: none`. */
  communicator(state: Readonly<State>): Communicator | undefined;
  /** What the builder knows for `{{ build ... }}` (ID, HTTP server, connection). */
  data?(state: Readonly<State>): ProvisionDataInput;
}

/**
 * Packer's StepProvision: runs the build's provisioners through the hook, and from its cleanup,
 * if the build failed (not when cancelled), the error-cleanup-provisioner, before the earlier
 * steps' cleanups stop the machine. Its output `generatedData` is what the builder's artifact
 * should return from state('generated_data').
 */
export function stepProvision<State extends object>(
  ctx: BuildContext,
  sources: ProvisionStepSources<State>,
): Step<State, { generatedData: GeneratedData }> {
  const dataOf = (state: Readonly<State>): GeneratedData =>
    provisionHookData(sources.data?.(state) ?? {}, ctx.env.runUuid);
  return {
    name: 'StepProvision',
    cleanupEvenOnAbort: true,
    cleanupAwaitsOutcome: true,
    // The error-cleanup-provisioner runs on the machine the earlier steps made and connected to.
    ...(ctx.hook.hasCleanupProvisioner === false ? {} : { holdsEarlierSteps: true }),
    async run(state, stepCtx) {
      const generatedData = dataOf(state);
      stepCtx.provide({ generatedData });
      await ctx.hook.provision(sources.communicator(state), generatedData, stepCtx.signal);
      return { generatedData };
    },
    async cleanup(state, cleanupCtx) {
      if (cleanupCtx.outcome !== 'failed') return;
      cleanupCtx.ui.say('Provisioning step had errors: Running the cleanup provisioner, if present...');
      try {
        // The build already failed; the cleanup provisioner runs to the end, as in Packer.
        await ctx.hook.provisionCleanup(
          sources.communicator(state),
          state.generatedData ?? dataOf(state),
          new AbortController().signal,
        );
      } catch (error) {
        cleanupCtx.replaceError(
          new KilnError(
            isKilnError(error) ? error.code : 'STEP_FAILED',
            `Cleanup failed: ${messageOf(error)}. Original Provisioning error: ${messageOf(cleanupCtx.error)}`,
            { cause: error },
          ),
        );
      }
    },
  };
}
