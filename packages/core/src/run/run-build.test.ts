import { describe, expect, it } from 'vitest';
import type { Builder } from '@kiln/sdk';
import {
  fakeArtifact,
  fakeBuilder,
  fakePostProcessor,
  fakeProvisioner,
  testRun,
  type FakeProvisionerOptions,
} from '../../test/fakes.js';
import type { PreparedBuild, PreparedProvisioner } from '../prepare/prepared-build.js';
import { runBuild } from './run-build.js';
import { runBuilds } from './run-builds.js';

function provisioner(options: FakeProvisionerOptions, wrap: Partial<PreparedProvisioner> = {}): PreparedProvisioner {
  return { type: 'fake', provisioner: fakeProvisioner(options), pauseBeforeMs: 0, timeoutMs: 0, maxRetries: 0, ...wrap };
}

function prepared(name: string, builder: Builder, extra: Partial<PreparedBuild> = {}): PreparedBuild {
  return {
    name,
    builderType: 'fake',
    builder,
    provisioners: [],
    postProcessorChains: [],
    plan: undefined as never,
    ...extra,
  };
}

describe('runBuild', () => {
  it('runs the builder, the provisioners in order and the post-processors, and lists the artifacts', async () => {
    const journal: string[] = [];
    const { run, events, uiLines } = testRun();
    const outcome = await runBuild(
      prepared('web', fakeBuilder({ journal }), {
        provisioners: [provisioner({ journal, name: 'one' }), provisioner({ journal, name: 'two' })],
        postProcessorChains: [
          [{ type: 'compress', name: 'compress', postProcessor: fakePostProcessor({ journal, id: 'tarball', keep: false }) }],
        ],
      }),
      run,
    );
    expect(outcome.status).toBe('succeeded');
    expect(outcome.status === 'succeeded' && outcome.artifacts.map((a) => a.id)).toEqual(['tarball']);
    expect(journal).toEqual([
      'run StepCreate',
      'run StepWait',
      'provision one #1',
      'provision two #1',
      'cleanup StepWait (succeeded)',
      'cleanup StepCreate (succeeded)',
      'pp tarball <- builder',
      'destroy builder',
    ]);
    expect(uiLines()).toEqual([
      '==> web: provisioning with one',
      '==> web: provisioning with two',
      '==> web: Running post-processor: compress',
      '==> web (compress): processing builder',
    ]);
    expect(events[0]).toEqual({ type: 'build-started', build: 'web' });
    expect(events.at(-1)).toMatchObject({ type: 'build-finished', build: 'web' });
  });

  it('gives provisioners the generated data, the build environment and a communicator', async () => {
    const journal: string[] = [];
    const { run } = testRun();
    const p = fakeProvisioner({ journal, name: 'one' });
    await runBuild(
      prepared('web', fakeBuilder({ journal }), {
        provisioners: [{ type: 'fake', provisioner: p, pauseBeforeMs: 0, timeoutMs: 0, maxRetries: 0 }],
      }),
      run,
    );
    const seen = p.seen[0]!;
    expect(seen.generatedData).toMatchObject({
      ID: 'vm-1',
      PackerRunUUID: run.runUuid,
      PackerHTTPAddr: 'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER',
    });
    expect(seen.env).toMatchObject({ buildName: 'web', builderType: 'fake', runUuid: run.runUuid });
    expect(seen.communicator).toBeDefined();
  });

  it('on a provisioner failure runs the error-cleanup-provisioner before the earlier cleanups', async () => {
    const journal: string[] = [];
    const { run, uiLines, events } = testRun();
    const outcome = await runBuild(
      prepared('web', fakeBuilder({ journal }), {
        provisioners: [provisioner({ journal, name: 'bad', failures: 1 })],
        errorCleanupProvisioner: provisioner({ journal, name: 'cleaner' }),
        postProcessorChains: [[{ type: 'x', name: 'x', postProcessor: fakePostProcessor({ journal, id: 'never' }) }]],
      }),
      run,
    );
    expect(outcome.status === 'failed' && outcome.error.message).toBe('bad failed on attempt 1');
    expect(journal).toEqual([
      'run StepCreate',
      'run StepWait',
      'provision bad #1',
      'provision cleaner #1',
      'cleanup StepWait (failed)',
      'cleanup StepCreate (failed)',
    ]);
    expect(uiLines()).toContain('==> web: Provisioning step had errors: Running the cleanup provisioner, if present...');
    expect(events.at(-1)).toMatchObject({ type: 'build-errored', build: 'web' });
  });

  it('tells the builder whether the template has an error-cleanup-provisioner (it must keep the machine for it)', async () => {
    const seen: (boolean | undefined)[] = [];
    const builder: Builder = { prepare: () => ({}), run: async (ctx) => void seen.push(ctx.hook.hasCleanupProvisioner) };
    await runBuild(prepared('with', builder, { errorCleanupProvisioner: provisioner({ journal: [], name: 'cleaner' }) }), testRun().run);
    await runBuild(prepared('without', builder), testRun().run);
    expect(seen).toEqual([true, false]);
  });

  it("reports both errors when the error-cleanup-provisioner fails too, in Packer's words", async () => {
    const journal: string[] = [];
    const { run } = testRun();
    const outcome = await runBuild(
      prepared('web', fakeBuilder({ journal }), {
        provisioners: [provisioner({ journal, name: 'bad', failures: 1 })],
        errorCleanupProvisioner: provisioner({ journal, name: 'cleaner', failures: 1 }),
      }),
      run,
    );
    expect(outcome.status === 'failed' && outcome.error.message).toBe(
      'Cleanup failed: cleaner failed on attempt 1. Original Provisioning error: bad failed on attempt 1',
    );
  });

  it('retries a provisioner max_retries times, quoting the first error as Packer does', async () => {
    const journal: string[] = [];
    const { run, uiLines } = testRun();
    const outcome = await runBuild(
      prepared('web', fakeBuilder({ journal }), {
        provisioners: [provisioner({ journal, name: 'flaky', failures: 2 }, { maxRetries: 2 })],
      }),
      run,
    );
    expect(outcome.status).toBe('succeeded');
    expect(uiLines().filter((l) => l.includes('retrying'))).toEqual([
      '==> web: Provisioner failed with "flaky failed on attempt 1", retrying with 2 trie(s) left',
      '==> web: Provisioner failed with "flaky failed on attempt 1", retrying with 1 trie(s) left',
    ]);
  });

  it('gives up after 1 + max_retries attempts with "retry limit reached."', async () => {
    const journal: string[] = [];
    const { run, uiLines } = testRun();
    const outcome = await runBuild(
      prepared('web', fakeBuilder({ journal }), {
        provisioners: [provisioner({ journal, name: 'broken', failures: 9 }, { maxRetries: 1 })],
      }),
      run,
    );
    expect(journal.filter((l) => l.startsWith('provision'))).toEqual(['provision broken #1', 'provision broken #2']);
    expect(uiLines().at(-2)).toBe('==> web: retry limit reached.');
    expect(outcome.status === 'failed' && outcome.error.message).toBe('broken failed on attempt 1');
  });

  it('applies pause_before and timeout together (Packer 1.6.6 drops the timeout)', async () => {
    const journal: string[] = [];
    const { run, uiLines } = testRun();
    const outcome = await runBuild(
      prepared('web', fakeBuilder({ journal }), {
        provisioners: [provisioner({ journal, name: 'slow', durationMs: 5000 }, { pauseBeforeMs: 20, timeoutMs: 50 })],
      }),
      run,
    );
    expect(outcome.status).toBe('failed');
    expect(uiLines().filter((l) => !l.includes('provisioning with'))).toEqual([
      '==> web: Pausing 20ms before the next provisioner...',
      '==> web: Setting a 50ms timeout for the next provisioner...',
      'error web: Cancelling provisioner after a timeout...',
      '==> web: Provisioning step had errors: Running the cleanup provisioner, if present...',
    ]);
  });

  it('on cancel cleans up every started step, runs no error-cleanup-provisioner and no post-processor', async () => {
    const journal: string[] = [];
    const controller = new AbortController();
    const { run, events } = testRun({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const outcome = await runBuild(
      prepared('web', fakeBuilder({ journal, waitMs: 5000 }), {
        provisioners: [provisioner({ journal, name: 'one' })],
        errorCleanupProvisioner: provisioner({ journal, name: 'cleaner' }),
        postProcessorChains: [[{ type: 'x', name: 'x', postProcessor: fakePostProcessor({ journal, id: 'never' }) }]],
      }),
      run,
    );
    expect(outcome.status).toBe('cancelled');
    expect(journal).toEqual(['run StepCreate', 'run StepWait', 'cleanup StepWait (cancelled)', 'cleanup StepCreate (cancelled)']);
    expect(events.at(-1)).toMatchObject({ type: 'build-cancelled', build: 'web' });
  });

  it('skips the post-processors when the cancel comes after the builder finished', async () => {
    const journal: string[] = [];
    const controller = new AbortController();
    const { run } = testRun({ signal: controller.signal });
    const builder: Builder = {
      prepare: () => ({}),
      run: async () => {
        controller.abort();
        return fakeArtifact('builder', journal);
      },
    };
    const outcome = await runBuild(
      prepared('web', builder, {
        postProcessorChains: [[{ type: 'x', name: 'x', postProcessor: fakePostProcessor({ journal, id: 'never' }) }]],
      }),
      run,
    );
    expect(outcome.status).toBe('cancelled');
    expect(journal).toEqual([]);
  });

  it('-debug pauses before each provisioner', async () => {
    const journal: string[] = [];
    const { run, uiLines } = testRun({ debug: true });
    await runBuild(prepared('web', fakeBuilder({ journal }), { provisioners: [provisioner({ journal, name: 'one' })] }), run);
    expect(uiLines()).toEqual([
      "==> ?: ask: Pausing after run of step 'StepCreate'. Press enter to continue.",
      "==> ?: ask: Pausing after run of step 'StepWait'. Press enter to continue.",
      '==> ?: ask: Pausing before the next provisioner . Press enter to continue.',
      '==> web: provisioning with one',
      "==> ?: ask: Pausing after run of step 'StepProvision'. Press enter to continue.",
      "==> ?: ask: Pausing before cleanup of step 'StepProvision'. Press enter to continue.",
      "==> ?: ask: Pausing before cleanup of step 'StepWait'. Press enter to continue.",
      "==> ?: ask: Pausing before cleanup of step 'StepCreate'. Press enter to continue.",
    ]);
  });
});

describe('runBuilds', () => {
  const three = (journal: string[]) =>
    ['a', 'b', 'c'].map((name) => prepared(name, fakeBuilder({ journal, waitMs: 15, artifact: fakeArtifact(name) })));
  const order = (events: { type: string; build?: string }[]) =>
    events.filter((e) => e.type === 'build-started' || e.type === 'build-finished').map((e) => `${e.type.slice(6)} ${e.build}`);

  it('-parallel-builds=1 runs one build after the other', async () => {
    const { run, events } = testRun();
    await runBuilds(three([]), run, 1);
    expect(order(events)).toEqual(['started a', 'finished a', 'started b', 'finished b', 'started c', 'finished c']);
  });

  it('0 runs every build at once', async () => {
    const { run, events } = testRun();
    const outcomes = await runBuilds(three([]), run, 0);
    expect(order(events).slice(0, 3)).toEqual(['started a', 'started b', 'started c']);
    expect(outcomes.map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('-parallel-builds=2 keeps at most two running', async () => {
    const { run, events } = testRun();
    await runBuilds(three([]), run, 2);
    expect(order(events).slice(0, 3)).toEqual(['started a', 'started b', 'finished a']);
  });

  it('starts no further build after a cancel', async () => {
    const controller = new AbortController();
    const { run, events } = testRun({ signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const outcomes = await runBuilds(three([]), run, 1);
    expect(outcomes.map((o) => o.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(events.filter((e) => e.type === 'build-started')).toHaveLength(1);
  });
});
