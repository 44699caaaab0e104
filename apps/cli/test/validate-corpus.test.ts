import { describe, expect, it } from 'vitest';
import { createBundledPluginRegistry } from '../src/plugins.js';
import {
  CORPUS_DIR,
  corpusAvailable,
  corpusCases,
  corpusPluginTypes,
  expectedOutputs,
  packerWordsOfValidate,
} from './corpus.js';
import { runKiln } from './run-kiln.js';

/**
 * Where Kiln's full-validate text differs from Packer's on purpose. Kiln always lists a build's
 * errors (`1 error occurred:` and `* ` items, each located), so every plugin's problems can be
 * reported together; Packer prints a plugin's config-decoding error bare, because it stops at the
 * first plugin that fails. The message itself must still be Packer's.
 */
const LISTED_WHERE_PACKER_PRINTS_BARE = new Set(['travis-ci/packer-templates/internal-nat.json']);
const withoutErrorList = (words: string): string => words.replace(/\d+ errors? occurred: \* /g, '');

const ENV = { PATH: '/nonexistent', HOME: '/nonexistent', CHECKPOINT_DISABLE: '1' };
const withoutKilnLocation = (text: string): string => text.replace(/(Failed to parse template: )\S+:\d+:\d+: /, '$1');

describe.skipIf(!corpusAvailable)('kiln validate on the corpus (the commands Packer 1.6.6 ran)', () => {
  const cases = corpusAvailable ? corpusCases() : [];

  it.each(cases.map((corpusCase) => [corpusCase.id, corpusCase] as const))('-syntax-only: %s', async (_id, corpusCase) => {
    const run = await runKiln(corpusCase.argv['syntax'] ?? [], { cwd: corpusCase.cwd, env: ENV });
    const expected = expectedOutputs(corpusCase, 'syntax');
    expect(run.code).toBe(expected.rc);
    expect(expected.outputs).toContain(withoutKilnLocation(run.stdout));
  });

  // Full validation can only agree where Kiln bundles every plugin the template names, or where
  // the template fails before any plugin is looked at (or names one that neither knows).
  const registry = createBundledPluginRegistry();
  const comparable = cases.filter((corpusCase) => {
    const types = corpusPluginTypes(corpusCase.id);
    const allBundled = (['builder', 'provisioner', 'post-processor'] as const).every((kind) =>
      types[kind].every((type) => registry.has(kind, type)),
    );
    const [expected = ''] = expectedOutputs(corpusCase, 'validate').outputs;
    const templateLevel = /^(Error: \n|Failed to parse template)/.test(expected);
    const unknownToBoth = /^Error: Failed to initialize build "[^"]*"\n\nerror initializing builder '(\w+)'/.exec(expected);
    return allBundled || templateLevel || (unknownToBoth !== null && !registry.has('builder', unknownToBoth[1] ?? ''));
  });

  it('compares a fair share of the corpus', () => {
    expect(comparable.length).toBeGreaterThanOrEqual(8);
  });

  it.each(comparable.map((corpusCase) => [corpusCase.id, corpusCase] as const))('full: %s', async (_id, corpusCase) => {
    const run = await runKiln(corpusCase.argv['validate'] ?? [], { cwd: corpusCase.cwd, env: ENV });
    const expected = expectedOutputs(corpusCase, 'validate');
    expect(run.code).toBe(expected.rc);
    const kilnWords = packerWordsOfValidate(withoutKilnLocation(run.stdout), CORPUS_DIR);
    const packerWords = expected.outputs.map((text) => packerWordsOfValidate(text, CORPUS_DIR));
    if (LISTED_WHERE_PACKER_PRINTS_BARE.has(corpusCase.id)) {
      expect(kilnWords).toMatch(/^Error: Failed to prepare build: "[^"]+" 1 error occurred: \* /);
      expect(packerWords).toContain(withoutErrorList(kilnWords));
    } else {
      expect(packerWords).toContain(kilnWords);
    }
  });
});
