// Go's strconv and unicode rules that the template language depends on: which runes are letters,
// digits or printable, how strings and runes are quoted and unquoted, and how number literals parse.

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

export function isLetter(codePoint: number): boolean {
  return LETTER.test(String.fromCodePoint(codePoint));
}

export function isDigit(codePoint: number): boolean {
  return DIGIT.test(String.fromCodePoint(codePoint));
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(codePoint: number): boolean {
  if (codePoint === 0x20) return true;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(codePoint));
}

/** The code points of a string; a lone surrogate stands for an invalid byte (U+FFFD). */
export function codePoints(text: string): number[] {
  const result: number[] = [];
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0xfffd;
    result.push(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
  }
  return result;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

function appendEscapedRune(cp: number, quote: number, asciiOnly: boolean): string {
  if (cp === quote || cp === 0x5c) return '\\' + String.fromCodePoint(cp);
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\\ufffd';
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

/** strconv.Quote (or QuoteToASCII): a double-quoted Go string literal. */
export function quote(text: string, asciiOnly = false): string {
  let out = '"';
  for (const cp of codePoints(text)) out += appendEscapedRune(cp, 0x22, asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune (or QuoteRuneToASCII): a single-quoted Go character literal. */
export function quoteRune(codePoint: number, asciiOnly = false): string {
  const cp = codePoint > 0x10ffff || codePoint < 0 || (codePoint >= 0xd800 && codePoint <= 0xdfff) ? 0xfffd : codePoint;
  return "'" + appendEscapedRune(cp, 0x27, asciiOnly) + "'";
}

/** strconv.CanBackquote: the string can be written as a raw string literal. */
export function canBackquote(text: string): boolean {
  for (const cp of codePoints(text)) {
    if ((cp < 0x20 && cp !== 0x09) || cp === 0x60 || cp === 0x7f || cp === 0xfeff) return false;
  }
  return true;
}

/** strconv.ErrSyntax: its message is Go's `invalid syntax`. */
export class GoSyntaxError extends Error {}

interface UnquotedChar {
  /** A code point, or a single byte when `isByte` (from \x and octal escapes). */
  readonly value: number;
  readonly isByte: boolean;
  readonly tail: string;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
};

/**
 * strconv.UnquoteChar: decodes the first character or escape of `text`, a string literal's body
 * delimited by `quote`. Throws "invalid syntax" as Go does.
 */
export function unquoteChar(text: string, quoteChar: string): UnquotedChar {
  const first = text.codePointAt(0);
  if (first === undefined) throw new GoSyntaxError('invalid syntax');
  const firstLength = first > 0xffff ? 2 : 1;
  if (String.fromCodePoint(first) === quoteChar && (quoteChar === "'" || quoteChar === '"')) {
    throw new GoSyntaxError('invalid syntax');
  }
  if (first !== 0x5c) return { value: first, isByte: false, tail: text.slice(firstLength) };
  if (text.length <= 1) throw new GoSyntaxError('invalid syntax');
  const c = text[1]!;
  const rest = text.slice(2);
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { value: simple, isByte: false, tail: rest };
  switch (c) {
    case 'x':
    case 'u':
    case 'U': {
      const size = c === 'x' ? 2 : c === 'u' ? 4 : 8;
      const digits = rest.slice(0, size);
      if (digits.length < size || !/^[0-9a-fA-F]+$/.test(digits)) throw new GoSyntaxError('invalid syntax');
      const value = parseInt(digits, 16);
      if (c === 'x') return { value, isByte: true, tail: rest.slice(size) };
      if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) throw new GoSyntaxError('invalid syntax');
      return { value, isByte: false, tail: rest.slice(size) };
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      const digits = text.slice(1, 4);
      if (!/^[0-7]{3}$/.test(digits)) throw new GoSyntaxError('invalid syntax');
      const value = parseInt(digits, 8);
      if (value > 255) throw new GoSyntaxError('invalid syntax');
      return { value, isByte: true, tail: text.slice(4) };
    }
    case "'":
    case '"':
      if (c !== quoteChar) throw new GoSyntaxError('invalid syntax');
      return { value: c.charCodeAt(0), isByte: false, tail: rest };
    default:
      throw new GoSyntaxError('invalid syntax');
  }
}

/**
 * strconv.Unquote for the two string literal forms of templates. Raw strings lose their carriage
 * returns; escapes that produce bytes are decoded as UTF-8 (invalid sequences become U+FFFD).
 */
export function unquote(literal: string): string {
  if (literal.length < 2) throw new GoSyntaxError('invalid syntax');
  const q = literal[0]!;
  if (q !== literal[literal.length - 1]) throw new GoSyntaxError('invalid syntax');
  const body = literal.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new GoSyntaxError('invalid syntax');
    return body.replaceAll('\r', '');
  }
  if (q !== '"') throw new GoSyntaxError('invalid syntax');
  if (body.includes('\n')) throw new GoSyntaxError('invalid syntax');
  if (!body.includes('\\') && !body.includes('"')) return body;
  const bytes: number[] = [];
  let rest = body;
  while (rest.length > 0) {
    const decoded = unquoteChar(rest, '"');
    rest = decoded.tail;
    if (decoded.isByte) bytes.push(decoded.value);
    else bytes.push(...Buffer.from(String.fromCodePoint(decoded.value), 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export type NumberParseError = 'syntax' | 'range';
export type ParsedInt = { ok: true; value: bigint } | { ok: false; error: NumberParseError };

const MAX_INT64 = (1n << 63n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

/** Go's rule for `_` in number literals: only between digits, or after a base prefix. */
export function underscoreOK(text: string): boolean {
  let saw = '^';
  let s = text;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let i = 0;
  let hexDigits = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hexDigits = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hexDigits && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint / ParseInt with base 0 and bit size 64. */
export function parseGoInteger(text: string, signed: boolean): ParsedInt {
  let s = text;
  let negative = false;
  if (signed && (s.startsWith('+') || s.startsWith('-'))) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '') return { ok: false, error: 'syntax' };
  let base = 10;
  let digits = s;
  if (s[0] === '0') {
    const prefix = s[1]?.toLowerCase();
    if (s.length >= 3 && prefix === 'x') [base, digits] = [16, s.slice(2)];
    else if (s.length >= 3 && prefix === 'o') [base, digits] = [8, s.slice(2)];
    else if (s.length >= 3 && prefix === 'b') [base, digits] = [2, s.slice(2)];
    else [base, digits] = [8, s.slice(1)];
  }
  let value = 0n;
  let sawUnderscore = false;
  for (const c of digits) {
    if (c === '_') {
      sawUnderscore = true;
      continue;
    }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return { ok: false, error: 'syntax' };
    value = value * BigInt(base) + BigInt(d);
  }
  if (sawUnderscore && !underscoreOK(s)) return { ok: false, error: 'syntax' };
  if (digits === '' && base !== 8) return { ok: false, error: 'syntax' };
  if (signed) {
    if (negative ? value > MAX_INT64 + 1n : value > MAX_INT64) return { ok: false, error: 'range' };
    return { ok: true, value: negative ? -value : value };
  }
  if (value > MAX_UINT64) return { ok: false, error: 'range' };
  return { ok: true, value };
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;

/** strconv.ParseFloat(text, 64): undefined on a syntax or range error. */
export function parseGoFloat(text: string): number | undefined {
  if (text.includes('_')) {
    if (!underscoreOK(text)) return undefined;
    text = text.replaceAll('_', '');
  }
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const hexMatch = HEX_FLOAT.exec(text);
  if (hexMatch) {
    const [, sign, intPart = '', fracPart = '', exp = '0'] = hexMatch;
    if (intPart === '' && fracPart === '') return undefined;
    const mantissa = BigInt('0x' + (intPart + fracPart || '0'));
    const value = Number(mantissa) * 2 ** (Number(exp) - 4 * fracPart.length);
    if (!Number.isFinite(value)) return undefined;
    return sign === '-' ? -value : value;
  }
  if (!DECIMAL_FLOAT.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
