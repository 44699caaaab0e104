import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { KilnError } from '@kiln/sdk';

/** A running QEMU. */
export interface QemuProcess {
  readonly pid: number | undefined;
  /** Resolves when QEMU has exited, however it ended. */
  readonly exited: Promise<void>;
  isRunning(): boolean;
  /** What QEMU wrote on stderr so far (its error messages). */
  stderr(): string;
  /** Stops QEMU at once (SIGTERM, then SIGKILL if it lingers) and waits for it to be gone. */
  stop(): Promise<void>;
}

/**
 * The outside world the qemu builder touches: the QEMU program and qemu-img. Injected so that
 * unit tests run the builder's steps against a fake.
 */
export interface QemuDriver {
  /** `qemu -version`'s number, e.g. `7.2.22`. */
  version(): Promise<string>;
  /** Starts QEMU with these arguments. */
  start(args: readonly string[]): Promise<QemuProcess>;
  /** Runs qemu-img; rejects with `QemuImg error: <stderr>` when it fails. */
  qemuImg(args: readonly string[], signal?: AbortSignal): Promise<void>;
  /** Copies a disk image byte for byte (reflinked where the filesystem can). */
  copy(source: string, target: string): Promise<void>;
}

export interface SpawnDriverOptions {
  readonly qemuBinary: string;
  readonly qemuImgBinary?: string;
}

/** The real driver: spawns the programs found on PATH. */
export function spawnQemuDriver(options: SpawnDriverOptions): QemuDriver {
  const qemuImg = options.qemuImgBinary ?? 'qemu-img';
  return {
    async version() {
      const output = await capture(options.qemuBinary, ['-version']);
      const match = /QEMU.*?version ([\d.]+)/s.exec(output);
      if (!match) throw new KilnError('STEP_FAILED', `No version found: ${output}`);
      return match[1]!;
    },
    start: (args) => startQemu(options.qemuBinary, args),
    async qemuImg(args, signal) {
      try {
        await capture(qemuImg, args, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        const stderr = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
        throw new KilnError('STEP_FAILED', `QemuImg error: ${stderr}`, { cause: error });
      }
    },
    copy: (source, target) => copyFile(source, target, constants.COPYFILE_FICLONE),
  };
}

function capture(file: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 * 1024 * 1024, ...(signal ? { signal } : {}) }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve(stdout);
    });
  });
}

function startQemu(file: string, args: readonly string[]): Promise<QemuProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let running = true;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<void>((done) => child.once('close', () => done()));
    child.once('exit', () => {
      running = false;
    });
    child.once('error', (error) => {
      running = false;
      reject(new KilnError('STEP_FAILED', `Error launching VM: ${error.message}`, { cause: error }));
    });
    child.once('spawn', () =>
      resolve({
        pid: child.pid,
        exited,
        isRunning: () => running,
        stderr: () => stderr,
        async stop() {
          if (!running) return exited;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        },
      }),
    );
  });
}
