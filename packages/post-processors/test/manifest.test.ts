import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestPostProcessor, formatManifest, manifestPostProcessorPlugin, parseManifest } from '../src/index.js';
import { fakeArtifact, freshDir, inDir, postProcessContext, prepareContext } from './fakes.js';
import { hasPacker, runPacker } from '@kiln/testbed';

const RUN = '23d48967-45b0-0374-b9c2-3af3b0dfb1e8';

function manifest(config: object, now = 1795795999) {
  const pp = new ManifestPostProcessor({ now: () => now });
  pp.prepare(config, prepareContext);
  return pp;
}

describe('manifest file format', () => {
  it("writes Go's MarshalIndent layout: null files and custom_data, HTML escapes, sorted custom keys, no final newline", () => {
    const text = formatManifest({
      builds: [
        { name: 'null', builder_type: 'null', build_time: 1795804457, files: null, artifact_id: '', packer_run_uuid: RUN, custom_data: { z: 'a&b', id: '<no value>' } },
        { name: 'web', builder_type: 'file', build_time: 0, files: [{ name: 'out/f.txt', size: 5 }], artifact_id: 'File', packer_run_uuid: RUN, custom_data: null },
      ],
      last_run_uuid: RUN,
    });
    expect(text).toBe(
      [
        '{',
        '  "builds": [',
        '    {',
        '      "name": "null",',
        '      "builder_type": "null",',
        '      "build_time": 1795804457,',
        '      "files": null,',
        '      "artifact_id": "",',
        `      "packer_run_uuid": "${RUN}",`,
        '      "custom_data": {',
        '        "id": "\\u003cno value\\u003e",',
        '        "z": "a\\u0026b"',
        '      }',
        '    },',
        '    {',
        '      "name": "web",',
        '      "builder_type": "file",',
        '      "files": [',
        '        {',
        '          "name": "out/f.txt",',
        '          "size": 5',
        '        }',
        '      ],',
        '      "artifact_id": "File",',
        `      "packer_run_uuid": "${RUN}",`,
        '      "custom_data": null',
        '    }',
        '  ],',
        `  "last_run_uuid": "${RUN}"`,
        '}',
      ].join('\n'),
    );
  });

  it('reads an existing manifest as Go does: any key case, unknown keys dropped, wrong types refused', () => {
    expect(parseManifest('{"Builds":[{"NAME":"a","extra":1,"files":[]}],"last_run_uuid":"u"}')).toEqual({
      builds: [{ name: 'a', builder_type: '', build_time: 0, files: [], artifact_id: '', packer_run_uuid: '', custom_data: null }],
      last_run_uuid: 'u',
    });
    expect(() => parseManifest('{"builds":[{"name":5}]}')).toThrow(
      'json: cannot unmarshal number 5 into Go struct field Artifact.builds.name of type string',
    );
  });
});

