import { describe, expect, it } from 'vitest';
import type { JsonNode } from './ast.js';
import {
  JsonDuplicateKeyError,
  JsonNumberRangeError,
  JsonSyntaxError,
  findJsonNode,
  formatKeyPath,
  jsonToValue,
  parseJson,
  parseKeyPath,
} from './index.js';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('parseJson values', () => {
  it.each([
    ['{"a":[1,-2.5e3,true,false,null,"x"]}', { a: [1, -2500, true, false, null, 'x'] }],
    ['"\\u00e9\\ud83d\\ude00\\t\\/\\"\\\\"', 'é😀\t/"\\'],
    // Go replaces a lone surrogate escape with U+FFFD.
    ['"\\ud800x\\udc00"', '\ufffdx\ufffd'],
    ['  0  ', 0],
    ['-0', -0],
    ['1E+2', 100],
    ['{}', {}],
    ['[]', []],
    ['{"__proto__":1}', JSON.parse('{"__proto__":1}') as unknown],
  ])('%s', (text, value) => {
    expect(jsonToValue(parseJson(text))).toEqual(value);
  });

  it('keeps number literals as written', () => {
    const node = parseJson('[10.0, 1e3]');
    expect(node.kind === 'array' && node.items.map((item) => item.kind === 'number' && item.raw)).toEqual([
      '10.0',
      '1e3',
    ]);
  });
});

describe('parseJson positions', () => {
  const text = '{\n  "a": "é",\n  "bé": [1, {"c": null}]\n}';
  const root = parseJson(text);

  it('records start and end of every value (byte offsets, character columns)', () => {
    expect(root.start).toEqual({ offset: 0, line: 1, column: 1 });
    expect(root.end).toEqual({ offset: Buffer.byteLength(text), line: 4, column: 2 });
    const a = findJsonNode(root, 'a')!;
    expect(a.start).toEqual({ offset: 9, line: 2, column: 8 });
    expect(a.end).toEqual({ offset: 13, line: 2, column: 11 });
    const c = findJsonNode(root, ['bé', 1, 'c'])!;
    expect(c.kind).toBe('null');
    // `  "bé": [1, {"c": ` is 18 characters but 19 bytes before the null.
    expect(c.start).toEqual({ offset: 15 + 19, line: 3, column: 19 });
  });

  it('records where each key starts', () => {
    expect(root.kind === 'object' && root.entries.map((entry) => entry.keyStart)).toEqual([
      { offset: 4, line: 2, column: 3 },
      { offset: 17, line: 3, column: 3 },
    ]);
  });

  it('reports the true place of a syntax error beside the numbers Packer prints', () => {
    const error = thrown(() => parseJson('{"a":1,\n    }', { file: '/t.json' })) as JsonSyntaxError;
    expect(error.code).toBe('TEMPLATE_SYNTAX');
    expect([error.line, error.column, error.offset]).toEqual([2, 6, 13]);
    expect(error.file).toBe('/t.json');
    expect(error.position).toEqual({ file: '/t.json', line: 2, column: 5, offset: 12 });
  });
});

describe('parseJson duplicate keys and number range (Packer 1.6.6 messages)', () => {
  // Messages captured from `packer validate -syntax-only`, after "Failed to parse template: ".
  it.each([
    ['{"a":{"b":1,"b":2},"a":3}', JsonDuplicateKeyError, 'template has duplicate field: b'],
    ['{"a":{"b":1,"c":2},"a":3}', JsonDuplicateKeyError, 'template has duplicate field: a'],
    ['{"a":[{"x":1,"x":2}]}', JsonDuplicateKeyError, 'template has duplicate field: x'],
    ['{"a":1,"\\u0061":2}', JsonDuplicateKeyError, 'template has duplicate field: a'],
    ['{"x":1e400,"x":1}', JsonNumberRangeError, 'json: cannot unmarshal number 1e400 into Go value of type float64'],
  ])('%s', (text, type, message) => {
    const error = thrown(() => parseJson(text, { file: 'f.json' }));
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toBe(message);
  });

  it('prefers a syntax error anywhere over an earlier duplicate, as Go validates first', () => {
    const error = thrown(() => parseJson('{"a":1,"a":2 x'));
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as Error).message).toBe("invalid character 'x' after object key:value pair");
  });

  it('points a duplicate at its second key', () => {
    const error = thrown(() => parseJson('{"a":1,\n "a":2}', { file: 'f.json' })) as JsonDuplicateKeyError;
    expect(error.position).toEqual({ file: 'f.json', line: 2, column: 2, offset: 9 });
  });

  it('lets the last key win when duplicates are allowed (Go maps, e.g. var files)', () => {
    expect(jsonToValue(parseJson('{"a":1,"b":2,"a":3}', { allowDuplicateKeys: true }))).toEqual({ b: 2, a: 3 });
  });
});

describe('nesting depth', () => {
  it('accepts 10000 levels and refuses 10001, as Go does', () => {
    expect(() => parseJson('['.repeat(10_000) + ']'.repeat(10_000))).not.toThrow();
    const error = thrown(() => parseJson('['.repeat(10_001) + ']'.repeat(10_001))) as JsonSyntaxError;
    expect(error.message).toBe("invalid character '[' exceeded max depth");
    expect(error.offset).toBe(10_001);
  });
});

describe('key paths', () => {
  it.each([
    [['builders', 1, 'type'], 'builders[1].type'],
    [['variables', 'aws region'], 'variables["aws region"]'],
    [['post-processors', 0, 2], 'post-processors[0][2]'],
  ] as const)('%j <-> %s', (segments, text) => {
    expect(formatKeyPath(segments)).toBe(text);
    expect(parseKeyPath(text)).toEqual(segments);
  });

  it('finds nothing on a path that does not exist', () => {
    const root: JsonNode = parseJson('{"a":[1]}');
    expect(findJsonNode(root, 'a[1]')).toBeUndefined();
    expect(findJsonNode(root, 'a.b')).toBeUndefined();
    expect(findJsonNode(root, '..')).toBeUndefined();
  });
});
