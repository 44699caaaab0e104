import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDocsCli } from './cli.js';
import { BEGIN_MARKER, type DocumentedPlugin } from './plugin-page.js';

const qemu: DocumentedPlugin = {
  kind: 'builder',
  type: 'qemu',
  description: 'Builds QEMU images.',
  schema: { type: 'object', properties: { disk_size: { type: 'string', default: '40960M' } } },
};
const shell: DocumentedPlugin = {
  kind: 'provisioner',
  type: 'shell',
  description: 'Runs shell scripts.',
  schema: { type: 'object', properties: { inline: { type: 'array', items: { type: 'string' } } } },
};

let root: string;
let lines: string[];
const run = (argv: string[], plugins: DocumentedPlugin[]) =>
  runDocsCli(argv, { root, loadPlugins: async () => plugins, stdout: (line) => lines.push(line) });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kiln-docs-'));
  lines = [];
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runDocsCli', () => {
  it('writes one page per plugin under docs/plugins, then --check passes', async () => {
    expect(await run([], [qemu, shell])).toBe(0);
    expect((await readdir(join(root, 'docs/plugins'))).sort()).toEqual(['builder-qemu.md', 'provisioner-shell.md']);
    expect(await readFile(join(root, 'docs/plugins/builder-qemu.md'), 'utf8')).toContain('| `disk_size` | string | `40960M` |  |  |');
    lines = [];
    expect(await run(['--check'], [qemu, shell])).toBe(0);
    expect(lines).toEqual(['2 plugin page(s) up to date.']);
  });

  it('--check fails on a schema change or a missing page and writes nothing', async () => {
    await run([], [qemu]);
    const changed: DocumentedPlugin = { ...qemu, schema: { type: 'object', properties: { disk_size: { type: 'integer' } } } };
    const before = await readFile(join(root, 'docs/plugins/builder-qemu.md'), 'utf8');
    lines = [];
    expect(await run(['--check'], [changed, shell])).toBe(1);
    expect(lines).toEqual([
      'out of date: docs/plugins/builder-qemu.md',
      'out of date: docs/plugins/provisioner-shell.md',
      '2 plugin page(s) out of date: run `npm run docs` and commit the result.',
    ]);
    expect(await readFile(join(root, 'docs/plugins/builder-qemu.md'), 'utf8')).toBe(before);
    expect(await readdir(join(root, 'docs/plugins'))).toEqual(['builder-qemu.md']);
  });

  it('keeps hand-written text through regeneration and reports pages left without a plugin', async () => {
    await run([], [qemu, shell]);
    const path = join(root, 'docs/plugins/builder-qemu.md');
    await writeFile(path, `${await readFile(path, 'utf8')}\n## Example\n\nHand-written.\n`);
    const changed: DocumentedPlugin = { ...qemu, description: 'Builds QEMU machine images.' };
    lines = [];
    expect(await run([], [changed])).toBe(0);
    const page = await readFile(path, 'utf8');
    expect(page).toContain('Builds QEMU machine images.');
    expect(page.endsWith('\n## Example\n\nHand-written.\n')).toBe(true);
    expect(lines).toEqual([
      'no plugin for generated page docs/plugins/provisioner-shell.md (remove it by hand)',
      'wrote docs/plugins/builder-qemu.md',
      '1 page(s) written, 0 unchanged.',
    ]);
  });

  it('writes where --out says and refuses unknown flags', async () => {
    expect(await run(['--out', 'site/plugins'], [qemu])).toBe(0);
    expect(await readdir(join(root, 'site/plugins'))).toEqual(['builder-qemu.md']);
    expect(await run(['--bogus'], [qemu])).toBe(2);
  });

  it('fails when there is nothing to document', async () => {
    expect(await run([], [])).toBe(1);
    expect(lines[0]).toMatch(/no plugins to document/);
  });
});

describe('the orphan check', () => {
  it('ignores hand-written pages that never had a generated block', async () => {
    await run([], [qemu]);
    await writeFile(join(root, 'docs/plugins/README.md'), '# Plugins\n');
    lines = [];
    await run(['--check'], [qemu]);
    expect(lines.some((line) => line.includes('README'))).toBe(false);
    expect(BEGIN_MARKER).toContain('npm run docs');
  });
});
