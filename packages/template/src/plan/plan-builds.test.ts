import { KilnError } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import type { JsonObjectNode } from '../json/ast.js';
import { jsonToValue } from '../json/index.js';
import { readTemplate } from '../read/index.js';
import { BuildPlanError, planBuilds, type PlanOptions } from './plan-builds.js';

const FILE = '/work/plan.json';

const variables: Record<string, string> = { name: 'web', retries: '3', bad: 'x', big: '99999999999999999999' };

function renderName(raw: string): string {
  if (raw.includes('nosuch')) throw new KilnError('TEMPLATE_INTERPOLATION', 'template: root:1: function "nosuch" not defined');
  return raw.replace(/\{\{\s*user `(\w+)`\s*\}\}/g, (_, name: string) => variables[name] ?? '');
}

function plan(text: string, options: Partial<PlanOptions> = {}) {
  return planBuilds(readTemplate(text, FILE), { renderName, ...options });
}

const configValue = (node: JsonObjectNode) => jsonToValue(node);

describe('planBuilds: builds and -only/-except', () => {
  const template = `{
    "builders": [
      {"type": "null", "name": "zeta"},
      {"type": "file", "name": "{{user \`name\`}}"},
      {"type": "null"}
    ]
  }`;

  it('plans one build per builder, named by the rendered name, sorted by name', () => {
    const { builds, errors } = plan(template);
    expect(errors).toEqual([]);
    expect(builds.map((build) => [build.name, build.builder.rawName, build.builder.type])).toEqual([
      ['null', 'null', 'null'],
      ['web', '{{user `name`}}', 'file'],
      ['zeta', 'zeta', 'null'],
    ]);
  });

  it.each([
    [{ only: ['web'] }, ['web']],
    [{ only: ['{{user `name`}}'] }, []],
    [{ only: ['n*'] }, []],
    [{ only: ['nope', 'zeta'] }, ['zeta']],
    [{ except: ['web', 'nope'] }, ['null', 'zeta']],
    [{ only: ['web', 'null'], except: ['null'] }, ['web']],
  ])('%j selects %j (exact match on rendered names, unknown names ignored)', (filter, names) => {
    expect(plan(template, filter).builds.map((build) => build.name)).toEqual(names);
  });

  it("reports a builder name that fails to render in Packer's words", () => {
    const { builds, errors } = plan('{"builders": [{"type": "null", "name": "{{nosuch}}"}, {"type": "file"}]}');
    expect(builds.map((build) => build.name)).toEqual(['file']);
    expect(errors.map((error) => [error.message, error.keyPath])).toEqual([
      [`Error interpolating builder '{{nosuch}}': template: root:1: function "nosuch" not defined`, 'builders[0].name'],
    ]);
  });

  it('refuses two builders whose names render alike', () => {
    const { builds, errors } = plan('{"builders": [{"type": "null", "name": "web"}, {"type": "file", "name": "{{user `name`}}"}]}');
    expect(builds.map((build) => build.builder.index)).toEqual([0]);
    expect(errors[0]).toMatchObject({ code: 'TEMPLATE_INVALID', keyPath: 'builders[1].name' });
  });
});

