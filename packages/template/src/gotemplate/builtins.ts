// The functions every Go template has (text/template's builtins of Go 1.19), with their results
// and error texts: and, or, not, eq, ne, lt, le, gt, ge, len, index, slice, call, print, printf,
// println, html, js and urlquery.

import { formatValue, sprint, sprintln } from './fmt.js';
import { sprintf } from './printf.js';
import type { GoParamType } from './functions.js';
import { isPrint } from './strconv.js';
import {
  GoComplex,
  GoInterface,
  GoStruct,
  GoUint8,
  compareStrings,
  floatValue,
  intValue,
  isTrue,
  kindOf,
  mapLookup,
  mapSize,
  stringBytes,
  toJs,
  typeName,
  unbox,
} from './values.js';

/** `value` is Go's reflect.Value parameter: anything, nil included, passed through unchanged. */
export type ParamType = GoParamType | 'value';

export interface Callable {
  readonly params: readonly ParamType[];
  readonly variadic?: ParamType;
  /** Receives Go values that already match the parameter types; returns a Go value. */
  readonly call: (args: unknown[]) => unknown;
}

/** A JavaScript result as a Go value. */
export function fromJs(value: unknown): unknown {
  return value === null ? undefined : value;
}

function truth(value: unknown): boolean {
  return isTrue(value).truth;
}

/** The comparable kinds of Go's basicKind. */
type BasicKind = 'bool' | 'complex' | 'int' | 'uint' | 'float' | 'string' | 'invalid';

function basicKind(value: unknown): BasicKind {
  switch (kindOf(value)) {
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'uint8':
      return 'uint';
    case 'float64':
      return 'float';
    case 'complex128':
      return 'complex';
    case 'string':
      return 'string';
    default:
      return 'invalid';
  }
}

function isComparableType(value: unknown): boolean {
  const kind = kindOf(value);
  if (kind === 'slice' || kind === 'map' || kind === 'func') return false;
  if (kind === 'struct') return Object.values((value as GoStruct).fields).every((field) => isComparableType(field));
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (kindOf(a) !== kindOf(b)) return false;
  if (a instanceof GoStruct && b instanceof GoStruct) {
    return (
      a.typeName === b.typeName &&
      Object.keys(a.fields).every((key) => sameValue(unbox(a.fields[key]), unbox(b.fields[key])))
    );
  }
  return basicEqual(a, b, basicKind(a));
}

function basicEqual(a: unknown, b: unknown, kind: BasicKind): boolean {
  switch (kind) {
    case 'bool':
    case 'string':
      return a === b;
    case 'int':
    case 'uint':
      return intValue(a) === intValue(b);
    case 'float':
      return floatValue(a) === floatValue(b);
    case 'complex':
      return (a as GoComplex).re === (b as GoComplex).re && (a as GoComplex).im === (b as GoComplex).im;
    default:
      return a === b;
  }
}

function isInteger(kind: BasicKind): boolean {
  return kind === 'int' || kind === 'uint';
}

function eq(arg1In: unknown, ...rest: unknown[]): boolean {
  const arg1 = unbox(arg1In);
  if (arg1 != null && !isComparableType(arg1)) {
    throw new Error(`uncomparable type ${typeName(arg1)}: ${formatValue(arg1)}`);
  }
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const argIn of rest) {
    const arg = unbox(argIn);
    const k2 = basicKind(arg);
    let result = false;
    if (k1 !== k2) {
      // Signed and unsigned integers compare by value; other mixes are an error.
      if (isInteger(k1) && isInteger(k2)) result = intValue(arg1) === intValue(arg);
      else if (arg1 != null && arg != null) throw new Error('incompatible types for comparison');
    } else if (k1 !== 'invalid') {
      result = basicEqual(arg1, arg, k1);
    } else if (arg1 == null || arg == null) {
      result = arg1 == null && arg == null;
    } else {
      if (!isComparableType(arg)) throw new Error(`non-comparable type ${formatValue(arg)}: ${typeName(arg)}`);
      result = sameValue(arg1, arg);
    }
    if (result) return true;
  }
  return false;
}

function lt(arg1In: unknown, arg2In: unknown): boolean {
  const arg1 = unbox(arg1In);
  const arg2 = unbox(arg2In);
  const k1 = basicKind(arg1);
  const k2 = basicKind(arg2);
  if (k1 === 'invalid' || k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) {
    if (isInteger(k1) && isInteger(k2)) return intValue(arg1) < intValue(arg2);
    throw new Error('incompatible types for comparison');
  }
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new Error('invalid type for comparison');
    case 'float':
      return floatValue(arg1) < floatValue(arg2);
    case 'int':
    case 'uint':
      return intValue(arg1) < intValue(arg2);
    default:
      return compareStrings(arg1 as string, arg2 as string) < 0;
  }
}

function le(arg1: unknown, arg2: unknown): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

function length(itemIn: unknown): number {
  if (itemIn instanceof GoInterface && (itemIn.inner === undefined || itemIn.inner === null)) {
    throw new Error('len of nil pointer');
  }
  const item = unbox(itemIn);
  switch (kindOf(item)) {
    case 'string':
      return stringBytes(item as string).length;
    case 'slice':
      return (item as unknown[]).length;
    case 'map':
      return mapSize(item);
    case 'invalid':
      throw new Error('reflect: call of reflect.Value.Type on zero Value');
    default:
      throw new Error(`len of type ${typeName(item)}`);
  }
}