describe('manifest post-processor', () => {
  it('declares its options', () => {
    expect(manifestPostProcessorPlugin).toMatchObject({ kind: 'post-processor', type: 'manifest' });
    expect(Object.keys(manifestPostProcessorPlugin.schema.properties ?? {}).sort()).toEqual(['custom_data', 'output', 'strip_path', 'strip_time']);
  });

  it('records the build, passes the input artifact on and keeps it', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'f.txt'), 'hello');
    const artifact = fakeArtifact([join(dir, 'f.txt'), join(dir, 'missing')]);
    const output = join(dir, 'm.json');
    const result = await manifest({ output, custom_data: { env: 'prod', id: '{{.ID}}' } }).postProcess(
      fakeArtifact(artifact.files, { generatedData: { ID: 'i-1' } }),
      postProcessContext().ctx,
    );
    expect(result).toMatchObject({ keep: true, forceOverride: true });
    expect(result.artifact?.files).toEqual(artifact.files);
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual({
      builds: [
        {
          name: 'web',
          builder_type: 'file',
          build_time: 1795795999,
          files: [
            { name: join(dir, 'f.txt'), size: 5 },
            { name: join(dir, 'missing'), size: 0 },
          ],
          artifact_id: 'File',
          packer_run_uuid: RUN,
          custom_data: { env: 'prod', id: 'i-1' },
        },
      ],
      last_run_uuid: RUN,
    });
    expect(statSync(output).mode & 0o777).toBe(0o664 & ~process.umask());
    expect(readdirSync(dir).sort()).toEqual(['f.txt', 'm.json']);
  });

  it('strips paths and time on request', async () => {
    const dir = freshDir();
    const output = join(dir, 'm.json');
    await manifest({ output, strip_path: true, strip_time: true }).postProcess(fakeArtifact(['/some/dir/f.txt']), postProcessContext().ctx);
    const [entry] = JSON.parse(readFileSync(output, 'utf8')).builds;
    expect(entry.files).toEqual([{ name: 'f.txt', size: 0 }]);
    expect(entry).not.toHaveProperty('build_time');
  });

  it('appends across runs, and -force starts over once per run', async () => {
    const dir = freshDir();
    const output = join(dir, 'm.json');
    const record = (runUuid: string, force: boolean) =>
      manifest({ output }).postProcess(fakeArtifact([]), postProcessContext({ runUuid, force }).ctx);
    const runs = () => JSON.parse(readFileSync(output, 'utf8')).builds.map((b: { packer_run_uuid: string }) => b.packer_run_uuid);
    await record('run-1', false);
    await record('run-2', false);
    expect(runs()).toEqual(['run-1', 'run-2']);
    await record('run-3', true);
    await record('run-3', true);
    expect(runs()).toEqual(['run-3', 'run-3']);
  });

  it('lets parallel builds of one run all land in the file', async () => {
    const dir = freshDir();
    const output = join(dir, 'm.json');
    await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((buildName) =>
        manifest({ output }).postProcess(fakeArtifact([]), postProcessContext({ buildName }).ctx),
      ),
    );
    const names = JSON.parse(readFileSync(output, 'utf8')).builds.map((b: { name: string }) => b.name).sort();
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(readdirSync(dir)).toEqual(['m.json']);
  });

  it("reports an unreadable manifest in Packer's words", async () => {
    const dir = freshDir();
    const output = join(dir, 'm.json');
    writeFileSync(output, '{"builds": "nope"}');
    await expect(manifest({ output }).postProcess(fakeArtifact([]), postProcessContext().ctx)).rejects.toThrow(
      `Unable to parse content from ${output}: json: cannot unmarshal string into Go struct field builds of type slice`,
    );
  });

  it.skipIf(!hasPacker)('writes the file Packer writes for the same builds', async () => {
    const template = {
      builders: [
        { type: 'file', name: 'web', target: 'out/f.txt', content: 'hello' },
        { type: 'null', communicator: 'none' },
      ],
      'post-processors': [[{ type: 'manifest', custom_data: { env: 'prod {{build_name}}', amp: 'a&b<c>' }, strip_time: true }]],
    };
    const packerDir = freshDir();
    runPacker(packerDir, template, ['build', '-parallel-builds=1']);
    const expected = readFileSync(join(packerDir, 'packer-manifest.json'), 'utf8');
    const runUuid = JSON.parse(expected).last_run_uuid as string;

    const kilnDir = freshDir();
    await inDir(kilnDir, async () => {
      mkdirSync('out');
      writeFileSync('out/f.txt', 'hello');
      // Packer runs builds sorted by name: null, then web.
      for (const [buildName, builderType, artifact] of [
        ['null', 'null', fakeArtifact([], { id: 'Null' })],
        ['web', 'file', fakeArtifact(['out/f.txt'])],
      ] as const) {
        const pp = new ManifestPostProcessor();
        pp.prepare({ custom_data: { env: `prod ${buildName}`, amp: 'a&b<c>' }, strip_time: true }, prepareContext);
        await pp.postProcess(artifact, postProcessContext({ buildName, builderType, runUuid }).ctx);
      }
    });
    expect(readFileSync(join(kilnDir, 'packer-manifest.json'), 'utf8')).toBe(expected);
  });
});
