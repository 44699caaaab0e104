import { createServer } from 'node:net';
import { isKilnError, recordingUi } from '@kiln/sdk';
import { startWinrmServer, type WinrmServer } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWinrm } from '../src/index.js';
import { configFor, connectTo, run } from './support.js';

let server: WinrmServer;
let ntlmOnly: WinrmServer;

beforeAll(async () => {
  [server, ntlmOnly] = await Promise.all([startWinrmServer(), startWinrmServer({ auth: 'ntlm', username: 'builder' })]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), ntlmOnly?.stop()]);
});

async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('connectWinrm', () => {
  it('connects with Basic auth and says what Packer says', async () => {
    const ui = recordingUi();
    const communicator = await connectTo(server, {}, { ui });
    try {
      expect(ui.lines).toEqual([
        'say: Using winrm communicator to connect: 127.0.0.1',
        'say: Waiting for WinRM to become available...',
        'message: WinRM connected.',
        'say: Connected to WinRM!',
      ]);
      expect((await run(communicator, 'echo hello')).stdout).toEqual(['hello']);
      expect(server.envelopes.every((envelope) => envelope.auth === 'basic')).toBe(true);
    } finally {
      await communicator.close();
    }
    expect(server.openShells()).toBe(0);
  });

  it('connects with NTLMv2 when winrm_use_ntlm is set, and reuses the authenticated connection', async () => {
    const communicator = await connectTo(ntlmOnly, { winrm_use_ntlm: true });
    try {
      const result = await run(communicator, 'echo over ntlm & exit /b 3');
      expect(result).toEqual({ stdout: ['over ntlm'], stderr: [], exitStatus: 3 });
      const kinds = ntlmOnly.envelopes.map((envelope) => envelope.auth);
      expect(kinds[0]).toBe('ntlm');
      expect(kinds.slice(1).every((kind) => kind === 'session' || kind === 'ntlm')).toBe(true);
      expect(kinds.filter((kind) => kind === 'session').length).toBeGreaterThan(kinds.length / 2);
    } finally {
      await communicator.close();
    }
  });

  it('fails with AUTH_FAILED naming the user and host:port when the password is wrong', async () => {
    const error = await connectTo(server, { winrm_password: 'wrong' }, { authAttempts: 2 }).catch((e: unknown) => e);
    expect(isKilnError(error) && error.code).toBe('AUTH_FAILED');
    expect((error as Error).message).toContain(`Administrator@127.0.0.1:${server.port}`);
    expect((error as Error).message).toContain('HTTP 401, Basic authentication');
  });

  it('fails the same way over NTLM, and when the listener does not take Basic', async () => {
    const wrong = await connectTo(ntlmOnly, { winrm_use_ntlm: true, winrm_password: 'wrong' }, { authAttempts: 1 }).catch((e: unknown) => e);
    expect((wrong as Error).message).toContain(`builder@127.0.0.1:${ntlmOnly.port}`);
    expect((wrong as Error).message).toContain('NTLM authentication');
    const basic = await connectTo(ntlmOnly, {}, { authAttempts: 1 }).catch((e: unknown) => e);
    expect(isKilnError(basic) && basic.code).toBe('AUTH_FAILED');
    expect((basic as Error).message).toContain('winrm_use_ntlm');
  });

  it('says what it tried when the port stays closed until winrm_timeout', async () => {
    const port = await closedPort();
    const ui = recordingUi();
    const started = Date.now();
    const error = await connectWinrm({
      host: '127.0.0.1',
      config: { communicator: 'winrm', winrm_username: 'Administrator', winrm_port: port, winrm_timeout: '1s' },
      ui,
      env: {},
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(isKilnError(error) && error.code).toBe('TIMEOUT');
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toBe('Timeout waiting for WinRM.');
    expect(lines[1]).toBe(`  address: 127.0.0.1:${port} (http, Basic)`);
    expect(lines[2]).toBe('  user: Administrator');
    expect(lines[3]).toMatch(new RegExp(`^  attempts: \\d+ in 1s; last error: Post "http://127.0.0.1:${port}/wsman": connect ECONNREFUSED 127.0.0.1:${port}$`));
    expect(ui.lines).toEqual(['say: Using winrm communicator to connect: 127.0.0.1', 'say: Waiting for WinRM to become available...']);
  });

  it('stops waiting when cancelled', async () => {
    const port = await closedPort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await connectWinrm({
      host: '127.0.0.1',
      config: { ...configFor(server), winrm_port: port },
      signal: controller.signal,
      env: {},
    }).catch((e: unknown) => e);
    expect(isKilnError(error) && error.code).toBe('CANCELLED');
  });
});
