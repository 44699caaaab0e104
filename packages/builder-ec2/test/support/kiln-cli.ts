import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsChildArgs } from '@kiln/testbed/ts-child';

const MAIN = fileURLToPath(new URL('../../../../apps/cli/src/main.ts', import.meta.url));
const SCRIPT = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1));`;

export interface KilnProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  output(): string;
  /** Resolves once stdout contains `text`. */
  waitFor(text: string): Promise<void>;
  exit: Promise<number | null>;
}

/** `kiln <args>` from the workspace sources in a child process of its own (so it can be killed). */
export function spawnKiln(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): KilnProcess {
  const child = spawn(process.execPath, [...tsChildArgs(), '--input-type=module', '-e', SCRIPT, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    for (const waiter of waiters.filter((w) => out.includes(w.text))) waiter.resolve();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exit,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (out.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exit.then(() => (out.includes(text) ? resolve() : reject(new Error(`kiln exited before printing "${text}":\n${out}`))));
      }),
  };
}
