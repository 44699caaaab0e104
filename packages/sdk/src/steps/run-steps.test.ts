import { describe, expect, it } from 'vitest';
import type { OnErrorPolicy } from '../build.js';
import { KilnError } from '../errors.js';
import { sleep } from '../wait-for.js';
import { recordingUi } from './recording-ui.js';
import { runSteps } from './run-steps.js';
import { steps } from './sequence.js';
import type { Step, StepEvent } from './step.js';

interface State {
  log: string[];
  a?: number;
  b?: string;
}

/** A step that logs its run and cleanup into a shared journal, and fails when told to. */
function step(
  name: string,
  behaviour: { fail?: boolean | Error; out?: Partial<State>; alwaysClean?: boolean } = {},
): Step<State, Partial<State>> {
  return {
    name,
    ...(behaviour.alwaysClean ? { cleanupEvenOnAbort: true } : {}),
    async run(state) {
      state.log.push(`run ${name}`);
      if (behaviour.fail) throw behaviour.fail instanceof Error ? behaviour.fail : new Error(`${name} broke`);
      return behaviour.out;
    },
    async cleanup(state, ctx) {
      state.log.push(`cleanup ${name} (${ctx.outcome})`);
    },
  };
}

function options(overrides: { onError?: OnErrorPolicy; answers?: string[]; debug?: boolean; signal?: AbortSignal } = {}) {
  const ui = recordingUi(overrides.answers);
  const events: StepEvent[] = [];
  return {
    ui,
    events,
    opts: {
      ui,
      signal: overrides.signal ?? new AbortController().signal,
      onStep: (event: StepEvent) => events.push(event),
      ...(overrides.onError ? { onError: overrides.onError } : {}),
      ...(overrides.debug ? { debug: true } : {}),
    },
  };
}

