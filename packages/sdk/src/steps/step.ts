import type { Ui } from '../ui.js';

/** What a step gets besides the state: the build's Ui, the cancel signal, and a way to record outputs early. */
export interface StepContext<Out extends object = object> {
  readonly ui: Ui;
  /** Aborted on Ctrl-C / SIGTERM; pass it to every wait, request and child process. */
  readonly signal: AbortSignal;
  /**
   * Records outputs before run() returns, so that this step's own cleanup sees them even when
   * run() fails afterwards (e.g. the instance id right after the instance was created, before
   * waiting for it to boot).
   */
  provide(values: Partial<Out>): void;
}

/** How the sequence ended; cleanups that act only on failure (the error-cleanup-provisioner) read it. */
export type StepOutcome = 'succeeded' | 'failed' | 'cancelled';

export interface CleanupContext {
  readonly ui: Ui;
  readonly outcome: StepOutcome;
  /** The error that halted the sequence, when outcome is 'failed'. */
  readonly error?: unknown;
  /**
   * Replaces the error the sequence rejects with: the provision step's cleanup uses it when the
   * error-cleanup-provisioner fails too (`Cleanup failed: X. Original Provisioning error: Y`).
   */
  replaceError(error: unknown): void;
}

/** A step whose outputs are all optional may return nothing. */
export type StepResult<Out extends object> = object extends Out ? Out | void : Out;

/**
 * One step of a builder: Packer's multistep.Step, with typed state. run() reads the state the
 * earlier steps produced (In) and returns what it adds (Out); it throws to halt the build.
 * cleanup() runs in reverse order for every step whose run() started, the failing one included,
 * so it must cope with outputs that were never produced.
 */
export interface Step<In extends object = object, Out extends object = object> {
  /** Shown by -debug pauses and -on-error messages, Packer style: 'StepCreateVM'. */
  readonly name: string;
  run(state: Readonly<In>, ctx: StepContext<Out>): Promise<StepResult<Out>>;
  cleanup?(state: Readonly<In & Partial<Out>>, ctx: CleanupContext): Promise<void>;
  /**
   * Still cleaned up under -on-error=run-cleanup-provisioner, which otherwise skips every cleanup:
   * set only by the provision step, whose cleanup runs the error-cleanup-provisioner.
   */
  readonly cleanupEvenOnAbort?: boolean;
  /**
   * The steps this one runs at once (see concurrently): under -debug the runner runs them one
   * after the other instead, pausing after each as Packer does.
   */
  readonly parts?: readonly AnyStep[];
  /**
   * This step's cleanup depends on how the build ended (it undoes its work when the build failed,
   * or runs the error-cleanup-provisioner): a cleanUpEarlier() step leaves it for the end.
   */
  readonly cleanupAwaitsOutcome?: boolean;
  /**
   * This step's cleanup may need what the steps before it made (the error-cleanup-provisioner
   * runs on the machine): a cleanUpEarlier() step leaves them, and this one, for the end.
   */
  readonly holdsEarlierSteps?: boolean;
  /** Set by cleanUpEarlier(): once it has run, the steps before it are cleaned up at once. */
  readonly cleansUpEarlier?: boolean;
}

/** Progress of a step sequence, for hosts that show which step a build is in. */
export interface StepEvent {
  readonly step: string;
  /** 0-based position in the sequence. */
  readonly index: number;
  readonly count: number;
  readonly phase: 'run' | 'cleanup';
  readonly status: 'started' | 'succeeded' | 'failed' | 'skipped';
}

// Steps of a sequence are stored without their individual types; the sequence's type parameters
// carry them. `any` here is the erased form, never seen by a step author.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStep = Step<any, any>;
