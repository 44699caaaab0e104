import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { KilnError, KilnErrors } from '@kiln/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonSyntaxError, jsonToValue } from '../json/index.js';
import { KILN_PACKER_COMPAT_VERSION, checkMinPackerVersion, checkTemplate, loadTemplate, readTemplate } from './index.js';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const TEMPLATE = `{
  "description": "demo",
  "min_packer_version": "1.5.0",
  "variables": { "region": "us-east-1", "secret": null },
  "sensitive-variables": ["secret", "undeclared"],
  "builders": [
    { "type": "null", "communicator": "none" },
    { "type": "amazon-ebs", "name": "{{user \`region\`}}-ami", "region": "x" }
  ],
  "provisioners": [
    { "type": "shell", "only": "null", "pause_before": "10s", "timeout": 5, "max_retries": 3,
      "override": { "null": { "inline": ["a"] }, "bad": 1 }, "inline": ["b"] }
  ],
  "error-cleanup-provisioner": { "type": "shell-local", "inline": ["c"] },
  "post-processors": ["compress", { "type": "manifest", "name": "m", "keep_input_artifact": true },
    ["checksum", { "type": "shell-local", "except": ["null"], "inline": ["d"] }], []],
  "_comment": "ignored",
  "push": { "name": "ignored" }
}`;

describe('readTemplate model', () => {
  const template = readTemplate(TEMPLATE, '/work/t.json');

  it('keeps the top-level facts', () => {
    expect(template.path).toBe('/work/t.json');
    expect(template.description).toBe('demo');
    expect(template.minPackerVersion).toBe('1.5.0');
    expect(template.sensitiveVariables).toEqual(['secret', 'undeclared']);
    expect(template.root.entries.map((entry) => entry.key)).toContain('push');
  });

  it('lists variables in template order, null meaning required', () => {
    expect(template.variables.map(({ name, default: value, sensitive }) => [name, value, sensitive])).toEqual([
      ['region', 'us-east-1', false],
      ['secret', null, true],
    ]);
    expect(template.variables[1]!.position).toEqual({ file: '/work/t.json', line: 4, column: 41, offset: 100 });
  });

  it('names builders by their raw name, defaulting to the type, config without name/type', () => {
    expect(template.builders.map((b) => [b.index, b.type, b.rawName])).toEqual([
      [0, 'null', 'null'],
      [1, 'amazon-ebs', '{{user `region`}}-ami'],
    ]);
    expect(jsonToValue(template.builders[1]!.config)).toEqual({ region: 'x' });
    expect(template.builders[1]!.position).toMatchObject({ line: 8, column: 5 });
  });

  it('takes the special provisioner keys out of its config', () => {
    const [shell] = template.provisioners;
    expect(shell).toMatchObject({ type: 'shell', only: ['null'], pauseBefore: '10s', timeout: '5ns', maxRetries: '3' });
    expect(jsonToValue(shell!.config)).toEqual({ inline: ['b'] });
    expect(Object.keys(shell!.override!)).toEqual(['null']);
    expect(Object.keys(shell!.overrideNodes!)).toEqual(['null', 'bad']);
    expect(template.errorCleanupProvisioner?.type).toBe('shell-local');
  });

  it('normalises post-processor chains from the three spellings', () => {
    const chains = template.postProcessors.map((chain) =>
      chain.map((pp) => [pp.index, pp.type, pp.name, pp.keepInputArtifact, pp.except, jsonToValue(pp.config)]),
    );
    expect(chains).toEqual([
      [[[0, 0], 'compress', 'compress', undefined, undefined, {}]],
      [[[1, 0], 'manifest', 'm', true, undefined, {}]],
      [
        [[2, 0], 'checksum', 'checksum', undefined, undefined, {}],
        [[2, 1], 'shell-local', 'shell-local', undefined, ['null'], { inline: ['d'] }],
      ],
      [],
    ]);
  });

  it('passes checkTemplate but for the override that names no builder', () => {
    expect(checkTemplate(template).map((error) => [error.message, error.keyPath])).toEqual([
      ["provisioner 1: override 'bad' doesn't exist", 'provisioners[0].override.bad'],
    ]);
  });
});