describe('runSteps', () => {
  it('runs steps in order, merges their outputs and cleans up in reverse', async () => {
    const { opts } = options();
    const final = await runSteps([step('A', { out: { a: 1 } }), step('B', { out: { b: 'x' } })], { log: [] }, opts);
    expect(final).toEqual({
      log: ['run A', 'run B', 'cleanup B (succeeded)', 'cleanup A (succeeded)'],
      a: 1,
      b: 'x',
    });
  });

  it('stops at a failing step, cleans up it and every earlier step, and rejects with its error', async () => {
    const { opts, ui, events } = options();
    const boom = new KilnError('STEP_FAILED', 'B broke');
    const state: State = { log: [] };
    await expect(runSteps([step('A'), step('B', { fail: boom }), step('C')], state, opts)).rejects.toBe(boom);
    expect(state.log).toEqual(['run A', 'run B', 'cleanup B (failed)', 'cleanup A (failed)']);
    expect(ui.lines).toEqual([]);
    expect(events.map((e) => `${e.phase} ${e.step} ${e.status}`)).toEqual([
      'run A started',
      'run A succeeded',
      'run B started',
      'run B failed',
      'cleanup B started',
      'cleanup B succeeded',
      'cleanup A started',
      'cleanup A succeeded',
    ]);
  });

  it('passes cleanups the outcome and what the failing step provided before it failed', async () => {
    const { opts } = options();
    const seen: unknown[] = [];
    const creating: Step<{ log: string[] }, { instanceId: string }> = {
      name: 'StepCreate',
      async run(_state, ctx) {
        ctx.provide({ instanceId: 'i-123' });
        throw new Error('instance never became ready');
      },
      async cleanup(state, ctx) {
        seen.push(state.instanceId, ctx.outcome, (ctx.error as Error).message);
      },
    };
    await expect(runSteps(steps<{ log: string[] }>().then(creating), { log: [] }, opts)).rejects.toThrow(
      'instance never became ready',
    );
    expect(seen).toEqual(['i-123', 'failed', 'instance never became ready']);
  });

  it('keeps cleaning up when a cleanup throws, reports it, and still rejects with the original error', async () => {
    const { opts, ui } = options();
    const journal: string[] = [];
    const failingCleanup: Step<State> = {
      name: 'B',
      run: async () => undefined,
      cleanup: async () => {
        throw new Error('could not delete key pair');
      },
    };
    const list: Step<State, Partial<State>>[] = [step('A'), failingCleanup, step('C', { fail: true })];
    await expect(runSteps(list, { log: journal }, opts)).rejects.toThrow('C broke');
    expect(journal).toEqual(['run A', 'run C', 'cleanup C (failed)', 'cleanup A (failed)']);
    expect(ui.lines).toEqual(['error: could not delete key pair']);
  });

  it('stops between steps once cancelled, cleans up, and rejects with CANCELLED', async () => {
    const controller = new AbortController();
    const { opts } = options({ signal: controller.signal });
    const journal: string[] = [];
    const cancelling: Step<State> = {
      name: 'B',
      run: async (state) => {
        state.log.push('run B');
        controller.abort();
      },
      cleanup: async (state, ctx) => void state.log.push(`cleanup B (${ctx.outcome})`),
    };
    const error = await runSteps([step('A'), cancelling, step('C')], { log: journal }, opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).code).toBe('CANCELLED');
    expect(journal).toEqual(['run A', 'run B', 'cleanup B (cancelled)', 'cleanup A (cancelled)']);
  });

  it('passes the signal into the running step and treats its abort as a cancel, not a failure', async () => {
    const controller = new AbortController();
    const { opts, ui } = options({ signal: controller.signal, onError: 'abort' });
    const journal: string[] = [];
    const waiting: Step<State> = {
      name: 'StepWaitForBoot',
      run: async (_state, ctx) => {
        setTimeout(() => controller.abort(), 5);
        await sleep(10_000, ctx.signal);
      },
      cleanup: async (state) => void state.log.push('cleanup wait'),
    };
    const error = await runSteps([step('A'), waiting], { log: journal }, opts).catch((e: unknown) => e);
    expect((error as KilnError).code).toBe('CANCELLED');
    // -on-error=abort also applies to a cancel, with Packer's wording
    expect(ui.lines).toEqual(['error: Interrupted, aborting...', 'error: aborted: skipping cleanup of step "A"']);
    expect(journal).toEqual(['run A']);
  });

  describe('-on-error', () => {
    it('abort: skips every cleanup after a failure, with Packer messages', async () => {
      const { opts, ui } = options({ onError: 'abort' });
      const journal: string[] = [];
      await expect(runSteps([step('StepA'), step('StepB'), step('StepC', { fail: true })], { log: journal }, opts)).rejects.toThrow(
        'StepC broke',
      );
      expect(ui.lines).toEqual([
        'error: StepC broke',
        'error: Step "StepC" failed, aborting...',
        'error: aborted: skipping cleanup of step "StepB"',
        'error: aborted: skipping cleanup of step "StepA"',
      ]);
      expect(journal).toEqual(['run StepA', 'run StepB', 'run StepC']);
    });

    it('abort: cleans up normally when nothing failed', async () => {
      const { opts, ui } = options({ onError: 'abort' });
      const final = await runSteps([step('A'), step('B')], { log: [] }, opts);
      expect(final.log).toEqual(['run A', 'run B', 'cleanup B (succeeded)', 'cleanup A (succeeded)']);
      expect(ui.lines).toEqual([]);
    });

    it('run-cleanup-provisioner: still cleans up the provision step, and names the next step in the headline', async () => {
      const { opts, ui } = options({ onError: 'run-cleanup-provisioner' });
      const journal: string[] = [];
      const list = [step('StepConnect'), step('StepProvision', { fail: true, alwaysClean: true })];
      await expect(runSteps(list, { log: journal }, opts)).rejects.toThrow('StepProvision broke');
      expect(journal).toEqual(['run StepConnect', 'run StepProvision', 'cleanup StepProvision (failed)']);
      expect(ui.lines).toEqual(['error: StepProvision broke', 'error: Step "StepConnect" failed, aborting...']);
    });

    it('ask: retries the step on "r", then goes on', async () => {
      let attempts = 0;
      const flaky: Step<State> = {
        name: 'StepFlaky',
        run: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('first try fails');
        },
      };
      const { opts, ui } = options({ onError: 'ask', answers: ['r'] });
      const final = await runSteps([flaky, step('B')], { log: [] }, opts);
      expect(attempts).toBe(2);
      expect(final.log).toEqual(['run B', 'cleanup B (succeeded)']);
      expect(ui.lines).toEqual([
        'error: first try fails',
        'say: Step "StepFlaky" failed',
        'ask: [c] Clean up and exit, [a] abort without cleanup, or [r] retry step (build may fail even if retry succeeds)?',
      ]);
    });

    it('ask: re-asks after a wrong answer; an empty answer cleans up', async () => {
      const { opts, ui } = options({ onError: 'ask', answers: ['x', ''] });
      const journal: string[] = [];
      await expect(runSteps([step('A'), step('B', { fail: true })], { log: journal }, opts)).rejects.toThrow('B broke');
      expect(journal).toEqual(['run A', 'run B', 'cleanup B (failed)', 'cleanup A (failed)']);
      expect(ui.lines.filter((l) => l.startsWith('say'))).toEqual(['say: Step "B" failed', 'say: Incorrect input: "x"']);
    });

    it('ask: "a" aborts without cleanup', async () => {
      const { opts, ui } = options({ onError: 'ask', answers: ['A'] });
      const journal: string[] = [];
      await expect(runSteps([step('A'), step('B', { fail: true })], { log: journal }, opts)).rejects.toThrow('B broke');
      expect(journal).toEqual(['run A', 'run B']);
      expect(ui.lines.slice(3)).toEqual([
        'error: B broke',
        'error: Step "B" failed, aborting...',
        'error: aborted: skipping cleanup of step "A"',
      ]);
    });

    it('lets a cleanup replace the error the sequence rejects with', async () => {
      const { opts } = options();
      const replacing: Step<State> = {
        name: 'StepProvision',
        run: async () => {
          throw new Error('provisioning broke');
        },
        cleanup: async (_state, ctx) => ctx.replaceError(new Error(`Cleanup failed. Original: ${(ctx.error as Error).message}`)),
      };
      await expect(runSteps([replacing], { log: [] }, opts)).rejects.toThrow('Cleanup failed. Original: provisioning broke');
    });
  });

  it('-debug: pauses after each successful run and before its cleanup', async () => {
    const { opts, ui } = options({ debug: true, answers: ['', '', '', ''] });
    await expect(runSteps([step('StepA'), step('StepB', { fail: true })], { log: [] }, opts)).rejects.toThrow();
    expect(ui.lines).toEqual([
      "ask: Pausing after run of step 'StepA'. Press enter to continue.",
      "ask: Pausing before cleanup of step 'StepA'. Press enter to continue.",
    ]);
  });

  it('-debug: a pause ends when the build is cancelled', async () => {
    const controller = new AbortController();
    const { opts } = options({ debug: true, signal: controller.signal });
    const neverAnswered = { ...opts, ui: { ...opts.ui, ask: () => new Promise<string>(() => undefined) } };
    setTimeout(() => controller.abort(), 5);
    await expect(runSteps([step('A'), step('B')], { log: [] }, neverAnswered)).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('checks at compile time that earlier steps produce what a step reads', () => {
    const makesKey: Step<{ region: string }, { keyName: string }> = { name: 'StepKey', run: async () => ({ keyName: 'k' }) };
    const needsKey: Step<{ keyName: string }, { instanceId: string }> = { name: 'StepRun', run: async () => ({ instanceId: 'i' }) };
    const ok = steps<{ region: string }>().then(makesKey).then(needsKey);
    expect(ok.steps.map((s) => s.name)).toEqual(['StepKey', 'StepRun']);
    // @ts-expect-error keyName is produced by no earlier step
    const broken = steps<{ region: string }>().then(needsKey);
    expect(broken.steps).toHaveLength(1);
  });
});
