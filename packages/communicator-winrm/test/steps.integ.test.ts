import { isKilnError, recordingUi } from '@kiln/sdk';
import { startWinrmServer, type WinrmServer } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWinrmFromConfig, stepConnectWinrm, type WinrmConfig } from '../src/index.js';
import { configFor } from './support.js';

let server: WinrmServer;

beforeAll(async () => {
  server = await startWinrmServer({ password: 'from-the-builder' });
});
afterAll(async () => {
  await server?.stop();
});

const context = (ui = recordingUi()) => ({ ui, signal: new AbortController().signal, provide: () => undefined });

describe('stepConnectWinrm', () => {
  it('connects with the credentials the builder supplies, and closes the communicator at cleanup', async () => {
    const config: WinrmConfig = { ...configFor(server), winrm_password: '' };
    const step = stepConnectWinrm<{ password: string }>({
      host: () => server.host,
      config: () => config,
      credentials: (state) => ({ password: state.password }),
    });
    const ui = recordingUi();
    const { communicator } = (await step.run({ password: 'from-the-builder' }, context(ui))) ?? {};
    expect(await communicator?.exec({ command: 'exit /b 5' })).toEqual({ exitStatus: 5 });
    expect(ui.lines.at(-1)).toBe('say: Connected to WinRM!');
    await step.cleanup?.({ password: '', communicator }, { ui, outcome: 'succeeded', replaceError: () => undefined });
    await expect(communicator!.exec({ command: 'echo x' })).rejects.toThrow('the WinRM communicator is closed');
  });

  it("reports a timeout in Packer's words and rejects", async () => {
    const step = stepConnectWinrm<object>({
      host: () => '127.0.0.1',
      port: () => 1,
      config: () => ({ communicator: 'winrm', winrm_username: 'Administrator', winrm_timeout: '300ms' }),
      env: {},
    });
    const ui = recordingUi();
    const error = await step.run({}, context(ui)).catch((e: unknown) => e);
    expect(isKilnError(error) && error.code).toBe('TIMEOUT');
    expect(ui.lines.at(-1)).toMatch(/^error: Timeout waiting for WinRM\.\n {2}address: 127\.0\.0\.1:1 \(http, Basic\)/);
  });
});

describe('connectWinrmFromConfig', () => {
  it('connects to winrm_host with the template options (a builder-basic Connector)', async () => {
    const ui = recordingUi();
    const communicator = await connectWinrmFromConfig({ ...configFor(server), winrm_host: server.host }, { ui, signal: new AbortController().signal });
    expect(communicator.type).toBe('winrm');
    await communicator.close?.();
    const failed = await connectWinrmFromConfig({ ...configFor(server), winrm_host: server.host, winrm_password: 'no' }, { ui, signal: AbortSignal.timeout(1500) }).catch((e: unknown) => e);
    expect(isKilnError(failed) && failed.code).toBe('CANCELLED');
  });
});
