import type { Ui } from '../ui.js';

/** A Ui for tests (of the engine and of plugins): records every line as `say: ...`, `error: ...`, `ask: ...` and answers asks from a queue. */
export function recordingUi(answers: string[] = []): Ui & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    say: (text) => void lines.push(`say: ${text}`),
    message: (text) => void lines.push(`message: ${text}`),
    error: (text) => void lines.push(`error: ${text}`),
    ask: (question) => {
      lines.push(`ask: ${question}`);
      const answer = answers.shift();
      return answer === undefined ? Promise.reject(new Error('no answer')) : Promise.resolve(answer);
    },
  };
}
