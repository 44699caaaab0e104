import type { BuildContext, OnErrorPolicy } from '../build.js';
import { KilnError } from '../errors.js';
import type { Ui } from '../ui.js';
import { DeferredOutput } from './deferred-output.js';
import { askAfterFailure, debugPause } from './prompts.js';
import type { StepSequence } from './sequence.js';
import type { AnyStep, Step, StepEvent, StepOutcome } from './step.js';

export interface RunStepsOptions {
  readonly ui: Ui;
  readonly signal: AbortSignal;
  /** -on-error; default 'cleanup'. */
  readonly onError?: OnErrorPolicy;
  /** -debug: pause after each step and before each cleanup. */
  readonly debug?: boolean;
  readonly onStep?: (event: StepEvent) => void;
}

/**
 * Runs steps in order, then cleans up every step that started, in reverse, whatever happened
 * (Packer's multistep runner, with -on-error and -debug). Resolves with the final state; rejects
 * with the failing step's error, or a CANCELLED KilnError once the signal fired, after cleanup.
 *
 * Builders usually pass their BuildContext as options.
 */
export function runSteps<Init extends object, Final extends object>(
  sequence: StepSequence<Init, Final>,
  initial: Init,
  options: RunStepsOptions | BuildContext,
): Promise<Final>;
/** The plain form: every step reads one state type and adds some of its (optional) fields. */
export function runSteps<State extends object>(
  stepList: readonly Step<State, Partial<State>>[],
  initial: State,
  options: RunStepsOptions | BuildContext,
): Promise<State>;
export async function runSteps(
  sequenceOrList: StepSequence<object, object> | readonly AnyStep[],
  initial: object,
  options: RunStepsOptions | BuildContext,
): Promise<object> {
  const stepList: readonly AnyStep[] = Array.isArray(sequenceOrList)
    ? sequenceOrList
    : (sequenceOrList as StepSequence<object, object>).steps;
  const runOptions = normalise(options);
  return new StepRunner(stepsToRun(stepList, runOptions), runOptions).run(initial);
}

/**
 * -debug pauses after every step, so steps grouped to run at once go one by one there. It also
 * pauses before each cleanup, and the -on-error policies other than cleanup may keep what a
 * failure left: cleanUpEarlier() steps are left out then, and every cleanup waits for the end.
 */
function stepsToRun(stepList: readonly AnyStep[], { debug, onError = 'cleanup' }: RunStepsOptions): readonly AnyStep[] {
  const early = !debug && onError === 'cleanup';
  return stepList.flatMap((step) => (debug ? (step.parts ?? [step]) : [step])).filter((step) => early || !step.cleansUpEarlier);
}

function normalise(options: RunStepsOptions | BuildContext): RunStepsOptions {
  if (!('env' in options)) return options;
  return {
    ui: options.ui,
    signal: options.signal,
    onError: options.env.onError,
    debug: options.env.debug,
    ...(options.onStep ? { onStep: options.onStep } : {}),
  };
}

interface StartedStep {
  readonly step: AnyStep;
  readonly index: number;
  pausedAfterRun: boolean;
  /** Its cleanup, started ahead of its turn by a cleanUpEarlier() step; what it said, once done. */
  early?: Promise<DeferredOutput>;
}

class StepRunner {
  private readonly state: Record<string, unknown> = {};
  private readonly started: StartedStep[] = [];
  private outcome: StepOutcome = 'succeeded';
  private error: unknown;
  /** -on-error=ask answered "abort". */
  private askedToAbort = false;
  /** Packer prints the abort headline once, then one line per skipped cleanup. */
  private abortLogged = false;

  constructor(
    private readonly stepList: readonly AnyStep[],
    private readonly options: RunStepsOptions,
  ) {}

  async run(initial: object): Promise<object> {
    Object.assign(this.state, initial);
    await this.runAll();
    await this.cleanupAll();
    if (this.outcome === 'failed') throw this.error;
    if (this.outcome === 'cancelled') {
      throw new KilnError('CANCELLED', 'Build was cancelled.', { cause: this.error });
    }
    return this.state;
  }

  private async runAll(): Promise<void> {
    const { signal, debug, ui } = this.options;
    for (const [index, step] of this.stepList.entries()) {
      if (signal.aborted) {
        this.outcome = 'cancelled';
        return;
      }
      const entry: StartedStep = { step, index, pausedAfterRun: false };
      this.started.push(entry);
      if (!(await this.runWithRetries(step, index))) return;
      if (step.cleansUpEarlier) this.cleanUpEarlier();
      if (debug) {
        entry.pausedAfterRun = true;
        await debugPause(ui, 'after run of', step.name, signal);
      }
    }
    if (signal.aborted) this.outcome = 'cancelled';
  }

