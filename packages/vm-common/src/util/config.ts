import { parseGoDuration } from '@kiln/sdk';
import type { JsonSchema } from '@kiln/sdk';

/** A Go duration option in a schema fragment. */
export function durationProperty(description: string, defaultValue?: string): JsonSchema {
  return {
    type: 'string',
    'x-kiln-duration': true,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  };
}

/**
 * Milliseconds of an optional duration option; undefined when unset. The template layer has
 * already checked the syntax, so an unparsable value only reaches here from a direct library
 * caller, who gets Go's message.
 */
export function durationMs(value: string | undefined, errors: string[]): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = parseGoDuration(value);
  if (ms === undefined) errors.push(`time: invalid duration ${JSON.stringify(value)}`);
  return ms;
}
