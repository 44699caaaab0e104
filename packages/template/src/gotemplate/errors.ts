/**
 * An error of Go's text/template, with Go's exact wording (`template: root:1: ...`).
 * `phase` tells a parse error from an execution error, as Go's types do (Packer treats an
 * execution error that mentions an unset variable differently from any other error).
 */
export class GoTemplateError extends Error {
  readonly phase: 'parse' | 'exec';

  constructor(phase: 'parse' | 'exec', message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GoTemplateError';
    this.phase = phase;
  }
}
