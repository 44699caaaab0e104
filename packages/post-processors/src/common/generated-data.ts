import type { Artifact } from '@kiln/sdk';

/** The build's generated data that an artifact carries (`{{ build `Key` }}` in post-processors); {} if none. */
export function generatedDataOf(artifact: Artifact): Record<string, unknown> {
  const state = artifact.state('generated_data');
  if (state instanceof Map) return Object.fromEntries([...state].map(([key, value]) => [String(key), value]));
  return typeof state === 'object' && state !== null ? { ...(state as Record<string, unknown>) } : {};
}
