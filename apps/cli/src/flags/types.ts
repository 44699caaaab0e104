import { parseVarArg } from '@kiln/template/read';

/**
 * One kind of flag value, as Go's flag.Value: `set` gets the text after `=` (or the next argument)
 * and returns the new value, or throws an Error whose message Packer prints after
 * `invalid value "x" for flag -name: `.
 */
export interface FlagType<T> {
  /** Boolean flags take no argument: `-force` means true, `-force=false` is explicit. */
  readonly isBool: boolean;
  initial(): T;
  set(current: T, text: string): T;
}

export type FlagSpecs = Readonly<Record<string, FlagType<unknown>>>;

export type FlagValues<S extends FlagSpecs> = { -readonly [K in keyof S]: S[K] extends FlagType<infer T> ? T : never };

/** Go's strconv.ParseBool. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** `-force`, `-color=false`: Go's bool flag. */
export function boolFlag(defaultValue = false): FlagType<boolean> {
  return {
    isBool: true,
    initial: () => defaultValue,
    set(_current, text) {
      const value = parseGoBool(text);
      if (value === undefined) throw new Error('parse error');
      return value;
    },
  };
}

/** A plain string; the last one given wins. */
export function stringFlag(defaultValue = ''): FlagType<string> {
  return { isBool: false, initial: () => defaultValue, set: (_current, text) => text };
}

/** Go's int flag: strconv.ParseInt with base 0 (`10`, `-3`, `0x1f`, `017`), 64-bit range. */
export function intFlag(defaultValue = 0): FlagType<number> {
  return {
    isBool: false,
    initial: () => defaultValue,
    set(_current, text) {
      const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
      if (!match) throw new Error('parse error');
      const digits = match[2] ?? '';
      const magnitude = BigInt(/^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits);
      const value = match[1] === '-' ? -magnitude : magnitude;
      if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) throw new Error('value out of range');
      return Number(value);
    },
  };
}

/** Packer's -only/-except: comma-separated, and repeating the flag adds to the list. */
export function listFlag(): FlagType<string[]> {
  return { isBool: false, initial: () => [], set: (current, text) => [...current, ...text.split(',')] };
}

/** A repeatable flag kept in order: -var-file. */
export function repeatedFlag(): FlagType<string[]> {
  return { isBool: false, initial: () => [], set: (current, text) => [...current, text] };
}

/** Packer's -var 'key=value': repeatable, a later value for the same key wins. */
export function keyValueFlag(): FlagType<Record<string, string>> {
  return {
    isBool: false,
    initial: () => ({}),
    set(current, text) {
      const [name, value] = parseVarArg(text);
      return { ...current, [name]: value };
    },
  };
}

/** One of a fixed set of words, with Packer's enumflag message. */
export function enumFlag<const V extends string>(allowed: readonly V[], defaultValue: V): FlagType<V> {
  return {
    isBool: false,
    initial: () => defaultValue,
    set(_current, text) {
      if ((allowed as readonly string[]).includes(text)) return text as V;
      throw new Error(`expected one of [${allowed.map((value) => JSON.stringify(value)).join(' ')}]`);
    },
  };
}
