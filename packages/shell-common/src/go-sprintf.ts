/**
 * Go's fmt.Sprintf for the string-only formats users write in `env_var_format`
 * (`%s='%s' `, `export %s="%s"\n`, `$env:%s="%s"; `): `%s` and `%v` take the next argument, `%%` is
 * a percent sign, and a missing or extra argument is marked the way Go marks it, so a format with the
 * wrong number of verbs fails visibly in the script rather than silently.
 */
export function goSprintf(format: string, ...args: readonly string[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < format.length; i++) {
    const char = format[i];
    if (char !== '%') {
      out += char;
      continue;
    }
    const verb = format[i + 1];
    i++;
    if (verb === '%') out += '%';
    else if (verb === undefined) out += '%!(NOVERB)';
    else if (next < args.length) out += verb === 's' || verb === 'v' ? args[next++] : `%!${verb}(string=${args[next++]})`;
    else out += `%!${verb}(MISSING)`;
  }
  if (next < args.length) out += `%!(EXTRA ${args.slice(next).map((a) => `string=${a}`).join(', ')})`;
  return out;
}
