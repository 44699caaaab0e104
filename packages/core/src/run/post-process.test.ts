import { recordingUi, type BuildEnvironment } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import { fakeArtifact, fakePostProcessor } from '../../test/fakes.js';
import type { PreparedPostProcessor } from '../prepare/prepared-build.js';
import { keepInput, runPostProcessors } from './post-process.js';

const env: BuildEnvironment = {
  buildName: 'b',
  builderType: 'file',
  runUuid: 'uuid',
  cacheDir: '/tmp/cache',
  debug: false,
  force: false,
  onError: 'cleanup',
  userVariables: {},
};

/** Plugin defaults as Packer 1.6.6's post-processors return them. */
const DEFAULTS = {
  compress: { keep: false, forceOverride: false },
  checksum: { keep: true, forceOverride: true },
  manifest: { keep: true, forceOverride: true, returnsInput: true },
} as const;

type Kind = keyof typeof DEFAULTS;

function chain(journal: string[], ...pps: [Kind, string, boolean?][]): PreparedPostProcessor[] {
  return pps.map(([kind, id, userKeep]) => ({
    type: kind,
    name: kind,
    postProcessor: fakePostProcessor({ journal, id, ...DEFAULTS[kind] }),
    ...(userKeep === undefined ? {} : { keepInputArtifact: userKeep }),
  }));
}

async function run(chains: (journal: string[]) => PreparedPostProcessor[][]) {
  const journal: string[] = [];
  const ui = recordingUi();
  const outcome = await runPostProcessors(fakeArtifact('builder', journal), {
    build: 'b',
    chains: chains(journal),
    ui,
    uiFor: () => ui,
    signal: new AbortController().signal,
    env,
    emit: () => undefined,
  });
  return { ids: outcome.artifacts.map((a) => a.id), errors: outcome.errors.map((e) => e.message), journal, ui };
}

describe('keep_input_artifact', () => {
  // [plugin default keep, forceOverride, user setting] -> kept
  it.each([
    [false, false, undefined, false],
    [false, false, true, true],
    [false, false, false, false],
    [true, false, undefined, true],
    [true, false, false, false],
    [true, true, false, true],
    [true, true, undefined, true],
    [false, true, true, true],
  ] as const)('default %s, force %s, user %s -> keep %s', (defaultKeep, force, user, expected) => {
    expect(keepInput(defaultKeep, force, user)).toBe(expected);
  });

  // The five builds of one Packer 1.6.6 run (file builder; compress/checksum/manifest), and the
  // artifact lists Packer printed for them.
  it('compress alone destroys the builder artifact', async () => {
    const { ids, journal } = await run((j) => [chain(j, ['compress', 'a'])]);
    expect(ids).toEqual(['a']);
    expect(journal).toContain('destroy builder');
  });

  it('compress with keep_input_artifact=true keeps it', async () => {
    const { ids, journal } = await run((j) => [chain(j, ['compress', 'b', true])]);
    expect(ids).toEqual(['builder', 'b']);
    expect(journal).not.toContain('destroy builder');
  });

  it("checksum's forced keep beats the user's keep_input_artifact=false", async () => {
    const { ids } = await run((j) => [chain(j, ['checksum', 'sum', false])]);
    expect(ids).toEqual(['builder', 'sum']);
  });

  it('a later post-processor that does not keep destroys the artifact before it', async () => {
    const { ids, journal } = await run((j) => [chain(j, ['compress', 'c', true], ['compress', 'd'])]);
    expect(ids).toEqual(['builder', 'd']);
    expect(journal).toEqual(['pp c <- builder', 'pp d <- c', 'destroy c']);
  });

  it('kept intermediates are listed, and manifest lists its input twice', async () => {
    const { ids } = await run((j) => [chain(j, ['checksum', 'e'], ['compress', 'f', true], ['manifest', 'm', false])]);
    expect(ids).toEqual(['builder', 'e', 'f', 'f']);
  });

  it('keeps the builder artifact when any chain keeps it, and destroys it only at the end', async () => {
    const { ids, journal } = await run((j) => [chain(j, ['compress', 'x']), chain(j, ['checksum', 'y'])]);
    expect(ids).toEqual(['builder', 'x', 'y']);
    expect(journal).not.toContain('destroy builder');
  });
});

describe('post-processor chains', () => {
  it('announce each post-processor, with its name when it differs from its type', async () => {
    const journal: string[] = [];
    const ui = recordingUi();
    await runPostProcessors(fakeArtifact('builder', journal), {
      build: 'b',
      chains: [
        [
          { type: 'compress', name: 'compress', postProcessor: fakePostProcessor({ journal, id: 'p' }) },
          { type: 'compress', name: 'archive', postProcessor: fakePostProcessor({ journal, id: 'q' }) },
        ],
      ],
      ui,
      uiFor: () => recordingUi(),
      signal: new AbortController().signal,
      env,
      emit: () => undefined,
    });
    expect(ui.lines).toEqual(['say: Running post-processor: compress', 'say: Running post-processor: archive (type compress)']);
  });

  it('an error skips the rest of its chain, other chains still run, and the error is reported', async () => {
    const { ids, errors, journal } = await run((j) => [
      [
        { type: 'x', name: 'x', postProcessor: fakePostProcessor({ journal: j, id: 'bad', fail: true }) },
        { type: 'y', name: 'y', postProcessor: fakePostProcessor({ journal: j, id: 'never' }) },
      ],
      chain(j, ['checksum', 'ok']),
    ]);
    expect(errors).toEqual(['Post-processor failed: bad broke']);
    expect(journal).not.toContain('pp never <- bad');
    expect(ids).toEqual(['builder', 'ok']);
  });

  it('no artifact from a post-processor ends its chain silently, before its keep counts', async () => {
    const { ids, errors, journal } = await run((j) => [
      [
        { type: 'x', name: 'x', keepInputArtifact: true, postProcessor: fakePostProcessor({ journal: j, id: 'n', nothing: true }) },
        { type: 'y', name: 'y', postProcessor: fakePostProcessor({ journal: j, id: 'never' }) },
      ],
    ]);
    expect(errors).toEqual([]);
    expect(journal).not.toContain('pp never <- n');
    // Packer never reads the keep of a post-processor that returned nothing: the builder artifact goes
    expect(ids).toEqual([]);
    expect(journal).toContain('destroy builder');
  });
});
