import type { SourcePosition } from '@kiln/sdk';
import type { JsonArrayNode, JsonEntry, JsonNode, JsonObjectNode, TextPosition } from './ast.js';
import { JsonDuplicateKeyError, JsonNumberRangeError, JsonSyntaxError } from './errors.js';
import { goQuoteByte } from './go-quote.js';
import { packerErrorLocation } from './packer-excerpt.js';

export interface ParseJsonOptions {
  /** Named in the positions of errors. */
  readonly file?: string;
  /**
   * Packer rejects a key repeated in one object (`template has duplicate field: X`); var files are
   * plain Go maps where the last one wins. Default: false (reject).
   */
  readonly allowDuplicateKeys?: boolean;
}

/**
 * Parses JSON exactly as Go's encoding/json accepts it (what Packer 1.6.6 reads), keeping the
 * position of every value and key. Errors, in Packer's order: a syntax error anywhere first, then
 * a number out of float64 range, then the first duplicate key in document order.
 */
export function parseJson(text: string | Uint8Array, options: ParseJsonOptions = {}): JsonNode {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return new JsonParser(bytes, options).parseDocument();
}

/** Go's encoding/json refuses documents nested deeper than this. */
const MAX_NESTING_DEPTH = 10_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

type Frame =
  | {
      readonly kind: 'object';
      readonly start: TextPosition;
      readonly entries: JsonEntry[];
      readonly keys: Set<string>;
      key: string;
      keyStart: TextPosition;
    }
  | { readonly kind: 'array'; readonly start: TextPosition; readonly items: JsonNode[] };

