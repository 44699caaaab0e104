import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, formatJsonSyntaxError, parseJson } from './index.js';

// [input, what `packer validate -syntax-only` (1.6.6) printed for it]. Captured from the real
// binary; Packer prefixes "Failed to parse template: " and its UI adds the final newline.
// Where Packer cut a UTF-8 character in two, the captured excerpt shows U+FFFD, as we do.
const PACKER_SYNTAX_ERRORS: readonly (readonly [string, number, string])[] = [
  ["", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 0 (offset 0):\n    1: \n     ^\n\n"],
  ["   ", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 3 (offset 3):\n    1:    \n        ^\n\n"],
  ["{", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 1 (offset 1):\n    1: {\n      ^\n\n"],
  ["{\"a\"", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 4 (offset 4):\n    1: {\"a\"\n         ^\n\n"],
  ["{\"a\":", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 5 (offset 5):\n    1: {\"a\":\n          ^\n\n"],
  ["{\"a\":1", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 6 (offset 6):\n    1: {\"a\":1\n           ^\n\n"],
  ["{\"a\":1,", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 7 (offset 7):\n    1: {\"a\":1,\n            ^\n\n"],
  ["{\"a\":1,}", 1, "Failed to parse template: Error parsing JSON: invalid character '}' looking for beginning of object key string\nAt line 1, column 8 (offset 8):\n    1: {\"a\":1,}\n             ^\n\n"],
  ["[1,]", 1, "Failed to parse template: Error parsing JSON: invalid character ']' looking for beginning of value\nAt line 1, column 4 (offset 4):\n    1: [1,]\n         ^\n\n"],
  ["[1 2]", 1, "Failed to parse template: Error parsing JSON: invalid character '2' after array element\nAt line 1, column 4 (offset 4):\n    1: [1 2\n         ^\n\n"],
  ["{\"a\" 1}", 1, "Failed to parse template: Error parsing JSON: invalid character '1' after object key\nAt line 1, column 6 (offset 6):\n    1: {\"a\" 1\n           ^\n\n"],
  ["{\"a\":1 \"b\":2}", 1, "Failed to parse template: Error parsing JSON: invalid character '\"' after object key:value pair\nAt line 1, column 8 (offset 8):\n    1: {\"a\":1 \"\n             ^\n\n"],
  ["{1:2}", 1, "Failed to parse template: Error parsing JSON: invalid character '1' looking for beginning of object key string\nAt line 1, column 2 (offset 2):\n    1: {1\n       ^\n\n"],
  ["\"abc", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 4 (offset 4):\n    1: \"abc\n         ^\n\n"],
  ["\"a\\qb\"", 1, "Failed to parse template: Error parsing JSON: invalid character 'q' in string escape code\nAt line 1, column 4 (offset 4):\n    1: \"a\\q\n         ^\n\n"],
  ["\"\\u12g4\"", 1, "Failed to parse template: Error parsing JSON: invalid character 'g' in \\u hexadecimal character escape\nAt line 1, column 6 (offset 6):\n    1: \"\\u12g\n           ^\n\n"],
  ["\"a\tb\"", 1, "Failed to parse template: Error parsing JSON: invalid character '\\t' in string literal\nAt line 1, column 3 (offset 3):\n    1: \"a\t\n        ^\n\n"],
  ["-", 1, "Failed to parse template: Error parsing JSON: invalid character ' ' in numeric literal\nAt line 1, column 1 (offset 1):\n    1: -\n      ^\n\n"],
  ["-a", 1, "Failed to parse template: Error parsing JSON: invalid character 'a' in numeric literal\nAt line 1, column 2 (offset 2):\n    1: -a\n       ^\n\n"],
  ["01", 1, "Failed to parse template: Error parsing JSON: invalid character '1' after top-level value\nAt line 1, column 2 (offset 2):\n    1: 01\n       ^\n\n"],
  ["1.", 1, "Failed to parse template: Error parsing JSON: invalid character ' ' after decimal point in numeric literal\nAt line 1, column 2 (offset 2):\n    1: 1.\n       ^\n\n"],
  ["1.e", 1, "Failed to parse template: Error parsing JSON: invalid character 'e' after decimal point in numeric literal\nAt line 1, column 3 (offset 3):\n    1: 1.e\n        ^\n\n"],
  ["1e", 1, "Failed to parse template: Error parsing JSON: invalid character ' ' in exponent of numeric literal\nAt line 1, column 2 (offset 2):\n    1: 1e\n       ^\n\n"],
  ["1e+", 1, "Failed to parse template: Error parsing JSON: invalid character ' ' in exponent of numeric literal\nAt line 1, column 3 (offset 3):\n    1: 1e+\n        ^\n\n"],
  ["1e+x", 1, "Failed to parse template: Error parsing JSON: invalid character 'x' in exponent of numeric literal\nAt line 1, column 4 (offset 4):\n    1: 1e+x\n         ^\n\n"],
  ["tru", 1, "Failed to parse template: Error parsing JSON: invalid character ' ' in literal true (expecting 'e')\nAt line 1, column 3 (offset 3):\n    1: tru\n        ^\n\n"],
  ["trux", 1, "Failed to parse template: Error parsing JSON: invalid character 'x' in literal true (expecting 'e')\nAt line 1, column 4 (offset 4):\n    1: trux\n         ^\n\n"],
  ["nul", 1, "Failed to parse template: Error parsing JSON: invalid character ' ' in literal null (expecting 'l')\nAt line 1, column 3 (offset 3):\n    1: nul\n        ^\n\n"],
  ["nulL", 1, "Failed to parse template: Error parsing JSON: invalid character 'L' in literal null (expecting 'l')\nAt line 1, column 4 (offset 4):\n    1: nulL\n         ^\n\n"],
  ["fals", 1, "Failed to parse template: Error parsing JSON: invalid character ' ' in literal false (expecting 'e')\nAt line 1, column 4 (offset 4):\n    1: fals\n         ^\n\n"],
  ["falsy", 1, "Failed to parse template: Error parsing JSON: invalid character 'y' in literal false (expecting 'e')\nAt line 1, column 5 (offset 5):\n    1: falsy\n          ^\n\n"],
  ["{} x", 1, "Failed to parse template: Error parsing JSON: invalid character 'x' after top-level value\nAt line 1, column 4 (offset 4):\n    1: {} x\n         ^\n\n"],
  ["{}}", 1, "Failed to parse template: Error parsing JSON: invalid character '}' after top-level value\nAt line 1, column 3 (offset 3):\n    1: {}}\n        ^\n\n"],
  ["{}\n\n  x", 1, "Failed to parse template: Error parsing JSON: invalid character 'x' after top-level value\nAt line 3, column 4 (offset 7):\n    2: \n    3:   x\n         ^\n\n"],
  ["\u0001", 1, "Failed to parse template: Error parsing JSON: invalid character '\\x01' looking for beginning of value\nAt line 1, column 1 (offset 1):\n    1: \u0001\n      ^\n\n"],
  ["{\"a\":\"é\",\n\"b\":é}", 1, "Failed to parse template: Error parsing JSON: invalid character 'Ã' looking for beginning of value\nAt line 2, column 6 (offset 16):\n    1: {\"a\":\"é\",\n    2: \"b\":�\n           ^\n\n"],
  ["\n\n\n", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 4, column 1 (offset 3):\n    3: \n    4: \n      ^\n\n"],
  ["{\"a\":\r\n  ?}", 1, "Failed to parse template: Error parsing JSON: invalid character '?' looking for beginning of value\nAt line 2, column 4 (offset 10):\n    1: {\"a\":\r\n    2:   ?\n         ^\n\n"],
  ["\"a\\", 1, "Failed to parse template: Error parsing JSON: invalid character ' ' in string escape code\nAt line 1, column 3 (offset 3):\n    1: \"a\\\n        ^\n\n"],
  ["\"\\u12", 1, "Failed to parse template: Error parsing JSON: invalid character ' ' in \\u hexadecimal character escape\nAt line 1, column 5 (offset 5):\n    1: \"\\u12\n          ^\n\n"],
  ["{\"a\":[", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 6 (offset 6):\n    1: {\"a\":[\n           ^\n\n"],
  ["[1,", 1, "Failed to parse template: Error parsing JSON: unexpected end of JSON input\nAt line 1, column 3 (offset 3):\n    1: [1,\n        ^\n\n"],
  ["{\n  \"builders\": [\n    {\n      \"type\":\"test\",\n    }\n  ]\n}\n", 1, "Failed to parse template: Error parsing JSON: invalid character '}' looking for beginning of object key string\nAt line 5, column 6 (offset 50):\n    4:       \"type\":\"test\",\n    5:     }\n           ^\n\n"],
  ["{\"a\": 'x'}", 1, "Failed to parse template: Error parsing JSON: invalid character '\\'' looking for beginning of value\nAt line 1, column 7 (offset 7):\n    1: {\"a\": '\n            ^\n\n"],
  ["{\"a\": \"\\u00e9\\ud83d\\ude00\\ud800x\"} }", 1, "Failed to parse template: Error parsing JSON: invalid character '}' after top-level value\nAt line 1, column 36 (offset 36):\n    1: {\"a\": \"\\u00e9\\ud83d\\ude00\\ud800x\"} }\n                                         ^\n\n"],
  ["{\"a\":1}\n\n\n\n  ]", 1, "Failed to parse template: Error parsing JSON: invalid character ']' after top-level value\nAt line 5, column 4 (offset 14):\n    4: \n    5:   ]\n         ^\n\n"],
  [" {}", 1, "Failed to parse template: Error parsing JSON: invalid character 'Â' looking for beginning of value\nAt line 1, column 1 (offset 1):\n    1: �\n      ^\n\n"],
  ["", 1, "Failed to parse template: Error parsing JSON: invalid character '\\x7f' looking for beginning of value\nAt line 1, column 1 (offset 1):\n    1: \n      ^\n\n"],
  ["{\"k\": tRue}", 1, "Failed to parse template: Error parsing JSON: invalid character 'R' in literal true (expecting 'r')\nAt line 1, column 8 (offset 8):\n    1: {\"k\": tR\n             ^\n\n"],
  ["{\"\\/\": \"\u0010\"}", 1, "Failed to parse template: Error parsing JSON: invalid character '\\x10' in string literal\nAt line 1, column 9 (offset 9):\n    1: {\"\\/\": \"\u0010\n              ^\n\n"],
]

describe('parseJson syntax errors match Packer 1.6.6', () => {
  it.each(PACKER_SYNTAX_ERRORS)('%j', (input, rc, packerOutput) => {
    expect(rc).toBe(1);
    let caught: unknown;
    try {
      parseJson(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JsonSyntaxError);
    const text = `Failed to parse template: ${formatJsonSyntaxError(caught as JsonSyntaxError)}\n`;
    expect(text).toBe(packerOutput);
  });
});
