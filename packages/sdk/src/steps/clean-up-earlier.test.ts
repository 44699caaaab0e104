import { describe, expect, it } from 'vitest';
import type { OnErrorPolicy } from '../build.js';
import { cleanUpEarlier } from './clean-up-earlier.js';
import { recordingUi } from './recording-ui.js';
import { runSteps } from './run-steps.js';
import type { AnyStep, Step, StepEvent } from './step.js';

interface State {
  journal: string[];
}

/** Resolves when `done` is called; for steps that wait on each other. */
function signalled(): { promise: Promise<void>; done: () => void } {
  let done!: () => void;
  const promise = new Promise<void>((resolve) => (done = resolve));
  return { promise, done };
}

/** A step that says a line when it runs and when it cleans up, and notes both in the journal. */
function step(
  name: string,
  behaviour: { run?: (state: State) => Promise<void>; cleanup?: () => Promise<void>; awaitsOutcome?: boolean; failCleanup?: boolean } = {},
): Step<State, object> {
  return {
    name,
    ...(behaviour.awaitsOutcome ? { cleanupAwaitsOutcome: true } : {}),
    async run(state, { ui }) {
      ui.say(`running ${name}`);
      state.journal.push(`run ${name}`);
      await behaviour.run?.(state);
    },
    async cleanup(state, { ui, outcome }) {
      ui.say(`cleaning up ${name}`);
      state.journal.push(`cleanup ${name} (${outcome})`);
      await behaviour.cleanup?.();
      if (behaviour.failCleanup) throw new Error(`${name} would not go`);
      ui.message(`${name} gone`);
    },
  };
}

async function run(stepList: AnyStep[], options: { onError?: OnErrorPolicy; debug?: boolean } = {}) {
  const ui = recordingUi(options.debug ? ['', '', '', '', '', '', '', '', '', ''] : []);
  const events: StepEvent[] = [];
  const state: State = { journal: [] };
  const result = await runSteps(stepList, state, {
    ui,
    signal: new AbortController().signal,
    onStep: (event) => events.push(event),
    ...options,
  }).then(
    () => 'ok',
    (error: Error) => error.message,
  );
  return { result, lines: ui.lines, events, journal: state.journal };
}

describe('cleanUpEarlier', () => {
  it('cleans up the steps before it while the later steps run, and says it all at the usual turn', async () => {
    // C runs until A's cleanup has started: without the early cleanup it would wait forever.
    const aCleaning = signalled();
    const early = await run([
      step('A', { cleanup: async () => aCleaning.done() }),
      step('B'),
      cleanUpEarlier('StepRelease'),
      step('C', { run: () => aCleaning.promise }),
    ]);
    expect(early.result).toBe('ok');
    expect(early.journal).toEqual(['run A', 'run B', 'run C', 'cleanup B (succeeded)', 'cleanup A (succeeded)', 'cleanup C (succeeded)']);

    // The same steps without it: the lines and step events are the same, in the same order.
    const usual = await run([step('A'), step('B'), { name: 'StepRelease', run: async () => undefined }, step('C')]);
    expect(early.lines).toEqual(usual.lines);
    expect(early.lines).toEqual([
      'say: running A',
      'say: running B',
      'say: running C',
      'say: cleaning up C',
      'message: C gone',
      'say: cleaning up B',
      'message: B gone',
      'say: cleaning up A',
      'message: A gone',
    ]);
    expect(early.events).toEqual(usual.events);
  });

  it('leaves a cleanup that must know how the build ended for the end, and tells it', async () => {
    const { result, journal, lines } = await run([
      step('A'),
      step('Provision', { awaitsOutcome: true }),
      cleanUpEarlier('StepRelease'),
      step('Copy', {
        run: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error('copy failed');
        },
      }),
    ]);
    expect(result).toBe('copy failed');
    expect(journal).toEqual(['run A', 'run Provision', 'run Copy', 'cleanup A (succeeded)', 'cleanup Copy (failed)', 'cleanup Provision (failed)']);
    expect(lines).toEqual([
      'say: running A',
      'say: running Provision',
      'say: running Copy',
      'say: cleaning up Copy',
      'message: Copy gone',
      'say: cleaning up Provision',
      'message: Provision gone',
      'say: cleaning up A',
      'message: A gone',
    ]);
  });

  it('leaves a step that holds the steps before it, and those steps, for the end', async () => {
    const holding = { ...step('Provision'), holdsEarlierSteps: true };
    const { journal, lines } = await run([step('A'), holding, step('B'), cleanUpEarlier('StepRelease'), step('C')]);
    // B, after the holding step, goes early (before C's cleanup); the holding step and A wait for the end.
    expect(journal).toEqual(['run A', 'run Provision', 'run B', 'run C', 'cleanup B (succeeded)', 'cleanup C (succeeded)', 'cleanup Provision (succeeded)', 'cleanup A (succeeded)']);
    expect(lines.filter((line) => line.startsWith('say: cleaning'))).toEqual(['say: cleaning up C', 'say: cleaning up B', 'say: cleaning up Provision', 'say: cleaning up A']);
  });

  it('says a cleanup that failed early at its turn, and still cleans up the steps before it', async () => {
    const { result, journal, lines } = await run([step('A'), step('B', { failCleanup: true }), cleanUpEarlier('StepRelease'), step('C')]);
    expect(result).toBe('ok');
    expect(journal.filter((entry) => entry.startsWith('cleanup'))).toContain('cleanup A (succeeded)');
    expect(lines.slice(-5)).toEqual(['message: C gone', 'say: cleaning up B', 'error: B would not go', 'say: cleaning up A', 'message: A gone']);
  });

  it.each([
    ['-on-error=abort', { onError: 'abort' as const }],
    ['-on-error=ask', { onError: 'ask' as const }],
    ['-on-error=run-cleanup-provisioner', { onError: 'run-cleanup-provisioner' as const }],
    ['-debug', { debug: true }],
  ])('waits for the end under %s, and runs no release step', async (_flag, options) => {
    const { journal, events } = await run([step('A'), cleanUpEarlier('StepRelease'), step('C')], options);
    expect(journal.slice(0, 3)).toEqual(['run A', 'run C', 'cleanup C (succeeded)']);
    expect(events.map((event) => event.step)).not.toContain('StepRelease');
  });
});
