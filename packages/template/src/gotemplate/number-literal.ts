// How a number, character or complex literal of a template becomes a value (parse.newNumber):
// one literal may be usable as an int, a uint, a float and a complex at once.

import type { NumberValue } from './nodes.js';
import { parseGoFloat, parseGoInteger, quote, unquoteChar } from './strconv.js';

const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

function fromFloat(f: number, base: Partial<NumberValue> = {}): NumberValue {
  // Go converts with int64(f)/uint64(f) and checks the round trip.
  const integral = Number.isInteger(f);
  const isInt = base.isInt ?? (integral && f >= -TWO_63 && f < TWO_63);
  const isUint = base.isUint ?? (integral && f >= 0 && f < TWO_64);
  return {
    isInt,
    isUint,
    isFloat: true,
    isComplex: false,
    int: base.int ?? (isInt ? BigInt(f) : 0n),
    uint: base.uint ?? (isUint ? BigInt(f) : 0n),
    float: f,
    complex: { re: 0, im: 0 },
  };
}

function complexValue(re: number, im: number): NumberValue {
  const simple = im === 0 ? fromFloat(re) : undefined;
  return {
    isInt: simple?.isInt ?? false,
    isUint: simple?.isUint ?? false,
    isFloat: simple !== undefined,
    isComplex: true,
    int: simple?.int ?? 0n,
    uint: simple?.uint ?? 0n,
    float: simple?.float ?? 0,
    complex: { re, im },
  };
}

function parseComplex(text: string): NumberValue {
  // `1+2i`: the sign that splits the parts is the last one not inside an exponent.
  for (let i = text.length - 2; i > 0; i--) {
    const c = text[i];
    if ((c === '+' || c === '-') && !/[eEpP]/.test(text[i - 1]!)) {
      const re = parseGoFloat(text.slice(0, i));
      const im = parseGoFloat(text.slice(i, -1));
      if (re !== undefined && im !== undefined) return complexValue(re, im);
      break;
    }
  }
  throw new Error(`expected complex number: ${text}`);
}

/**
 * The value of a number token. Throws with Go's message (`integer overflow: "089"`, `invalid
 * syntax`, ...) when the literal is not valid.
 */
export function parseNumberLiteral(text: string, kind: 'number' | 'charConstant' | 'complex'): NumberValue {
  if (kind === 'charConstant') {
    const { value, tail } = unquoteChar(text.slice(1), "'");
    if (tail !== "'") throw new Error(`malformed character constant: ${text}`);
    return { ...fromFloat(value), int: BigInt(value), uint: BigInt(value), isInt: true, isUint: true };
  }
  if (kind === 'complex') return parseComplex(text);
  if (text.endsWith('i')) {
    const im = parseGoFloat(text.slice(0, -1));
    if (im !== undefined) return complexValue(0, im);
  }
  const u = parseGoInteger(text, false);
  const i = parseGoInteger(text, true);
  if (i.ok) {
    // "-0" is no uint to ParseUint, but Go still marks a zero as one.
    const uint = u.ok ? u.value : 0n;
    return fromFloat(Number(i.value), { isInt: true, int: i.value, isUint: u.ok || i.value === 0n, uint });
  }
  if (u.ok) return fromFloat(Number(u.value), { isInt: false, int: 0n, isUint: true, uint: u.value });
  const f = parseGoFloat(text);
  if (f !== undefined) {
    if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${quote(text)}`);
    return fromFloat(f);
  }
  throw new Error(`illegal number syntax: ${quote(text)}`);
}
