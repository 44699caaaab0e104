import {
  KilnError,
  KilnErrors,
  createPluginRegistry,
  definePlugin,
  type JsonSchema,
  type PluginDefinition,
  type PluginKind,
  type PrepareContext,
} from '@kiln/sdk';
import { readTemplate } from '@kiln/template';
import { describe, expect, it } from 'vitest';
import { prepareBuilds, type PrepareBuildsOptions } from './prepare-builds.js';

interface Seen {
  config: Record<string, unknown>;
  ctx: PrepareContext;
}

/** A plugin with a closed schema of string options that records what it was prepared with. */
function recordingPlugin(
  kind: PluginKind,
  type: string,
  seen: Seen[],
  behaviour: { validate?: string[]; prepareThrows?: KilnError[]; warnings?: string[]; generated?: string[] } = {},
): PluginDefinition {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      a: { type: 'string' },
      b: { type: 'string' },
      inline: { type: 'array', items: { type: 'string' } },
      password: { type: 'string', 'x-kiln-secret': true },
    },
  };
  const prepare = (config: Record<string, unknown>, ctx: PrepareContext) => {
    seen.push({ config, ctx });
    if (behaviour.prepareThrows) throw new KilnErrors(behaviour.prepareThrows);
    return { warnings: behaviour.warnings ?? [], generatedData: behaviour.generated ?? [] };
  };
  return definePlugin<Record<string, unknown>, object>({
    kind,
    type,
    description: `fake ${type}`,
    schema,
    ...(behaviour.validate ? { validate: () => behaviour.validate! } : {}),
    create: () => ({ prepare, run: async () => undefined, provision: async () => undefined, postProcess: async () => undefined }),
  }) as PluginDefinition;
}

function setup(text: string, plugins: PluginDefinition[], overrides: Partial<PrepareBuildsOptions> = {}) {
  const loaders: Record<PluginKind, Record<string, () => Promise<PluginDefinition>>> = {
    builder: {},
    provisioner: {},
    'post-processor': {},
  };
  for (const plugin of plugins) loaders[plugin.kind][plugin.type] = async () => plugin;
  const template = readTemplate(text, '/work/t.json');
  return prepareBuilds(template, {
    registry: createPluginRegistry(loaders),
    variables: { values: { who: 'world' }, sensitiveValues: [] },
    initTime: new Date('2026-01-02T03:04:05Z'),
    cwd: '/work',
    env: {},
    ...overrides,
  });
}

const messagesOf = (errors: readonly KilnError[]) => errors.map((e) => e.message);

