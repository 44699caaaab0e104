import type { Communicator, RemoteCommand } from '@kiln/sdk';
import { describe, expect, it } from 'vitest';
import { sleep } from '../util/sleep.js';
import { prepareShutdownConfig } from './config.js';
import { shutdownMachine, waitForShutdown } from './shutdown.js';

function fakeCommunicator(onExec: (command: RemoteCommand) => Promise<number>): Communicator {
  const unused = (): Promise<never> => Promise.reject(new Error('not used'));
  return {
    type: 'ssh',
    exec: async (command) => ({ exitStatus: await onExec(command) }),
    upload: unused,
    uploadDir: unused,
    download: unused,
    downloadDir: unused,
  };
}

function recorder(): { lines: string[]; ui: Parameters<typeof shutdownMachine>[0]['ui'] } {
  const lines: string[] = [];
  return {
    lines,
    ui: {
      say: (text) => lines.push(`say ${text}`),
      message: (text) => lines.push(`msg ${text}`),
      error: (text) => lines.push(`err ${text}`),
      ask: () => Promise.reject(new Error('no')),
    },
  };
}

describe('shutdownMachine', () => {
  it('runs shutdown_command, shows its output, then waits for the machine to stop', async () => {
    const { lines, ui } = recorder();
    let stopped = false;
    await shutdownMachine({
      command: 'echo bye; poweroff',
      timeoutMs: 5000,
      communicator: fakeCommunicator(async (command) => {
        command.onStdout?.('bye');
        setTimeout(() => (stopped = true), 50);
        return 255;
      }),
      waitUntilStopped: async (signal) => {
        while (!stopped) await sleep(10, signal);
      },
      hardStop: () => Promise.reject(new Error('must not hard stop')),
      ui,
    });
    expect(lines).toEqual(['say Gracefully halting virtual machine...', 'msg bye']);
  });

  it('times out when the machine does not stop', async () => {
    const attempt = shutdownMachine({
      command: 'poweroff',
      timeoutMs: 50,
      communicator: fakeCommunicator(() => Promise.resolve(0)),
      waitUntilStopped: (signal) => sleep(60_000, signal),
      hardStop: () => Promise.resolve(),
    });
    await expect(attempt).rejects.toMatchObject({ code: 'TIMEOUT', message: 'Timeout while waiting for machine to shut down.' });
  });

  it('words a failure to run the command as Packer', async () => {
    const attempt = shutdownMachine({
      command: 'poweroff',
      timeoutMs: 50,
      communicator: fakeCommunicator(() => Promise.reject(new Error('ssh: disconnected'))),
      waitUntilStopped: () => Promise.resolve(),
      hardStop: () => Promise.resolve(),
    });
    await expect(attempt).rejects.toThrow('Failed to send shutdown command: ssh: disconnected');
  });

  it('halts hard without a shutdown_command', async () => {
    const { lines, ui } = recorder();
    let halted = false;
    await shutdownMachine({ timeoutMs: 1000, waitUntilStopped: () => Promise.resolve(), hardStop: async () => void (halted = true), ui });
    expect(halted).toBe(true);
    expect(lines).toEqual(['say Halting the virtual machine...']);
    await expect(
      shutdownMachine({ timeoutMs: 1000, waitUntilStopped: () => Promise.resolve(), hardStop: () => Promise.reject(new Error('no such VM')) }),
    ).rejects.toThrow('Error stopping VM: no such VM');
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const attempt = waitForShutdown({ timeoutMs: 60_000, waitUntilStopped: (signal) => sleep(60_000, signal), signal: controller.signal });
    await expect(attempt).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('waits for a machine that powers itself off (communicator none)', async () => {
    const { lines, ui } = recorder();
    await waitForShutdown({ timeoutMs: 1000, waitUntilStopped: () => sleep(10), ui });
    expect(lines).toEqual(['say Waiting for shutdown...']);
    await expect(waitForShutdown({ timeoutMs: 20, waitUntilStopped: (signal) => sleep(10_000, signal) })).rejects.toThrow('Failed to shutdown');
  });
});

describe('prepareShutdownConfig', () => {
  it.each([
    [{}, { command: undefined, timeoutMs: 300_000 }],
    [{ shutdown_command: 'poweroff', shutdown_timeout: '30s' }, { command: 'poweroff', timeoutMs: 30_000 }],
    [{ shutdown_timeout: '0s' }, { command: undefined, timeoutMs: 300_000 }],
  ])('%j', (config, expected) => {
    expect(prepareShutdownConfig(config)).toMatchObject({ ...expected, errors: [] });
  });
});
