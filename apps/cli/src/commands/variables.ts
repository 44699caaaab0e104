import { resolveVariables } from '@kiln/template';
import type { ResolvedVariables, Template } from '@kiln/template';
import type { CliIO } from '../io.js';

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
