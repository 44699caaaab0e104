import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RFC3339, formatGoTime, interpolate, strftime, timeOrderedUuid } from './index.js';

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as T;
}

interface PackerRun {
  timestamp: number;
  millis: number;
  isotime: [string, string][];
  strftime: [string, string][];
}

describe('as Packer 1.6.6 formatted its own start time', () => {
  const run = fixture<PackerRun>('packer-time.json');
  const initTime = new Date(run.timestamp * 1000 + run.millis);
  // Kiln's start time has milliseconds; Packer's has nanoseconds, so finer fractions differ.
  const finerThanMillis = /[.,](0{4,}|9{4,})(?!\d)/;

  it.each(run.isotime.filter(([layout]) => !finerThanMillis.test(layout)))('isotime %j', (layout, expected) => {
    expect(interpolate(`{{isotime ${JSON.stringify(layout)}}}`, { userVariables: {}, initTime })).toBe(expected);
  });

  it.each(run.strftime)('strftime %j', (format, expected) => {
    expect(interpolate(`{{strftime ${JSON.stringify(format)}}}`, { userVariables: {}, initTime })).toBe(expected);
  });

  it('writes {{isotime}} as RFC 3339 and {{timestamp}} as Unix seconds', () => {
    const rfc3339 = run.isotime.find(([layout]) => layout === RFC3339)![1];
    expect(interpolate('{{isotime}}|{{timestamp}}', { userVariables: {}, initTime })).toBe(`${rfc3339}|${run.timestamp}`);
  });
});

describe("Go's layout language at chosen times", () => {
  const { times } = fixture<{ times: { time: string; results: Record<string, string> }[] }>('go-time.json');
  const cases = times.flatMap(({ time, results }) => Object.entries(results).map(([layout, out]) => [time, layout, out]));

  it.each(cases)('%s as %j', (time, layout, expected) => {
    expect(formatGoTime(new Date(time!), layout!)).toBe(expected);
  });
});

describe('strftime', () => {
  // jehiah/go-strftime's own tests.
  const time = new Date(1340244776 * 1000);
  it.each([
    ['%Y-%m-%d %H:%M:%S', '2012-06-21 02:12:56'],
    ['aaabbb0123456789%Y', 'aaabbb01234567892012'],
    ['%0%1%%%2', '%0%1%%2'],
    ['%H:%M:%S%L', '02:12:56.000'],
    ['100%', '100%'],
  ])('formats %j as %j', (format, expected) => {
    expect(strftime(format, time)).toBe(expected);
  });
});

describe('timeOrderedUuid', () => {
  it('puts the Unix seconds first, then the random bytes, as Packer formats them', () => {
    const random = Buffer.from('000102030405060708090a0b', 'hex');
    expect(timeOrderedUuid(new Date(0x5ff3e000 * 1000 + 999), random)).toBe('5ff3e000-0001-0203-0405-060708090a0b');
  });
});
