import { parseGoDurationStrict } from '@kiln/sdk';
import { quote } from '../gotemplate/strconv.js';
import { parseGoFloat as parseFloat64, parseGoInteger } from '../gotemplate/strconv.js';

// Go's strconv.ParseBool/ParseInt/ParseFloat and time.ParseDuration with their error texts:
// Packer's weak typing is these calls.

export type GoParsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): GoParsed<T> => ({ ok: true, value });
const fail = (error: string): GoParsed<never> => ({ ok: false, error });

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function parseGoBool(text: string): GoParsed<boolean> {
  if (TRUE_WORDS.has(text)) return ok(true);
  if (FALSE_WORDS.has(text)) return ok(false);
  return fail(`strconv.ParseBool: parsing ${quote(text)}: invalid syntax`);
}

/** strconv.ParseInt(text, 0, 64). */
export function parseGoInt(text: string): GoParsed<number> {
  const parsed = parseGoInteger(text, true);
  if (parsed.ok) return ok(Number(parsed.value));
  const reason = parsed.error === 'range' ? 'value out of range' : 'invalid syntax';
  return fail(`strconv.ParseInt: parsing ${quote(text)}: ${reason}`);
}

/** strconv.ParseFloat(text, 64). */
export function parseGoFloat(text: string): GoParsed<number> {
  const value = parseFloat64(text);
  if (value !== undefined) return ok(value);
  const reason = /^[+-]?[\d_]*\.?[\d_]*(?:e[+-]?\d+)?$/i.test(text) && /\d/.test(text) ? 'value out of range' : 'invalid syntax';
  return fail(`strconv.ParseFloat: parsing ${quote(text)}: ${reason}`);
}

/** time.ParseDuration's error for `text`, or undefined when it is a valid Go duration. */
export function goDurationError(text: string): string | undefined {
  const parsed = parseGoDurationStrict(text);
  return 'error' in parsed ? parsed.error : undefined;
}
