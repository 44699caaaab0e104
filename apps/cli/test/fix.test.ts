import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusAvailable } from './corpus.js';
import { runKiln } from './run-kiln.js';

const FIXTURES = new URL('./fixtures/packer-fix/', import.meta.url);

function tempTemplate(text: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-fix-'));
  writeFileSync(join(dir, 't.json'), text);
  return { dir, path: 't.json' };
}

describe('kiln fix', () => {
  describe.skipIf(!corpusAvailable)('on corpus templates, byte for byte as packer fix', () => {
    const cases = readdirSync(FIXTURES)
      .filter((file) => file.endsWith('.out'))
      .map((file) => file.slice(0, -'.out'.length));
    it.each(cases)('%s', async (name) => {
      // Fixture names are corpus paths with `/` written as `_`; find the template they name.
      const template = corpusPathOf(name);
      const run = await runKiln(['fix', template], { cwd: CORPUS_DIR });
      expect(run.stdout).toBe(readFileSync(new URL(`${name}.out`, FIXTURES), 'utf8'));
      expect(String(run.code)).toBe(readFileSync(new URL(`${name}.rc`, FIXTURES), 'utf8').trim());
    });
  });

  // Expected texts: Packer 1.6.6 on the same input.
  it.each([
    ['{"builders":[', 'Error parsing template: unexpected EOF\n'],
    ['  \n', 'Error parsing template: EOF\n'],
    ['[1,2]', 'Error parsing template: json: cannot unmarshal array into Go value of type map[string]interface {}\n'],
    ['{"builders":[{"type":"null"}], "x": tru}', `Error parsing template: invalid character '}' in literal true (expecting 'e')\n`],
    ['{"builders":"abc"}', "Error fixing: 1 error(s) decoding:\n\n* 'Builders': source data must be an array or slice, got string\n"],
  ])('reports %j as Packer does, exit 1', async (text, output) => {
    const { dir, path } = tempTemplate(text);
    expect(await runKiln(['fix', path], { cwd: dir })).toEqual({ code: 1, stdout: output, stderr: '' });
  });

  it('reads only the first JSON value, allows duplicate keys, and validates unless told not to', async () => {
    const { dir, path } = tempTemplate('{"foo":1,"foo":2} trailing');
    const fixed = '{\n  "builders": null,\n  "foo": 2\n}\n\n';
    expect(await runKiln(['fix', '-validate=false', path], { cwd: dir })).toEqual({ code: 0, stdout: fixed, stderr: '' });
    expect(await runKiln(['fix', path], { cwd: dir })).toEqual({
      code: 1,
      stdout:
        fixed +
        "Error! Fixed template fails to parse: 1 error occurred:\n\t* Unknown root level key in template: 'foo'\n\n" +
        '\n\nThis is usually caused by an error in the input template.\nPlease fix the error and try again.\n',
      stderr: '',
    });
  });

  it('names a missing file and a directory with Go words', async () => {
    const { dir } = tempTemplate('{}');
    expect((await runKiln(['fix', 'nope.json'], { cwd: dir })).stdout).toBe(
      'Error opening template: open nope.json: no such file or directory\n',
    );
    expect((await runKiln(['fix', '.'], { cwd: dir })).stdout).toBe('Error parsing template: read .: is a directory\n');
  });

  it('prints usage for a wrong argument count and a bad flag, exit 1', async () => {
    const none = await runKiln(['fix']);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^Usage: kiln fix \[options\] TEMPLATE\n[\s\S]*-validate=true {6}If true \(default\), validates the fixed template\.\n$/);
    const bad = await runKiln(['fix', '-validate=maybe', 'x.json']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe(`${none.stdout}invalid boolean value "maybe" for -validate: parse error\n`);
  });

  it('lists every fixer in -h, in Packer order and layout', async () => {
    const help = (await runKiln(['fix', '-h'])).stdout;
    expect(help).toContain(
      '  iso-md5                    Replaces "iso_md5" in builders with "iso_checksum"\n' +
        '  createtime                 Replaces ".CreateTime" in builder configs with "{{timestamp}}"\n',
    );
    expect(help).toContain('  proxmox-type               Updates the builder type proxmox to proxmox-iso\n\nOptions:\n');
  });

  it('prints the fixed template as one machine-readable row', async () => {
    const { dir, path } = tempTemplate('{"builders":[{"type":"null"}]}');
    const run = await runKiln(['fix', '-machine-readable', path], { cwd: dir });
    expect(run.stdout).toBe(
      '1608112800,,ui,say,{\\n  "builders": [\\n    {\\n      "type": "null"\\n    }\\n  ]\\n}\\n\n',
    );
  });
});

/** Turns a fixture name back into the corpus template path it was made from. */
function corpusPathOf(name: string): string {
  const index = readFileSync(join(CORPUS_DIR, 'index.tsv'), 'utf8').split('\n').slice(1);
  for (const row of index) {
    const [repo, , path] = row.split('\t');
    if (repo && path && `${repo}/${path}`.replaceAll('/', '_') === name) return `${repo}/${path}`;
  }
  throw new Error(`no corpus template for fixture ${name}`);
}
