import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { hasCommand } from './commands.js';

/** A QEMU with no guest: its VNC server and PS/2 keyboard, logging every key it receives. */
export interface QemuVnc {
  readonly port: number;
  /** `qcode down` per PS/2 event QEMU logged so far (`-trace ps2_keyboard_event`). */
  events(): string[];
  /** Sends a line to the human monitor (HMP) on stdin. */
  monitor(command: string): void;
  /** Resolves once QEMU logged at least `count` events, or after `timeoutMs`. */
  waitForEvents(count: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

/** A free port at or above 5900, so that QEMU's `-vnc :N` display number can reach it. */
async function freeVncPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 5900 + 100 + Math.floor(Math.random() * 3000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free VNC port');
}

export async function startQemuVnc(options: { password?: boolean } = {}): Promise<QemuVnc> {
  if (!hasCommand('qemu-system-x86_64')) {
    throw new Error('qemu-system-x86_64 is missing: node tools/testbed/ensure-deps.mjs installs it (apt qemu-system-x86)');
  }
  const port = await freeVncPort();
  const display = `127.0.0.1:${port - 5900}${options.password ? ',password=on' : ''}`;
  const child: ChildProcessWithoutNullStreams = spawn(
    'qemu-system-x86_64',
    ['-machine', 'accel=tcg', '-display', 'none', '-vnc', display, '-trace', 'ps2_keyboard_event',
      '-monitor', 'stdio', '-serial', 'none', '-parallel', 'none', '-nic', 'none', '-m', '32'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: string[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    for (const match of chunk.matchAll(/qcode (\d+) down ([01])/g)) events.push(`${match[1]} ${match[2]}`);
  });
  child.stdout.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test runner that exits without afterAll (timeout, Ctrl-C) must not leave QEMU behind.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  await waitForListening(port, () => child.exitCode !== null, () => stderr);
  return {
    port,
    events: () => [...events],
    monitor: (command) => void child.stdin.write(`${command}\n`),
    async waitForEvents(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return [...events];
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function waitForListening(port: number, died: () => boolean, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (died()) throw new Error(`qemu exited: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(true));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`qemu did not open VNC port ${port}: ${stderr()}`);
}
