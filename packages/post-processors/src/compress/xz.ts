import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KilnError } from '@kiln/sdk';

/**
 * xz compression through the `xz` program (xz-utils), single-threaded like Packer's, CRC64 check,
 * default level. There is no maintained pure-JS xz encoder, and the native bindings either need
 * Node 22 or compile liblzma at install; xz itself is on virtually every Linux (Debian priority
 * "standard") and in every macOS package manager.
 */
export function xzStage(program = 'xz'): (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
  return async function* compressWithXz(source) {
    const child = spawn(program, ['--compress', '--stdout', '--threads=1', '--check=crc64', '-6'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await once(child, 'spawn');
    } catch (error) {
      throw new KilnError('IO', `xz compression needs the xz program (Debian and Ubuntu: apt-get install xz-utils): ${(error as Error).message}`, {
        cause: error,
      });
    }
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    const feeding = pipeline(Readable.from(source), child.stdin);
    feeding.catch(() => undefined); // reported below, after the output
    try {
      for await (const chunk of child.stdout) yield chunk as Buffer;
      const [code] = await exited;
      if (code !== 0) throw new KilnError('IO', `xz failed (exit status ${code}): ${stderr.trim()}`);
      await feeding;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    }
  };
}
