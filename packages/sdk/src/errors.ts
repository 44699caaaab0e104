/** Where a value came from in a template or var file: 1-based line and column, 0-based offset. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly offset?: number;
}

/**
 * Stable error codes. Scripts and tests match on these, never on message text, so a code is only
 * ever added, never renamed.
 */
export type KilnErrorCode =
  | 'TEMPLATE_SYNTAX'
  | 'TEMPLATE_INVALID'
  | 'TEMPLATE_INTERPOLATION'
  | 'VARIABLE_INVALID'
  | 'VARIABLE_REQUIRED'
  | 'CONFIG_INVALID'
  | 'PLUGIN_UNKNOWN'
  | 'VERSION_UNSUPPORTED'
  | 'USAGE'
  | 'IO'
  | 'CANCELLED'
  | 'STEP_FAILED'
  | 'TIMEOUT'
  | 'AUTH_FAILED'
  | 'POST_PROCESSOR_FAILED'
  | 'INTERNAL';

export interface KilnErrorOptions {
  readonly position?: SourcePosition;
  /** Dotted key path inside the template, e.g. `builders[0].iso_checksum`. */
  readonly keyPath?: string;
  /** What the user can do about it. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * The one error type that crosses package boundaries. Only apps/cli turns it into text and an exit
 * code; libraries throw it with a code and, where known, the template position it is about.
 */
export class KilnError extends Error {
  readonly code: KilnErrorCode;
  readonly position?: SourcePosition;
  readonly keyPath?: string;
  readonly hint?: string;

  constructor(code: KilnErrorCode, message: string, options: KilnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KilnError';
    this.code = code;
    if (options.position) this.position = options.position;
    if (options.keyPath) this.keyPath = options.keyPath;
    if (options.hint) this.hint = options.hint;
  }
}

/** Several errors reported together, as Packer reports every problem of a build at once. */
export class KilnErrors extends KilnError {
  readonly errors: readonly KilnError[];

  constructor(errors: readonly KilnError[], message = `${errors.length} error(s) occurred`) {
    super(errors[0]?.code ?? 'INTERNAL', message);
    this.name = 'KilnErrors';
    this.errors = errors;
  }
}

export function formatPosition(position: SourcePosition): string {
  return `${position.file}:${position.line}:${position.column}`;
}

export function isKilnError(value: unknown): value is KilnError {
  return value instanceof KilnError;
}
