import { KilnError, formatGoDuration, parseGoDurationStrict } from '@kiln/sdk';
import { SPECIAL_KEYS } from './keys.js';
import type { KeyAction, SpecialKey } from './keys.js';

/** One step of a boot command, as Packer's expression sequence. */
export type BootExpression =
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'special'; readonly key: SpecialKey; readonly action: KeyAction }
  | { readonly kind: 'literal'; readonly char: string; readonly action: KeyAction };

/**
 * Parses a (rendered) boot command with Packer 1.6.6's PEG grammar:
 *
 *     Expr       <- (Wait / CharToggle / Special / Literal)+
 *     Wait       <- "<" "wait" (Duration / Integer)? ">"        "wait" is case-sensitive
 *     CharToggle <- "<" Literal ("on"i / "off"i) ">"
 *     Special    <- "<" SpecialKey ("on"i / "off"i)? ">"
 *     Literal    <- any one character
 *     Duration   <- (Number TimeUnit)+     Number <- "-"? Integer ("." Digit+)?
 *     Integer    <- "0" / [1-9] [0-9]*
 *
 * Anything that matches no rule is typed literally, character by character: `<WAIT>`, `<wait00>`,
 * `<f13>` are six to seven keystrokes, as in Packer. Two quirks of the generated parser are kept
 * on purpose because templates depend on what they type: `<wait0>` waits one second (the `"0"`
 * branch of Integer carries no action, so its value is not a number and the default 1 s applies),
 * and a bare integer is seconds (`<wait5>`). The one deliberate difference is `<menu>` (see
 * SPECIAL_KEYS).
 *
 * Throws KilnError(CONFIG_INVALID) with pigeon's message (`1:6 (5): rule Duration: time: unknown
 * unit "s-" in duration "1s-1s"`) when a matched number or duration cannot be converted.
 */
export function parseBootCommand(command: string): BootExpression[] {
  const parser = new BootCommandParser(command);
  const expressions = parser.parse();
  if (parser.errors.length > 0) throw new KilnError('CONFIG_INVALID', parser.errors.join('\n'));
  return expressions;
}

/**
 * Packer's prepare-time check of the flattened, not yet rendered boot_command: parse errors, then
 * `Expecting a positive wait value. Got <d>` for every wait that is not positive.
 */
export function validateBootCommand(command: string): string[] {
  let expressions: BootExpression[];
  try {
    expressions = parseBootCommand(command);
  } catch (error) {
    return [(error as Error).message];
  }
  return expressions
    .filter((expression) => expression.kind === 'wait' && expression.ms <= 0)
    .map((expression) => `Expecting a positive wait value. Got ${formatGoDuration((expression as { ms: number }).ms)}`);
}

const TIME_UNITS = ['ns', 'us', 'µs', 'ms', 's', 'm', 'h'];

class BootCommandParser {
  readonly errors: string[] = [];
  private readonly chars: string[];

  constructor(command: string) {
    this.chars = Array.from(command);
  }

  parse(): BootExpression[] {
    const expressions: BootExpression[] = [];
    let at = 0;
    while (at < this.chars.length) {
      const match = this.wait(at) ?? this.charToggle(at) ?? this.special(at) ?? {
        expression: { kind: 'literal', char: this.chars[at]!, action: 'press' } as const,
        end: at + 1,
      };
      expressions.push(match.expression);
      at = match.end;
    }
    return expressions;
  }

  private wait(at: number): Match | undefined {
    if (this.chars[at] !== '<' || !this.textAt(at + 1, 'wait', false)) return undefined;
    const start = at + 5;
    let ms = 1000;
    let end = start;
    const duration = this.duration(start);
    if (duration) {
      ms = duration.ms;
      end = duration.end;
    } else {
      const integer = this.integer(start);
      if (integer) {
        end = integer.end;
        if (integer.value !== undefined) ms = integer.value * 1000;
      }
    }
    if (this.chars[end] !== '>') return undefined;
    return { expression: { kind: 'wait', ms }, end: end + 1 };
  }

