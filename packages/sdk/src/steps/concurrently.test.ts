import { describe, expect, it } from 'vitest';
import { concurrently } from './concurrently.js';
import { recordingUi } from './recording-ui.js';
import { runSteps } from './run-steps.js';
import { steps } from './sequence.js';
import type { Step } from './step.js';

/** A step that says it starts, waits for `release`, then finishes (or fails); its cleanup says so too. */
function gatedStep<Out extends object>(name: string, out: Out, journal: string[]) {
  let release!: (failure?: Error) => void;
  const released = new Promise<Error | undefined>((resolve) => (release = resolve));
  const step: Step<object, Out> = {
    name,
    async run(_state, { ui }) {
      ui.say(`creating ${name}`);
      journal.push(`start ${name}`);
      const failure = await released;
      journal.push(`end ${name}`);
      if (failure) throw failure;
      return out;
    },
    async cleanup(_state, { ui }) {
      ui.say(`deleting ${name}`);
      await Promise.resolve();
      journal.push(`cleaned ${name}`);
    },
  };
  return { step, release };
}

const run = (step: Step<object, object>) => {
  const ui = recordingUi();
  return { ui, done: runSteps(steps<object>().then(step), {}, { ui, signal: new AbortController().signal }) };
};

describe('concurrently', () => {
  it('starts the second step before the first has finished, says their lines in order, and merges their outputs', async () => {
    const journal: string[] = [];
    const keys = gatedStep('keys', { keyName: 'k' }, journal);
    const group = gatedStep('group', { groupId: 'g' }, journal);
    const { ui, done } = run(concurrently(keys.step, group.step));
    await Promise.resolve();
    expect(journal).toEqual(['start keys', 'start group']);
    group.release();
    keys.release();
    const state = await done;
    expect(state).toEqual({ keyName: 'k', groupId: 'g' });
    expect(ui.lines.slice(0, 2)).toEqual(['say: creating keys', 'say: creating group']);
    // On success too every started step is cleaned up: the second, then the first.
    expect(ui.lines.slice(2)).toEqual(['say: deleting group', 'say: deleting keys']);
  });

  it('waits for the other step, fails with the first failure in step order, and cleans up both', async () => {
    const journal: string[] = [];
    const keys = gatedStep('keys', {}, journal);
    const group = gatedStep('group', {}, journal);
    const { ui, done } = run(concurrently(keys.step, group.step));
    group.release(new Error('group broke'));
    keys.release(new Error('keys broke'));
    await expect(done).rejects.toThrow('keys broke');
    expect(journal.slice(0, 4)).toEqual(['start keys', 'start group', 'end group', 'end keys']);
    expect(journal.slice(4).sort()).toEqual(['cleaned group', 'cleaned keys']);
    expect(ui.lines).toEqual(['say: creating keys', 'say: creating group', 'say: deleting group', 'say: deleting keys']);
  });

  it('runs the steps one after the other under -debug, pausing after each', async () => {
    const journal: string[] = [];
    const keys = gatedStep('keys', { keyName: 'k' }, journal);
    const group = gatedStep('group', { groupId: 'g' }, journal);
    keys.release();
    group.release();
    const ui = recordingUi(Array<string>(4).fill(''));
    const state = await runSteps(steps<object>().then(concurrently(keys.step, group.step)), {}, { ui, signal: new AbortController().signal, debug: true });
    expect(state).toEqual({ keyName: 'k', groupId: 'g' });
    expect(journal.slice(0, 4)).toEqual(['start keys', 'end keys', 'start group', 'end group']);
    expect(ui.lines.filter((line) => line.startsWith('ask: Pausing after'))).toEqual([
      "ask: Pausing after run of step 'keys'. Press enter to continue.",
      "ask: Pausing after run of step 'group'. Press enter to continue.",
    ]);
  });

  it('runs again only the step that failed when it is retried', async () => {
    const journal: string[] = [];
    const keys = gatedStep('keys', { keyName: 'k' }, journal);
    let attempts = 0;
    const flaky: Step<object, { groupId: string }> = {
      name: 'group',
      async run() {
        attempts += 1;
        if (attempts === 1) throw new Error('not yet');
        return { groupId: 'g' };
      },
    };
    const both = concurrently(keys.step, flaky);
    const ctx = { ui: recordingUi(), signal: new AbortController().signal, provide: () => undefined };
    keys.release();
    await expect(both.run({}, ctx)).rejects.toThrow('not yet');
    expect(await both.run({}, ctx)).toEqual({ keyName: 'k', groupId: 'g' });
    expect(journal).toEqual(['start keys', 'end keys']);
    expect(attempts).toBe(2);
  });
});
