import { statSync } from 'node:fs';
import type { JsonSchema } from '@kiln/sdk';

/** Packer's CDConfig options. */
export interface CdConfig {
  readonly cd_files?: readonly string[];
  readonly cd_label?: string;
}

export const cdConfigProperties: Readonly<Record<string, JsonSchema>> = {
  cd_files: { type: 'array', items: { type: 'string' }, description: 'Files and directories put on a CD attached to the machine (made with xorriso, mkisofs, hdiutil or oscdimg).' },
  cd_label: { type: 'string', description: 'Volume label of that CD (default packer).' },
};

/** Packer's CDConfig.Prepare: every cd_files path must exist (`Bad CD disk file '<p>': stat <p>: ...`). */
export function prepareCdConfig(config: CdConfig): { readonly files: readonly string[]; readonly label: string | undefined; readonly errors: string[] } {
  const files = config.cd_files ?? [];
  const errors = files.flatMap((path) => statError(path, 'Bad CD disk file'));
  return { files, label: config.cd_label || undefined, errors };
}

/** `<prefix> '<path>': stat <path>: <reason>` when the path cannot be stat'ed, as Go words it. */
export function statError(path: string, prefix: string): string[] {
  try {
    statSync(path);
    return [];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return [`${prefix} '${path}': stat ${path}: ${reason}`];
  }
}
