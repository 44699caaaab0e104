import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/flags/parse.js';
import { boolFlag, enumFlag, intFlag, keyValueFlag, listFlag, repeatedFlag, stringFlag } from '../src/flags/types.js';

const SPECS = {
  'syntax-only': boolFlag(),
  color: boolFlag(true),
  only: listFlag(),
  var: keyValueFlag(),
  'var-file': repeatedFlag(),
  'parallel-builds': intFlag(0),
  'on-error': enumFlag(['cleanup', 'abort', 'ask', 'run-cleanup-provisioner'], 'cleanup'),
  'output-file': stringFlag(),
};

function values(argv: string[]) {
  const result = parseFlags(argv, SPECS);
  if (!result.ok) throw new Error(`unexpected failure: ${result.message}`);
  return result;
}

function failure(argv: string[]): string | undefined {
  const result = parseFlags(argv, SPECS);
  if (result.ok) throw new Error('expected a failure');
  return result.message;
}

describe('parseFlags (Go flag semantics)', () => {
  it('accepts the single-dash and GNU double-dash spellings alike', () => {
    for (const argv of [
      ['-only=a,b', '-var', 'k=v', '-var-file=f1', '--var-file', 'f2', '--syntax-only', 't.json'],
      ['--only', 'a,b', '--var=k=v', '-var-file', 'f1', '-var-file=f2', '-syntax-only=true', 't.json'],
    ]) {
      const { values: flags, args } = values(argv);
      expect(flags).toMatchObject({ only: ['a', 'b'], var: { k: 'v' }, 'var-file': ['f1', 'f2'], 'syntax-only': true });
      expect(args).toEqual(['t.json']);
    }
  });

  it('keeps defaults, repeats lists, lets a later -var win and keeps = inside values', () => {
    const { values: flags } = values(['-only=a', '-only', 'b,c', '-var', 'x=1', '-var', 'x=2=3', '-var', '=empty']);
    expect(flags).toEqual({
      'syntax-only': false,
      color: true,
      only: ['a', 'b', 'c'],
      var: { x: '2=3', '': 'empty' },
      'var-file': [],
      'parallel-builds': 0,
      'on-error': 'cleanup',
      'output-file': '',
    });
  });

  it.each([
    [['-color=false'], false],
    [['-color=0'], false],
    [['-color=F'], false],
    [['-color=TRUE'], true],
    [['-color'], true],
  ])('reads booleans as strconv.ParseBool: %j', (argv, color) => {
    expect(values(argv).values.color).toBe(color);
  });

  it.each([
    [['-parallel-builds=4'], 4],
    [['-parallel-builds', '-1'], -1],
    [['-parallel-builds=0x10'], 16],
    [['-parallel-builds=010'], 8],
  ])('reads integers as strconv.ParseInt base 0: %j', (argv, parallel) => {
    expect(values(argv).values['parallel-builds']).toBe(parallel);
  });

  it('stops at the first non-flag, at a lone "-" and after "--"', () => {
    expect(values(['t.json', '-syntax-only']).args).toEqual(['t.json', '-syntax-only']);
    expect(values(['-syntax-only', '-', 'x']).args).toEqual(['-', 'x']);
    expect(values(['--', '-syntax-only']).args).toEqual(['-syntax-only']);
    expect(values(['-syntax-only', 'true', 't.json']).args).toEqual(['true', 't.json']);
  });

  // Messages as Packer 1.6.6 prints them for the same arguments.
  it.each([
    [['-bogus', 'x.json'], 'flag provided but not defined: -bogus'],
    [['---syntax-only'], 'bad flag syntax: ---syntax-only'],
    [['-=x'], 'bad flag syntax: -=x'],
    [['-syntax-only=maybe'], 'invalid boolean value "maybe" for -syntax-only: parse error'],
    [['-var'], 'flag needs an argument: -var'],
    [['-var=abc'], `invalid value "abc" for flag -var: No '=' value in arg: abc`],
    [['-parallel-builds=x'], 'invalid value "x" for flag -parallel-builds: parse error'],
    [['-parallel-builds=99999999999999999999'], 'invalid value "99999999999999999999" for flag -parallel-builds: value out of range'],
    [
      ['-on-error=x'],
      'invalid value "x" for flag -on-error: expected one of ["cleanup" "abort" "ask" "run-cleanup-provisioner"]',
    ],
  ])('rejects %j with Go message', (argv, message) => {
    expect(failure(argv)).toBe(message);
  });
});