describe('readTemplate errors carry positions and key paths', () => {
  it('throws every problem of a stage together as KilnErrors with Packer text as message', () => {
    const text = '{\n"builders": [{"type": "a"}, {"name": "b"}, {"type": "a"}],\n"provisioners": [{"type": "s", "pause_before": "x"}]\n}';
    const error = thrown(() => readTemplate(text, '/t.json')) as KilnErrors;
    expect(error).toBeInstanceOf(KilnErrors);
    expect(error.code).toBe('TEMPLATE_INVALID');
    expect(error.message).toBe(
      "3 errors occurred:\n\t* builder 2: missing 'type'\n\t* builder 3: builder with name 'a' already exists\n" +
        '\t* provisioner 1: Error decoding provisioner: 1 error(s) decoding:\n\n' +
        `* error decoding 'pause_before': time: invalid duration "x"\n\n`,
    );
    expect(error.errors.map((e) => [e.code, e.keyPath, e.position?.line, e.position?.column])).toEqual([
      ['TEMPLATE_INVALID', 'builders[1].type', 2, 29],
      ['TEMPLATE_INVALID', 'builders[2].name', 2, 44],
      ['TEMPLATE_INVALID', 'provisioners[0].pause_before', 3, 48],
    ]);
    expect(error.errors[2]!.message).toBe(
      `provisioner 1: Error decoding provisioner: error decoding 'pause_before': time: invalid duration "x"`,
    );
  });

  it('names unknown root keys at their key', () => {
    const error = thrown(() => readTemplate('{"builders": [], "bogus": 1}', 'f.json')) as KilnErrors;
    expect(error.errors[0]).toMatchObject({ keyPath: 'bogus', position: { file: 'f.json', line: 1, column: 18 } });
  });

  it('throws JSON syntax errors with the file', () => {
    const error = thrown(() => readTemplate('{', '/x/t.json')) as JsonSyntaxError;
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect(error.file).toBe('/x/t.json');
  });

  it('treats a null builder as a builder without type (Packer 1.6.6 crashes)', () => {
    const error = thrown(() => readTemplate('{"builders":[null]}', 't.json')) as KilnErrors;
    expect(error.message).toBe("1 error occurred:\n\t* builder 1: missing 'type'\n\n");
  });

  it('treats an empty root key as unknown (Packer 1.6.6 crashes)', () => {
    const error = thrown(() => readTemplate('{"":1}', 't.json')) as KilnErrors;
    expect(error.message).toBe("1 error occurred:\n\t* Unknown root level key in template: ''\n\n");
  });
});

describe('min_packer_version', () => {
  it('is checked against Packer 1.6.6', () => {
    expect(KILN_PACKER_COMPAT_VERSION).toBe('1.6.6');
    expect(checkMinPackerVersion('1.6.6')).toBeUndefined();
    const error = checkMinPackerVersion('1.7', { file: 't.json', line: 1, column: 2 });
    expect(error).toBeInstanceOf(KilnError);
    expect(error).toMatchObject({
      code: 'VERSION_UNSUPPORTED',
      keyPath: 'min_packer_version',
      message: 'This template requires Packer version 1.7.0 or higher; using 1.6.6',
    });
  });

  it('reports an out-of-range segment as Go does', () => {
    expect(checkMinPackerVersion('99999999999999999999')?.message).toBe(
      'min_version is invalid: Error parsing version: strconv.ParseInt: parsing "99999999999999999999": value out of range',
    );
  });
});

describe('loadTemplate', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-load-'));
    await writeFile(join(dir, 't.json'), '{"builders":[{"type":"null"}]}');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves a relative path against cwd', async () => {
    const template = await loadTemplate('t.json', { cwd: dir });
    expect(template.path).toBe(join(dir, 't.json'));
    expect(template.builders[0]!.type).toBe('null');
  });

  it('reads `-` from stdin, with the path Packer gives it', async () => {
    const stdin = Readable.from([Buffer.from('{"builders":[{"type":"file"}]}')]);
    const template = await loadTemplate('-', { cwd: dir, stdin });
    expect(template.path).toBe(join(dir, '-'));
    expect(template.builders[0]!.type).toBe('file');
  });

  it('reports a missing file in Go words', async () => {
    await expect(loadTemplate('nope.json', { cwd: dir })).rejects.toMatchObject({
      code: 'IO',
      message: 'open nope.json: no such file or directory',
    });
  });
});
