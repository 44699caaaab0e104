import { parseFlags } from '../flags/parse.js';
import type { FlagSpecs, FlagValues } from '../flags/types.js';
import type { CliUi } from '../output/ui.js';

export interface CommandArguments<S extends FlagSpecs> {
  readonly flags: FlagValues<S>;
  readonly args: readonly string[];
}

/**
 * Parses a verb's flags. On a mistake, prints the verb's usage and then Go's flag message (Packer
 * prints both, the message racing the usage; here it always comes last) and returns undefined:
 * the command then exits 1.
 */
export function parseArgumentsOrUsage<S extends FlagSpecs>(
  argv: readonly string[],
  specs: S,
  help: string,
  ui: CliUi,
): CommandArguments<S> | undefined {
  const parsed = parseFlags(argv, specs);
  if (parsed.ok) return { flags: parsed.values, args: parsed.args };
  ui.say(help);
  if (parsed.message !== undefined) ui.error(parsed.message);
  return undefined;
}

/**
 * parseArgumentsOrUsage for the verbs that take exactly one TEMPLATE (build, validate, inspect,
 * fix): anything else prints the usage, and the command exits 1, as Packer's do.
 */
export function parseTemplateArguments<S extends FlagSpecs>(
  argv: readonly string[],
  specs: S,
  help: string,
  ui: CliUi,
): { readonly flags: FlagValues<S>; readonly template: string } | undefined {
  const parsed = parseArgumentsOrUsage(argv, specs, help, ui);
  if (!parsed) return undefined;
  const [template, ...extra] = parsed.args;
  if (template === undefined || extra.length > 0) {
    ui.say(help);
    return undefined;
  }
  return { flags: parsed.flags, template };
}
