import { formatFloat as formatGoFloat } from '../gotemplate/float-format.js';
import { compareGoStrings } from '../read/go/values.js';

// How mapstructure prints decoded JSON values in its messages. Every JSON number is a float64
// there, so `1000000` prints as `1e+06` (fmt's %v), unlike a template's integers.

/** fmt's %v of a decoded JSON value: `map[a:1 b:[x true]]`, keys sorted. */
export function formatGoValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') return formatGoFloat(value, 'g', -1);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatGoValue).join(' ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareGoStrings(a, b));
  return `map[${entries.map(([key, item]) => `${key}:${formatGoValue(item)}`).join(' ')}]`;
}

/** The Go type a JSON value has after Packer's RPC (msgpack) round trip. */
export function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return value === null ? 'interface {}' : 'map[interface {}]interface {}';
  }
}

/** reflect.Kind names, used by mapstructure's `expected a map, got '<kind>'`. */
export function goKindName(value: unknown): string {
  return Array.isArray(value) ? 'slice' : goTypeName(value);
}
