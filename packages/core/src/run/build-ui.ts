import { KilnError, type Ui } from '@kiln/sdk';
import type { AskRequest, BuildEvent } from '../events.js';

export interface UiSink {
  readonly emit: (event: BuildEvent) => void;
  /** Undefined where nobody can answer: ask() then rejects, and the engine takes the default. */
  readonly ask?: ((request: AskRequest) => Promise<string>) | undefined;
}

/** The Ui a plugin gets: each call becomes one event for `target` (Packer's TargetedUI). */
export function buildUi(sink: UiSink, build: string, target: string = build): Ui {
  const say = (level: 'say' | 'message' | 'error') => (text: string) =>
    sink.emit({ type: 'ui', build, target, level, text });
  return {
    say: say('say'),
    message: say('message'),
    error: say('error'),
    ask: (question) =>
      sink.ask
        ? sink.ask({ build, target, question })
        : Promise.reject(new KilnError('USAGE', 'No user to ask: this run has no terminal.')),
    progress: (label, done, total) => sink.emit({ type: 'progress', build, target, label, done, total }),
  };
}
