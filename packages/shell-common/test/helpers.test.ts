import { describe, expect, it } from 'vitest';
import { KilnError } from '@kiln/sdk';
import {
  LineSplitter,
  checkExitCode,
  cleanOutputLine,
  environmentVarErrors,
  flattenEnvVars,
  goSprintf,
  userEnvVars,
} from '../src/index.js';

describe('goSprintf', () => {
  it.each([
    ["%s='%s' ", ['A', 'b'], "A='b' "],
    ['export %s="%s"\n', ['A', 'b'], 'export A="b"\n'],
    ['set %s=%s && ', ['A', 'b'], 'set A=b && '],
    ['100%% %s', ['A', 'b'], '100% A%!(EXTRA string=b)'],
    ['%s=%s=%s', ['A', 'b'], 'A=b=%!s(MISSING)'],
    ['%d', ['A'], '%!d(string=A)'],
  ])('formats %j with %j as Go does', (format, args, expected) => {
    expect(goSprintf(format, ...args)).toBe(expected);
  });
});

describe('environment variables', () => {
  it("sorts by name, escapes single quotes and applies the format (Packer's {{.Vars}})", () => {
    const vars = { PACKER_BUILD_NAME: 'web', ...userEnvVars(["B=it's", 'A=x=y', 'a=lower']) };
    expect(flattenEnvVars(vars, "%s='%s' ")).toBe(
      `A='x=y' B='it'"'"'s' PACKER_BUILD_NAME='web' a='lower' `,
    );
  });

  it('lets a later entry and a user entry win', () => {
    expect(userEnvVars(['A=1', 'A=2'])).toEqual({ A: '2' });
    expect(flattenEnvVars({ PACKER_BUILD_NAME: 'web', ...userEnvVars(['PACKER_BUILD_NAME=mine']) }, '%s=%s;')).toBe(
      'PACKER_BUILD_NAME=mine;',
    );
  });

  it("reports entries that are not key=value in Packer's words", () => {
    expect(environmentVarErrors(['=x', 'FOO', 'A=b', 'B='])).toEqual([
      "Environment variable not in format 'key=value': =x",
      "Environment variable not in format 'key=value': FOO",
    ]);
  });
});

describe('checkExitCode', () => {
  it('accepts listed codes, 0 by default', () => {
    expect(() => checkExitCode(0, undefined)).not.toThrow();
    expect(() => checkExitCode(3, [0, 3])).not.toThrow();
  });

  it("rejects others with Packer's message", () => {
    const error = (() => {
      try {
        checkExitCode(2, [0, 1]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).message).toBe('Script exited with non-zero exit status: 2.Allowed exit codes are: [0 1]');
    expect(() => checkExitCode(1, [])).toThrow('Allowed exit codes are: [0]');
  });
});

describe('output lines', () => {
  it('trims trailing space and keeps what follows the last carriage return', () => {
    expect(cleanOutputLine('  hello \t')).toBe('  hello');
    expect(cleanOutputLine('10%\r50%\r100%\r\n')).toBe('100%');
  });

  it('splits chunks into lines, keeping multi-byte characters and the unterminated tail', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('a\nné\n\ntail');
    splitter.write(bytes.subarray(0, 4)); // cuts é in half
    expect(lines).toEqual(['a']);
    splitter.write(bytes.subarray(4));
    expect(lines).toEqual(['a', 'né', '']);
    splitter.end();
    expect(lines).toEqual(['a', 'né', '', 'tail']);
  });
});
