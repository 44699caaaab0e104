import { describe, expect, it } from 'vitest';
import { goMarshalIndent } from './go-json.js';

// Expected texts are what Go 1.15's json.MarshalIndent(v, "", "  ") writes for the same decoded
// JSON (Packer 1.6.6's node.json writer); fixtures/solo-defaults/files/node.json is Packer's own.
describe('goMarshalIndent', () => {
  it.each([
    ['empty object', {}, '{}'],
    ['empty array', { a: [] }, '{\n  "a": []\n}'],
    ['keys in byte order, upper case first', { b: 1, B: 2, a: 3 }, '{\n  "B": 2,\n  "a": 3,\n  "b": 1\n}'],
    ['HTML characters escaped', { h: '<a&b>' }, '{\n  "h": "\\u003ca\\u0026b\\u003e"\n}'],
    ['control characters', { c: 'a\nb\tc\u0001"\\' }, '{\n  "c": "a\\nb\\tc\\u0001\\"\\\\"\n}'],
    ['line separators', { s: '\u2028\u2029' }, '{\n  "s": "\\u2028\\u2029"\n}'],
    ['non-ASCII kept', { u: 'é ☃ 😀' }, '{\n  "u": "é ☃ 😀"\n}'],
    ['numbers as Go floats', { n: [1, 1.5, 1e21, 1e-7, 123456789012, -0] }, '{\n  "n": [\n    1,\n    1.5,\n    1e+21,\n    1e-7,\n    123456789012,\n    -0\n  ]\n}'],
    ['null and booleans', { x: null, t: true, f: false }, '{\n  "f": false,\n  "t": true,\n  "x": null\n}'],
    ['nested', { o: { z: [{ y: 1 }] } }, '{\n  "o": {\n    "z": [\n      {\n        "y": 1\n      }\n    ]\n  }\n}'],
  ])('%s', (_name, value, expected) => {
    expect(goMarshalIndent(value)).toBe(expected);
  });
});
