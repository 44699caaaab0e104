import { KilnError } from '@kiln/sdk';
import { mapstructureErrorText } from '../read/go/error-text.js';
import { goKind, isJsonMap } from './data.js';
import type { JsonData, JsonMap } from './data.js';

/**
 * Packer's fixers read the template through mapstructure, which finds a struct field's key
 * case-insensitively when the exact key is absent, and writes back under the exact key. So a
 * template with `"Builders"` comes out with both keys; we keep that (it is what `packer fix` prints).
 */
export function lookupKey(input: JsonMap, key: string): string | undefined {
  if (Object.hasOwn(input, key)) return key;
  const lower = key.toLowerCase();
  return Object.keys(input).find((candidate) => candidate.toLowerCase() === lower);
}

/** mapstructure's strict decode into `[]map[string]interface{}`; null elements stay null. */
export function decodeMapList(input: JsonMap, key: string, fieldName: string): (JsonMap | null)[] | null {
  const found = lookupKey(input, key);
  const value = found === undefined ? null : input[found];
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw notASlice(fieldName, value);
  const problems: string[] = [];
  const list = value.map((element, index): JsonMap | null => {
    if (element === null || isJsonMap(element)) return element === null ? null : { ...element };
    problems.push(`'${fieldName}[${index}]' expected a map, got '${goKind(element)}'`);
    return null;
  });
  if (problems.length > 0) throw decodeError(problems);
  return list;
}

/** mapstructure's strict decode into `[]interface{}`. */
export function decodeList(input: JsonMap, key: string, fieldName: string): JsonData[] | null {
  const found = lookupKey(input, key);
  const value = found === undefined ? null : input[found];
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw notASlice(fieldName, value);
  return [...value];
}

/**
 * mapstructure's weak decode into `[]interface{}`: a list stays a list, an empty object becomes
 * an empty list, and any other single value is lifted into a one-element list.
 */
export function weakDecodeList(input: JsonMap, key: string): JsonData[] | null {
  const found = lookupKey(input, key);
  const value = found === undefined ? null : input[found];
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return [...value];
  if (isJsonMap(value) && Object.keys(value).length === 0) return [];
  return [value];
}

/** The provisioner or builder entries that are objects, copied (mapstructure decodes into a new map). */
export function asMap(value: JsonData): JsonMap | undefined {
  return isJsonMap(value) ? { ...value } : undefined;
}

function notASlice(fieldName: string, value: JsonData): KilnError {
  return decodeError([`'${fieldName}': source data must be an array or slice, got ${goKind(value)}`]);
}

/** mapstructure's multi-error (`N error(s) decoding:` and the sorted `* msg` lines). */
export function decodeError(problems: readonly string[]): KilnError {
  return new KilnError('TEMPLATE_INVALID', mapstructureErrorText(problems));
}
