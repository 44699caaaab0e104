import { KilnError } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import {
  GoFloat,
  GoStruct,
  GoTemplateError,
  executeGoTemplate,
  goFuncNames,
  parseGoTemplate,
  typedFunc,
  type GoFuncMap,
} from './index.js';

function run(text: string, data?: unknown, funcs: GoFuncMap = {}): string {
  return executeGoTemplate(parseGoTemplate('root', text, goFuncNames(funcs)), data, funcs);
}

function failure(text: string, data?: unknown, funcs: GoFuncMap = {}): unknown {
  try {
    run(text, data, funcs);
  } catch (error) {
    return error;
  }
  throw new Error(`${text} did not fail`);
}

describe('struct data', () => {
  // Expected values: Go's text/template over `type T struct { Vars, Path string; Port int; unexported string }`.
  const data = new GoStruct('main.T', { Vars: 'a', Path: '/p', Port: 22, unexported: 'x' });

  it.each([
    ['{{.Vars}}|{{.Port}}', 'a|22'],
    ['{{.}}', '{a /p 22 x}'],
    ['{{printf "%+v" .}}', '{Vars:a Path:/p Port:22 unexported:x}'],
    ['{{printf "%#v" .}}', 'main.T{Vars:"a", Path:"/p", Port:22, unexported:"x"}'],
    ['{{printf "%T" .}}', 'main.T'],
    ['{{eq . .}}', 'true'],
    ['{{if .}}yes{{end}}', 'yes'],
    ['{{with .Path}}{{.}}{{end}}', '/p'],
    ['{{.Port | printf "%d"}}', '22'],
  ])('%s renders %j', (text, expected) => {
    expect(run(text, data)).toBe(expected);
  });

  it.each([
    ['{{.Nope}}', 'template: root:1:2: executing "root" at <.Nope>: can\'t evaluate field Nope in type main.T'],
    [
      '{{.unexported}}',
      'template: root:1:2: executing "root" at <.unexported>: unexported is an unexported field of struct type main.T',
    ],
    ['{{.Vars 1}}', 'template: root:1:2: executing "root" at <.Vars>: Vars has arguments but cannot be invoked as function'],
    ['{{1 | .Vars}}', 'template: root:1:6: executing "root" at <.Vars>: Vars has arguments but cannot be invoked as function'],
    ['{{.Vars.X}}', 'template: root:1:7: executing "root" at <.Vars.X>: can\'t evaluate field X in type string'],
  ])('%s fails as Go does', (text, message) => {
    expect(failure(text, data)).toMatchObject({ name: 'GoTemplateError', phase: 'exec', message });
  });
});

describe('data values', () => {
  it('reads a Map like an object, keys in sorted order', () => {
    const data = new Map<string, unknown>([
      ['b', 2],
      ['a', new Map([['x', 'y']])],
    ]);
    expect(run('{{.a.x}} {{.}} {{range $k, $v := .}}{{$k}}{{end}}', data)).toBe('y map[a:map[x:y] b:2] ab');
  });

  it('prints integral numbers as int, other numbers and GoFloat as float64', () => {
    expect(run('{{.i}} {{.f}} {{.g}} {{printf "%T %T %T" .i .f .g}}', { i: 3, f: 2.5, g: new GoFloat(1e6) })).toBe(
      '3 2.5 1e+06 int float64 float64',
    );
  });

  it('prints infinities and NaN as Go does, and bigints as ints', () => {
    expect(run('{{.a}} {{.b}} {{.c}} {{.d}}', { a: Infinity, b: -Infinity, c: NaN, d: 2n ** 62n })).toBe(
      '+Inf -Inf NaN 4611686018427387904',
    );
  });

  it('calls a function held in the data with call', () => {
    expect(run('{{call .f 1 "a"}}', { f: (n: unknown, s: unknown) => `${String(n)}${String(s)}` })).toBe('1a');
  });
});

describe('functions', () => {
  it('checks typed parameters as Go does', () => {
    const funcs = { twice: typedFunc(['int'], (n) => (n as number) * 2) };
    expect(run('{{twice 21}}', undefined, funcs)).toBe('42');
    expect(failure('{{twice "x"}}', undefined, funcs)).toMatchObject({
      message: 'template: root:1:8: executing "root" at <"x">: expected integer; found "x"',
    });
    expect(failure('{{twice}}', undefined, funcs)).toMatchObject({
      message: 'template: root:1:2: executing "root" at <twice>: wrong number of args for twice: want 1 got 0',
    });
  });

  it('gives an untyped function any number of plain JavaScript values', () => {
    const seen: unknown[][] = [];
    const funcs = { any: (...args: unknown[]) => (seen.push(args), args.length) };
    expect(run('{{any}}|{{any 1 "a" nil 1.5 .x}}', { x: [1] }, funcs)).toBe('0|5');
    expect(seen[1]).toEqual([1, 'a', undefined, 1.5, [1]]);
  });

  it('reports a thrown error as Go reports a function error', () => {
    const funcs = {
      fail: () => {
        throw new Error('it failed');
      },
    };
    // Expected: Go's text/template with func() (string, error) returning errors.New("it failed").
    expect(failure('{{fail | printf "%s"}}', undefined, funcs)).toMatchObject({
      message: 'template: root:1:2: executing "root" at <fail>: error calling fail: it failed',
    });
  });

  it('lets a KilnError through unchanged', () => {
    const kilnError = new KilnError('TEMPLATE_INTERPOLATION', 'not implemented');
    const funcs = {
      later: () => {
        throw kilnError;
      },
    };
    expect(failure('{{later}}', undefined, funcs)).toBe(kilnError);
  });

  it('prints a function that returns null or undefined as <no value>', () => {
    expect(run('{{none}}|{{nothing}}', undefined, { none: () => null, nothing: () => undefined })).toBe(
      '<no value>|<no value>',
    );
  });

  it('refuses at parse time a function missing from the names, and at run time one missing from the map', () => {
    expect(() => parseGoTemplate('root', '{{x}}', new Set())).toThrow(
      new GoTemplateError('parse', 'template: root:1: function "x" not defined'),
    );
    const template = parseGoTemplate('root', '{{x}}', new Set(['x']));
    expect(() => executeGoTemplate(template, undefined, {})).toThrow(
      'template: root:1:2: executing "root" at <x>: "x" is not a defined function',
    );
  });
});

describe('errors', () => {
  it('tells a parse error from an execution error', () => {
    expect(failure('{{if}}')).toMatchObject({ phase: 'parse', message: 'template: root:1: missing value for if' });
    expect(failure('{{len 3}}')).toMatchObject({ phase: 'exec' });
    expect(failure('{{len 3}}')).toBeInstanceOf(GoTemplateError);
  });

  it('names the template being parsed and executed', () => {
    const template = parseGoTemplate('other', '{{define "t"}}{{len 3}}{{end}}{{template "t"}}', new Set());
    expect(() => executeGoTemplate(template, undefined, {})).toThrow(
      'template: other:1:16: executing "t" at <len 3>: error calling len: len of type int',
    );
  });

  it('stops endless template recursion with Go\'s message', () => {
    expect(failure('{{define "r"}}{{template "r"}}{{end}}{{template "r"}}')).toMatchObject({
      phase: 'exec',
      message: expect.stringContaining('exceeded maximum template depth (100000)'),
    });
  });
});
