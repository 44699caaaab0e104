import type { AnyStep, Step } from './step.js';

/** The compile error a step gets when the steps before it do not produce what it reads. */
export interface MissingStepInputs<In, State> {
  readonly error: 'an earlier step must produce these state keys';
  readonly missing: Exclude<keyof In, keyof State>;
}

/**
 * An ordered list of steps whose state types are checked at compile time: each `then(step)`
 * requires that the initial state plus the outputs of the earlier steps cover what the step reads.
 *
 * ```ts
 * const sequence = steps<{ config: Config }>()
 *   .then(stepCreateKeyPair)   // Step<{ config: Config }, { keyName: string }>
 *   .then(stepRunInstance);    // Step<{ config: Config; keyName: string }, { instanceId: string }>
 * ```
 */
export class StepSequence<Init extends object, State extends object> {
  readonly steps: readonly AnyStep[];

  constructor(stepList: readonly AnyStep[] = []) {
    this.steps = stepList;
  }

  then<In extends object, Out extends object>(
    step: Step<In, Out>,
    ..._check: State extends In ? [] : [MissingStepInputs<In, State>]
  ): StepSequence<Init, State & Out> {
    return new StepSequence<Init, State & Out>([...this.steps, step]);
  }
}

/** Starts a typed step sequence whose first step receives `Init`. */
export function steps<Init extends object>(): StepSequence<Init, Init> {
  return new StepSequence<Init, Init>();
}
