import { goQuote } from '../util/go-quote.js';

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_NS = 2n ** 63n - 1n;

/**
 * Go's time.ParseDuration, with its error messages: the boot command grammar reports them
 * verbatim (`time: unknown unit "s-" in duration "1s-1s"`). Returns milliseconds or the message.
 */
export function parseGoDurationStrict(text: string): { ms: number } | { error: string } {
  const invalid = { error: `time: invalid duration ${goQuote(text)}` };
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return { ms: 0 };
  if (rest === '') return invalid;
  let totalNs = 0n;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2];
    if (whole === '' && (fraction === undefined || fraction === '')) return invalid;
    rest = rest.slice(number?.[0].length ?? 0);
    const unitMatch = /^[^.\d]*/.exec(rest)?.[0] ?? '';
    if (unitMatch === '') return { error: `time: missing unit in duration ${goQuote(text)}` };
    rest = rest.slice(unitMatch.length);
    const unit = UNIT_NS[unitMatch];
    if (unit === undefined) return { error: `time: unknown unit ${goQuote(unitMatch)} in duration ${goQuote(text)}` };
    let ns = BigInt(whole === '' ? '0' : whole) * unit;
    if (fraction) ns += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
    totalNs += ns;
    if (totalNs > MAX_NS) return invalid;
  }
  const ms = Number(totalNs) / 1e6;
  return { ms: negative ? -ms : ms };
}
