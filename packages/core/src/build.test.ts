import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createPluginRegistry,
  definePlugin,
  recordingUi,
  type BuildContext,
  type BuildEnvironment,
  type PluginDefinition,
} from '@kiln/sdk';
import { readTemplate } from '@kiln/template';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeArtifact } from '../test/fakes.js';
import { build, type BuildOptions } from './build.js';
import type { BuildEvent } from './events.js';

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'kiln-build-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** A builder that says its `message` option and records the environment it ran with. */
function talkingBuilder(seen: BuildEnvironment[]): PluginDefinition {
  return definePlugin<{ message?: string }, object>({
    kind: 'builder',
    type: 'talk',
    description: 'says something',
    schema: { type: 'object', properties: { message: { type: 'string' } } },
    create: () => {
      let message = '';
      return {
        prepare: (config: { message?: string }) => {
          message = config.message ?? '';
          return {};
        },
        run: async (ctx: BuildContext) => {
          seen.push(ctx.env);
          ctx.ui.say(message);
          return fakeArtifact(ctx.env.buildName);
        },
      };
    },
  }) as PluginDefinition;
}

function options(seen: BuildEnvironment[], extra: Partial<BuildOptions> = {}): BuildOptions & { events: BuildEvent[] } {
  const events: BuildEvent[] = [];
  return {
    registry: createPluginRegistry({ builder: { talk: async () => talkingBuilder(seen) }, provisioner: {}, 'post-processor': {} }),
    cwd,
    env: {},
    onEvent: (event) => events.push(event),
    events,
    ...extra,
  };
}

const template = (json: object) => readTemplate(JSON.stringify(json), path.join(cwd ?? '/tmp', 'template.json'));

describe('build', () => {
  it('runs every build and resolves with their artifacts, in build-name order', async () => {
    const seen: BuildEnvironment[] = [];
    const opts = options(seen);
    const result = await build(
      template({
        builders: [
          { type: 'talk', name: 'web', message: 'hello' },
          { type: 'talk', name: 'db', message: 'hi' },
        ],
      }),
      opts,
    );
    expect(result.ok).toBe(true);
    expect(result.artifacts.map((a) => a.id)).toEqual(['db', 'web']);
    expect(opts.events[0]).toMatchObject({ type: 'run-started', builds: ['db', 'web'], runUuid: result.runUuid });
    expect(opts.events.at(-1)).toMatchObject({ type: 'run-finished', cancelled: false });
    expect(result.runUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // PACKER_CACHE_DIR defaults to ./packer_cache, made absolute
    expect(seen[0]).toMatchObject({ cacheDir: path.join(cwd, 'packer_cache'), runUuid: result.runUuid, onError: 'cleanup' });
  });

  it('masks sensitive variables in every event', async () => {
    const opts = options([], { vars: { token: 's3cr3t' } });
    await build(
      template({
        variables: { token: null },
        'sensitive-variables': ['token'],
        builders: [{ type: 'talk', message: 'using {{user `token`}}' }],
      }),
      opts,
    );
    expect(opts.events.filter((e) => e.type === 'ui')).toEqual([
      { type: 'ui', build: 'talk', target: 'talk', level: 'say', text: 'using <sensitive>' },
    ]);
  });

  it('rejects template problems with a KilnError before building anything', async () => {
    const opts = options([]);
    await expect(build(template({ variables: { r: null }, builders: [{ type: 'talk' }] }), opts)).rejects.toThrow(
      'required variable not set: r',
    );
    expect(opts.events).toEqual([]);
  });

  it('reports builds that fail to prepare and still runs the others', async () => {
    const opts = options([]);
    const result = await build(template({ builders: [{ type: 'talk', name: 'ok' }, { type: 'nope', name: 'bad' }] }), opts);
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.buildName)).toEqual(['bad']);
    expect(result.builds.map((b) => [b.name, b.status])).toEqual([['ok', 'succeeded']]);
    expect(opts.events[0]).toMatchObject({ type: 'prepare-failed', build: 'bad', stage: 'initialize' });
  });

  it('prints the run on a plain ui the way Packer does without colors', async () => {
    const ui = recordingUi();
    await build(template({ builders: [{ type: 'talk', name: 'web', message: 'line one\nline two' }] }), {
      ...options([]),
      ui,
    });
    expect(ui.lines[0]).toBe('say: ==> web: line one\n==> web: line two');
    expect(ui.lines[1]).toMatch(/^say: Build 'web' finished after \d+ (milli|micro)seconds?/);
  });

  it('writes the debug log to stderr when KILN_LOG or PACKER_LOG is set', async () => {
    let stderr = '';
    await build(template({ builders: [{ type: 'talk' }] }), {
      ...options([]),
      env: { PACKER_LOG: '1' },
      stderr: { write: (text: string) => (stderr += text) },
    });
    expect(stderr).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[INFO\] Build debug mode: false$/m);
    expect(stderr).toContain('[INFO] talk: Running builder: talk');
  });

  it('stays quiet on stderr when the log is off', async () => {
    let stderr = '';
    await build(template({ builders: [{ type: 'talk' }] }), {
      ...options([]),
      env: { PACKER_LOG: '0' },
      stderr: { write: (text: string) => (stderr += text) },
    });
    expect(stderr).toBe('');
  });
});
