import { KilnError } from '@kiln/sdk';

/**
 * Splits a `-var 'key=value'` argument at its first `=`, as Packer's kvflag does: the value may
 * hold more `=`, and an empty key is allowed. Without `=`: Packer's `No '=' value in arg: ...`.
 */
export function parseVarArg(arg: string): [name: string, value: string] {
  const index = arg.indexOf('=');
  if (index < 0) throw new KilnError('USAGE', `No '=' value in arg: ${arg}`);
  return [arg.slice(0, index), arg.slice(index + 1)];
}
