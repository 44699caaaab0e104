import { KilnError, KilnErrors } from '@kiln/sdk';
import type { BuildEvent } from '../events.js';

/**
 * Masks what an event says before it leaves core, so no renderer (text, colors, machine-readable,
 * per-build logs) can leak a sensitive variable, unlike Packer's -machine-readable.
 */
export function maskEvent(event: BuildEvent, mask: (text: string) => string): BuildEvent {
  switch (event.type) {
    case 'ui':
      return { ...event, text: mask(event.text) };
    case 'log':
      return { ...event, text: mask(event.text) };
    case 'progress':
      return { ...event, label: mask(event.label) };
    case 'build-errored':
      return { ...event, error: maskError(event.error, mask) };
    case 'prepare-failed':
      return { ...event, errors: event.errors.map((e) => maskError(e, mask)) };
    case 'prepare-warnings':
      return { ...event, messages: event.messages.map(mask) };
    default:
      return event;
  }
}

export function maskError<E extends Error>(error: E, mask: (text: string) => string): E {
  const message = mask(error.message);
  if (message === error.message) return error;
  if (error instanceof KilnErrors) {
    return new KilnErrors(error.errors.map((e) => maskError(e, mask)), message) as unknown as E;
  }
  if (error instanceof KilnError) {
    return new KilnError(error.code, message, {
      ...(error.position ? { position: error.position } : {}),
      ...(error.keyPath ? { keyPath: error.keyPath } : {}),
      ...(error.hint ? { hint: mask(error.hint) } : {}),
      cause: error,
    }) as unknown as E;
  }
  return new Error(message, { cause: error }) as E;
}
