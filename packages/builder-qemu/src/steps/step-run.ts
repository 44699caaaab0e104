import { connect } from 'node:net';
import { rm } from 'node:fs/promises';
import { KilnError, type PrepareContext, type Step } from '@kiln/sdk';
import { connectVnc, typeBootCommandOverVnc, waitForBoot } from '@kiln/vm-common';
import type { PreparedQemuConfig } from '../config.js';
import type { QemuDriver } from '../driver.js';
import { buildQemuArgs } from '../qemu-args.js';
import { openQmp, type QmpMonitor } from '../qmp.js';
import type { QemuState } from '../state.js';

/**
 * Packer's stepRun: builds the command line and starts QEMU, which is stopped at cleanup. Packer
 * sleeps a fixed time after the start; Kiln waits until QEMU's VNC server answers (or QEMU exits,
 * which is then reported with QEMU's own message).
 */
export function stepRun(config: PreparedQemuConfig, driver: QemuDriver, render: PrepareContext['render']): Step<QemuState, Pick<QemuState, 'qemu'>> {
  return {
    name: 'stepRun',
    async run(state, ctx) {
      let version: string;
      try {
        version = await driver.version();
      } catch (error) {
        throw new KilnError('STEP_FAILED', `Error determining qemu version: ${(error as Error).message}`, { cause: error });
      }
      const major = Number(version.split('.')[0]);
      const args = buildQemuArgs(
        config,
        {
          isoPath: state.isoPath ?? '',
          ...(state.diskPaths ? { diskPaths: state.diskPaths } : {}),
          ...(state.cdPath ? { cdPath: state.cdPath } : {}),
          ...(state.floppyPath ? { floppyPath: state.floppyPath } : {}),
          vncPort: state.vncPort ?? config.vncPortMin,
          ...(state.vncPassword ? { vncPassword: state.vncPassword } : {}),
          ...(state.commHostPort !== undefined ? { commHostPort: state.commHostPort } : {}),
          httpIp: state.httpIp ?? '',
          httpPort: state.httpPort ?? 0,
          atLeastVersion2: major >= 2,
        },
        render,
        ctx.ui,
      );
      const qemu = await driver.start(args);
      ctx.provide({ qemu });
      const host = config.vncBindAddress === '0.0.0.0' ? '127.0.0.1' : config.vncBindAddress;
      const up = await waitUntilListening(host, state.vncPort ?? 0, () => qemu.isRunning(), ctx.signal);
      if (!up) {
        const said = qemu.stderr().trim();
        throw new KilnError('STEP_FAILED', `Error launching VM: Qemu failed to start. Please run with PACKER_LOG=1 to get more info.${said ? `\n${said}` : ''}`);
      }
      return { qemu };
    },
    async cleanup(state, ctx) {
      try {
        await state.qemu?.stop();
      } catch (error) {
        ctx.ui.error(`Error shutting down VM: ${(error as Error).message}`);
      }
    },
  };
}

/** True once host:port accepts a connection, false when `alive()` says the server died first. */
async function waitUntilListening(host: string, port: number, alive: () => boolean, signal: AbortSignal, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    if (!alive()) return false;
    if (await accepts(host, port)) return alive();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return alive();
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Packer's stepConfigureQMP: opens the monitor and sets the VNC password through it. */
export function stepConfigureQmp(config: PreparedQemuConfig): Step<QemuState> {
  let monitor: QmpMonitor | undefined;
  return {
    name: 'stepConfigureQMP',
    async run(state, ctx) {
      if (!config.qmpEnable || !config.qmpSocketPath) return;
      ctx.ui.say(`Opening QMP socket at: ${config.qmpSocketPath}`);
      monitor = await openQmp(config.qmpSocketPath, { signal: ctx.signal });
      if (state.vncPassword) {
        try {
          await monitor.execute('change-vnc-password', { password: state.vncPassword });
        } catch (error) {
          throw new KilnError('STEP_FAILED', `Error connecting to QMP socket: ${(error as Error).message}`, { cause: error });
        }
      }
    },
    async cleanup() {
      if (!monitor || !config.qmpSocketPath) return;
      monitor.close();
      await rm(config.qmpSocketPath, { force: true });
    },
  };
}

/**
 * Packer's stepTypeBootCommand: boot_wait, then the boot command typed over VNC (skipped with
 * disable_vnc). Without a boot_command Kiln neither waits nor connects: Packer does both, which
 * only delays the communicator, whose own wait starts right after.
 */
export function stepTypeBootCommand(config: PreparedQemuConfig, render: PrepareContext['render']): Step<QemuState> {
  return {
    name: 'stepTypeBootCommand',
    async run(state, ctx) {
      if (config.boot.disableVnc || !config.boot.hasBootCommand) return;
      await waitForBoot({ bootWaitMs: config.boot.bootWaitMs, ui: ctx.ui, signal: ctx.signal });
      const host = config.vncBindAddress;
      const port = state.vncPort ?? 0;
      ctx.ui.say(`Connecting to VM via VNC (${host}:${port})`);
      let vnc;
      try {
        vnc = await connectVnc({
          host: host === '0.0.0.0' ? '127.0.0.1' : host,
          port,
          ...(state.vncPassword ? { password: state.vncPassword } : {}),
          shared: true,
          signal: ctx.signal,
        });
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        throw new KilnError('STEP_FAILED', `Error handshaking with VNC: ${(error as Error).message}`, { cause: error });
      }
      try {
        await typeBootCommandOverVnc({
          vnc,
          command: config.boot.bootCommand,
          render: (command) => render(command, { HTTPIP: state.httpIp ?? '', HTTPPort: state.httpPort ?? 0, Name: config.vmName }),
          ...(config.boot.keyIntervalMs !== undefined ? { keyIntervalMs: config.boot.keyIntervalMs } : {}),
          ui: ctx.ui,
          signal: ctx.signal,
        });
      } finally {
        await vnc.close();
      }
    },
  };
}

/** Packer's stepWaitGuestAddress: with net_bridge the guest's address comes from its agent over QMP. */
export function stepWaitGuestAddress(config: PreparedQemuConfig): Step<QemuState> {
  return {
    name: 'stepWaitGuestAddress',
    async run(_state, ctx) {
      if (config.communicator === 'none') {
        ctx.ui.message('No communicator is configured -- skipping StepWaitGuestAddress');
        return;
      }
      if (config.netBridge === '') {
        ctx.ui.message('Not using a NetBridge -- skipping StepWaitGuestAddress');
        return;
      }
      if (config.ssh.ssh_host) return;
      throw new KilnError('STEP_FAILED', 'Kiln cannot discover the guest address on net_bridge yet: set ssh_host.');
    },
  };
}
