/**
 * Quotes one input byte the way Go's encoding/json names it in a syntax error
 * (`invalid character 'x' ...`): the byte is taken as the rune of the same number, so a UTF-8
 * lead byte 0xC3 shows as 'Ã', and unprintable runes use strconv.Quote's escapes.
 */
export function goQuoteByte(byte: number): string {
  if (byte === 0x27) return `'\\''`;
  if (byte === 0x22) return `'"'`;
  return `'${goQuoteRuneBody(byte)}'`;
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x5c: '\\\\',
};

function goQuoteRuneBody(rune: number): string {
  const short = SHORT_ESCAPES[rune];
  if (short !== undefined) return short;
  if (isGoPrintableLatin1(rune)) return String.fromCharCode(rune);
  if (rune < 0x80) return `\\x${hex2(rune)}`;
  return `\\u00${hex2(rune)}`;
}

/** unicode.IsPrint restricted to U+0000..U+00FF, the only runes a single byte can name. */
function isGoPrintableLatin1(rune: number): boolean {
  if (rune >= 0x20 && rune < 0x7f) return true;
  // U+00A0 (no-break space) and U+00AD (soft hyphen) are not "printable" for Go.
  return rune >= 0xa1 && rune <= 0xff && rune !== 0xad;
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, '0');
}
