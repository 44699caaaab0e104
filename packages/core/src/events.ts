import type { Artifact, KilnError, StepEvent } from '@kiln/sdk';

/** What plugins say through their Ui, one event per call (a call may hold several lines). */
export interface UiEvent {
  readonly type: 'ui';
  readonly build: string;
  /** Packer's TargetedUI target: the build name, or `name (pp-type)` for a post-processor. */
  readonly target: string;
  readonly level: 'say' | 'message' | 'error';
  readonly text: string;
}

/**
 * Everything a build run reports, in order. The CLI renders these as Packer's output; library
 * callers may ignore them. Every build-scoped event names its build, so parallel output can be
 * kept apart (one log per build, no interleaving within a line).
 */
export type BuildEvent =
  | {
      readonly type: 'prepare-failed';
      readonly build: string;
      /** 'initialize': unknown plugin types and planning errors (Packer: `Failed to initialize build`). */
      readonly stage: 'initialize' | 'prepare';
      readonly errors: readonly KilnError[];
    }
  | { readonly type: 'prepare-warnings'; readonly build: string; readonly messages: readonly string[] }
  | { readonly type: 'run-started'; readonly builds: readonly string[]; readonly runUuid: string; readonly debug: boolean }
  | { readonly type: 'build-started'; readonly build: string }
  | UiEvent
  | {
      readonly type: 'progress';
      readonly build: string;
      readonly target: string;
      readonly label: string;
      readonly done: number;
      readonly total: number | undefined;
    }
  | { readonly type: 'step'; readonly build: string; readonly step: StepEvent }
  | {
      readonly type: 'provisioner';
      readonly build: string;
      readonly index: number;
      readonly provisionerType: string;
      /** The error-cleanup-provisioner reports as 'cleanup'. */
      readonly role: 'provision' | 'cleanup';
      readonly status: 'started' | 'succeeded' | 'failed';
    }
  | {
      readonly type: 'post-processor';
      readonly build: string;
      readonly chain: number;
      readonly index: number;
      readonly name: string;
      readonly postProcessorType: string;
      readonly status: 'started' | 'succeeded' | 'failed';
    }
  | {
      readonly type: 'build-finished';
      readonly build: string;
      readonly durationMs: number;
      readonly artifacts: readonly Artifact[];
    }
  | { readonly type: 'build-errored'; readonly build: string; readonly durationMs: number; readonly error: Error }
  | { readonly type: 'build-cancelled'; readonly build: string; readonly durationMs: number }
  /** The first Ctrl-C / SIGTERM (the signal fired): every build now cancels and cleans up. */
  | { readonly type: 'cancelling' }
  /** Debug log line (KILN_LOG / PACKER_LOG); `build` unset for run-wide lines. */
  | { readonly type: 'log'; readonly build?: string; readonly text: string }
  | { readonly type: 'run-finished'; readonly durationMs: number; readonly cancelled: boolean };

/** A question for the user (-on-error=ask, -debug pauses), from the Ui of `target`. */
export interface AskRequest {
  readonly build: string;
  readonly target: string;
  readonly question: string;
}
