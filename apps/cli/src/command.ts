import type { CliIO } from './io.js';

/** One `kiln <verb>`. Each lives in src/commands/<verb>.ts and is loaded only when invoked. */
export interface CliCommand {
  readonly name: string;
  /** One line for `kiln` / `kiln -h`. */
  readonly synopsis: string;
  /** The full `-h` text, in the shape of Packer's. */
  readonly help: string;
  /**
   * Long-running verbs (build) set this: main then turns the first SIGINT/SIGTERM into
   * `io.signal` aborting, as Packer does, instead of letting the signal kill the process.
   */
  readonly handlesSignals?: boolean;
  /** `-machine-readable` has been stripped from args already (global flag, as in Packer). */
  run(args: readonly string[], io: CliIO, options: { machineReadable: boolean }): Promise<number>;
}
