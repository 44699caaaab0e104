import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Artifact, OnErrorPolicy, PluginRegistry, Ui } from '@kiln/sdk';
import { createSecretMasker, type ResolvedVariables, type Template } from '@kiln/template';
import type { AskRequest, BuildEvent } from './events.js';
import { renderEventsOn } from './output/plain-renderer.js';
import { prepareBuilds } from './prepare/prepare-builds.js';
import type { PrepareFailure, PrepareWarning } from './prepare/prepared-build.js';
import { checkedTemplate } from './prepare/template-context.js';
import { createDebugLog } from './run/debug-log.js';
import { FileLedger } from './run/ledger.js';
import { maskEvent } from './run/mask.js';
import type { BuildOutcome } from './run/run-build.js';
import { runBuilds } from './run/run-builds.js';

export interface BuildOptions {
  /** Where plugin types are found (the CLI registers the bundled plugins). */
  readonly registry: PluginRegistry;
  /** -var k=v: beats every -var-file, as in Packer. */
  readonly vars?: Readonly<Record<string, string>>;
  /** -var-file paths, applied in order (later wins). */
  readonly varFiles?: readonly string[];
  /**
   * Variables the caller resolved already (resolveVariables of @kiln/template), after checking the
   * template itself: build() then skips both steps and ignores vars and varFiles.
   */
  readonly variables?: ResolvedVariables;
  /** -only / -except: exact build names. */
  readonly only?: readonly string[];
  readonly except?: readonly string[];
  /** -parallel-builds: 0 (default) = unlimited, 1 = one at a time. */
  readonly parallel?: number;
  readonly debug?: boolean;
  readonly force?: boolean;
  readonly onError?: OnErrorPolicy;
  /** Fires on Ctrl-C / SIGTERM: every build cancels and cleans up. */
  readonly signal?: AbortSignal;
  /** Every event of the run, in order (see BuildEvent). */
  readonly onEvent?: (event: BuildEvent) => void;
  /** Answers prompts (-on-error=ask, -debug); without it prompts take their default. */
  readonly ask?: (request: AskRequest) => Promise<string>;
  /** A plain-text sink: events are also printed on it the way Packer prints them, and it answers prompts. */
  readonly ui?: Ui;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The time `timestamp`, `isotime` and `uuid` see; default now. */
  readonly initTime?: Date;
  /** Where the KILN_LOG / PACKER_LOG debug log goes when PACKER_LOG_PATH is unset. Default process.stderr. */
  readonly stderr?: { write(text: string): unknown };
}

export interface BuildResult {
  /** PACKER_RUN_UUID of this run. */
  readonly runUuid: string;
  /** One outcome per prepared build, in build-name order. */
  readonly builds: readonly BuildOutcome[];
  /** Builds that failed to prepare (they did not run). */
  readonly failures: readonly PrepareFailure[];
  readonly warnings: readonly PrepareWarning[];
  /** Artifacts of the successful builds, in build order. */
  readonly artifacts: readonly Artifact[];
  readonly cancelled: boolean;
  /** Everything prepared and every build succeeded. */
  readonly ok: boolean;
  readonly durationMs: number;
  /** Masks the template's sensitive values in a text (`<sensitive>`): for what you print from the result. */
  readonly mask: (text: string) => string;
}

/**
 * Builds a Packer JSON template: the programmatic `kiln build`. Template and variable problems
 * reject with a KilnError; build problems are reported in the result (builds that prepared fine
 * still run, as in Packer).
 */
export async function build(template: Template | string, options: BuildOptions): Promise<BuildResult> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const initTime = options.initTime ?? new Date();
  const loaded =
    options.variables && typeof template !== 'string'
      ? { template, variables: options.variables }
      : await checkedTemplate(typeof template === 'string' ? path.resolve(cwd, template) : template, {
          vars: options.vars,
          varFiles: options.varFiles,
          cwd,
          env,
          initTime,
        });

  const prepared = await prepareBuilds(loaded.template, {
    registry: options.registry,
    variables: loaded.variables,
    ...(options.only ? { only: options.only } : {}),
    ...(options.except ? { except: options.except } : {}),
    initTime,
    cwd,
    env,
  });

  const mask = createSecretMasker([...loaded.variables.sensitiveValues, ...prepared.secrets]);
  const onEvent = options.onEvent;
  const renderPlain = options.ui ? renderEventsOn(options.ui) : undefined;
  const emit = (event: BuildEvent): void => {
    const masked = maskEvent(event, mask);
    onEvent?.(masked);
    renderPlain?.(masked);
  };
  const ask = options.ask ?? (options.ui ? (request: AskRequest) => options.ui!.ask(request.question) : undefined);
  for (const failure of prepared.failures) emit({ type: 'prepare-failed', build: failure.buildName, stage: failure.stage, errors: failure.errors });
  for (const warning of prepared.warnings) emit({ type: 'prepare-warnings', build: warning.buildName, messages: warning.messages });

  const runUuid = randomUUID();
  const cacheDir = path.resolve(cwd, env['PACKER_CACHE_DIR'] || 'packer_cache');
  const signal = options.signal ?? new AbortController().signal;
  const debug = options.debug ?? false;
  const log = createDebugLog({ env, cwd, stderr: options.stderr ?? process.stderr, emit });
  const onAbort = (): void => emit({ type: 'cancelling' });
  signal.addEventListener('abort', onAbort, { once: true });

  const started = performance.now();
  emit({ type: 'run-started', builds: prepared.builds.map((b) => b.name), runUuid, debug });
  log(`Build debug mode: ${debug}`);
  log(`Force build: ${options.force ?? false}`);
  log(`On error: ${options.onError ?? ''}`);
  const ledger = new FileLedger(cacheDir, runUuid);
  let outcomes: BuildOutcome[];
  try {
    outcomes = await runBuilds(
      prepared.builds,
      {
        runUuid,
        cwd,
        cacheDir,
        templatePath: loaded.template.path,
        debug,
        force: options.force ?? false,
        onError: options.onError ?? 'cleanup',
        userVariables: loaded.variables.values,
        signal,
        sink: { emit, ask },
        ledger,
        log,
      },
      options.parallel ?? 0,
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
    // A ledger still holding resources (-on-error=abort) stays on disk for kiln cleanup; its
    // journal need not stay open in a process that goes on (a program calling build() again).
    ledger.close();
  }
  const durationMs = performance.now() - started;
  const cancelled = signal.aborted;
  emit({ type: 'run-finished', durationMs, cancelled });

  return {
    runUuid,
    builds: outcomes,
    failures: prepared.failures,
    warnings: prepared.warnings,
    artifacts: outcomes.flatMap((o) => (o.status === 'succeeded' ? o.artifacts : [])),
    cancelled,
    ok: !cancelled && prepared.failures.length === 0 && outcomes.every((o) => o.status === 'succeeded'),
    durationMs,
    mask,
  };
}
