import { KilnError } from '@kiln/sdk';
import type { SourcePosition } from '@kiln/sdk';

export interface JsonSyntaxErrorDetails {
  /** Go's json.SyntaxError.Offset: the bytes read when the error was found (one past the bad byte). */
  readonly offset: number;
  /** Line and column as Packer prints them in `At line L, column C` (see packerErrorLocation). */
  readonly line: number;
  readonly column: number;
  /** Packer's excerpt: the previous line, the offending line up to the error, and a `^` marker. */
  readonly excerpt: string;
  /** The real place of the offending byte: 1-based line and column in characters, byte offset. */
  readonly position: SourcePosition;
}

/**
 * Not JSON. The message is Go's encoding/json text (`invalid character '}' looking for beginning
 * of object key string`, `unexpected end of JSON input`), and `line`/`column`/`offset` are the
 * numbers Packer shows, quirks included: Packer counts columns in bytes, from 0 on the first line
 * and from 1 on the others. `position` is the true location, for editors.
 */
export class JsonSyntaxError extends KilnError {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly excerpt: string;
  readonly file?: string;

  constructor(message: string, details: JsonSyntaxErrorDetails) {
    super('TEMPLATE_SYNTAX', message, { position: details.position });
    this.name = 'JsonSyntaxError';
    this.offset = details.offset;
    this.line = details.line;
    this.column = details.column;
    this.excerpt = details.excerpt;
    if (details.position.file !== '') this.file = details.position.file;
  }
}

/**
 * The same key twice in one object, at any depth. Packer rejects it (after the whole text proved
 * to be valid JSON) so that a later key never silently overrides an earlier one.
 */
export class JsonDuplicateKeyError extends KilnError {
  readonly key: string;

  constructor(key: string, position: SourcePosition) {
    super('TEMPLATE_SYNTAX', `template has duplicate field: ${key}`, { position });
    this.name = 'JsonDuplicateKeyError';
    this.key = key;
  }
}

/** A number too large for a float64 (`1e400`): Go's decoder refuses it, so Packer does too. */
export class JsonNumberRangeError extends KilnError {
  readonly literal: string;

  constructor(literal: string, position: SourcePosition) {
    super('TEMPLATE_SYNTAX', `json: cannot unmarshal number ${literal} into Go value of type float64`, {
      position,
    });
    this.name = 'JsonNumberRangeError';
    this.literal = literal;
  }
}

/** Packer's display of a syntax error: `Error parsing JSON: <msg>\nAt line L, column C (offset O):\n<excerpt>`. */
export function formatJsonSyntaxError(error: JsonSyntaxError): string {
  return (
    `Error parsing JSON: ${error.message}\n` +
    `At line ${error.line}, column ${error.column} (offset ${error.offset}):\n${error.excerpt}`
  );
}
