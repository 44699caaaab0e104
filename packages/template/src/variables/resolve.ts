import { randomUUID } from 'node:crypto';
import { KilnError, KilnErrors, isKilnError, type SourcePosition } from '@kiln/sdk';
import { GoTemplateError } from '../gotemplate/errors.js';
import type { InterpolationContext } from '../interpolate/index.js';
import { VARIABLE_NOT_SET } from '../interpolate/funcs.js';
import { renderOnce } from '../interpolate/interpolate.js';
import type { Template } from '../model.js';
import { readVarFile } from './var-file.js';

export interface ResolveVariablesOptions {
  /** `-var k=v` values; they beat every -var-file (see resolveVariables). */
  readonly vars?: Readonly<Record<string, string>>;
  /** `-var-file` paths, in command-line order: a later file wins over an earlier one. */
  readonly varFiles?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly initTime: Date;
}

export interface ResolvedVariables {
  /** Every variable by name, rendered: declared ones and undeclared -var/-var-file ones. */
  readonly values: Readonly<Record<string, string>>;
  /** The values of the sensitive variables, to mask in all output (empty ones left out). */
  readonly sensitiveValues: readonly string[];
}

/** Packer gives up on references between variables after this many passes. */
const MAX_PASSES = 100;

// `{{ .Field }}` is left for later rendering (Packer's renderFilter `{{(\s|)\.(.*?)(\s|)}}`).
const PROTECTED = /\{\{(?:[\t\n\f\r ]|)\.(?:[^\n]*?)(?:[\t\n\f\r ]|)\}\}/g;
// A value is rendered again on each pass while it calls `user` with a raw string.
const USER_CALL = /\{\{[\t\n\f\r ]*user[\t\n\f\r ]*`[^\n]*`[\t\n\f\r ]*\}\}/;

const FAILED_HINT =
  "Please make sure that the variable you're referencing has been defined; Packer treats all variables used to " +
  'interpolate other user variables as required.';

/** Go's sort.Strings order: by UTF-8 bytes. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** hashicorp/go-multierror's text, which Packer prints for several errors. */
function multiErrorMessage(errors: readonly KilnError[]): string {
  const header = errors.length === 1 ? '1 error occurred:' : `${errors.length} errors occurred:`;
  return [header, ...errors.map((error) => `\t* ${error.message}`)].join('\n');
}

function withPosition(position: SourcePosition | undefined): { position?: SourcePosition } {
  return position ? { position } : {};
}

/** Packer's RenderRegex: `{{ .X }}` placeholders survive the rendering untouched. */
function renderProtected(value: string, ctx: InterpolationContext): string {
  const saved = new Map<string, string>();
  let text = value;
  for (const match of value.matchAll(PROTECTED)) {
    const id = randomUUID();
    saved.set(id, match[0]);
    text = text.replaceAll(match[0], id);
  }
  let rendered = renderOnce(text, ctx);
  for (const [id, original] of saved) rendered = rendered.replaceAll(id, original);
  return rendered;
}

