import os from 'node:os';
import path from 'node:path';
import {
  runSteps,
  stepProvision,
  type Artifact,
  type BuildContext,
  type Builder,
  type Communicator,
  type PostProcessor,
  type PostProcessResult,
  type ProvisionContext,
  type Provisioner,
  type Step,
} from '@kiln/sdk';
import type { BuildEvent } from '../src/events.js';
import { FileLedger } from '../src/run/ledger.js';
import type { RunContext } from '../src/run/run-build.js';

/** In-test plugins: small, observable stand-ins for real builders, provisioners and post-processors. */

export function fakeArtifact(id: string, journal: string[] = [], files: readonly string[] = []): Artifact {
  return {
    builderId: `fake.${id}`,
    id,
    files,
    describe: () => `artifact ${id}`,
    state: () => undefined,
    destroy: async () => void journal.push(`destroy ${id}`),
  };
}

export const fakeCommunicator: Communicator = {
  type: 'none',
  exec: async () => ({ exitStatus: 0 }),
  upload: async () => undefined,
  uploadDir: async () => undefined,
  download: async () => undefined,
  downloadDir: async () => undefined,
};

export interface FakeBuilderOptions {
  readonly journal: string[];
  /** Name of a step that throws. */
  readonly failAt?: string;
  readonly artifact?: Artifact | null;
  /** Milliseconds the StepWait step waits (honouring the signal). */
  readonly waitMs?: number;
}

/** A builder of three steps around the provision step: StepCreate, StepWait, StepProvision. */
export function fakeBuilder(options: FakeBuilderOptions): Builder {
  const { journal } = options;
  const simple = (name: string, run?: (ctx: { signal: AbortSignal }) => Promise<void>): Step => ({
    name,
    async run(_state, ctx) {
      journal.push(`run ${name}`);
      if (run) await run(ctx);
      if (options.failAt === name) throw new Error(`${name} failed`);
    },
    async cleanup(_state, ctx) {
      journal.push(`cleanup ${name} (${ctx.outcome})`);
    },
  });
  return {
    prepare: () => ({ generatedData: ['Fake'] }),
    async run(ctx: BuildContext) {
      const wait = options.waitMs;
      const list: Step[] = [
        simple('StepCreate'),
        simple('StepWait', wait ? (c) => sleepFor(wait, c.signal) : undefined),
        stepProvision(ctx, { communicator: () => fakeCommunicator, data: () => ({ instanceId: 'vm-1' }) }),
      ];
      await runSteps(list, {}, ctx);
      if (options.artifact === null) return undefined;
      return options.artifact ?? fakeArtifact('builder', journal);
    },
  };
}

export interface FakeProvisionerOptions {
  readonly journal: string[];
  readonly name: string;
  /** How many first attempts fail. */
  readonly failures?: number;
  /** Milliseconds each attempt takes (honouring the signal). */
  readonly durationMs?: number;
}

export function fakeProvisioner(options: FakeProvisionerOptions): Provisioner & { readonly seen: ProvisionContext[] } {
  let attempts = 0;
  const seen: ProvisionContext[] = [];
  return {
    seen,
    prepare: () => undefined,
    async provision(ctx) {
      attempts++;
      seen.push(ctx);
      options.journal.push(`provision ${options.name} #${attempts}`);
      ctx.ui.say(`provisioning with ${options.name}`);
      if (options.durationMs) await sleepFor(options.durationMs, ctx.signal);
      if (attempts <= (options.failures ?? 0)) throw new Error(`${options.name} failed on attempt ${attempts}`);
    },
  };
}

export interface FakePostProcessorOptions {
  readonly journal: string[];
  readonly id: string;
  readonly keep?: boolean;
  readonly forceOverride?: boolean;
  /** Return no artifact (ends the chain silently). */
  readonly nothing?: boolean;
  /** Return the input artifact itself, as manifest and shell-local do. */
  readonly returnsInput?: boolean;
  readonly fail?: boolean;
}

export function fakePostProcessor(options: FakePostProcessorOptions): PostProcessor {
  return {
    prepare: () => undefined,
    async postProcess(input, ctx): Promise<PostProcessResult> {
      options.journal.push(`pp ${options.id} <- ${input.id}`);
      ctx.ui.say(`processing ${input.id}`);
      if (options.fail) throw new Error(`${options.id} broke`);
      return {
        artifact: options.nothing ? undefined : options.returnsInput ? input : fakeArtifact(options.id, options.journal),
        keep: options.keep ?? false,
        forceOverride: options.forceOverride ?? false,
      };
    },
  };
}

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Error('interrupted'));
      },
      { once: true },
    );
  });
}

/** A RunContext for engine tests: events are collected, the ledger lives in a throwaway dir. */
export function testRun(
  overrides: Partial<Pick<RunContext, 'signal' | 'onError' | 'debug'>> & { answers?: string[] } = {},
): { run: RunContext; events: BuildEvent[]; uiLines: () => string[] } {
  const events: BuildEvent[] = [];
  const answers = overrides.answers ?? [];
  const run: RunContext = {
    runUuid: '00000000-0000-4000-8000-000000000000',
    cwd: os.tmpdir(),
    cacheDir: path.join(os.tmpdir(), 'kiln-core-test-cache'),
    debug: overrides.debug ?? false,
    force: false,
    onError: overrides.onError ?? 'cleanup',
    userVariables: {},
    signal: overrides.signal ?? new AbortController().signal,
    sink: {
      emit: (event) => events.push(event),
      ask: async ({ question }) => {
        events.push({ type: 'ui', build: '?', target: '?', level: 'say', text: `ask: ${question}` });
        return answers.shift() ?? '';
      },
    },
    ledger: new FileLedger(path.join(os.tmpdir(), 'kiln-core-test-cache'), 'test'),
    log: () => undefined,
  };
  const uiLines = () =>
    events.flatMap((e) => (e.type === 'ui' ? [`${e.level === 'say' ? '==>' : e.level} ${e.target}: ${e.text}`] : []));
  return { run, events, uiLines };
}
