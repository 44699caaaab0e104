// strconv.FormatFloat for float64: shortest and fixed-precision decimal forms (%e %f %g), computed
// from the exact binary value so that rounding (half to even) matches Go digit for digit, plus the
// binary (%b) and hexadecimal (%x) forms.

/** A decimal number 0.d1d2d3... × 10^dp; `digits` has no trailing zeros, '' is zero. */
interface Decimal {
  digits: string;
  dp: number;
}

const MANT_BITS = 52n;

function floatBits(x: number): { neg: boolean; exp: number; mant: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  return {
    neg: bits >> 63n === 1n,
    exp: Number((bits >> MANT_BITS) & 0x7ffn),
    mant: bits & ((1n << MANT_BITS) - 1n),
  };
}

/** Mantissa and exponent with value = mant × 2^(exp - 52), as strconv computes them. */
function mantissaExponent(x: number): { mant: bigint; exp: number } {
  const { exp, mant } = floatBits(x);
  if (exp === 0) return { mant, exp: 1 - 1023 };
  return { mant: mant | (1n << MANT_BITS), exp: exp - 1023 };
}

function trimDecimal(digits: string, dp: number): Decimal {
  const trimmed = digits.replace(/0+$/, '');
  return trimmed === '' ? { digits: '', dp: 0 } : { digits: trimmed, dp };
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const { mant, exp } = mantissaExponent(x);
  const shift = exp - Number(MANT_BITS);
  if (shift >= 0) {
    const text = (mant << BigInt(shift)).toString();
    return trimDecimal(text, text.length);
  }
  // mant / 2^k = mant × 5^k / 10^k.
  const k = -shift;
  const text = (mant * 5n ** BigInt(k)).toString();
  const stripped = text.replace(/^0+/, '');
  return trimDecimal(stripped, text.length - k);
}

function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const [mantissa = '', exponent = '0'] = Math.abs(x).toExponential().split('e');
  return trimDecimal(mantissa.replace('.', ''), Number(exponent) + 1);
}

/** Rounds to `nd` significant digits, exact halves to even (strconv's decimal.Round). */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= d.digits.length) return d;
  const next = d.digits[nd]!;
  let up: boolean;
  if (next === '5' && nd + 1 === d.digits.length) up = nd > 0 && Number(d.digits[nd - 1]) % 2 === 1;
  else up = next >= '5';
  if (!up) return trimDecimal(d.digits.slice(0, nd), d.dp);
  let i = nd - 1;
  while (i >= 0 && d.digits[i] === '9') i--;
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  return trimDecimal(d.digits.slice(0, i) + String(Number(d.digits[i]) + 1), d.dp);
}

function formatE(d: Decimal, prec: number, expChar: string): string {
  let out = d.digits[0] ?? '0';
  if (prec > 0) out += '.' + d.digits.slice(1, prec + 1).padEnd(prec, '0');
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const absExp = Math.abs(exp);
  return out + expChar + (exp < 0 ? '-' : '+') + (absExp < 10 ? '0' : '') + String(absExp);
}

function formatF(d: Decimal, prec: number): string {
  let out: string;
  if (d.dp > 0) out = d.digits.slice(0, d.dp).padEnd(d.dp, '0');
  else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = d.dp + i - 1;
      out += j >= 0 && j < d.digits.length ? d.digits[j] : '0';
    }
  }
  return out;
}

function formatB(x: number): string {
  const { mant, exp } = mantissaExponent(Math.abs(x));
  const e = exp - Number(MANT_BITS);
  return `${mant}p${e >= 0 ? '+' : '-'}${Math.abs(e)}`;
}

function formatX(x: number, prec: number, verb: 'x' | 'X'): string {
  let { mant, exp } = mantissaExponent(Math.abs(x));
  if (mant === 0n) exp = 0;
  const one60 = 1n << 60n;
  mant <<= 60n - MANT_BITS;
  while (mant !== 0n && (mant & one60) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (one60 - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const digitsOf = (value: bigint): string => {
    const digit = value.toString(16);
    return verb === 'X' ? digit.toUpperCase() : digit;
  };
  let out = '0' + verb + String((mant >> 60n) & 1n);
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  const mask = (1n << 64n) - 1n;
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += digitsOf((mant >> 60n) & 15n);
      mant = (mant << 4n) & mask;
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += digitsOf((mant >> 60n) & 15n);
      mant = (mant << 4n) & mask;
    }
  }
  const absExp = Math.abs(exp);
  return out + (verb === 'X' ? 'P' : 'p') + (exp < 0 ? '-' : '+') + String(absExp).padStart(2, '0');
}

export type FloatVerb = 'e' | 'E' | 'f' | 'g' | 'G' | 'b' | 'x' | 'X';

/**
 * strconv.FormatFloat(x, verb, prec, 64); prec -1 means the shortest representation that reads
 * back as the same number. Infinities are `+Inf`/`-Inf`, as strconv writes them.
 */
export function formatFloat(x: number, verb: FloatVerb, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const sign = floatBits(x).neg ? '-' : '';
  if (verb === 'b') return sign + formatB(x);
  if (verb === 'x' || verb === 'X') return sign + formatX(x, prec, verb);
  const shortest = prec < 0;
  const abs = Math.abs(x);
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(abs);
    prec = verb === 'e' || verb === 'E' ? d.digits.length - 1 : verb === 'f' ? Math.max(d.digits.length - d.dp, 0) : d.digits.length;
  } else if (verb === 'f') {
    const exact = exactDecimal(abs);
    d = roundDecimal(exact, exact.dp + prec);
  } else {
    if ((verb === 'g' || verb === 'G') && prec === 0) prec = 1;
    d = roundDecimal(exactDecimal(abs), verb === 'e' || verb === 'E' ? prec + 1 : prec);
  }
  switch (verb) {
    case 'e':
    case 'E':
      return sign + formatE(d, prec, verb);
    case 'f':
      return sign + formatF(d, prec);
    case 'g':
    case 'G': {
      let eprec = prec;
      if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        const ePrec = prec > d.digits.length ? d.digits.length : prec;
        return sign + formatE(d, ePrec - 1, verb === 'g' ? 'e' : 'E');
      }
      const fPrec = prec > d.dp ? d.digits.length : prec;
      return sign + formatF(d, Math.max(fPrec - d.dp, 0));
    }
  }
}
