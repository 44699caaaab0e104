/**
 * JSON text exactly as Go's json.MarshalIndent(v, "", "  ") writes it, so that files Kiln writes
 * (the manifest) are byte-identical to Packer's: `<`, `>`, `&`, U+2028 and U+2029 escaped as \u....,
 * control characters other than \n \r \t as \u00XX, lone surrogates as U+FFFD, object keys in the
 * order given (callers sort Go maps themselves).
 */
export function goMarshalIndent(value: unknown, indent = '  ', prefix = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuoteJson(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  const inner = prefix + indent;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + goMarshalIndent(item, indent, inner)).join(',\n')}\n${prefix}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${goQuoteJson(k)}: ${goMarshalIndent(v, indent, inner)}`).join(',\n')}\n${prefix}}`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function goQuoteJson(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    const code = char.charCodeAt(0);
    const short = SHORT_ESCAPES[char];
    if (short) out += short;
    else if (code < 0x20 || char === '<' || char === '>' || char === '&' || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      out += char + text[++i];
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '\ufffd';
    } else out += char;
  }
  return `${out}"`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
