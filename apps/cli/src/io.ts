/** The outside world of one CLI invocation, injected so tests run `main` in-process. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Fires on the first Ctrl-C / SIGTERM (the process wiring lives in bin/ and main.ts). */
  readonly signal?: AbortSignal;
  /** The clock for timestamps (machine-readable rows, logs); tests pin it. Default: the system clock. */
  readonly now?: () => Date;
}

export function processIO(signal?: AbortSignal): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: Node sets up process.stdin on first touch, which costs `validate` and `inspect`
    // (that never read it) several milliseconds of their start-up.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
  };
}
