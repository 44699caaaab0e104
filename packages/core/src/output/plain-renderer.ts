import { messageOf, type Ui } from '@kiln/sdk';
import type { BuildEvent } from '../events.js';
import { packerText, targetedText } from './packer-text.js';

/**
 * Renders build events on a plain Ui the way Packer prints them without colors (for library
 * callers that pass `ui` to build()). The end-of-run summary is the caller's, from the result.
 */
export function renderEventsOn(ui: Ui): (event: BuildEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'ui': {
        const text = targetedText(event.target, event.level, event.text);
        if (event.level === 'error') ui.error(text);
        else if (event.level === 'message') ui.message(text);
        else ui.say(text);
        return;
      }
      case 'prepare-failed':
        ui.error(`${packerText.prepareFailed(event.build)}\n${event.errors.map((e) => `  * ${e.message}`).join('\n')}`);
        return;
      case 'prepare-warnings':
        ui.say(`${packerText.prepareWarning(event.build)}\n${event.messages.map((m) => `  * ${m}`).join('\n')}`);
        return;
      case 'cancelling':
        ui.error(packerText.cancelling);
        return;
      case 'build-finished':
        ui.say(packerText.buildFinished(event.build, event.durationMs));
        return;
      case 'build-errored':
        ui.error(packerText.buildErrored(event.build, event.durationMs, messageOf(event.error)));
        return;
      case 'build-cancelled':
        ui.error(packerText.buildCancelled(event.build, event.durationMs));
        return;
      default:
        return;
    }
  };
}
