import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingUi, type Artifact, type BuildEnvironment, type PostProcessContext, type PrepareContext } from '@kiln/sdk';
import { fakeRender } from './fake-render.js';

export const prepareContext: PrepareContext = {
  buildName: 'web',
  builderType: 'file',
  positionOf: () => undefined,
  render: fakeRender,
};

export function environment(overrides: Partial<BuildEnvironment> = {}): BuildEnvironment {
  return {
    buildName: 'web',
    builderType: 'file',
    runUuid: '23d48967-45b0-0374-b9c2-3af3b0dfb1e8',
    cacheDir: 'packer_cache',
    debug: false,
    force: false,
    onError: 'cleanup',
    userVariables: {},
    ...overrides,
  };
}

export function postProcessContext(
  overrides: Partial<BuildEnvironment> = {},
  signal: AbortSignal = new AbortController().signal,
): { ctx: PostProcessContext; ui: ReturnType<typeof recordingUi> } {
  const ui = recordingUi();
  const ctx: PostProcessContext = { ui, signal, env: environment(overrides) };
  return { ctx, ui };
}

/** An artifact shaped like the file builder's (id 'File'), or any other. */
export function fakeArtifact(files: readonly string[], options: { id?: string; generatedData?: Record<string, unknown> } = {}): Artifact {
  return {
    builderId: 'packer.file',
    id: options.id ?? 'File',
    files,
    describe: () => `Stored file: ${files.join(', ')}`,
    state: (key) => (key === 'generated_data' ? options.generatedData : undefined),
    destroy: async () => undefined,
  };
}

export const freshDir = (prefix = 'kiln-pp-'): string => mkdtempSync(join(tmpdir(), prefix));

/** Runs `body` with the working directory set to `dir` (Packer resolves relative outputs there). */
export async function inDir<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await body();
  } finally {
    process.chdir(previous);
  }
}
