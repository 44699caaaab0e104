import { randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { KilnError, type Step } from '@kiln/sdk';
import { reservePort, startHttpServer, type HttpDirectoryServer, type PortReservation } from '@kiln/vm-common';
import type { PreparedQemuConfig } from '../config.js';
import type { QemuState } from '../state.js';

/** The host as the guest sees it: QEMU's user-mode gateway, or the bridge's own IPv4 address. */
export function stepHttpIpDiscover(config: PreparedQemuConfig): Step<QemuState, Pick<QemuState, 'httpIp'>> {
  return {
    name: 'stepHTTPIPDiscover',
    async run() {
      if (config.netBridge === '') return { httpIp: '10.0.2.2' };
      const address = networkInterfaces()[config.netBridge]?.find((entry) => entry.family === 'IPv4');
      if (!address) throw new KilnError('STEP_FAILED', `Error getting the bridge ${config.netBridge} IP address: no IPv4 address`);
      return { httpIp: address.address };
    },
  };
}

/** Packer's StepHTTPServer: serves http_directory (port 0 when there is none). */
export function stepHttpServer(config: PreparedQemuConfig, cacheDir: string): Step<QemuState, Pick<QemuState, 'httpPort'>> {
  let server: HttpDirectoryServer | undefined;
  return {
    name: 'StepHTTPServer',
    async run(_state, ctx) {
      server = await startHttpServer({
        directory: config.http.directory,
        portMin: config.http.portMin,
        portMax: config.http.portMax,
        bindAddress: config.http.bindAddress,
        cacheDir,
        ui: ctx.ui,
        signal: ctx.signal,
      });
      return { httpPort: server.port };
    },
    async cleanup() {
      await server?.close();
    },
  };
}

/**
 * Packer's stepPortForward: a free host port in [host_port_min, host_port_max) that QEMU forwards
 * to the communicator port. Its lock file is held until the build ends, so parallel builds differ.
 */
export function stepPortForward(config: PreparedQemuConfig, cacheDir: string): Step<QemuState, Pick<QemuState, 'commHostPort'>> {
  let reservation: PortReservation<undefined> | undefined;
  return {
    name: 'stepPortForward',
    async run(_state, ctx) {
      if (config.communicator === 'none') {
        ctx.ui.message('No communicator is set; skipping port forwarding setup.');
        return {};
      }
      if (config.netBridge !== '') {
        ctx.ui.message('net_bridge is set; skipping port forwarding setup.');
        return {};
      }
      if (config.skipNatMapping) return { commHostPort: config.commPort };
      reservation = await reserve(config.hostPortMin, config.hostPortMax, config.vncBindAddress, cacheDir, ctx.signal, 'Error finding port');
      ctx.ui.say(`Found port for communicator (SSH, WinRM, etc): ${reservation.port}.`);
      return { commHostPort: reservation.port };
    },
    async cleanup() {
      await reservation?.release();
    },
  };
}

const VNC_PASSWORD_CHARACTERS = '012345689abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Packer's random VNC password: 8 characters (its alphabet lacks the 7). */
export function vncPassword(): string {
  return Array.from({ length: 8 }, () => VNC_PASSWORD_CHARACTERS[randomInt(VNC_PASSWORD_CHARACTERS.length)]).join('');
}

/** Packer's stepConfigureVNC: a free VNC port in [vnc_port_min, vnc_port_max), and a password if asked. */
export function stepConfigureVnc(config: PreparedQemuConfig, cacheDir: string): Step<QemuState, Pick<QemuState, 'vncPort' | 'vncPassword'>> {
  let reservation: PortReservation<undefined> | undefined;
  return {
    name: 'stepConfigureVNC',
    async run(_state, ctx) {
      ctx.ui.say(`Looking for available port between ${config.vncPortMin} and ${config.vncPortMax} on ${config.vncBindAddress}`);
      reservation = await reserve(config.vncPortMin, config.vncPortMax, config.vncBindAddress, cacheDir, ctx.signal, 'Error finding VNC port');
      return { vncPort: reservation.port, vncPassword: config.vncUsePassword ? vncPassword() : '' };
    },
    async cleanup() {
      await reservation?.release();
    },
  };
}

async function reserve(min: number, max: number, address: string, cacheDir: string, signal: AbortSignal, prefix: string): Promise<PortReservation<undefined>> {
  try {
    return await reservePort({ min, max, address, cacheDir, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    const message = (error as Error).message.replace(/^Error finding port: /, '');
    throw new KilnError('STEP_FAILED', `${prefix}: ${message}`, { cause: error });
  }
}
