// Go's fmt printing of the Go values of values.ts: every verb with its flags, width and
// precision, and the `%!verb(type=value)` complaints, as Go prints them; Sprint and Sprintln.

import { formatFloat, type FloatVerb } from './float-format.js';
import { canBackquote, codePoints, isPrint, quote, quoteRune } from './strconv.js';
import {
  GoComplex,
  GoStruct,
  floatValue,
  intValue,
  kindOf,
  mapEntries,
  typeName,
  unbox,
} from './values.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

export function clearFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
  };
}

const MAX_RUNE = 0x10ffff;

/** One fmt print: the output so far and the flags of the verb being printed. */
export class Printer {
  out = '';
  f: Flags = clearFlags();

  private padding(n: number): string {
    return n > 0 ? (this.f.zero ? '0' : ' ').repeat(n) : '';
  }

  /** fmt.pad: right- or left-justifies within the width, counted in runes. */
  pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.out += s;
      return;
    }
    const width = this.f.wid - codePoints(s).length;
    if (!this.f.minus) this.out += this.padding(width) + s;
    else this.out += s + ' '.repeat(Math.max(width, 0));
  }

  private truncate(s: string): string {
    if (!this.f.precPresent) return s;
    return codePoints(s)
      .slice(0, this.f.prec)
      .map((cp) => String.fromCodePoint(cp))
      .join('');
  }

  private withoutZero(action: () => void): void {
    const old = this.f.zero;
    this.f.zero = false;
    action();
    this.f.zero = old;
  }

  badVerb(verb: string, value: unknown, hasValue: boolean): void {
    this.out += '%!' + verb + '(';
    if (hasValue && value !== undefined && value !== null) {
      this.out += typeName(value) + '=';
      this.printArg(value, 'v');
    } else this.out += '<nil>';
    this.out += ')';
  }

  printArg(arg: unknown, verb: string): void {
    const value = unbox(arg);
    if (value === undefined || value === null) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, undefined, false);
      return;
    }
    if (verb === 'T') {
      this.pad(this.truncate(typeName(value)));
      return;
    }
    this.printValue(value, verb, 0);
  }

  private printValue(value: unknown, verb: string, depth: number): void {
    switch (kindOf(value)) {
      case 'bool':
        if (verb === 't' || verb === 'v') this.pad(this.truncate(value ? 'true' : 'false'));
        else this.badVerb(verb, value, true);
        return;
      case 'int':
        this.fmtInt(intValue(value), verb, value);
        return;
      case 'uint8':
        // %#v writes unsigned integers in hex.
        if (verb === 'v' && this.f.sharpV) this.pad('0x' + intValue(value).toString(16));
        else this.fmtInt(intValue(value), verb, value);
        return;
      case 'float64':
        this.fmtFloatVerb(floatValue(value), verb, value);
        return;
      case 'complex128':
        this.fmtComplex(value as GoComplex, verb);
        return;
      case 'string':
        this.fmtString(value as string, verb);
        return;
      case 'slice':
        this.fmtSlice(value as unknown[], verb, depth);
        return;
      case 'map':
        this.fmtMap(value, verb, depth);
        return;
      case 'struct':
        this.fmtStruct(value as GoStruct, verb, depth);
        return;
      case 'func':
        // Go prints the function's address here, which no one can rely on.
        if (verb === 'v' && !this.f.sharpV) this.pad('0x1');
        else this.badVerb(verb, value, true);
        return;
      case 'interface':
      case 'invalid':
        this.printElement(value, verb, depth);
        return;
    }
  }

  /** An element of a slice, map or struct: a nil interface prints as <nil> whatever the verb. */
  private printElement(element: unknown, verb: string, depth: number): void {
    const value = unbox(element);
    if (value === undefined || value === null) {
      this.out += this.f.sharpV ? 'interface {}(nil)' : '<nil>';
      return;
    }
    this.printValue(value, verb, depth + 1);
  }

  private fmtSlice(items: unknown[], verb: string, depth: number): void {
    if (this.f.sharpV) {
      this.out += '[]interface {}{';
      items.forEach((item, i) => {
        if (i > 0) this.out += ', ';
        this.printElement(item, verb, depth);
      });
      this.out += '}';
      return;
    }
    this.out += '[';
    items.forEach((item, i) => {
      if (i > 0) this.out += ' ';
      this.printElement(item, verb, depth);
    });
    this.out += ']';
  }

  private fmtMap(map: unknown, verb: string, depth: number): void {
    const entries = mapEntries(map);
    this.out += this.f.sharpV ? 'map[string]interface {}{' : 'map[';
    entries.forEach(([key, item], i) => {
      if (i > 0) this.out += this.f.sharpV ? ', ' : ' ';
      this.printValue(key, verb, depth + 1);
      this.out += ':';
      this.printElement(item, verb, depth);
    });
    this.out += this.f.sharpV ? '}' : ']';
  }

  private fmtStruct(struct: GoStruct, verb: string, depth: number): void {
    if (this.f.sharpV) this.out += struct.typeName;
    this.out += '{';
    Object.entries(struct.fields).forEach(([name, item], i) => {
      if (i > 0) this.out += this.f.sharpV ? ', ' : ' ';
      if (this.f.plusV || this.f.sharpV) this.out += name + ':';
      this.printElement(item, verb, depth);
    });
    this.out += '}';
  }

  private fmtString(s: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(s);
        else this.pad(this.truncate(s));
        return;
      case 's':
        this.pad(this.truncate(s));
        return;
      case 'x':
      case 'X':
        this.fmtSx(s, verb);
        return;
      case 'q':
        this.fmtQ(s);
        return;
      default:
        this.badVerb(verb, s, true);
    }
  }

  private fmtQ(s: string): void {
    const text = this.truncate(s);
    if (this.f.sharp && canBackquote(text)) this.pad('`' + text + '`');
    else this.pad(quote(text, this.f.plus));
  }

  private fmtSx(s: string, verb: 'x' | 'X'): void {
    let bytes = [...Buffer.from(s, 'utf8')];
    if (this.f.precPresent && this.f.prec < bytes.length) bytes = bytes.slice(0, this.f.prec);
    const length = bytes.length;
    let width = 2 * length;
    if (width === 0) {
      if (this.f.widPresent) this.out += this.padding(this.f.wid);
      return;
    }
    if (this.f.space) {
      if (this.f.sharp) width *= 2;
      width += length - 1;
    } else if (this.f.sharp) width += 2;
    if (this.f.widPresent && this.f.wid > width && !this.f.minus) this.out += this.padding(this.f.wid - width);
    const prefix = '0' + verb;
    let text = this.f.sharp ? prefix : '';
    bytes.forEach((byte, i) => {
      if (this.f.space && i > 0) text += ' ' + (this.f.sharp ? prefix : '');
      const h = byte.toString(16).padStart(2, '0');
      text += verb === 'X' ? h.toUpperCase() : h;
    });
    this.out += text;
    if (this.f.widPresent && this.f.wid > width && this.f.minus) this.out += ' '.repeat(this.f.wid - width);
  }

  private fmtInt(n: bigint, verb: string, original: unknown): void {
    switch (verb) {
      case 'v':
      case 'd':
        this.fmtInteger(n, 10, verb, false);
        return;
      case 'b':
        this.fmtInteger(n, 2, verb, false);
        return;
      case 'o':
      case 'O':
        this.fmtInteger(n, 8, verb, false);
        return;
      case 'x':
        this.fmtInteger(n, 16, verb, false);
        return;
      case 'X':
        this.fmtInteger(n, 16, verb, true);
        return;
      case 'c':
        this.pad(String.fromCodePoint(validRune(n)));
        return;
      case 'q':
        this.pad(quoteRune(validRune(n), this.f.plus));
        return;
      case 'U':
        this.fmtUnicode(n);
        return;
      default:
        this.badVerb(verb, original, true);
    }
  }

  private fmtInteger(n: bigint, base: number, verb: string, upper: boolean): void {
    const negative = n < 0n;
    const u = negative ? -n : n;
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.f.prec;
      if (prec === 0 && u === 0n) {
        this.withoutZero(() => (this.out += this.padding(this.f.wid)));
        return;
      }
    } else if (this.f.zero && this.f.widPresent) {
      prec = this.f.wid;
      if (negative || this.f.plus || this.f.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    digits = digits.padStart(prec, '0');
    if (this.f.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && !digits.startsWith('0')) digits = '0' + digits;
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (this.f.plus) digits = '+' + digits;
    else if (this.f.space) digits = ' ' + digits;
    this.withoutZero(() => this.pad(digits));
  }

  private fmtUnicode(n: bigint): void {
    let digits = (n < 0n ? (1n << 64n) + n : n).toString(16).toUpperCase();
    const prec = this.f.precPresent && this.f.prec > 4 ? this.f.prec : 4;
    digits = 'U+' + digits.padStart(prec, '0');
    if (this.f.sharp && n >= 0n && n <= BigInt(MAX_RUNE) && isPrint(Number(n))) {
      digits += " '" + String.fromCodePoint(Number(n)) + "'";
    }
    this.withoutZero(() => this.pad(digits));
  }

  private fmtFloatVerb(x: number, verb: string, original: unknown): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(x, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloat(x, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloat(x, verb, 6);
        return;
      case 'F':
        this.fmtFloat(x, 'f', 6);
        return;
      default:
        this.badVerb(verb, original, true);
    }
  }

  /** fmt.fmtFloat: sign handling, `#`, and zero padding after the sign. */
  private fmtFloat(x: number, verb: FloatVerb, defaultPrec: number): void {
    const prec = this.f.precPresent ? this.f.prec : defaultPrec;
    let num = formatFloat(x, verb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (this.f.space && num[0] === '+' && !this.f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      if (num[1] === 'N' && !this.f.space && !this.f.plus) num = num.slice(1);
      this.withoutZero(() => this.pad(num));
      return;
    }
    if (this.f.sharp && verb !== 'b') num = sharpFloat(num, verb, prec);
    if (this.f.plus || num[0] !== '+') {
      if (this.f.zero && this.f.widPresent && this.f.wid > num.length) {
        this.out += num[0] + '0'.repeat(this.f.wid - num.length) + num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  private fmtComplex(c: GoComplex, verb: string): void {
    if (!'vbgGxXfFeE'.includes(verb)) {
      this.badVerb(verb, c, true);
      return;
    }
    const oldPlus = this.f.plus;
    this.out += '(';
    this.fmtFloatVerb(c.re, verb, c);
    this.f.plus = true;
    this.fmtFloatVerb(c.im, verb, c);
    this.out += 'i)';
    this.f.plus = oldPlus;
  }
}

function validRune(n: bigint): number {
  return n < 0n || n > BigInt(MAX_RUNE) || (n >= 0xd800n && n <= 0xdfffn) ? 0xfffd : Number(n);
}

/** The `#` flag on floats: always a decimal point, and %g keeps its trailing zeros. */
function sharpFloat(num: string, verb: FloatVerb, prec: number): string {
  let digits = verb === 'g' || verb === 'G' || verb === 'x' ? (prec === -1 ? 6 : prec) : 0;
  let tail = '';
  let body = num;
  let hasDecimalPoint = false;
  let sawNonzero = false;
  for (let i = 1; i < body.length; i++) {
    const c = body[i]!;
    if (c === '.') hasDecimalPoint = true;
    else if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
      tail = body.slice(i);
      body = body.slice(0, i);
      break;
    } else {
      if (c !== '0') sawNonzero = true;
      if (sawNonzero) digits--;
    }
  }
  if (!hasDecimalPoint) {
    if (body.length === 2 && body[1] === '0') digits--;
    body += '.';
  }
  return body + '0'.repeat(Math.max(digits, 0)) + tail;
}

/** fmt.Sprint: operands separated by a space when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof unbox(arg) === 'string';
    if (i > 0 && !isString && !prevString) p.out += ' ';
    p.printArg(arg, 'v');
    prevString = isString;
  });
  return p.out;
}

/** fmt.Sprintln: operands always separated by a space, and a final newline. */
export function sprintln(args: readonly unknown[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.out += ' ';
    p.printArg(arg, 'v');
  });
  return p.out + '\n';
}

/** fmt.Sprint of one value: what `{{.}}` writes. */
export function formatValue(value: unknown): string {
  const p = new Printer();
  p.printArg(value, 'v');
  return p.out;
}
