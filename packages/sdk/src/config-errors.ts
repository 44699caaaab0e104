import { KilnError, KilnErrors } from './errors.js';

/**
 * For a plugin's prepare(): throws every configuration problem at once (Packer reports them
 * together), as one CONFIG_INVALID KilnError or a KilnErrors of several. Does nothing for none.
 */
export function throwConfigErrors(messages: readonly string[]): void {
  if (messages.length === 0) return;
  const errors = messages.map((message) => new KilnError('CONFIG_INVALID', message));
  throw messages.length === 1 ? errors[0] : new KilnErrors(errors);
}
