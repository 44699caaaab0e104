// How Go values are represented while a template runs. JavaScript values map onto Go's dynamic
// types: string, int (integral number or bigint), float64 (other numbers, GoFloat), bool,
// complex128 (GoComplex), []interface {} (arrays), map[string]interface {} (other objects and
// Maps), structs (GoStruct) and functions. null and undefined are Go's nil.

/** A float64 whose value happens to be integral (a plain integral JS number reads as an int). */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** A byte (uint8), as indexing a string yields. */
export class GoUint8 {
  constructor(readonly value: number) {}
}

export class GoComplex {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {}
}

/**
 * A Go struct: unlike a map, a missing field is an error (`can't evaluate field X in type T`).
 * Plugins pass their template data this way when Packer passes a struct.
 */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, unknown>>,
  ) {}
}

/**
 * A value read out of a map or slice of interface {}: Go keeps it boxed in an interface until a
 * pipeline step ends, which shows in some error messages (`in type interface {}`).
 */
export class GoInterface {
  constructor(readonly inner: unknown) {}
}

export type GoKind =
  | 'invalid'
  | 'bool'
  | 'int'
  | 'uint8'
  | 'float64'
  | 'complex128'
  | 'string'
  | 'slice'
  | 'map'
  | 'struct'
  | 'func'
  | 'interface';

export function kindOf(value: unknown): GoKind {
  if (value === undefined || value === null) return 'invalid';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float64';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
  }
  if (value instanceof GoInterface) return 'interface';
  if (value instanceof GoFloat) return 'float64';
  if (value instanceof GoUint8) return 'uint8';
  if (value instanceof GoComplex) return 'complex128';
  if (value instanceof GoStruct) return 'struct';
  if (Array.isArray(value)) return 'slice';
  return 'map';
}

export const FUNC_TYPE_NAME = 'func(...interface {}) (interface {}, error)';

/** reflect.Type.String() of a value's dynamic type. */
export function typeName(value: unknown): string {
  switch (kindOf(value)) {
    case 'invalid':
      return '<nil>';
    case 'interface':
      return 'interface {}';
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'struct':
      return (value as GoStruct).typeName;
    case 'func':
      return FUNC_TYPE_NAME;
    default:
      return kindOf(value);
  }
}

/** Go's indirectInterface: the value inside an interface box (nil stays nil). */
export function unbox(value: unknown): unknown {
  return value instanceof GoInterface ? value.inner : value;
}

export function floatValue(value: unknown): number {
  return value instanceof GoFloat ? value.value : Number(value);
}

/** The integer of an int or uint8 value. */
export function intValue(value: unknown): bigint {
  if (value instanceof GoUint8) return BigInt(value.value);
  return typeof value === 'bigint' ? value : BigInt(value as number);
}

/** Entries of a map value, keys in Go's sorted order (byte order of the UTF-8 keys). */
export function mapEntries(value: unknown): [string, unknown][] {
  const entries: [string, unknown][] =
    value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v]) : Object.entries(value as object);
  return entries.sort(([a], [b]) => compareStrings(a, b));
}

export function mapLookup(value: unknown, key: string): { found: boolean; value: unknown } {
  if (value instanceof Map) return { found: value.has(key), value: value.get(key) };
  const found = Object.prototype.hasOwnProperty.call(value, key);
  return { found, value: found ? (value as Record<string, unknown>)[key] : undefined };
}

export function mapSize(value: unknown): number {
  return value instanceof Map ? value.size : Object.keys(value as object).length;
}

/** Compares strings by code point, which is the byte order of their UTF-8 encodings. */
export function compareStrings(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Length in bytes of a Go string, which is what len and index count. */
export function stringBytes(value: string): Buffer {
  return Buffer.from(value, 'utf8');
}

/** Go's truth of a value for if/with/and/or/not; `ok` false when it has none. */
export function isTrue(value: unknown): { truth: boolean; ok: boolean } {
  const v = unbox(value);
  switch (kindOf(v)) {
    case 'invalid':
      return { truth: false, ok: true };
    case 'bool':
      return { truth: v as boolean, ok: true };
    case 'int':
    case 'uint8':
      return { truth: intValue(v) !== 0n, ok: true };
    case 'float64':
      return { truth: floatValue(v) !== 0, ok: true };
    case 'complex128':
      return { truth: (v as GoComplex).re !== 0 || (v as GoComplex).im !== 0, ok: true };
    case 'string':
      return { truth: (v as string).length > 0, ok: true };
    case 'slice':
      return { truth: (v as unknown[]).length > 0, ok: true };
    case 'map':
      return { truth: mapSize(v) > 0, ok: true };
    case 'struct':
      return { truth: true, ok: true };
    case 'func':
      return { truth: true, ok: true };
    default:
      return { truth: false, ok: false };
  }
}

/** A Go value as plain JavaScript for a function's arguments: floats as numbers, nil as undefined. */
export function toJs(value: unknown): unknown {
  const v = unbox(value);
  if (v instanceof GoFloat || v instanceof GoUint8) return v.value;
  if (v === null) return undefined;
  return v;
}
