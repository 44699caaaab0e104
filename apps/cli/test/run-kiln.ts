import { Readable } from 'node:stream';
import { main } from '../src/main.js';
import type { CliIO } from '../src/io.js';

export interface KilnRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KilnRunOptions {
  readonly cwd?: string;
  /** Standard input; piped (not a TTY) unless `stdinIsTTY`. */
  readonly stdin?: string;
  readonly stdinIsTTY?: boolean;
  readonly env?: Record<string, string | undefined>;
  readonly signal?: AbortSignal;
  readonly now?: Date;
}

/** Runs `kiln <argv>` in-process through main(), capturing what it writes. */
export async function runKiln(argv: readonly string[], options: KilnRunOptions = {}): Promise<KilnRun> {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]), {
    isTTY: options.stdinIsTTY ?? false,
  });
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal ? { signal: options.signal } : {}),
    now: () => options.now ?? new Date('2020-12-16T10:00:00Z'),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