  private charToggle(at: number): Match | undefined {
    const char = this.chars[at + 1];
    if (this.chars[at] !== '<' || char === undefined) return undefined;
    const toggle = this.onOff(at + 2);
    if (!toggle || this.chars[toggle.end] !== '>') return undefined;
    return { expression: { kind: 'literal', char, action: toggle.action }, end: toggle.end + 1 };
  }

  private special(at: number): Match | undefined {
    if (this.chars[at] !== '<') return undefined;
    const key = SPECIAL_KEYS.find((name) => this.textAt(at + 1, name, true));
    if (!key) return undefined;
    let end = at + 1 + key.length;
    let action: KeyAction = 'press';
    const toggle = this.onOff(end);
    if (toggle) {
      action = toggle.action;
      end = toggle.end;
    }
    if (this.chars[end] !== '>') return undefined;
    return { expression: { kind: 'special', key, action }, end: end + 1 };
  }

  private onOff(at: number): { action: KeyAction; end: number } | undefined {
    if (this.textAt(at, 'on', true)) return { action: 'on', end: at + 2 };
    if (this.textAt(at, 'off', true)) return { action: 'off', end: at + 3 };
    return undefined;
  }

  /** Duration <- (Number TimeUnit)+, converted with Go's time.ParseDuration. */
  private duration(at: number): { ms: number; end: number } | undefined {
    let end = at;
    for (;;) {
      const number = this.number(end);
      if (!number) break;
      const unit = TIME_UNITS.find((candidate) => this.textAt(number, candidate, false));
      if (!unit) break;
      end = number + unit.length;
    }
    if (end === at) return undefined;
    const text = this.chars.slice(at, end).join('');
    const parsed = parseGoDurationStrict(text);
    if ('error' in parsed) {
      this.fail(at, 'Duration', parsed.error);
      return { ms: 0, end };
    }
    return { ms: Number(parsed.nanoseconds) / 1e6, end };
  }

  /** Number <- "-"? Integer ("." Digit+)?; returns where it ends. */
  private number(at: number): number | undefined {
    let end = this.chars[at] === '-' ? at + 1 : at;
    const integer = this.integer(end);
    if (!integer) return undefined;
    end = integer.end;
    if (this.chars[end] === '.' && isDigit(this.chars[end + 1])) {
      end += 1;
      while (isDigit(this.chars[end])) end += 1;
    }
    return end;
  }

  /** Integer <- "0" / [1-9][0-9]*; value is undefined for the action-less "0" branch. */
  private integer(at: number): { value: number | undefined; end: number } | undefined {
    const first = this.chars[at];
    if (first === '0') return { value: undefined, end: at + 1 };
    if (first === undefined || first < '1' || first > '9') return undefined;
    let end = at + 1;
    while (isDigit(this.chars[end])) end += 1;
    const digits = this.chars.slice(at, end).join('');
    if (BigInt(digits) > 2n ** 63n - 1n) {
      this.fail(at, 'Integer', `strconv.ParseInt: parsing "${digits}": value out of range`);
      return { value: 0, end };
    }
    return { value: Number(digits), end };
  }

  private textAt(at: number, text: string, ignoreCase: boolean): boolean {
    const wanted = Array.from(text);
    return wanted.every((char, index) => {
      const actual = this.chars[at + index];
      return actual !== undefined && (ignoreCase ? actual.toLowerCase() === char.toLowerCase() : actual === char);
    });
  }

  /** Records an error the way pigeon does: `line:col (byte offset): rule Name: message`, deduplicated. */
  private fail(at: number, rule: string, message: string): void {
    const before = this.chars.slice(0, at);
    const line = before.filter((char) => char === '\n').length + 1;
    const lastBreak = before.lastIndexOf('\n');
    const column = at - lastBreak;
    const offset = Buffer.byteLength(before.join(''));
    const text = `${line}:${column} (${offset}): rule ${rule}: ${message}`;
    if (!this.errors.includes(text)) this.errors.push(text);
  }
}

interface Match {
  readonly expression: BootExpression;
  readonly end: number;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}
