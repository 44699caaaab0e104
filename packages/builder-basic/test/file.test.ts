import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileBuilder, fileBuilderPlugin } from '../src/index.js';
import { fakeBuildContext, prepareContext } from './fakes.js';
import { hasPacker, packerArtifacts, packerPrepareErrors, runPacker } from '@kiln/testbed';

const fresh = () => mkdtempSync(join(tmpdir(), 'kiln-file-'));

async function build(config: object) {
  const builder = new FileBuilder();
  const prepared = builder.prepare(config, prepareContext);
  const fake = fakeBuildContext();
  const artifact = await builder.run(fake.ctx);
  return { prepared, artifact, ...fake };
}

describe('file builder: options', () => {
  const cases: [string, object, string[]][] = [
    ['no target', {}, ['target required']],
    ['source and content', { target: 'x', source: 'a', content: 'b' }, ['Cannot specify source file AND content']],
    ['a missing source (found only when building)', { target: 'x', source: 'nonexist' }, []],
  ];

  it.each(cases)('validates %s in Packer words', (_name, config, expected) => {
    expect(fileBuilderPlugin.validate?.(config, prepareContext)).toEqual(expected);
  });

  it.skipIf(!hasPacker)('says what packer validate says', () => {
    const dir = fresh();
    for (const [, config, expected] of cases) {
      expect(packerPrepareErrors(runPacker(dir, { builders: [{ type: 'file', ...config }] }, ['validate']).stdout)).toEqual(expected);
    }
  });

  it('warns when the target will be empty', () => {
    expect(new FileBuilder().prepare({ target: 'x' }, prepareContext)).toEqual({
      warnings: ['Both source file and contents are blank; target will have no content'],
    });
    expect(new FileBuilder().prepare({ target: 'x', content: 'y' }, prepareContext)).toEqual({});
  });
});

describe('file builder: run', () => {
  it('writes content (owner-only, parents created), provisions with no data, and returns the file artifact', async () => {
    const target = join(fresh(), 'a', 'b', 'f.txt');
    const { artifact, calls, ui } = await build({ target, content: 'hello' });
    expect(readFileSync(target, 'utf8')).toBe('hello');
    expect(statSync(target).mode & 0o777).toBe(0o600 & ~process.umask());
    expect(ui.lines).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.data).toEqual({});
    expect(await calls[0]?.communicator?.exec({ command: 'anything' })).toEqual({ exitStatus: 0 });
    expect(artifact).toMatchObject({ builderId: 'packer.file', id: 'File', files: [target] });
    expect(artifact?.describe()).toBe(`Stored file: ${target}`);
    expect(artifact?.state('par.artifact.metadata')).toEqual({ ImageID: target, ProviderName: 'File' });
    expect(artifact?.state('generated_data')).toBeUndefined();
    await artifact?.destroy();
    expect(existsSync(target)).toBe(false);
  });

  it('copies a source and says so', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'src.txt'), 'abcde');
    const { ui, artifact } = await build({ target: join(dir, 'out.txt'), source: join(dir, 'src.txt') });
    expect(ui.lines).toEqual([`say: Copying ${join(dir, 'src.txt')} to ${join(dir, 'out.txt')}`, 'say: Copied 5 bytes']);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('abcde');
    expect(artifact?.files).toEqual([join(dir, 'out.txt')]);
  });

  it("fails on a missing source in Go's words, leaving no target", async () => {
    const dir = fresh();
    const builder = new FileBuilder();
    builder.prepare({ target: join(dir, 'out.txt'), source: join(dir, 'nonexist') }, prepareContext);
    await expect(builder.run(fakeBuildContext().ctx)).rejects.toThrow(`open ${join(dir, 'nonexist')}: no such file or directory`);
    expect(existsSync(join(dir, 'out.txt'))).toBe(false);
  });

  it.skipIf(!hasPacker)('makes the file and artifact Packer makes', async () => {
    const packerDir = fresh();
    const config = { target: 'out/f.txt', content: 'hello' };
    const { stdout } = runPacker(packerDir, { builders: [{ type: 'file', ...config }] }, ['build']);

    const kilnDir = fresh();
    const previous = process.cwd();
    process.chdir(kilnDir);
    try {
      const { artifact } = await build(config);
      expect(packerArtifacts(stdout, 'file')).toEqual([
        { 'builder-id': artifact?.builderId, id: artifact?.id, string: artifact?.describe(), files: artifact?.files },
      ]);
      expect(readFileSync('out/f.txt', 'utf8')).toBe(readFileSync(join(packerDir, 'out/f.txt'), 'utf8'));
      expect(statSync('out/f.txt').mode).toBe(statSync(join(packerDir, 'out/f.txt')).mode);
    } finally {
      process.chdir(previous);
    }
  });
});
