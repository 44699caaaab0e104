/**
 * JSON text as Go's json.MarshalIndent(value, "", indent) writes it for decoded JSON data: object
 * keys sorted by byte order (Go maps), `<`, `>`, `&`, U+2028 and U+2029 escaped as \u00xx, and
 * numbers in Go's float64 form. Chef reads the node JSON Packer writes, and cookbooks that diff
 * or checksum it expect Packer's exact bytes.
 */
export function goMarshalIndent(value: unknown, indent = '  '): string {
  return encode(value, '', indent);
}

function encode(value: unknown, prefix: string, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuoteJson(value);
  if (typeof value === 'number') return goFloat(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const inner = prefix + indent;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item) => inner + encode(item, inner, indent));
    return `[\n${items.join(',\n')}\n${prefix}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareBytes(a, b));
  if (entries.length === 0) return '{}';
  const members = entries.map(([key, item]) => `${inner}${goQuoteJson(key)}: ${encode(item, inner, indent)}`);
  return `{\n${members.join(',\n')}\n${prefix}}`;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function goQuoteJson(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) out += short;
    else if (code < 0x20 || char === '<' || char === '>' || char === '&' || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else out += char;
  }
  return `${out}"`;
}

/**
 * Go's encoding/json float64 form: shortest digits, exponent only below 1e-6 or from 1e21 (`1e-7`,
 * `1e+21`), which is also where and how JavaScript switches; only -0 differs.
 */
function goFloat(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`json: unsupported value: ${value}`);
  return Object.is(value, -0) ? '-0' : String(value);
}