  /** Runs one step (again and again while -on-error=ask says retry); false when the sequence must stop. */
  private async runWithRetries(step: AnyStep, index: number): Promise<boolean> {
    const { signal, ui, onError } = this.options;
    for (;;) {
      this.emit(step, index, 'run', 'started');
      try {
        const out: unknown = await step.run(this.state, {
          ui,
          signal,
          provide: (values: object) => Object.assign(this.state, values),
        });
        if (out && typeof out === 'object') Object.assign(this.state, out);
        this.emit(step, index, 'run', 'succeeded');
        return true;
      } catch (error) {
        this.emit(step, index, 'run', 'failed');
        this.error = error;
        if (signal.aborted) {
          this.outcome = 'cancelled';
          return false;
        }
        this.outcome = 'failed';
        if (onError !== 'ask') return false;
        ui.error(messageOf(error));
        const decision = await askAfterFailure(ui, step.name, signal);
        if (decision === 'retry' && !signal.aborted) {
          this.outcome = 'succeeded';
          this.error = undefined;
          continue;
        }
        if (decision === 'abort') this.askedToAbort = true;
        return false;
      }
    }
  }

  private async cleanupAll(): Promise<void> {
    const { ui, signal, debug, onStep } = this.options;
    for (const entry of [...this.started].reverse()) {
      const { step, index, pausedAfterRun } = entry;
      if (debug && pausedAfterRun) await debugPause(ui, 'before cleanup of', step.name, signal);
      if (entry.early) {
        (await entry.early).replay(ui, (event) => onStep?.(event));
        continue;
      }
      if (!step.cleanup) continue;
      if (!this.shouldClean(step)) {
        this.emit(step, index, 'cleanup', 'skipped');
        continue;
      }
      await this.cleanUp(entry, ui, onStep);
    }
  }

  /**
   * cleanUpEarlier: the cleanups of the steps before it, one after the other in reverse order as
   * at the end, but now and in the background, each saying its lines into a DeferredOutput that
   * cleanupAll replays at the step's turn. Steps that must know how the build ended keep theirs
   * for the end, and a step that holds the steps before it keeps them all there with it.
   */
  private cleanUpEarlier(): void {
    const before = this.started.slice(0, -1);
    const free = before.slice(before.findLastIndex((entry) => entry.step.holdsEarlierSteps) + 1);
    const earlier = free.filter((entry) => entry.step.cleanup && !entry.step.cleanupAwaitsOutcome && !entry.early);
    let previous: Promise<unknown> = Promise.resolve();
    for (const entry of earlier.reverse()) {
      const output = new DeferredOutput();
      entry.early = previous.then(async () => {
        await this.cleanUp(entry, output.ui, (event) => output.event(event));
        return output;
      });
      previous = entry.early;
    }
  }

  /** One step's cleanup; never throws: a failure is said, and must not stop the other cleanups. */
  private async cleanUp(entry: StartedStep, ui: Ui, sink: ((event: StepEvent) => void) | undefined): Promise<void> {
    const { step, index } = entry;
    const event = (status: StepEvent['status']) => this.emit(step, index, 'cleanup', status, sink);
    event('started');
    try {
      await step.cleanup!(this.state, {
        ui,
        outcome: this.outcome,
        ...(this.outcome === 'failed' ? { error: this.error } : {}),
        replaceError: (error: unknown) => {
          if (this.outcome === 'failed') this.error = error;
        },
      });
      event('succeeded');
    } catch (error) {
      // A cleanup failure must not stop the other cleanups, nor hide the error that halted the build.
      event('failed');
      ui.error(messageOf(error));
    }
  }

  /** -on-error: Packer's abort rules, messages included. */
  private shouldClean(step: AnyStep): boolean {
    if (this.outcome === 'succeeded') return true;
    const policy = this.options.onError ?? 'cleanup';
    if (policy === 'cleanup') return true;
    if (policy === 'ask' && !this.askedToAbort) return true;
    if (policy === 'run-cleanup-provisioner' && step.cleanupEvenOnAbort) return true;

    const { ui } = this.options;
    const alreadyLogged = this.abortLogged;
    if (this.outcome === 'failed' && !alreadyLogged) ui.error(messageOf(this.error));
    if (alreadyLogged) {
      ui.error(`aborted: skipping cleanup of step "${step.name}"`);
    } else {
      ui.error(this.outcome === 'cancelled' ? 'Interrupted, aborting...' : `Step "${step.name}" failed, aborting...`);
      this.abortLogged = true;
    }
    return false;
  }

  private emit(
    step: Step,
    index: number,
    phase: StepEvent['phase'],
    status: StepEvent['status'],
    sink: ((event: StepEvent) => void) | undefined = this.options.onStep,
  ): void {
    sink?.({ step: step.name, index, count: this.stepList.length, phase, status });
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
