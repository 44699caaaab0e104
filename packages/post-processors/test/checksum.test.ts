import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChecksumPostProcessor, checksumPostProcessorPlugin } from '../src/index.js';
import { fakeArtifact, freshDir, inDir, postProcessContext, prepareContext } from './fakes.js';
import { hasPacker, packerArtifacts, runPacker } from '@kiln/testbed';

function checksum(config: object) {
  const pp = new ChecksumPostProcessor();
  pp.prepare(config, prepareContext);
  return pp;
}

describe('checksum post-processor', () => {
  it("validates types in Packer's words", () => {
    expect(checksumPostProcessorPlugin.validate?.({ checksum_types: ['md5', 'crc', 'SHA256'] }, prepareContext)).toEqual([
      'Unrecognized checksum type: crc',
      'Unrecognized checksum type: SHA256',
    ]);
    expect(checksumPostProcessorPlugin.schema.properties?.['output']?.['x-kiln-late-render']).toBe(true);
  });

  it('writes md5 by default next to the working directory, one line per file, and keeps the input', async () => {
    const dir = freshDir();
    await inDir(dir, async () => {
      writeFileSync('f.txt', 'hello');
      writeFileSync('g.txt', '');
      const { ctx } = postProcessContext();
      const result = await checksum({}).postProcess(fakeArtifact(['f.txt', 'g.txt']), ctx);
      expect(readFileSync('packer_web_file_md5.checksum', 'utf8')).toBe(
        '5d41402abc4b2a76b9719d911017c592\tf.txt\nd41d8cd98f00b204e9800998ecf8427e\tg.txt\n',
      );
      expect(result).toMatchObject({ keep: true, forceOverride: true });
      expect(result.artifact).toMatchObject({ builderId: 'packer.post-processor.checksum', id: '' });
      expect(result.artifact?.files).toEqual(['f.txt', 'g.txt', 'packer_web_file_md5.checksum']);
      expect(result.artifact?.describe()).toBe('Created artifact from files: f.txt, g.txt, packer_web_file_md5.checksum');
      expect(statSync('packer_web_file_md5.checksum').mode & 0o777).toBe(0o644 & ~process.umask());
    });
  });

  it('renders the output per type, creates its directory, and appends on a rerun (without listing the file again)', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'f.txt'), 'hello');
    const config = { checksum_types: ['sha1', 'sha512'], output: join(dir, 'sums', '{{.BuildName}}.{{.ChecksumType}}') };
    const first = await checksum(config).postProcess(fakeArtifact([join(dir, 'f.txt')]), postProcessContext().ctx);
    expect(first.artifact?.files).toEqual([join(dir, 'f.txt'), join(dir, 'sums', 'web.sha1'), join(dir, 'sums', 'web.sha512')]);
    const second = await checksum(config).postProcess(fakeArtifact([join(dir, 'f.txt')]), postProcessContext().ctx);
    expect(second.artifact?.files).toEqual([join(dir, 'f.txt')]);
    expect(readFileSync(join(dir, 'sums', 'web.sha1'), 'utf8')).toBe(
      'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d\tf.txt\n'.repeat(2),
    );
    expect(readdirSync(join(dir, 'sums')).sort()).toEqual(['web.sha1', 'web.sha512']);
  });

  it('writes nothing for an artifact without files', async () => {
    const dir = freshDir();
    const result = await checksum({ output: join(dir, 'x.{{.ChecksumType}}') }).postProcess(fakeArtifact([]), postProcessContext().ctx);
    expect(result.artifact?.files).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails on a missing input without leaving a partial checksum file', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'f.txt'), 'hello');
    const pp = checksum({ output: join(dir, 'sums') });
    await expect(pp.postProcess(fakeArtifact([join(dir, 'f.txt'), join(dir, 'nope')]), postProcessContext().ctx)).rejects.toThrow(
      `unable to open file ${join(dir, 'nope')}: open ${join(dir, 'nope')}: no such file or directory`,
    );
    expect(readdirSync(dir)).toEqual(['f.txt']);
  });

  it('its artifact removes every file it lists, inputs included, as in Packer', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'f.txt'), 'hello');
    const result = await checksum({ output: join(dir, 'sums') }).postProcess(fakeArtifact([join(dir, 'f.txt')]), postProcessContext().ctx);
    await result.artifact?.destroy();
    expect(existsSync(join(dir, 'f.txt'))).toBe(false);
    expect(existsSync(join(dir, 'sums'))).toBe(false);
  });

  it.skipIf(!hasPacker)('writes the files and artifact Packer writes', async () => {
    const config = { checksum_types: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], output: 'out/{{.BuildName}}_{{.ChecksumType}}.checksum' };
    const packerDir = freshDir();
    const { stdout } = runPacker(
      packerDir,
      { builders: [{ type: 'file', name: 'web', target: 'out/f.txt', content: 'hello\n' }], 'post-processors': [{ type: 'checksum', ...config }] },
      ['build'],
    );
    const kilnDir = freshDir();
    await inDir(kilnDir, async () => {
      mkdirSync('out');
      writeFileSync('out/f.txt', 'hello\n');
      const { artifact } = await checksum(config).postProcess(fakeArtifact(['out/f.txt']), postProcessContext().ctx);
      const [, fromPacker] = packerArtifacts(stdout, 'web');
      expect(fromPacker).toEqual({ 'builder-id': artifact?.builderId, id: artifact?.id, string: artifact?.describe(), files: artifact?.files });
    });
    for (const type of config.checksum_types) {
      const name = `out/web_${type}.checksum`;
      expect(readFileSync(join(kilnDir, name), 'utf8')).toBe(readFileSync(join(packerDir, name), 'utf8'));
    }
  });
});