describe('prepareBuilds', () => {
  it('prepares the builds that are fine and reports the others, sorted by name', async () => {
    const seen: Seen[] = [];
    const result = await setup(
      JSON.stringify({
        builders: [
          { type: 'fake', name: 'zeta', a: 'x' },
          { type: 'fake', name: 'alpha', bogus: 1 },
        ],
      }),
      [recordingPlugin('builder', 'fake', seen)],
    );
    expect(result.builds.map((b) => b.name)).toEqual(['zeta']);
    expect(result.failures).toHaveLength(1);
    const failure = result.failures[0]!;
    expect(failure).toMatchObject({ buildName: 'alpha', stage: 'prepare' });
    // Packer 1.6.6 prints exactly this for the null builder
    expect(messagesOf(failure.errors)).toEqual([`unknown configuration key: '"bogus"'`]);
    expect(failure.errors[0]).toMatchObject({ keyPath: 'builders[1].bogus', position: { file: '/work/t.json', line: 1 } });
  });

  it('reports every unknown plugin type of a build, in Packer words, as an initialize failure', async () => {
    const result = await setup(
      JSON.stringify({
        builders: [{ type: 'nope' }],
        provisioners: [{ type: 'nopeprov' }],
        'post-processors': ['nopepp'],
      }),
      [],
    );
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.stage).toBe('initialize');
    expect(messagesOf(result.failures[0]!.errors)).toEqual([
      "error initializing builder 'nope': Unknown builder nope",
      "error initializing provisioner 'nopeprov': Unknown provisioner nopeprov",
      "error initializing post-processor 'nopepp': Unknown post-processor nopepp",
    ]);
  });

  it('reports the errors of every plugin of a build together (Packer stops at the first plugin)', async () => {
    const seen: Seen[] = [];
    const result = await setup(
      JSON.stringify({
        builders: [{ type: 'fake', bogus: 1 }],
        provisioners: [{ type: 'check' }, { type: 'throws' }],
        'post-processors': [{ type: 'pp', other: 2 }],
      }),
      [
        recordingPlugin('builder', 'fake', seen),
        recordingPlugin('provisioner', 'check', seen, { validate: ['Command, Inline, Script and Scripts options cannot all be empty.'] }),
        recordingPlugin('provisioner', 'throws', seen, { prepareThrows: [new KilnError('CONFIG_INVALID', 'a is required')] }),
        recordingPlugin('post-processor', 'pp', seen),
      ],
    );
    expect(messagesOf(result.failures[0]!.errors)).toEqual([
      `unknown configuration key: '"bogus"'`,
      'Command, Inline, Script and Scripts options cannot all be empty.',
      'a is required',
      `unknown configuration key: '"other"'`,
    ]);
    // prepare() runs only for configs that decoded and validated
    expect(seen.map((s) => s.ctx.buildName)).toEqual(['fake']);
  });

  it('renders configs with the build context and user variables, keeping build data for the run', async () => {
    const seen: Seen[] = [];
    const result = await setup(
      JSON.stringify({
        builders: [{ type: 'fake', name: 'web-{{user `who`}}', a: '{{build_name}}/{{build_type}}/{{user `who`}}' }],
        provisioners: [{ type: 'sh', inline: ['host {{build `Host`}}'] }],
      }),
      [recordingPlugin('builder', 'fake', seen), recordingPlugin('provisioner', 'sh', seen)],
    );
    expect(result.builds.map((b) => b.name)).toEqual(['web-world']);
    expect(seen[0]!.config).toEqual({ a: 'web-world/fake/world' });
    const provisioner = seen[1]!;
    expect(provisioner.ctx).toMatchObject({ buildName: 'web-world', builderType: 'fake', templatePath: '/work/t.json' });
    const line = (provisioner.config['inline'] as string[])[0]!;
    expect(provisioner.ctx.render(line, { Host: '10.0.0.5' })).toBe('host 10.0.0.5');
  });

  it('hands plugins the position of their config keys', async () => {
    const seen: Seen[] = [];
    await setup('{\n  "builders": [\n    {\n      "type": "fake",\n      "a": "x"\n    }\n  ]\n}', [recordingPlugin('builder', 'fake', seen)]);
    expect(seen[0]!.ctx.positionOf('a')).toMatchObject({ file: '/work/t.json', line: 5, column: 12 });
    expect(seen[0]!.ctx.positionOf('missing')).toBeUndefined();
  });

  it('applies -only/-except and carries pause_before, timeout, max_retries and keep_input_artifact', async () => {
    const seen: Seen[] = [];
    const result = await setup(
      JSON.stringify({
        builders: [
          { type: 'fake', name: 'a' },
          { type: 'fake', name: 'b' },
        ],
        provisioners: [{ type: 'sh', pause_before: '2s', timeout: '1m', max_retries: '3' }],
        'post-processors': [[{ type: 'pp', name: 'first', keep_input_artifact: true }, { type: 'pp' }]],
      }),
      [recordingPlugin('builder', 'fake', seen), recordingPlugin('provisioner', 'sh', seen), recordingPlugin('post-processor', 'pp', seen)],
      { except: ['a'] },
    );
    expect(result.builds.map((b) => b.name)).toEqual(['b']);
    const build = result.builds[0]!;
    expect(build.provisioners[0]).toMatchObject({ type: 'sh', pauseBeforeMs: 2000, timeoutMs: 60_000, maxRetries: 3 });
    expect(build.postProcessorChains[0]!.map((pp) => [pp.name, pp.type, pp.keepInputArtifact])).toEqual([
      ['first', 'pp', true],
      ['pp', 'pp', undefined],
    ]);
  });

  it('collects the values of secret options, to be masked like sensitive variables', async () => {
    const result = await setup(JSON.stringify({ builders: [{ type: 'fake', password: 'hunter2', a: 'not secret' }] }), [
      recordingPlugin('builder', 'fake', []),
    ]);
    expect(result.secrets).toEqual(['hunter2']);
  });

  it('collects the warnings of prepare()', async () => {
    const result = await setup(JSON.stringify({ builders: [{ type: 'fake', name: 'w' }] }), [
      recordingPlugin('builder', 'fake', [], { warnings: ['Your vmx data contains ...'] }),
    ]);
    expect(result.warnings).toEqual([{ buildName: 'w', messages: ['Your vmx data contains ...'] }]);
    expect(result.builds).toHaveLength(1);
  });
});
