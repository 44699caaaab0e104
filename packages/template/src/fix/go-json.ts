/**
 * JSON text exactly as `packer fix` prints it: Go's encoding/json (keys sorted by bytes, `&` and
 * U+2028/U+2029 escaped, control characters as `\u00xx` except `\n`, `\r`, `\t`, shortest float
 * text) re-indented by json.Indent with two spaces, ending in a newline. Packer escapes `<` and `>`
 * and then turns them back, so they come out plain.
 */
export function encodeGoJson(value: unknown): string {
  return `${encodeValue(value, '')}\n`;
}

function encodeValue(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return encodeString(value);
  if (typeof value === 'number') return encodeNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + encodeValue(item, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(value).sort(compareByCodePoint);
  if (keys.length === 0) return '{}';
  const record = value as Record<string, unknown>;
  const members = keys.map((key) => `${inner}${encodeString(key)}: ${encodeValue(record[key], inner)}`);
  return `{\n${members.join(',\n')}\n${indent}}`;
}

/** Go sorts map keys by their UTF-8 bytes, which is code point order (not UTF-16 unit order). */
function compareByCodePoint(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = (left[index] as string).codePointAt(0)! - (right[index] as string).codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/**
 * Go formats a float64 with the shortest text that reads back the same: plain notation from 1e-6
 * up to 1e21, exponent notation outside, as JavaScript does; only negative zero differs.
 */
function encodeNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

function encodeString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    switch (char) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '\u2028':
        out += '\\u2028';
        continue;
      case '\u2029':
        out += '\\u2029';
        continue;
    }
    if (code < 0x20) out += `\\u00${code.toString(16).padStart(2, '0')}`;
    // A lone surrogate cannot be UTF-8; Go's decoder had already made it U+FFFD.
    else if (code >= 0xd800 && code <= 0xdfff) out += '\ufffd';
    else out += char;
  }
  return `${out}"`;
}
