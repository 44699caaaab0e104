import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isKilnError } from '@kiln/sdk';
import type { TinyVm } from '@kiln/testbed';
import { spawnQemuDriver, type QemuDriver } from '../src/driver.js';
import type { QemuConfig } from '../src/config.js';
import { buildContext, preparedBuilder, remote } from './helpers.js';
import { tinyVmConfig, withTinyVm } from './tinyvm-config.js';

const run = promisify(execFile);

/** Reads a file out of an ext4 disk image the way a user without root would: convert to raw, then debugfs. */
async function readFromImage(image: string, format: string, path: string): Promise<string> {
  const raw = `${image}.raw`;
  await run('qemu-img', ['convert', '-f', format, '-O', 'raw', image, raw]);
  try {
    const { stdout } = await run('debugfs', ['-R', `cat ${path}`, raw]);
    return stdout;
  } finally {
    await rm(raw, { force: true });
  }
}

describe('qemu builder with the tiny guest (real QEMU)', { timeout: 240_000 }, () => {
  let vm: TinyVm;
  let work: string;
  withTinyVm('kiln-qemu-', (readyVm, readyWork) => {
    vm = readyVm;
    work = readyWork;
  });

  const baseConfig = (outputDir: string): QemuConfig => ({
    ...tinyVmConfig(vm, outputDir),
    ssh_timeout: '5m',
    shutdown_timeout: '2m',
  });

  it('types the boot command over VNC, provisions over SSH, and leaves a compacted image holding both', async () => {
    const outputDir = join(work, 'output-boot');
    const builder = preparedBuilder({
      ...baseConfig(outputDir),
      // tty1's probe starts a few seconds after boot (more on a busy machine).
      boot_wait: '20s',
      boot_command: ['typed-by-kiln {{ .Name }}<enter>'],
    });
    const seen: { typed?: string; data?: Record<string, unknown> } = {};
    const { ctx, ui } = buildContext({
      cacheDir: join(work, 'cache'),
      provision: async (communicator, data) => {
        seen.data = { ...data };
        seen.typed = await remote(communicator, 'cat /var/log/typed.txt');
        await remote(communicator, 'echo "provisioned by kiln" > /root/kiln-was-here && sync');
      },
    });

    const artifact = await builder.run(ctx);

    expect(seen.typed).toBe('typed-by-kiln tinyvm.qcow2\n');
    expect(seen.data).toMatchObject({ Host: '127.0.0.1', User: 'root', ConnType: 'ssh', PackerHTTPIP: '10.0.2.2', PackerHTTPPort: '0' });
    expect(artifact?.builderId).toBe('transcend.qemu');
    expect(artifact?.id).toBe('VM');
    expect(artifact?.files).toEqual([join(outputDir, 'tinyvm.qcow2')]);
    expect(artifact?.describe()).toBe(`VM files in directory: ${outputDir}`);
    expect(ui.lines).toEqual(
      expect.arrayContaining([
        'say: Typing the boot command over VNC...',
        'say: Gracefully halting virtual machine...',
        'say: Converting hard drive...',
      ]),
    );
    expect(await readFromImage(join(outputDir, 'tinyvm.qcow2'), 'qcow2', '/root/kiln-was-here')).toBe('provisioned by kiln\n');
    expect(await readFromImage(join(outputDir, 'tinyvm.qcow2'), 'qcow2', '/var/log/typed.txt')).toBe('typed-by-kiln tinyvm.qcow2\n');
  });

  it('sets a VNC password over QMP and types with it; with communicator none a guest that never stops fails the build', async () => {
    const outputDir = join(work, 'output-vnc-password');
    const pids: number[] = [];
    const real = spawnQemuDriver({ qemuBinary: 'qemu-system-x86_64' });
    const spy: QemuDriver = { ...real, start: async (args) => { const qemu = await real.start(args); pids.push(qemu.pid!); return qemu; } };
    // No kernel: the firmware finds nothing to boot and waits forever.
    const builder = preparedBuilder(
      {
        ...baseConfig(outputDir),
        qemuargs: [],
        communicator: 'none',
        vnc_use_password: true,
        boot_wait: '-1s',
        boot_command: ['abc<enter>'],
        shutdown_timeout: '1s',
      },
      { driver: () => spy },
    );
    const { ctx, ui } = buildContext({ cacheDir: join(work, 'cache') });

    await expect(builder.run(ctx)).rejects.toThrow('Failed to shutdown');

    expect(ui.lines).toEqual(expect.arrayContaining([`say: Opening QMP socket at: ${join(outputDir, 'tinyvm.qcow2.monitor')}`, 'say: Typing the boot command over VNC...']));
    expect(ui.lines.filter((line) => line.startsWith('error:'))).toEqual([]);
    expect(pids).toHaveLength(1);
    expect(() => process.kill(pids[0]!, 0)).toThrow();
    expect(existsSync(outputDir)).toBe(false);
  });

  it('fails cleanly on a wrong checksum: nothing started, no output directory', async () => {
    const outputDir = join(work, 'output-checksum');
    const started: string[][] = [];
    const real = spawnQemuDriver({ qemuBinary: 'qemu-system-x86_64' });
    const spy: QemuDriver = { ...real, start: (args) => (started.push([...args]), real.start(args)) };
    const builder = preparedBuilder(
      { ...baseConfig(outputDir), iso_checksum: `sha256:${'0'.repeat(64)}` },
      { driver: () => spy },
    );
    const { ctx } = buildContext({ cacheDir: join(work, 'cache') });

    const failure = await builder.run(ctx).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(isKilnError(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/^error downloading ISO: \[.*Checksums did not match/s);
    expect(started).toEqual([]);
    expect(existsSync(outputDir)).toBe(false);
  });
});
