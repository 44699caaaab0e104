import type { Ui } from '../ui.js';
import type { StepEvent } from './step.js';

type Said = { readonly kind: 'say' | 'message' | 'error'; readonly text: string } | { readonly kind: 'event'; readonly event: StepEvent };

/** What a cleanup run ahead of its turn (cleanUpEarlier) said, kept in order to be said at its turn. */
export class DeferredOutput {
  private readonly said: Said[] = [];

  readonly ui: Ui = {
    say: (text) => void this.said.push({ kind: 'say', text }),
    message: (text) => void this.said.push({ kind: 'message', text }),
    error: (text) => void this.said.push({ kind: 'error', text }),
    ask: () => Promise.reject(new Error('a cleanup run ahead of its turn cannot ask the user')),
  };

  event(event: StepEvent): void {
    this.said.push({ kind: 'event', event });
  }

  replay(ui: Ui, emit: (event: StepEvent) => void): void {
    for (const item of this.said) {
      if (item.kind === 'event') emit(item.event);
      else ui[item.kind](item.text);
    }
  }
}
