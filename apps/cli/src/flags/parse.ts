import type { FlagSpecs, FlagValues } from './types.js';

export type FlagParseResult<S extends FlagSpecs> =
  | { readonly ok: true; readonly values: FlagValues<S>; readonly args: readonly string[] }
  /** `message` is Go's flag error line; undefined for -h/-help that reached the parser. */
  | { readonly ok: false; readonly message: string | undefined };

/**
 * Go's flag package, as Packer's commands use it: `-name=value`, `-name value`, `--name` spellings
 * alike; a boolean flag takes no separate argument; parsing stops at the first argument that is
 * not a flag, at `-` (stdin) or after `--`. Messages are Go's, word for word.
 */
export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): FlagParseResult<S> {
  const values = Object.fromEntries(Object.entries(specs).map(([name, type]) => [name, type.initial()])) as Record<
    string,
    unknown
  >;
  let index = 0;
  while (index < argv.length) {
    const arg = argv[index] as string;
    if (arg.length < 2 || !arg.startsWith('-')) break;
    if (arg === '--') {
      index++;
      break;
    }
    const name = arg.slice(arg.startsWith('--') ? 2 : 1);
    if (name === '' || name.startsWith('-') || name.startsWith('=')) return failure(`bad flag syntax: ${arg}`);
    index++;
    const equals = name.indexOf('=', 1);
    const flagName = equals === -1 ? name : name.slice(0, equals);
    let text = equals === -1 ? undefined : name.slice(equals + 1);
    const type = Object.hasOwn(specs, flagName) ? specs[flagName] : undefined;
    if (!type) {
      if (flagName === 'h' || flagName === 'help') return { ok: false, message: undefined };
      return failure(`flag provided but not defined: -${flagName}`);
    }
    if (type.isBool) {
      try {
        values[flagName] = type.set(values[flagName], text ?? 'true');
      } catch (error) {
        return failure(`invalid boolean value ${goQuote(text ?? 'true')} for -${flagName}: ${messageOf(error)}`);
      }
      continue;
    }
    if (text === undefined) {
      if (index >= argv.length) return failure(`flag needs an argument: -${flagName}`);
      text = argv[index++] as string;
    }
    try {
      values[flagName] = type.set(values[flagName], text);
    } catch (error) {
      return failure(`invalid value ${goQuote(text)} for flag -${flagName}: ${messageOf(error)}`);
    }
  }
  return { ok: true, values: values as FlagValues<S>, args: argv.slice(index) };
}

function failure(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Go's %q for the flag texts users type (printable text: JSON quoting is the same). */
function goQuote(text: string): string {
  return JSON.stringify(text);
}
