import type { JsonSchemaType } from '@kiln/sdk';
import { jsonTypeOf, type SchemaShape } from '../schema/shape.js';
import { goDurationError, parseGoBool, parseGoFloat, parseGoInt, type GoParsed } from './go-parse.js';
import { formatFloat as formatGoFloat } from '../gotemplate/float-format.js';
import { formatGoValue, goKindName, goTypeName } from './go-text.js';

/*
 * Packer decodes configs with mapstructure's WeaklyTypedInput (verified on Packer 1.6.6):
 *   to string:  number -> shortest decimal (`5`, `1000000000000000000000`), bool -> "1" / "0"
 *   to int:     string -> strconv.ParseInt base 0 ("" -> 0, "0x10" -> 16), bool -> 1 / 0,
 *               fractional number -> truncated
 *   to float:   string -> strconv.ParseFloat ("" -> 0), bool -> 1 / 0
 *   to bool:    string -> strconv.ParseBool ("" -> false), number -> != 0
 *   duration:   string -> time.ParseDuration; a number counts nanoseconds (Go's int64)
 * Lists and maps are handled by the decoder (comma split, lifting, merging).
 */

export type Coerced = GoParsed<unknown>;

const ok = (value: unknown): Coerced => ({ ok: true, value });
const fail = (error: string): Coerced => ({ ok: false, error });

/** Converts a scalar to what the shape asks for; `name` is the key path used in Packer's messages. */
export function coerceScalar(value: string | number | boolean, shape: SchemaShape, name: string): Coerced {
  if (shape.duration) return coerceDuration(value, name);
  const types = shape.types;
  const kind = jsonTypeOf(value);
  if (types.length === 0 || (kind && types.includes(kind))) return ok(value);
  if (typeof value === 'number' && types.includes('integer')) return ok(Math.trunc(value));
  let firstFailure: Coerced | undefined;
  for (const type of types) {
    const converted = convert(value, type, name);
    if (converted?.ok) return converted;
    firstFailure ??= converted;
  }
  return firstFailure ?? unconvertible(value, types[0]!, name);
}

function convert(value: string | number | boolean, type: JsonSchemaType, name: string): Coerced | undefined {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return ok(value);
      return ok(typeof value === 'number' ? formatGoFloat(value, 'f', -1) : value ? '1' : '0');
    case 'integer':
      if (typeof value === 'boolean') return ok(value ? 1 : 0);
      return fromParse(value === '' ? parseGoInt('0') : parseGoInt(String(value)), name, 'int');
    case 'number':
      if (typeof value === 'boolean') return ok(value ? 1 : 0);
      return fromParse(value === '' ? parseGoFloat('0') : parseGoFloat(String(value)), name, 'float');
    case 'boolean':
      if (typeof value === 'number') return ok(value !== 0);
      return fromParse(value === '' ? parseGoBool('false') : parseGoBool(String(value)), name, 'bool');
    case 'object':
      return fail(`'${name}' expected a map, got '${goKindName(value)}'`);
    default:
      return undefined;
  }
}

function fromParse(parsed: GoParsed<unknown>, name: string, goType: string): Coerced {
  return parsed.ok ? parsed : fail(`cannot parse '${name}' as ${goType}: ${parsed.error}`);
}

function coerceDuration(value: string | number | boolean, name: string): Coerced {
  if (typeof value === 'string') {
    const error = goDurationError(value);
    return error === undefined ? ok(value) : fail(`error decoding '${name}': ${error}`);
  }
  const nanoseconds = typeof value === 'boolean' ? (value ? 1 : 0) : Math.trunc(value);
  return ok(`${nanoseconds}ns`);
}

/** mapstructure's message for a list or map where a scalar is expected (and the like). */
export function unconvertible(value: unknown, type: JsonSchemaType, name: string): Coerced {
  if (type === 'object') return fail(`'${name}' expected a map, got '${goKindName(value)}'`);
  return fail(
    `'${name}' expected type '${GO_TARGET_TYPES[type]}', got unconvertible type '${goTypeName(value)}', value: '${formatGoValue(value)}'`,
  );
}

const GO_TARGET_TYPES: Readonly<Record<JsonSchemaType, string>> = {
  string: 'string',
  integer: 'int',
  number: 'float64',
  boolean: 'bool',
  array: '[]interface {}',
  object: 'map[string]interface {}',
  null: 'interface {}',
};

/** Go's zero value for a null inside a list or map (`[null]` as []string is `[""]`). */
export function zeroValue(shape: SchemaShape): unknown {
  switch (shape.duration ? 'duration' : shape.types[0]) {
    case 'duration':
      return '0s';
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}
