import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, corpusCases, expectedOutputs, normalizeOutput } from './corpus.js';
import { runKiln } from './run-kiln.js';

/** Kiln adds `file:line:column: ` to a JSON syntax error (on purpose); Packer's text follows it. */
const withoutKilnLocation = (text: string): string => text.replace(/(Failed to parse template: )\S+:\d+:\d+: /, '$1');

describe('kiln inspect', () => {
  describe.skipIf(!corpusAvailable)('prints what Packer 1.6.6 printed for every corpus template', () => {
    const cases = corpusAvailable ? corpusCases() : [];
    it.each(cases.map((corpusCase) => [corpusCase.id, corpusCase] as const))('%s', async (_id, corpusCase) => {
      for (const kind of ['inspect', 'inspect-mr']) {
        const run = await runKiln(corpusCase.argv[kind] ?? [], { cwd: corpusCase.cwd });
        const expected = expectedOutputs(corpusCase, kind);
        expect(run.code, kind).toBe(expected.rc);
        expect(expected.outputs, kind).toContain(normalizeOutput(kind, withoutKilnLocation(run.stdout)));
      }
    });
  });

  it('names the file and true position of a JSON syntax error before Packer text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-inspect-'));
    writeFileSync(join(dir, 'bad.json'), '{\n  "builders": [\n    {"type": "null",}\n  ]\n}\n');
    const run = await runKiln(['inspect', 'bad.json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      "Failed to parse template: bad.json:3:21: Error parsing JSON: invalid character '}' looking for beginning of object key string\n" +
        'At line 3, column 22 (offset 39):\n' +
        '    2:   "builders": [\n' +
        '    3:     {"type": "null",}\n' +
        '                           ^\n\n',
    );
  });

  it('reports a missing template as Packer does, and asks for exactly one', async () => {
    expect(await runKiln(['inspect', 'nope.json'], { cwd: tmpdir() })).toEqual({
      code: 1,
      stdout: '"nope.json": stat nope.json: no such file or directory\n',
      stderr: '',
    });
    const usage = await runKiln(['inspect']);
    expect(usage.code).toBe(1);
    expect(usage.stdout).toMatch(/^Usage: kiln inspect TEMPLATE\n/);
  });
});
