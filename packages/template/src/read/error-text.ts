import { JsonSyntaxError, formatJsonSyntaxError } from '../json/errors.js';

/**
 * What Packer prints when a template cannot be read (`packer validate -syntax-only`, `inspect`,
 * `build`...): `Failed to parse template: ` and the error — for a JSON syntax error its message,
 * position and excerpt; for readTemplate's KilnErrors their message, which already is Packer's
 * full list. Without the newline the UI adds.
 */
export function templateParseErrorText(error: unknown): string {
  if (error instanceof JsonSyntaxError) return `Failed to parse template: ${formatJsonSyntaxError(error)}`;
  return `Failed to parse template: ${error instanceof Error ? error.message : String(error)}`;
}
