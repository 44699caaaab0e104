/**
 * Parses a Go duration (`300ms`, `1.5h`, `2h45m`, `-1m`) into milliseconds, as Go's
 * time.ParseDuration does; a bare `0` is allowed, any other number needs a unit.
 * Returns undefined when the text is not a duration.
 */
export function parseGoDuration(text: string): number | undefined {
  const parsed = parseGoDurationStrict(text);
  return 'error' in parsed ? undefined : Number(parsed.nanoseconds) / 1e6;
}

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

/** Formats milliseconds the way Go's time.Duration.String() does (`1m30s`, `500ms`, `0s`). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1) return `${sign}${trimZeros((rest * 1000).toFixed(3))}µs`;
  if (rest < 1000) return `${sign}${trimZeros(rest.toFixed(6))}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = trimZeros((rest / 1000).toFixed(9));
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