class JsonParser {
  private pos = 0;
  private readonly file: string;
  private readonly cursor: PositionCursor;
  private firstDuplicate?: JsonDuplicateKeyError;
  private firstOutOfRange?: JsonNumberRangeError;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: ParseJsonOptions,
  ) {
    this.file = options.file ?? '';
    this.cursor = new PositionCursor(bytes);
  }

  parseDocument(): JsonNode {
    const root = this.parseValues();
    if (this.firstOutOfRange) throw this.firstOutOfRange;
    if (this.firstDuplicate) throw this.firstDuplicate;
    return root;
  }

  /** One loop with an explicit stack, so that deep nesting cannot overflow the JS stack. */
  private parseValues(): JsonNode {
    const stack: Frame[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      let value: JsonNode;
      if (c === 0x7b || c === 0x5b) {
        if (stack.length >= MAX_NESTING_DEPTH) this.fail(this.pos, 'exceeded max depth');
        const start = this.here();
        this.pos++;
        this.skipSpace();
        const next = this.peek();
        if (next < 0) this.failUnexpectedEnd();
        if (c === 0x7b && next === 0x7d) {
          this.pos++;
          value = { kind: 'object', entries: [], start, end: this.here() };
        } else if (c === 0x5b && next === 0x5d) {
          this.pos++;
          value = { kind: 'array', items: [], start, end: this.here() };
        } else if (c === 0x7b) {
          const frame: Frame = { kind: 'object', start, entries: [], keys: new Set(), key: '', keyStart: start };
          this.readKey(frame);
          stack.push(frame);
          continue;
        } else {
          stack.push({ kind: 'array', start, items: [] });
          continue;
        }
      } else {
        value = this.parseScalar(c);
      }

      // A value is complete: hand it to its container, closing containers as they end.
      for (;;) {
        const frame = stack.at(-1);
        if (!frame) {
          this.skipSpace();
          if (this.pos < this.bytes.length) this.fail(this.pos, 'after top-level value');
          return value;
        }
        if (frame.kind === 'object') this.addEntry(frame, value);
        else frame.items.push(value);
        this.skipSpace();
        const c2 = this.peek();
        if (c2 < 0) this.failUnexpectedEnd();
        if (c2 === 0x2c) {
          this.pos++;
          if (frame.kind === 'object') {
            this.skipSpace();
            this.readKey(frame);
          }
          break;
        }
        if (frame.kind === 'object' && c2 === 0x7d) {
          this.pos++;
          stack.pop();
          const closed: JsonObjectNode = { kind: 'object', entries: frame.entries, start: frame.start, end: this.here() };
          value = closed;
          continue;
        }
        if (frame.kind === 'array' && c2 === 0x5d) {
          this.pos++;
          stack.pop();
          const closed: JsonArrayNode = { kind: 'array', items: frame.items, start: frame.start, end: this.here() };
          value = closed;
          continue;
        }
        this.fail(this.pos, frame.kind === 'object' ? 'after object key:value pair' : 'after array element');
      }
    }
  }

  /** At the opening quote of a key (after `{` or `,`): reads it and the `:` after it. */
  private readKey(frame: Extract<Frame, { kind: 'object' }>): void {
    const c = this.peek();
    if (c < 0) this.failUnexpectedEnd();
    if (c !== QUOTE) this.fail(this.pos, 'looking for beginning of object key string');
    frame.keyStart = this.here();
    frame.key = this.readString();
    this.skipSpace();
    const colon = this.peek();
    if (colon < 0) this.failUnexpectedEnd();
    if (colon !== 0x3a) this.fail(this.pos, 'after object key');
    this.pos++;
  }

  private addEntry(frame: Extract<Frame, { kind: 'object' }>, value: JsonNode): void {
    const { key, keyStart } = frame;
    if (frame.keys.has(key)) {
      if (this.options.allowDuplicateKeys) {
        const earlier = frame.entries.findIndex((entry) => entry.key === key);
        frame.entries.splice(earlier, 1);
      } else {
        this.firstDuplicate ??= new JsonDuplicateKeyError(key, this.sourcePosition(keyStart));
      }
    }
    frame.keys.add(key);
    frame.entries.push({ key, keyStart, value });
  }

  private parseScalar(c: number): JsonNode {
    if (c < 0) this.failUnexpectedEnd();
    const start = this.here();
    if (c === QUOTE) {
      const value = this.readString();
      return { kind: 'string', value, start, end: this.here() };
    }
    if (c === 0x2d || isDigit(c)) return this.readNumber(start);
    if (c === 0x74) return this.readLiteral('true', { kind: 'boolean', value: true, start, end: start });
    if (c === 0x66) return this.readLiteral('false', { kind: 'boolean', value: false, start, end: start });
    if (c === 0x6e) return this.readLiteral('null', { kind: 'null', start, end: start });
    return this.fail(this.pos, 'looking for beginning of value');
  }

  private readLiteral(word: string, node: JsonNode): JsonNode {
    this.pos++;
    for (let index = 1; index < word.length; index++) {
      const context = `in literal ${word} (expecting '${word[index]}')`;
      const c = this.peek();
      if (c < 0) this.failAtEnd(context);
      if (c !== word.charCodeAt(index)) this.fail(this.pos, context);
      this.pos++;
    }
    return { ...node, end: this.here() };
  }

  private readNumber(start: TextPosition): JsonNode {
    const from = this.pos;
    if (this.peek() === 0x2d) {
      this.pos++;
      this.expectDigit('in numeric literal');
    }
    if (this.peek() === 0x30) this.pos++;
    else this.skipDigits();
    if (this.peek() === 0x2e) {
      this.pos++;
      this.expectDigit('after decimal point in numeric literal');
      this.skipDigits();
    }
    const e = this.peek();
    if (e === 0x65 || e === 0x45) {
      this.pos++;
      const sign = this.peek();
      if (sign === 0x2b || sign === 0x2d) this.pos++;
      this.expectDigit('in exponent of numeric literal');
      this.skipDigits();
    }
    const raw = Buffer.from(this.bytes.subarray(from, this.pos)).toString('latin1');
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      this.firstOutOfRange ??= new JsonNumberRangeError(raw, this.sourcePosition(start));
    }
    return { kind: 'number', value, raw, start, end: this.here() };
  }

  private expectDigit(context: string): void {
    const c = this.peek();
    if (c < 0) this.failAtEnd(context);
    if (!isDigit(c)) this.fail(this.pos, context);
  }

  private skipDigits(): void {
    while (isDigit(this.peek())) this.pos++;
  }

  /** At an opening quote: validates and decodes the string, leaving pos after the closing quote. */
  private readString(): string {
    this.pos++;
    const bytes = this.bytes;
    let runStart = this.pos;
    let decoded = '';
    for (;;) {
      if (this.pos >= bytes.length) this.failUnexpectedEnd();
      const c = bytes[this.pos]!;
      if (c === QUOTE) {
        decoded += utf8(bytes, runStart, this.pos);
        this.pos++;
        return decoded;
      }
      if (c === BACKSLASH) {
        decoded += utf8(bytes, runStart, this.pos);
        decoded += this.readEscape();
        runStart = this.pos;
        continue;
      }
      if (c < 0x20) this.fail(this.pos, 'in string literal');
      this.pos++;
    }
  }

  /** At a backslash inside a string: returns what the escape stands for. */
  private readEscape(): string {
    this.pos++;
    const c = this.peek();
    if (c < 0) this.failAtEnd('in string escape code');
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      this.pos++;
      return simple;
    }
    if (c !== 0x75) this.fail(this.pos, 'in string escape code');
    this.pos++;
    const unit = this.readHex4();
    if (unit < 0xd800 || unit > 0xdfff) return String.fromCharCode(unit);
    // Go pairs a high surrogate with an immediately following \u low surrogate; any other
    // surrogate becomes U+FFFD.
    if (unit < 0xdc00 && this.peek() === BACKSLASH && this.bytes[this.pos + 1] === 0x75) {
      const low = hexValue(this.bytes, this.pos + 2);
      if (low >= 0xdc00 && low <= 0xdfff) {
        this.pos += 6;
        return String.fromCharCode(unit, low);
      }
    }
    return '\ufffd';
  }

  private readHex4(): number {
    let value = 0;
    for (let index = 0; index < 4; index++) {
      const c = this.peek();
      if (c < 0) this.failAtEnd('in \\u hexadecimal character escape');
      const digit = hexDigit(c);
      if (digit < 0) this.fail(this.pos, 'in \\u hexadecimal character escape');
      value = value * 16 + digit;
      this.pos++;
    }
    return value;
  }

  private skipSpace(): void {
    const bytes = this.bytes;
    while (this.pos < bytes.length) {
      const c = bytes[this.pos];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  /** The byte at pos, or -1 at the end. */
  private peek(): number {
    return this.pos < this.bytes.length ? this.bytes[this.pos]! : -1;
  }

  private here(): TextPosition {
    return this.cursor.at(this.pos);
  }

  private sourcePosition(position: TextPosition): SourcePosition {
    return { file: this.file, line: position.line, column: position.column, offset: position.offset };
  }

  /** The byte at `index` is not allowed here. Go counts that byte in the offset. */
  private fail(index: number, context: string): never {
    this.throwSyntax(`invalid character ${goQuoteByte(this.bytes[index]!)} ${context}`, index + 1, index);
  }

  /**
   * The text ended inside a number or literal: Go then feeds a virtual space to its scanner, so
   * the message names ' ' and the offset is the text length.
   */
  private failAtEnd(context: string): never {
    this.throwSyntax(`invalid character ' ' ${context}`, this.bytes.length, this.bytes.length);
  }

  private failUnexpectedEnd(): never {
    this.throwSyntax('unexpected end of JSON input', this.bytes.length, this.bytes.length);
  }

  private throwSyntax(message: string, goOffset: number, at: number): never {
    const { line, column, excerpt } = packerErrorLocation(this.bytes, goOffset);
    const position = this.sourcePosition(new PositionCursor(this.bytes).at(at));
    throw new JsonSyntaxError(message, { offset: goOffset, line, column, excerpt, position });
  }
}

const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  0x22: '"',
  0x5c: '\\',
  0x2f: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** The value of 4 hex digits at `from`, or -1. */
function hexValue(bytes: Uint8Array, from: number): number {
  let value = 0;
  for (let index = from; index < from + 4; index++) {
    const digit = index < bytes.length ? hexDigit(bytes[index]!) : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function utf8(bytes: Uint8Array, from: number, to: number): string {
  if (from === to) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('utf8');
}

/**
 * Turns byte offsets into line/column positions. Offsets are asked for in increasing order while
 * parsing, so it only ever walks forward: the whole text is walked once.
 */
class PositionCursor {
  private offset = 0;
  private line = 1;
  private column = 1;

  constructor(private readonly bytes: Uint8Array) {}

  at(offset: number): TextPosition {
    const bytes = this.bytes;
    for (; this.offset < offset; this.offset++) {
      const c = bytes[this.offset]!;
      if (c === 0x0a) {
        this.line++;
        this.column = 1;
      } else if ((c & 0xc0) !== 0x80) {
        // Counts characters, not bytes: UTF-8 continuation bytes do not start a new one.
        this.column++;
      }
    }
    return { offset, line: this.line, column: this.column };
  }
}