describe('planBuilds: provisioners', () => {
  it('filters by only/except on the RAW builder name and merges override[rawName]', () => {
    const { builds } = plan(`{
      "builders": [{"type": "null", "name": "{{user \`name\`}}"}, {"type": "file"}],
      "provisioners": [
        {"type": "shell", "only": ["{{user \`name\`}}"], "inline": ["a"]},
        {"type": "shell", "except": ["file"], "inline": ["b"]},
        {"type": "shell-local", "inline": ["echo a", "echo b", "echo c"], "env": {"A": "1", "B": "2"},
         "override": {"file": {"inline": ["echo x"], "env": {"B": "3"}, "extra": true}}}
      ]
    }`);
    const byName = Object.fromEntries(builds.map((build) => [build.name, build]));
    expect(byName.web!.provisioners.map((p) => configValue(p.config))).toEqual([
      { inline: ['a'] },
      { inline: ['b'] },
      { inline: ['echo a', 'echo b', 'echo c'], env: { A: '1', B: '2' } },
    ]);
    // Packer 1.6.6 ran `x`, `b`, `c` for such an override: lists merge element by element.
    expect(byName.file!.provisioners.map((p) => configValue(p.config))).toEqual([
      { inline: ['echo x', 'echo b', 'echo c'], env: { A: '1', B: '3' }, extra: true },
    ]);
  });

  it('keeps the positions of merged values where they were written', () => {
    const text = '{"builders": [{"type": "null"}], "provisioners": [{"type": "shell", "inline": ["a"], "override": {"null": {"inline": ["b"]}}}]}';
    const [build] = plan(text).builds;
    const inline = build!.provisioners[0]!.config.entries[0]!.value;
    expect(inline.kind === 'array' && inline.items[0]!.start.column).toBe(text.indexOf('"b"') + 1);
  });

  it.each([
    ['5', 'float64'],
    ['[1]', 'slice'],
    ['"x"', 'string'],
  ])('carries an override of %s for the provisioner to refuse at prepare, as Packer does', (value, kind) => {
    const { builds, errors } = plan(`{
      "builders": [{"type": "null"}, {"type": "null", "name": "b"}],
      "provisioners": [{"type": "shell-local", "inline": ["echo hi"], "override": {"null": ${value}}}]
    }`);
    expect(errors).toEqual([]);
    const [otherBuild, nullBuild] = builds;
    expect(builds.map((build) => build.name)).toEqual(['b', 'null']);
    expect(nullBuild!.provisioners[0]!.overrideError).toMatchObject({
      message: `Error decoding config: '' expected a map, got '${kind}'`,
      keyPath: 'provisioners[0].override.null',
      position: { line: 3 },
    });
    expect(configValue(nullBuild!.provisioners[0]!.config)).toEqual({ inline: ['echo hi'] });
    expect(otherBuild!.provisioners[0]!.overrideError).toBeUndefined();
  });

  it('parses pause_before and timeout to milliseconds and renders max_retries', () => {
    const { builds } = plan(`{
      "builders": [{"type": "null"}],
      "provisioners": [
        {"type": "shell", "pause_before": "1m30s", "timeout": "500ms", "max_retries": "{{user \`retries\`}}"},
        {"type": "shell"}
      ],
      "error-cleanup-provisioner": {"type": "shell-local", "only": ["nobody"], "max_retries": 2}
    }`);
    expect(builds[0]!.provisioners.map((p) => [p.pauseBeforeMs, p.timeoutMs, p.maxRetries])).toEqual([
      [90_000, 500, 3],
      [0, 0, 0],
    ]);
    // The cleanup provisioner ignores only/except, as in Packer.
    expect(builds[0]!.errorCleanupProvisioner).toMatchObject({ type: 'shell-local', maxRetries: 2 });
  });

  it.each([
    ['{{user `bad`}}', '`max_retries` must be a valid integer: strconv.Atoi: parsing "x": invalid syntax'],
    ['{{user `big`}}', '`max_retries` must be a valid integer: strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ['{{nosuch}}', 'failed to interpolate `max_retries`: template: root:1: function "nosuch" not defined'],
  ])('fails the builds that use max_retries %s like Packer (Failed to initialize build)', (retries, message) => {
    const { builds, errors } = plan(`{
      "builders": [{"type": "null", "name": "b"}, {"type": "null", "name": "a"}],
      "provisioners": [{"type": "shell-local", "only": ["a"], "max_retries": "${retries.replace(/`/g, '\\u0060')}"}]
    }`);
    expect(builds.map((build) => build.name)).toEqual(['b']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(BuildPlanError);
    expect(errors[0]).toMatchObject({ buildName: 'a', message, keyPath: 'provisioners[0].max_retries', position: { line: 3 } });
  });
});

describe('planBuilds: post-processor chains', () => {
  const template = `{
    "builders": [{"type": "null", "name": "a"}, {"type": "null", "name": "b"}],
    "post-processors": [
      "compress",
      [{"type": "shell-local", "name": "first", "only": ["b"]}, {"type": "checksum", "name": "sums"}, {"type": "manifest"}],
      [{"type": "shell-local", "except": ["a"]}]
    ]
  }`;

  const chains = (options: Partial<PlanOptions> = {}) =>
    Object.fromEntries(plan(template, options).builds.map((build) => [build.name, build.postProcessorChains.map((chain) => chain.map((pp) => pp.name))]));

  it('skips a post-processor by only/except without cutting its chain, and drops empty chains', () => {
    expect(chains()).toEqual({
      a: [['compress'], ['sums', 'manifest']],
      b: [['compress'], ['first', 'sums', 'manifest'], ['shell-local']],
    });
  });

  it('-except naming a post-processor drops it and the rest of its chain', () => {
    expect(chains({ except: ['sums'] })).toEqual({ a: [['compress']], b: [['compress'], ['first'], ['shell-local']] });
    expect(chains({ except: ['compress', 'a'] })).toEqual({ b: [['first', 'sums', 'manifest'], ['shell-local']] });
  });
});
