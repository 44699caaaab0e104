// Reads a -var-file the way Packer 1.6.6 does: one JSON value decoded by Go's json.Decoder into a
// map[string]string (kvflag.FlagJSON). Syntax errors carry the words of Go's JSON scanner
// (`invalid character '}' looking for beginning of object key string`), a short file `unexpected
// EOF`, an empty one `EOF`; bytes after the first value are never read; a value of the wrong type
// is `json: cannot unmarshal number into Go value of type string`.

import { quote as goQuote } from '../gotemplate/strconv.js';

const TARGET_TYPE = 'kvflag.FlagJSON';

class JsonSyntaxError extends Error {}

/** The end of the input came before the end of the value. */
class JsonEof extends Error {}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Go's quoteChar: a byte as it appears in scanner errors. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const quoted = goQuote(String.fromCharCode(c));
  return "'" + quoted.slice(1, -1) + "'";
}

type JsonValue = { kind: 'string'; text: string } | { kind: 'number' | 'bool' | 'null' } | { kind: 'array' } | {
  kind: 'object';
  entries: [string, JsonValue][];
};

class Scanner {
  private pos = 0;

  constructor(private readonly bytes: Buffer) {}

  private peek(): number | undefined {
    return this.bytes[this.pos];
  }

  /** The next byte; the end of input means the value is unfinished. */
  private next(): number {
    const c = this.bytes[this.pos];
    if (c === undefined) throw new JsonEof();
    this.pos++;
    return c;
  }

  private fail(c: number, context: string): never {
    throw new JsonSyntaxError(`invalid character ${quoteChar(c)} ${context}`);
  }

  private skipSpace(): number {
    for (;;) {
      const c = this.next();
      if (!isSpace(c)) return c;
    }
  }

  /** The top-level value; a scalar must be followed by a space or the end of input. */
  readTop(): JsonValue {
    const first = this.skipSpace();
    const value = this.value(first);
    if (value.kind !== 'object' && value.kind !== 'array') {
      const after = this.peek();
      if (after !== undefined && !isSpace(after)) this.fail(after, 'after top-level value');
    }
    return value;
  }

  private value(c: number): JsonValue {
    switch (c) {
      case 0x7b: // {
        return this.object();
      case 0x5b: // [
        this.array();
        return { kind: 'array' };
      case 0x22: // "
        return { kind: 'string', text: this.string() };
      case 0x74: // t
        this.literal('rue', 'true');
        return { kind: 'bool' };
      case 0x66: // f
        this.literal('alse', 'false');
        return { kind: 'bool' };
      case 0x6e: // n
        this.literal('ull', 'null');
        return { kind: 'null' };
    }
    if (c === 0x2d || isDigit(c)) {
      this.number(c);
      return { kind: 'number' };
    }
    this.fail(c, 'looking for beginning of value');
  }

  private object(): JsonValue {
    const entries: [string, JsonValue][] = [];
    let c = this.skipSpace();
    if (c === 0x7d) return { kind: 'object', entries };
    for (;;) {
      if (c !== 0x22) this.fail(c, 'looking for beginning of object key string');
      const key = this.string();
      c = this.skipSpace();
      if (c !== 0x3a) this.fail(c, 'after object key');
      const value = this.value(this.skipSpace());
      entries.push([key, value]);
      c = this.endOfValue();
      if (c === 0x7d) return { kind: 'object', entries };
      if (c !== 0x2c) this.fail(c, 'after object key:value pair');
      c = this.skipSpace();
    }
  }

  private array(): void {
    let c = this.skipSpace();
    if (c === 0x5d) return;
    for (;;) {
      this.value(c);
      c = this.endOfValue();
      if (c === 0x5d) return;
      if (c !== 0x2c) this.fail(c, 'after array element');
      c = this.skipSpace();
    }
  }

  /** The byte after a value inside an object or array, spaces skipped. */
  private endOfValue(): number {
    return this.skipSpace();
  }

  private literal(rest: string, word: string): void {
    for (const expected of rest) {
      const c = this.next();
      if (c !== expected.charCodeAt(0)) this.fail(c, `in literal ${word} (expecting '${expected}')`);
    }
  }

  private number(first: number): void {
    let c: number | undefined = first;
    if (c === 0x2d) {
      c = this.next();
      if (!isDigit(c)) this.fail(c, 'in numeric literal');
    }
    if (c !== 0x30) while (isDigit(this.peek())) this.pos++;
    if (this.peek() === 0x2e) {
      this.pos++;
      const d = this.next();
      if (!isDigit(d)) this.fail(d, 'after decimal point in numeric literal');
      while (isDigit(this.peek())) this.pos++;
    }
    const e = this.peek();
    if (e === 0x65 || e === 0x45) {
      this.pos++;
      let s = this.next();
      if (s === 0x2b || s === 0x2d) s = this.next();
      if (!isDigit(s)) this.fail(s, 'in exponent of numeric literal');
      while (isDigit(this.peek())) this.pos++;
    }
  }

  private string(): string {
    const start = this.pos;
    for (;;) {
      const c = this.next();
      if (c === 0x22) break;
      if (c === 0x5c) {
        const e = this.next();
        if (e === 0x75) {
          for (let i = 0; i < 4; i++) {
            const h = this.next();
            if (!isHex(h)) this.fail(h, 'in \\u hexadecimal character escape');
          }
        } else if (!'bfnrt\\/"'.includes(String.fromCharCode(e))) {
          this.fail(e, 'in string escape code');
        }
      } else if (c < 0x20) {
        this.fail(c, 'in string literal');
      }
    }
    // The bytes are valid JSON string syntax now: JSON.parse decodes the escapes as Go does.
    return JSON.parse('"' + this.bytes.subarray(start, this.pos - 1).toString('utf8') + '"') as string;
  }
}

function hasNonSpace(bytes: Buffer): boolean {
  return bytes.some((c) => !isSpace(c));
}

/**
 * Decodes a var-file's bytes into variables, or throws an Error whose message is Go's
 * (`unexpected EOF`, `invalid character ...`, `json: cannot unmarshal ...`).
 */
export function decodeVarFile(bytes: Buffer): Record<string, string> {
  let value: JsonValue;
  try {
    value = new Scanner(bytes).readTop();
  } catch (error) {
    if (error instanceof JsonEof) throw new Error(hasNonSpace(bytes) ? 'unexpected EOF' : 'EOF');
    throw error;
  }
  const result: Record<string, string> = {};
  if (value.kind === 'null') return result;
  if (value.kind !== 'object') throw new Error(`json: cannot unmarshal ${value.kind} into Go value of type ${TARGET_TYPE}`);
  let firstError: string | undefined;
  for (const [key, item] of value.entries) {
    if (item.kind === 'string') result[key] = item.text;
    else {
      // Go stores the zero value and keeps decoding, then reports the first mismatch.
      result[key] = '';
      if (item.kind !== 'null') firstError ??= `json: cannot unmarshal ${item.kind} into Go value of type string`;
    }
  }
  if (firstError !== undefined) throw new Error(firstError);
  return result;
}
