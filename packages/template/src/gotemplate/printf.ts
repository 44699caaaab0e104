// Go's fmt.Sprintf: the format string with its flags, `*` widths and precisions, `[n]` argument
// indexes, and the complaints about missing, extra or bad arguments.

import { Printer, clearFlags } from './fmt.js';
import { intValue, kindOf, typeName, unbox } from './values.js';

/** Go's limit on widths and precisions: anything larger is malformed. */
const TOO_LARGE = 1e6;

function parseNum(s: string, start: number, end: number): { num: number; isNum: boolean; next: number } {
  if (start >= end) return { num: 0, isNum: false, next: end };
  let num = 0;
  let isNum = false;
  let i = start;
  for (; i < end && s[i]! >= '0' && s[i]! <= '9'; i++) {
    if (num > TOO_LARGE) return { num: 0, isNum: false, next: end };
    num = num * 10 + Number(s[i]);
    isNum = true;
  }
  return { num, isNum, next: i };
}

/** fmt.Sprintf with Go's verbs, flags, `*` widths and `[n]` argument indexes. */
export function sprintf(format: string, args: readonly unknown[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let goodArgNum = true;

  const argNumber = (i: number): { found: boolean; next: number } => {
    if (i >= end || format[i] !== '[') return { found: false, next: i };
    reordered = true;
    const close = format.indexOf(']', i + 1);
    if (end - i < 3 || close < 0) {
      goodArgNum = false;
      return { found: false, next: i + 1 };
    }
    const parsed = parseNum(format, i + 1, close);
    if (!parsed.isNum || parsed.next !== close) {
      goodArgNum = false;
      return { found: false, next: close + 1 };
    }
    const index = parsed.num - 1;
    if (index >= 0 && index < args.length) {
      argNum = index;
      return { found: true, next: close + 1 };
    }
    goodArgNum = false;
    return { found: true, next: close + 1 };
  };

  const intFromArg = (): { num: number; isInt: boolean } => {
    if (argNum >= args.length) return { num: 0, isInt: false };
    const value = unbox(args[argNum]);
    argNum++;
    if (kindOf(value) !== 'int' && kindOf(value) !== 'uint8') return { num: 0, isInt: false };
    const n = Number(intValue(value));
    if (Math.abs(n) > TOO_LARGE) return { num: 0, isInt: false };
    return { num: n, isInt: true };
  };

  let i = 0;
  while (i < end) {
    goodArgNum = true;
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    if (i > lasti) p.out += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    p.f = clearFlags();
    let simple = false;
    flags: for (; i < end; i++) {
      const c = format[i]!;
      switch (c) {
        case '#':
          p.f.sharp = true;
          break;
        case '0':
          p.f.zero = !p.f.minus;
          break;
        case '+':
          p.f.plus = true;
          break;
        case '-':
          p.f.minus = true;
          p.f.zero = false;
          break;
        case ' ':
          p.f.space = true;
          break;
        default:
          if (c >= 'a' && c <= 'z' && argNum < args.length) {
            if (c === 'v') {
              p.f.sharpV = p.f.sharp;
              p.f.sharp = false;
              p.f.plusV = p.f.plus;
              p.f.plus = false;
            }
            p.printArg(args[argNum], c);
            argNum++;
            i++;
            simple = true;
          }
          break flags;
      }
    }
    if (simple) continue;

    ({ found: afterIndex, next: i } = argNumber(i));

    if (i < end && format[i] === '*') {
      i++;
      const { num, isInt } = intFromArg();
      p.f.wid = num;
      p.f.widPresent = isInt;
      if (!isInt) p.out += '%!(BADWIDTH)';
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
      afterIndex = false;
    } else {
      const parsed = parseNum(format, i, end);
      p.f.wid = parsed.num;
      p.f.widPresent = parsed.isNum;
      i = parsed.next;
      if (afterIndex && p.f.widPresent) goodArgNum = false;
    }

    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      ({ found: afterIndex, next: i } = argNumber(i));
      if (i < end && format[i] === '*') {
        i++;
        const { num, isInt } = intFromArg();
        p.f.prec = num;
        p.f.precPresent = isInt;
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.precPresent = false;
        }
        if (!p.f.precPresent) p.out += '%!(BADPREC)';
        afterIndex = false;
      } else {
        const parsed = parseNum(format, i, end);
        p.f.prec = parsed.isNum ? parsed.num : 0;
        p.f.precPresent = true;
        i = parsed.next;
      }
    }

    if (!afterIndex) ({ found: afterIndex, next: i } = argNumber(i));

    if (i >= end) {
      p.out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;

    if (verb === '%') p.out += '%';
    else if (!goodArgNum) p.out += `%!${verb}(BADINDEX)`;
    else if (argNum >= args.length) p.out += `%!${verb}(MISSING)`;
    else {
      if (verb === 'v') {
        p.f.sharpV = p.f.sharp;
        p.f.sharp = false;
        p.f.plusV = p.f.plus;
        p.f.plus = false;
      }
      p.printArg(args[argNum], verb);
      argNum++;
    }
  }

  if (!reordered && argNum < args.length) {
    p.f = clearFlags();
    p.out += '%!(EXTRA ';
    args.slice(argNum).forEach((arg, index) => {
      if (index > 0) p.out += ', ';
      const value = unbox(arg);
      if (value === undefined || value === null) p.out += '<nil>';
      else {
        p.out += typeName(value) + '=';
        p.printArg(value, 'v');
      }
    });
    p.out += ')';
  }
  return p.out;
}
