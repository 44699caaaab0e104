import { readFileSync } from 'node:fs';
import { KilnError } from '@kiln/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeBootCommandOverVnc } from '../bootcommand/type-boot-command.js';
import { startQemuVnc } from '../../test/support/qemu-vnc.js';
import type { QemuVnc } from '../../test/support/qemu-vnc.js';
import { connectVnc } from './rfb-client.js';

const fixtures = new URL('../../test/fixtures/', import.meta.url);
const quickly = { PACKER_KEY_INTERVAL: '2ms' };

describe('RFB client against QEMU’s VNC server (security None)', () => {
  let qemu: QemuVnc;
  beforeAll(async () => {
    qemu = await startQemuVnc();
  }, 30_000);
  afterAll(() => qemu?.stop());

  it.each(['3.3', '3.7', '3.8'] as const)('completes a protocol %s handshake and reads ServerInit', async (maxVersion) => {
    const client = await connectVnc({ host: '127.0.0.1', port: qemu.port, maxVersion });
    try {
      expect(client.version).toBe(maxVersion);
      expect(client.securityType).toBe('none');
      expect(client.serverInit.name).toBe('QEMU');
      expect(client.serverInit.width).toBeGreaterThan(0);
      expect(client.serverInit.height).toBeGreaterThan(0);
      expect(client.serverInit.pixelFormat.bitsPerPixel).toBe(32);
    } finally {
      await client.close();
    }
  });

  it('types a boot command using the whole grammar into the guest keyboard exactly as Packer 1.6.6 did', async () => {
    const { cmd } = JSON.parse(readFileSync(new URL('packer166-boot-command.json', fixtures), 'utf8')) as { cmd: string };
    const packer = readFileSync(new URL('packer166-qemu-vnc-ps2.txt', fixtures), 'utf8').trimEnd().split('\n');
    // 1.6.6 typed "<menu>" as text (Shift+comma, m, e, n, u, Shift+period); Kiln presses the
    // Menu key, which QEMU's keymap sends as the PC "compose" key (e0 5d, qcode 119).
    const menuAsText = ['1 1', '56 1', '56 0', '1 0', '55 1', '55 0', '25 1', '25 0', '54 1', '54 0', '29 1', '29 0', '1 1', '57 1', '57 0', '1 0'];
    const at = packer.findIndex((_, index) => menuAsText.every((event, offset) => packer[index + offset] === event));
    expect(at).toBeGreaterThan(0);
    const expected = [...packer.slice(0, at), '119 1', '119 0', ...packer.slice(at + menuAsText.length)];

    const before = qemu.events().length;
    const client = await connectVnc({ host: '127.0.0.1', port: qemu.port });
    const sayings: string[] = [];
    try {
      await typeBootCommandOverVnc({
        command: cmd,
        vnc: client,
        env: quickly,
        ui: { say: (text) => sayings.push(text), message: () => undefined, error: () => undefined, ask: () => Promise.reject(new Error('no')) },
      });
    } finally {
      await client.close();
    }
    const events = (await qemu.waitForEvents(before + expected.length)).slice(before);
    expect(events).toEqual(expected);
    expect(sayings).toEqual(['Typing the boot command over VNC...']);
  }, 30_000);

  it('stops typing as soon as the signal fires', async () => {
    const client = await connectVnc({ host: '127.0.0.1', port: qemu.port });
    const controller = new AbortController();
    const before = qemu.events().length;
    setTimeout(() => controller.abort(), 150);
    const typing = typeBootCommandOverVnc({ command: 'x'.repeat(200), vnc: client, keyIntervalMs: 20, signal: controller.signal });
    await expect(typing).rejects.toMatchObject({ code: 'CANCELLED' });
    await client.close();
    const typed = qemu.events().length - before;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(qemu.events().length - before).toBe(typed);
    expect(typed).toBeLessThan(40);
  });

  it('connects exclusive when asked (VMware’s ClientInit), which makes QEMU drop the shared viewer', async () => {
    const shared = await connectVnc({ host: '127.0.0.1', port: qemu.port, shared: true });
    const exclusive = await connectVnc({ host: '127.0.0.1', port: qemu.port, shared: false });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await expect(shared.keyEvent(0x61, true)).rejects.toThrow();
      await expect(exclusive.keyEvent(0x61, false)).resolves.toBeUndefined();
    } finally {
      await shared.close();
      await exclusive.close();
    }
  });

  it("words a refused connection as Packer's step does", async () => {
    const error = await connectVnc({ host: '127.0.0.1', port: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).message).toBe('Error connecting to VNC: dial tcp 127.0.0.1:1: connect: connection refused');
  });
});

describe('RFB client against QEMU’s VNC server with a password (VNC Authentication, DES)', () => {
  let qemu: QemuVnc;
  beforeAll(async () => {
    qemu = await startQemuVnc({ password: true });
    qemu.monitor('change vnc password s3cr3t!x');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }, 30_000);
  afterAll(() => qemu?.stop());

  it('authenticates with the right password and types', async () => {
    const client = await connectVnc({ host: '127.0.0.1', port: qemu.port, password: 's3cr3t!x' });
    const before = qemu.events().length;
    try {
      expect(client.securityType).toBe('vnc-auth');
      await typeBootCommandOverVnc({ command: 'aB', vnc: client, env: quickly });
    } finally {
      await client.close();
    }
    // a = qcode 36, b = 53, Shift = 1.
    expect((await qemu.waitForEvents(before + 6)).slice(before)).toEqual(['36 1', '36 0', '1 1', '53 1', '53 0', '1 0']);
  });

  it.each(['3.3', '3.7', '3.8'] as const)('authenticates over protocol %s', async (maxVersion) => {
    const client = await connectVnc({ host: '127.0.0.1', port: qemu.port, password: 's3cr3t!x', maxVersion });
    expect(client.securityType).toBe('vnc-auth');
    await client.close();
  });

  it('fails the handshake with a wrong password, and without one', async () => {
    await expect(connectVnc({ host: '127.0.0.1', port: qemu.port, password: 'wrong' })).rejects.toThrow(
      /^Error handshaking with VNC: security handshake failed: /,
    );
    await expect(connectVnc({ host: '127.0.0.1', port: qemu.port })).rejects.toThrow(
      'Error handshaking with VNC: no suitable auth schemes found. server supported: [2] (the server asks for a password)',
    );
  });
});
