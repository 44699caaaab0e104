// Go's time.Format for a UTC time: the reference-layout language (`2006-01-02T15:04:05Z07:00`),
// chunk by chunk as Go's nextStdChunk reads it.

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Go's time.RFC3339, the layout of `{{isotime}}`. */
export const RFC3339 = '2006-01-02T15:04:05Z07:00';

type Chunk =
  | 'longMonth'
  | 'month'
  | 'numMonth'
  | 'zeroMonth'
  | 'longWeekDay'
  | 'weekDay'
  | 'day'
  | 'underDay'
  | 'zeroDay'
  | 'underYearDay'
  | 'zeroYearDay'
  | 'hour'
  | 'hour12'
  | 'zeroHour12'
  | 'minute'
  | 'zeroMinute'
  | 'second'
  | 'zeroSecond'
  | 'longYear'
  | 'year'
  | 'PM'
  | 'pm'
  | 'tz'
  | 'isoTZ'
  | 'numTZ'
  | { frac: '0' | '9'; digits: number; separator: string };

interface Match {
  readonly prefix: string;
  readonly chunk: Chunk;
  readonly suffix: string;
}

const ZERO_CHUNKS: readonly Chunk[] = ['zeroMonth', 'zeroDay', 'zeroHour12', 'zeroMinute', 'zeroSecond', 'year'];

/** Numeric zones (`-0700`, `Z07:00`...), in the order Go tries them; the text is the zone in UTC. */
const ZONES: readonly { readonly layout: string; readonly utc: string }[] = [
  { layout: '-070000', utc: '+000000' },
  { layout: '-07:00:00', utc: '+00:00:00' },
  { layout: '-0700', utc: '+0000' },
  { layout: '-07:00', utc: '+00:00' },
  { layout: '-07', utc: '+00' },
  { layout: 'Z070000', utc: 'Z' },
  { layout: 'Z07:00:00', utc: 'Z' },
  { layout: 'Z0700', utc: 'Z' },
  { layout: 'Z07:00', utc: 'Z' },
  { layout: 'Z07', utc: 'Z' },
];

function startsWithLowerCase(s: string): boolean {
  const c = s[0];
  return c !== undefined && c >= 'a' && c <= 'z';
}

function isDigitAt(s: string, i: number): boolean {
  const c = s[i];
  return c !== undefined && c >= '0' && c <= '9';
}

