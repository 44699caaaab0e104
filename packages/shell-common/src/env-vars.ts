import { goSprintf } from './go-sprintf.js';

/** Packer's message for an `environment_vars` entry without `=` or with an empty name. */
export function environmentVarErrors(vars: readonly string[]): string[] {
  return vars
    .filter((entry) => {
      const eq = entry.indexOf('=');
      return eq <= 0;
    })
    .map((entry) => `Environment variable not in format 'key=value': ${entry}`);
}

/**
 * Splits `KEY=value` entries (checked at prepare) into a map, escaping single quotes in values as
 * `'"'"'` so that they survive the default `%s='%s' ` format. Later entries win, and user entries
 * override the PACKER_* ones, as in Packer.
 */
export function userEnvVars(entries: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq < 0) continue;
    vars[entry.slice(0, eq)] = entry.slice(eq + 1).replaceAll("'", `'"'"'`);
  }
  return vars;
}

/**
 * The `{{.Vars}}` string of shell and shell-local: every variable formatted with `env_var_format`,
 * in sorted key order, concatenated (the default format leaves a trailing space).
 */
export function flattenEnvVars(vars: Readonly<Record<string, string>>, format: string): string {
  return Object.keys(vars)
    .sort(compareGoStrings)
    .map((key) => goSprintf(format, key, vars[key] ?? ''))
    .join('');
}

/** Go's sort.Strings order: by bytes, not by locale. */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
