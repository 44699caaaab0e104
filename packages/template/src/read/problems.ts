import { KilnError, KilnErrors } from '@kiln/sdk';
import type { KilnErrorCode, SourcePosition } from '@kiln/sdk';
import type { TextPosition } from '../json/ast.js';
import { formatKeyPath } from '../json/value.js';
import type { KeyPathSegment } from '../json/value.js';
import type { DecodeProblem } from './decode.js';
import { mapstructureErrorText } from './go/error-text.js';

/**
 * One error as Packer's Go code holds it: `text` is its Error() string, exactly as Packer prints
 * it; `problems` are the same facts one by one, each with its place in the template. A
 * mapstructure error, for one, is one Go error listing several points.
 */
export interface GoError {
  readonly text: string;
  readonly problems: readonly KilnError[];
}

export class ProblemFactory {
  constructor(private readonly file: string) {}

  position(at: TextPosition): SourcePosition {
    return { file: this.file, line: at.line, column: at.column, offset: at.offset };
  }

  error(
    message: string,
    at: TextPosition,
    path: readonly KeyPathSegment[],
    code: KilnErrorCode = 'TEMPLATE_INVALID',
  ): KilnError {
    const keyPath = formatKeyPath(path);
    return new KilnError(code, message, { position: this.position(at), ...(keyPath ? { keyPath } : {}) });
  }

  /** A Go error with a single fact. */
  single(message: string, at: TextPosition, path: readonly KeyPathSegment[]): GoError {
    return { text: message, problems: [this.error(message, at, path)] };
  }

  /** A mapstructure error (`N error(s) decoding: ...`), behind Packer's `prefix`. */
  decoding(prefix: string, problems: readonly DecodeProblem[]): GoError {
    return {
      text: prefix + mapstructureErrorText(problems.map((problem) => problem.text)),
      problems: problems.map((problem) => this.error(prefix + problem.text, problem.node.start, problem.path)),
    };
  }
}

/** Throws the Go errors of one stage together; `text` is what Packer prints for all of them. */
export function throwGoErrors(errors: readonly GoError[], text: string): never {
  throw new KilnErrors(
    errors.flatMap((error) => error.problems),
    text,
  );
}
