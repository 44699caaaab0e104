import { createServer } from 'node:net';
import { join } from 'node:path';
import { KilnError } from '@kiln/sdk';
import { tryLockFile } from '../util/file-lock.js';
import type { FileLock } from '../util/file-lock.js';
import { throwIfAborted } from '../util/sleep.js';

export interface PortRangeOptions {
  /** Lowest port (inclusive). */
  readonly min: number;
  /** Highest port (exclusive, as in Packer); min == max means exactly min. */
  readonly max: number;
  /** Address to bind; '' or '0.0.0.0' is every IPv4 interface. */
  readonly address: string;
  /** The Packer cache: locks live in `<cacheDir>/port/<port>`. */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
}

/** A port that is ours until release(): bound by `bind`, and locked against other Kiln runs. */
export interface PortReservation<T> {
  readonly port: number;
  readonly bound: T;
  /** Frees the port lock (close what `bind` opened yourself). */
  release(): Promise<void>;
}

/**
 * Packer's ListenRangeConfig.Listen: pick a random port in [min, max), take its lock file
 * `$PACKER_CACHE_DIR/port/<port>` (so that parallel runs do not pick the same port before one
 * of them binds it), then bind it; a locked or busy port means another random try. Packer tries
 * forever; we give up after enough tries to have seen every port of the range several times.
 */
export async function reservePortInRange<T>(
  options: PortRangeOptions,
  bind: (port: number, address: string) => Promise<T>,
): Promise<PortReservation<T>> {
  const range = options.max - options.min;
  const attempts = Math.max(100, range * 10);
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    throwIfAborted(options.signal);
    const port = options.min + (range > 0 ? Math.floor(Math.random() * range) : 0);
    const lock: FileLock | undefined = await tryLockFile(join(options.cacheDir, 'port', String(port)));
    if (!lock) continue;
    try {
      const bound = await bind(port, options.address);
      return { port, bound, release: () => lock.release() };
    } catch {
      await lock.release();
    }
  }
  throw new KilnError('STEP_FAILED', `Error finding port: no free port in [${options.min}, ${options.max}) on ${options.address || '0.0.0.0'}`);
}

/**
 * Reserves a port that a program started later will bind (QEMU's VNC display, a host port
 * forward): it is checked free by binding and closing it, and stays locked until release().
 */
export function reservePort(options: PortRangeOptions): Promise<PortReservation<undefined>> {
  return reservePortInRange(options, (port, address) => bindAndClose(port, address));
}

function bindAndClose(port: number, address: string): Promise<undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: address || '0.0.0.0', exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
