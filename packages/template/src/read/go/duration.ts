/**
 * Go's time.ParseDuration, for its error messages (`time: invalid duration "abc"`,
 * `time: unknown unit "q" in duration "5q"`, `time: missing unit in duration "5"`), which Packer
 * prints when a provisioner's pause_before or timeout does not parse. Returns nanoseconds.
 */
export function parseGoDurationStrict(text: string): { nanoseconds: bigint } | { error: string } {
  const invalid = { error: `time: invalid duration ${quoteForTime(text)}` };
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return { nanoseconds: 0n };
  if (rest === '') return invalid;
  let total = 0n;
  while (rest !== '') {
    if (!/^[0-9.]/.test(rest)) return invalid;
    const whole = /^[0-9]*/.exec(rest)![0];
    rest = rest.slice(whole.length);
    const wholeValue = BigInt(whole === '' ? '0' : whole);
    if (wholeValue > MAX_INT64) return invalid;
    let fraction = '';
    let hadFraction = false;
    if (rest.startsWith('.')) {
      fraction = /^[0-9]*/.exec(rest.slice(1))![0];
      hadFraction = fraction !== '';
      rest = rest.slice(1 + fraction.length);
    }
    if (whole === '' && !hadFraction) return invalid;
    const unitText = /^[^0-9.]*/.exec(rest)![0];
    if (unitText === '') return { error: `time: missing unit in duration ${quoteForTime(text)}` };
    rest = rest.slice(unitText.length);
    const unit = UNIT_NANOSECONDS[unitText];
    if (unit === undefined) {
      return { error: `time: unknown unit ${quoteForTime(unitText)} in duration ${quoteForTime(text)}` };
    }
    if (wholeValue > MAX_INT64 / unit) return invalid;
    let value = wholeValue * unit;
    if (fraction !== '') {
      // Go keeps at most the digits that fit an int64 and scales in float64.
      const kept = fraction.slice(0, 18);
      value += BigInt(Math.trunc(Number(kept) * (Number(unit) / 10 ** kept.length)));
      if (value > MAX_INT64) return invalid;
    }
    total += value;
    if (total > MAX_INT64) return invalid;
  }
  return { nanoseconds: negative ? -total : total };
}

const MAX_INT64 = (1n << 63n) - 1n;

const UNIT_NANOSECONDS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** The time package's own quoting: ASCII kept (with `"` and `\` escaped), other bytes as `\xNN`. */
function quoteForTime(text: string): string {
  let quoted = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0x80 || code < 0x20) {
      for (const byte of Buffer.from(char, 'utf8')) quoted += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      quoted += char === '"' || char === '\\' ? `\\${char}` : char;
    }
  }
  return `${quoted}"`;
}