/** The first standard chunk of the layout, with the literal text before it. */
function nextStdChunk(layout: string): Match | { prefix: string; chunk: undefined } {
  for (let i = 0; i < layout.length; i++) {
    const at = (chunk: Chunk, length: number, prefixEnd = i): Match => ({
      prefix: layout.slice(0, prefixEnd),
      chunk,
      suffix: layout.slice(i + length),
    });
    const rest = layout.slice(i);
    switch (layout[i]) {
      case 'J':
        if (rest.startsWith('January')) return at('longMonth', 7);
        if (rest.startsWith('Jan') && !startsWithLowerCase(rest.slice(3))) return at('month', 3);
        break;
      case 'M':
        if (rest.startsWith('Monday')) return at('longWeekDay', 6);
        if (rest.startsWith('Mon') && !startsWithLowerCase(rest.slice(3))) return at('weekDay', 3);
        if (rest.startsWith('MST')) return at('tz', 3);
        break;
      case '0': {
        const next = layout[i + 1];
        if (next !== undefined && next >= '1' && next <= '6') return at(ZERO_CHUNKS[Number(next) - 1]!, 2);
        if (rest.startsWith('002')) return at('zeroYearDay', 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return at('hour', 2);
        return at('numMonth', 1);
      case '2':
        if (rest.startsWith('2006')) return at('longYear', 4);
        return at('day', 1);
      case '_':
        if (layout[i + 1] === '2') {
          // `_2006` is a literal underscore and a long year.
          if (rest.startsWith('_2006')) return { prefix: layout.slice(0, i + 1), chunk: 'longYear', suffix: layout.slice(i + 5) };
          return at('underDay', 2);
        }
        if (rest.startsWith('__2')) return at('underYearDay', 3);
        break;
      case '3':
        return at('hour12', 1);
      case '4':
        return at('minute', 1);
      case '5':
        return at('second', 1);
      case 'P':
        if (layout[i + 1] === 'M') return at('PM', 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return at('pm', 2);
        break;
      case '-':
      case 'Z':
        for (const zone of ZONES) {
          if (rest.startsWith(zone.layout)) return at(zone.layout[0] === 'Z' ? 'isoTZ' : 'numTZ', zone.layout.length);
        }
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return { prefix: layout.slice(0, i), chunk: { frac: ch, digits: j - (i + 1), separator: layout[i]! }, suffix: layout.slice(j) };
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, chunk: undefined };
}

function pad(value: number, width: number): string {
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.abs(value)).padStart(width, '0');
}

function dayOfYear(time: Date): number {
  const start = Date.UTC(time.getUTCFullYear(), 0, 1);
  const today = Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate());
  return (today - start) / 86_400_000 + 1;
}

function fraction(time: Date, chunk: { frac: '0' | '9'; digits: number; separator: string }): string {
  const nanos = time.getUTCMilliseconds() * 1_000_000;
  const trim = chunk.frac === '9';
  if (trim && (chunk.digits === 0 || nanos === 0)) return '';
  let digits = String(nanos).padStart(9, '0').slice(0, Math.min(chunk.digits, 9));
  if (trim) digits = digits.replace(/0+$/, '');
  return digits === '' && trim ? '' : chunk.separator + digits;
}

function formatChunk(time: Date, chunk: Chunk, zoneText: string): string {
  const hour = time.getUTCHours();
  switch (chunk) {
    case 'longMonth':
      return MONTHS[time.getUTCMonth()]!;
    case 'month':
      return MONTHS[time.getUTCMonth()]!.slice(0, 3);
    case 'numMonth':
      return String(time.getUTCMonth() + 1);
    case 'zeroMonth':
      return pad(time.getUTCMonth() + 1, 2);
    case 'longWeekDay':
      return WEEKDAYS[time.getUTCDay()]!;
    case 'weekDay':
      return WEEKDAYS[time.getUTCDay()]!.slice(0, 3);
    case 'day':
      return String(time.getUTCDate());
    case 'underDay':
      return String(time.getUTCDate()).padStart(2, ' ');
    case 'zeroDay':
      return pad(time.getUTCDate(), 2);
    case 'underYearDay':
      return String(dayOfYear(time)).padStart(3, ' ');
    case 'zeroYearDay':
      return pad(dayOfYear(time), 3);
    case 'hour':
      return pad(hour, 2);
    case 'hour12':
      return String(hour % 12 === 0 ? 12 : hour % 12);
    case 'zeroHour12':
      return pad(hour % 12 === 0 ? 12 : hour % 12, 2);
    case 'minute':
      return String(time.getUTCMinutes());
    case 'zeroMinute':
      return pad(time.getUTCMinutes(), 2);
    case 'second':
      return String(time.getUTCSeconds());
    case 'zeroSecond':
      return pad(time.getUTCSeconds(), 2);
    case 'longYear':
      return pad(time.getUTCFullYear(), 4);
    case 'year':
      return pad(Math.abs(time.getUTCFullYear()) % 100, 2);
    case 'PM':
      return hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return hour >= 12 ? 'pm' : 'am';
    case 'tz':
      return 'UTC';
    case 'isoTZ':
    case 'numTZ':
      return zoneText;
    default:
      return fraction(time, chunk);
  }
}

/** time.Time.Format(layout) of Go, for `time` in UTC (Packer formats its InitTime in UTC). */
export function formatGoTime(time: Date, layout: string): string {
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const match = nextStdChunk(rest);
    out += match.prefix;
    if (match.chunk === undefined) break;
    const zoneText = ZONES.find((zone) => rest.slice(match.prefix.length).startsWith(zone.layout))?.utc ?? '';
    out += formatChunk(time, match.chunk, zoneText);
    rest = match.suffix;
  }
  return out;
}