function indexArg(indexIn: unknown, cap: number): number {
  const index = unbox(indexIn);
  switch (kindOf(index)) {
    case 'int':
    case 'uint8': {
      const x = intValue(index);
      if (x < 0n || x > BigInt(cap)) throw new Error(`index out of range: ${x}`);
      return Number(x);
    }
    case 'invalid':
      throw new Error('cannot index slice/array with nil');
    default:
      throw new Error(`cannot index slice/array with type ${typeName(index)}`);
  }
}

function index(itemIn: unknown, ...indexes: unknown[]): unknown {
  let item: unknown = unbox(itemIn);
  if (item === undefined || item === null) throw new Error('index of untyped nil');
  for (const indexValue of indexes) {
    if (item instanceof GoInterface) {
      if (item.inner === undefined || item.inner === null) throw new Error('index of nil pointer');
      item = item.inner;
    }
    switch (kindOf(item)) {
      case 'string': {
        const bytes = stringBytes(item as string);
        const x = indexArg(indexValue, bytes.length);
        if (x === bytes.length) throw new Error('reflect: string index out of range');
        item = new GoUint8(bytes[x]!);
        break;
      }
      case 'slice': {
        const items = item as unknown[];
        const x = indexArg(indexValue, items.length);
        if (x === items.length) throw new Error('reflect: slice index out of range');
        item = new GoInterface(items[x]);
        break;
      }
      case 'map': {
        const key = unbox(indexValue);
        if (key === undefined || key === null) throw new Error('value is nil; should be of type string');
        if (typeof key !== 'string') throw new Error(`value has type ${typeName(key)}; should be string`);
        item = new GoInterface(mapLookup(item, key).value);
        break;
      }
      default:
        throw new Error(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(itemIn: unknown, ...indexes: unknown[]): unknown {
  const item = unbox(itemIn);
  if (item === undefined || item === null) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  const kind = kindOf(item);
  if (kind === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    cap = len = stringBytes(item as string).length;
  } else if (kind === 'slice') {
    cap = len = (item as unknown[]).length;
  } else {
    throw new Error(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, len, 0];
  indexes.forEach((value, i) => (idx[i] = indexArg(value, cap)));
  const [from, to] = idx as [number, number, number];
  if (from > to) throw new Error(`invalid slice index: ${from} > ${to}`);
  if (indexes.length === 3 && to > idx[2]!) throw new Error(`invalid slice index: ${to} > ${idx[2]}`);
  if (kind === 'string') return stringBytes(item as string).subarray(from, to).toString('utf8');
  return (item as unknown[]).slice(from, to);
}

function call(fnIn: unknown, ...args: unknown[]): unknown {
  const fn = unbox(fnIn);
  if (fn === undefined || fn === null) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function of type ${typeName(fn)}`);
  return fromJs((fn as (...a: unknown[]) => unknown)(...args.map(toJs)));
}

/** html/js/urlquery take their arguments as one string, or print them with fmt.Sprint. */
function evalArgs(args: readonly unknown[]): string {
  if (args.length === 1 && typeof unbox(args[0]) === 'string') return unbox(args[0]) as string;
  return sprint(args.map((arg) => (unbox(arg) == null ? '<no value>' : arg)));
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

export function htmlEscape(text: string): string {
  return text.replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c]!);
}

const JS_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

export function jsEscape(text: string): string {
  let out = '';
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    const simple = JS_ESCAPES[char];
    if (simple !== undefined) out += simple;
    else if (cp < 0x20) out += '\\u00' + cp.toString(16).toUpperCase().padStart(2, '0');
    else if (cp >= 0x80 && !isPrint(cp)) out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else out += char;
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

const value = (n: number): ParamType[] => Array<ParamType>(n).fill('value');

export const BUILTINS: ReadonlyMap<string, Callable> = new Map<string, Callable>([
  // and/or are evaluated lazily by the executor; these entries give their signatures.
  ['and', { params: value(1), variadic: 'value', call: ([a]) => a }],
  ['or', { params: value(1), variadic: 'value', call: ([a]) => a }],
  ['not', { params: value(1), call: ([a]) => !truth(a) }],
  ['eq', { params: value(1), variadic: 'value', call: ([a, ...rest]) => eq(a, ...rest) }],
  ['ne', { params: value(2), call: ([a, b]) => !eq(a, b) }],
  ['lt', { params: value(2), call: ([a, b]) => lt(a, b) }],
  ['le', { params: value(2), call: ([a, b]) => le(a, b) }],
  ['gt', { params: value(2), call: ([a, b]) => !le(a, b) }],
  ['ge', { params: value(2), call: ([a, b]) => !lt(a, b) }],
  ['len', { params: value(1), call: ([a]) => length(a) }],
  ['index', { params: value(1), variadic: 'value', call: ([a, ...rest]) => index(a, ...rest) }],
  ['slice', { params: value(1), variadic: 'value', call: ([a, ...rest]) => slice(a, ...rest) }],
  ['call', { params: value(1), variadic: 'value', call: ([fn, ...rest]) => call(fn, ...rest) }],
  ['print', { params: [], variadic: 'any', call: (args) => sprint(args) }],
  ['printf', { params: ['string'], variadic: 'any', call: ([format, ...args]) => sprintf(format as string, args) }],
  ['println', { params: [], variadic: 'any', call: (args) => sprintln(args) }],
  ['html', { params: [], variadic: 'any', call: (args) => htmlEscape(evalArgs(args)) }],
  ['js', { params: [], variadic: 'any', call: (args) => jsEscape(evalArgs(args)) }],
  ['urlquery', { params: [], variadic: 'any', call: (args) => queryEscape(evalArgs(args)) }],
]);
