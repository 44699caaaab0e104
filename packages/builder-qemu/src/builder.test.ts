import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingUi, type BuildContext } from '@kiln/sdk';
import { QemuBuilder } from './builder.js';
import type { QemuDriver, QemuProcess } from './driver.js';

/** A QEMU that listens on its VNC port and powers off by itself after `runMs`. */
function fakeDriver(runMs: number) {
  const log: string[][] = [];
  const started: QemuProcess[] = [];
  const driver: QemuDriver = {
    version: async () => '7.2.22',
    async start(args) {
      log.push(['qemu', ...args]);
      const display = Number(/:(\d+)$/.exec(args[args.indexOf('-vnc') + 1]!)![1]);
      const server: Server = await new Promise((resolve) => {
        const listening = createServer((socket) => socket.destroy()).listen(5900 + display, '127.0.0.1', () => resolve(listening));
      });
      let running = true;
      let stopped!: () => void;
      const exited = new Promise<void>((resolve) => (stopped = resolve));
      const stop = async () => {
        if (!running) return;
        running = false;
        await new Promise((resolve) => server.close(resolve));
        stopped();
      };
      setTimeout(() => void stop(), runMs);
      const qemu: QemuProcess = { pid: 1, exited, isRunning: () => running, stderr: () => '', stop };
      started.push(qemu);
      return qemu;
    },
    async qemuImg(args) {
      log.push(['qemu-img', ...args]);
      const target = args[args.length - 1]!;
      if (args[0] === 'convert') await writeFile(target, 'image');
    },
    async copy(source, target) {
      log.push(['copy', source, target]);
      await writeFile(target, 'image');
    },
  };
  return { driver, log, started };
}

function context(cacheDir: string, signal = new AbortController().signal) {
  const ui = recordingUi();
  const ctx: BuildContext = {
    ui,
    signal,
    env: { buildName: 'web', builderType: 'qemu', runUuid: 'uuid', cacheDir, debug: false, force: false, onError: 'cleanup', userVariables: {} },
    ledger: { record: async () => undefined, forget: async () => undefined },
    hook: { provision: async () => undefined, provisionCleanup: async () => undefined },
  };
  return { ctx, ui };
}

const prepareContext = { buildName: 'web', builderType: 'qemu', positionOf: () => undefined, render: (text: string) => text };

describe('QemuBuilder with a fake QEMU', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-qemu-unit-'));
    await writeFile(join(dir, 'source.img'), 'source');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the steps in Packer order and returns the artifact with its state', async () => {
    const { driver, log } = fakeDriver(200);
    const builder = new QemuBuilder({ driver: () => driver });
    const outputDir = join(dir, 'out');
    builder.prepare(
      { iso_url: join(dir, 'source.img'), iso_checksum: 'none', disk_image: true, communicator: 'none', disable_vnc: true, output_directory: outputDir, headless: true, accelerator: 'tcg' },
      prepareContext,
    );
    const { ctx, ui } = context(join(dir, 'cache'));

    const artifact = await builder.run(ctx);

    expect(log.map((entry) => entry.slice(0, 2))).toEqual([
      ['qemu-img', 'convert'],
      ['qemu-img', 'resize'],
      ['qemu', '-name'],
      ['qemu-img', 'convert'],
    ]);
    expect(ui.lines.filter((line) => line.startsWith('say:'))).toEqual([
      'say: Retrieving ISO',
      `say: Trying ${join(dir, 'source.img')}`,
      `say: Trying ${join(dir, 'source.img')}`,
      `say: ${join(dir, 'source.img')} => ${join(dir, 'source.img')}`,
      'say: Copying hard drive...',
      'say: Resizing hard drive...',
      'say: Looking for available port between 5900 and 6000 on 127.0.0.1',
      'say: Starting VM, booting disk image',
      'say: Waiting for shutdown...',
      'say: Converting hard drive...',
    ]);
    expect(artifact?.files).toEqual([join(outputDir, 'packer-web')]);
    expect(artifact?.state('diskName')).toBe('packer-web');
    expect(artifact?.state('diskType')).toBe('qcow2');
    expect(artifact?.state('diskSize')).toBe('40960M');
    expect(artifact?.state('domainType')).toBe('tcg');
    expect(artifact?.state('diskPaths')).toBeUndefined();
    await artifact?.destroy();
    expect(existsSync(outputDir)).toBe(false);
  });

  it('stops QEMU and removes the output directory when cancelled', async () => {
    const { driver, started } = fakeDriver(60_000);
    const builder = new QemuBuilder({ driver: () => driver });
    const outputDir = join(dir, 'out');
    builder.prepare(
      { iso_url: join(dir, 'source.img'), iso_checksum: 'none', disk_image: true, communicator: 'none', disable_vnc: true, output_directory: outputDir, headless: true, accelerator: 'tcg' },
      prepareContext,
    );
    const controller = new AbortController();
    const { ctx, ui } = context(join(dir, 'cache'), controller.signal);
    const running = builder.run(ctx);
    while (!ui.lines.includes('say: Waiting for shutdown...')) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();

    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(started.map((qemu) => qemu.isRunning())).toEqual([false]);
    expect(existsSync(outputDir)).toBe(false);
  });

  it('gives up waiting for SSH as soon as QEMU exits', async () => {
    const { driver } = fakeDriver(300);
    const builder = new QemuBuilder({ driver: () => driver });
    builder.prepare(
      { iso_url: join(dir, 'source.img'), iso_checksum: 'none', disk_image: true, ssh_username: 'root', ssh_password: 'x', disable_vnc: true, output_directory: join(dir, 'out'), headless: true, accelerator: 'tcg' },
      prepareContext,
    );
    const started = Date.now();
    await expect(builder.run(context(join(dir, 'cache')).ctx)).rejects.toThrow('The VM stopped before StepConnect finished (QEMU exited).');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
