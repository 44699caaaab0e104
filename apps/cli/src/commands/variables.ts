import { readVarFile, resolveVariables } from '@kiln/template';
import type { ResolvedVariables, Template } from '@kiln/template';
import type { CliIO } from '../io.js';

export interface VariableFlags {
  readonly var: Readonly<Record<string, string>>;
  readonly 'var-file': readonly string[];
}

/**
 * The command-line values: the -var-file files read in order (a later file wins), under the -var
 * values (which win over every file whatever the order, as in Packer). Packer reads the files
 * before anything else, even for `validate -syntax-only`; the first unreadable one is thrown with
 * Packer's plain text (`open f: no such file or directory`, `Error reading variables in 'f': ...`).
 */
export async function readVariableFlags(flags: VariableFlags, io: CliIO): Promise<Record<string, string>> {
  const fromFiles: Record<string, string> = {};
  for (const file of flags['var-file']) Object.assign(fromFiles, await readVarFile(file, io.cwd));
  return { ...fromFiles, ...flags.var };
}

/**
 * The template's user variables over the command-line values, rendered as Packer renders them.
 * Throws KilnError(s): required variables without a value, values that fail to render. With
 * `lenient` (the console, like Packer's) a missing required variable is simply empty.
 */
export async function resolveCommandVariables(
  template: Template,
  given: Readonly<Record<string, string>>,
  io: CliIO,
  { lenient = false }: { lenient?: boolean } = {},
): Promise<ResolvedVariables> {
  const unset = lenient
    ? template.variables.filter((variable) => variable.default === null && !Object.hasOwn(given, variable.name))
    : [];
  return resolveVariables(template, {
    vars: { ...Object.fromEntries(unset.map((variable) => [variable.name, ''])), ...given },
    cwd: io.cwd,
    env: io.env,
    initTime: io.now?.() ?? new Date(),
  });
}
