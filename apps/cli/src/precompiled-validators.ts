import type { PluginKind } from '@kiln/sdk';
import type { usePrecompiledValidator } from '@kiln/template';

export type PrecompiledValidator = Parameters<typeof usePrecompiledValidator>[1];

/**
 * The schema validator compiled ahead of time for a bundled plugin. Run from source (tests, the
 * tsc output) there are none and schemas compile on first use; scripts/bundle.mjs generates one
 * module per plugin and puts its own loader in place of this one.
 */
export async function loadPrecompiledValidator(_kind: PluginKind, _type: string): Promise<PrecompiledValidator | undefined> {
  return undefined;
}
