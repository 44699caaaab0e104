import type { Ui } from '../ui.js';

export type AskDecision = 'cleanup' | 'abort' | 'retry';

const ASK_QUESTION =
  '[c] Clean up and exit, [a] abort without cleanup, or [r] retry step (build may fail even if retry succeeds)?';

/**
 * -on-error=ask: Packer's prompt after a step failed. An empty answer means clean up; a cancel
 * while waiting means clean up too; a Ui that cannot ask (no terminal) answers empty.
 */
export async function askAfterFailure(ui: Ui, stepName: string, signal: AbortSignal): Promise<AskDecision> {
  ui.say(`Step "${stepName}" failed`);
  for (;;) {
    const line = await askOrCancel(ui, ASK_QUESTION, signal);
    if (line === undefined) return 'cleanup';
    const first = `${line.toLowerCase()}c`[0];
    if (first === 'c') return 'cleanup';
    if (first === 'a') return 'abort';
    if (first === 'r') return 'retry';
    ui.say(`Incorrect input: ${JSON.stringify(line)}`);
  }
}

/** -debug: waits for enter, or for a cancel (Packer stops waiting once the build is cancelled). */
export async function debugPause(ui: Ui, where: 'after run of' | 'before cleanup of', stepName: string, signal: AbortSignal): Promise<void> {
  await askOrCancel(ui, `Pausing ${where} step '${stepName}'. Press enter to continue.`, signal);
}

/** The user's answer; '' when the Ui cannot ask; undefined when cancelled first. */
export function askOrCancel(ui: Ui, question: string, signal: AbortSignal): Promise<string | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    ui.ask(question).then(
      (line) => {
        signal.removeEventListener('abort', onAbort);
        resolve(line);
      },
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve('');
      },
    );
  });
}
