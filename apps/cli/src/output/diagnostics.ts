import { KilnErrors, isKilnError } from '@kiln/sdk';
import type { KilnError, Ui } from '@kiln/sdk';
import { goMultiErrorText } from '@kiln/template/read';
import { wrapText } from './wrap.js';

/** One entry of Packer's diagnostics output (`Error: summary` / `Warning: summary` + detail). */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** May be empty: Packer prints `Error: ` for template-level problems. */
  readonly summary: string;
  readonly detail?: string;
}

/**
 * The text of Packer's diagnostics writer: for each, `Error: <summary>`, a blank line, then the
 * detail word-wrapped at 80 columns and a blank line.
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map(({ severity, summary, detail }) => {
      const head = `${severity === 'error' ? 'Error' : 'Warning'}: ${summary}\n\n`;
      return detail ? `${head}${wrapText(detail)}\n\n` : head;
    })
    .join('');
}

/**
 * Packer's writeDiags: every block in one write, as an error when any block is one (returns 1),
 * else said (returns 0); nothing at all when there is nothing to say.
 */
export function writeDiagnostics(ui: Pick<Ui, 'say' | 'error'>, diagnostics: readonly Diagnostic[]): number {
  if (diagnostics.length === 0) return 0;
  const text = formatDiagnostics(diagnostics);
  if (diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
    ui.error(text);
    return 1;
  }
  ui.say(text);
  return 0;
}

/**
 * A problem of the whole template, as Packer's core reports one: `Error: ` without a summary and
 * every error of `error` (a KilnErrors lists several) in a go-multierror list, each message
 * written by `format`. Anything but a KilnError is rethrown.
 */
export function templateErrorDiagnostic(error: unknown, format: (error: KilnError) => string): Diagnostic {
  if (!isKilnError(error)) throw error;
  const errors = error instanceof KilnErrors ? error.errors : [error];
  return { severity: 'error', summary: '', detail: goMultiErrorText(errors.map(format)) };
}

/**
 * hashicorp/go-multierror's list, the shape of most of Packer's multi-problem messages:
 * `1 error occurred:` / `N errors occurred:`, then one tab-indented `* msg` line each.
 */
export function formatErrorList(messages: readonly string[]): string {
  return goMultiErrorText(messages);
}
