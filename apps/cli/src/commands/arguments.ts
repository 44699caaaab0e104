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