/** The command-line values: var-files in order, then -var. */
async function commandLineValues(options: ResolveVariablesOptions): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  const errors: KilnError[] = [];
  for (const file of options.varFiles ?? []) {
    try {
      for (const [name, value] of Object.entries(await readVarFile(file, options.cwd))) values.set(name, value);
    } catch (error) {
      if (!isKilnError(error)) throw error;
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new KilnErrors(errors, errors.length === 1 ? errors[0]!.message : multiErrorMessage(errors));
  // Packer 1.6.6 applies every -var after every -var-file, whatever their order on the command
  // line, so a -var always wins (its docs say the last flag wins; the binary does not).
  for (const [name, value] of Object.entries(options.vars ?? {})) values.set(name, value);
  return values;
}

/**
 * Why a value failed to render, in Packer's words: a reference to a variable not set (yet) is
 * retried on the next pass; any other failure is final for that variable.
 */
function classifyFailure(
  key: string,
  value: string,
  error: unknown,
  position: SourcePosition | undefined,
): { retry: boolean; error: KilnError } {
  const where = { ...withPosition(position), cause: error };
  if (error instanceof GoTemplateError) {
    if (error.phase === 'exec' && error.message.includes(VARIABLE_NOT_SET)) {
      const message = `Failed to interpolate "${key}": "${value}"; error: ${error.message}: ${FAILED_HINT}`;
      return { retry: true, error: new KilnError('VARIABLE_INVALID', message, where) };
    }
    const message =
      error.phase === 'exec' ? error.message : `error interpolating default value for '${key}': ${error.message}`;
    return { retry: false, error: new KilnError('TEMPLATE_INTERPOLATION', message, where) };
  }
  if (isKilnError(error)) {
    const hint = error.hint ? { hint: error.hint } : {};
    return { retry: false, error: new KilnError(error.code, error.message, { ...where, ...hint }) };
  }
  throw error;
}

interface Pending {
  readonly key: string;
  readonly value: string;
}

/**
 * Packer's renderVarsRecursively: every value (defaults and command-line ones) rendered with env
 * and user enabled, keys in sorted order, pass after pass until no `{{user ...}}` is left to
 * resolve, so variables may reference each other in any order.
 *
 * Quirks kept so that templates behave as in Packer 1.6.6:
 * - a reference is only visible once the referenced value has rendered, or when it came from
 *   the command line (then raw);
 * - a value calling `user` is rendered again on every pass, and a pass that rendered anything
 *   counts as progress, so one such value hides the failure of another (which then stays unset);
 * - the list starts with one empty-named entry per variable, which makes `{{user ``}}` resolve.
 * Unlike Packer, which stops at the first broken value, every broken value is reported.
 */
function renderVariables(
  template: Template,
  commandLine: Map<string, string>,
  options: ResolveVariablesOptions,
): Record<string, string> {
  const positions = new Map(template.variables.map((v) => [v.name, v.position] as const));
  const initial = new Map(template.variables.map((v) => [v.name, v.default ?? ''] as const));
  for (const [name, value] of commandLine) initial.set(name, value);
  const keys = [...template.variables.map((v) => v.name), ...commandLine.keys()].sort(compareBytes);
  let pending: Pending[] = [
    ...Array.from({ length: initial.size }, () => ({ key: '', value: '' })),
    ...keys.map((key) => ({ key, value: initial.get(key)! })),
  ];

  const variables: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of commandLine) variables[name] = value;
  let lookup: Readonly<Record<string, string>> = {};
  const ctx = (): InterpolationContext => ({
    userVariables: lookup,
    initTime: options.initTime,
    ...(template.path ? { templatePath: template.path } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
    enableEnv: true,
  });

  const broken = new Map<string, KilnError>();
  let failures = new Map<string, KilnError>();
  let changed = false;
  let retry = false;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    retry = false;
    changed = false;
    failures = new Map();
    const done: string[] = [];
    for (const { key, value } of pending) {
      if (broken.has(key)) continue;
      try {
        variables[key] = renderProtected(value, ctx());
        lookup = variables;
        changed = true;
        if (USER_CALL.test(value)) retry = true;
        else done.push(key);
      } catch (error) {
        const failure = classifyFailure(key, value, error, positions.get(key));
        if (failure.retry) {
          retry = true;
          failures.set(key, failure.error);
        } else {
          broken.set(key, failure.error);
        }
      }
    }
    if (!retry) break;
    for (const key of done) {
      const index = pending.findIndex((entry) => entry.key === key);
      if (index >= 0) pending = [...pending.slice(0, index), ...pending.slice(index + 1)];
    }
  }

  const errors = [...broken.values(), ...(!changed && retry ? failures.values() : [])];
  if (errors.length > 0) throw new KilnErrors(errors, errors.length === 1 ? errors[0]!.message : multiErrorMessage(errors));
  if (!commandLine.has('')) delete variables[''];
  return Object.fromEntries(Object.entries(variables).sort(([a], [b]) => compareBytes(a, b)));
}

/**
 * User variables exactly as Packer 1.6.6 resolves them: template defaults, overridden by
 * -var-file values (files in order), overridden by -var values (always, whatever the order on the
 * command line), then rendered (env, user and the other functions enabled). Undeclared
 * command-line variables are accepted. Throws KilnErrors with every problem: unreadable
 * var-files, required variables without a value (`required variable not set: NAME`), values
 * that fail to render; each points at the variable in the template when it is declared there.
 */
export async function resolveVariables(template: Template, options: ResolveVariablesOptions): Promise<ResolvedVariables> {
  const commandLine = await commandLineValues(options);
  const missing = template.variables
    .filter((v) => v.default === null && !commandLine.has(v.name))
    .map((v) => new KilnError('VARIABLE_REQUIRED', `required variable not set: ${v.name}`, { position: v.position }));
  if (missing.length > 0) throw new KilnErrors(missing, multiErrorMessage(missing));

  const values = renderVariables(template, commandLine, options);
  const sensitiveNames = new Set([
    ...template.variables.filter((v) => v.sensitive).map((v) => v.name),
    ...template.sensitiveVariables,
  ]);
  const sensitiveValues = [...new Set([...sensitiveNames].map((name) => values[name] ?? ''))].filter((v) => v !== '');
  return { values, sensitiveValues };
}
