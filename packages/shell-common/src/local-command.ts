import { spawn } from 'node:child_process';
import { LineSplitter } from './output-lines.js';

export interface LocalCommandOptions {
  /** argv: the program, then its arguments (no shell in between). */
  readonly argv: readonly string[];
  /** The child's whole environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Each line of stdout, cleaned like Packer's (see cleanOutputLine). */
  readonly onStdout: (line: string) => void;
  readonly onStderr: (line: string) => void;
  /** Aborting kills the command's whole process group. */
  readonly signal: AbortSignal;
  /** How long a cancelled command may take to exit after SIGTERM before it gets SIGKILL. */
  readonly killGraceMs?: number;
}

export type LocalCommandResult =
  /** The command ran to its end; a command killed by a signal reports -1, as Go's ExitStatus(). */
  | { readonly outcome: 'exited'; readonly exitStatus: number }
  /** The program could not be started (not found, not executable). */
  | { readonly outcome: 'not-started'; readonly error: Error }
  | { readonly outcome: 'cancelled' };

/**
 * Runs a local program with stdin closed, streaming its output line by line. The child gets its
 * own process group, so that cancelling kills everything the script started (a `sleep` in a
 * pipeline included) and a terminal's Ctrl-C reaches Kiln, which then cancels the build, rather
 * than the script directly (Packer's plugins ignore SIGINT for the same reason).
 */
export function runLocalCommand(options: LocalCommandOptions): Promise<LocalCommandResult> {
  const [program, ...args] = options.argv;
  if (program === undefined) {
    return Promise.resolve({ outcome: 'not-started', error: new Error('no command to run') });
  }
  if (options.signal.aborted) return Promise.resolve({ outcome: 'cancelled' });

  const ownGroup = process.platform !== 'win32';
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: ownGroup,
      windowsHide: true,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const stdout = new LineSplitter(options.onStdout);
    const stderr = new LineSplitter(options.onStderr);
    child.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));

    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (signal: NodeJS.Signals): void => {
      try {
        if (ownGroup && child.pid !== undefined) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    const onAbort = (): void => {
      cancelled = true;
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), options.killGraceMs ?? 2000);
      killTimer.unref();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    const settle = (result: LocalCommandResult): void => {
      options.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve(result);
    };

    child.once('error', (error) => {
      // 'error' without 'spawn' means the program never started; 'close' does not follow then.
      if (child.pid === undefined) settle({ outcome: 'not-started', error });
    });
    child.once('close', (code, signal) => {
      stdout.end();
      stderr.end();
      if (cancelled) settle({ outcome: 'cancelled' });
      else settle({ outcome: 'exited', exitStatus: code ?? (signal ? -1 : 0) });
    });
  });
}
