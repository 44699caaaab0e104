import { readVarFile } from '@kiln/template/read';
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
