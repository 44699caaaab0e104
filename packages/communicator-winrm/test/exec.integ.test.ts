import { startWinrmServer, type WinrmServer } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKilnError } from '@kiln/sdk';
import { powershell, type WinrmCommunicator } from '../src/index.js';
import { connectTo, run } from './support.js';

let server: WinrmServer;
let winrm: WinrmCommunicator;

beforeAll(async () => {
  server = await startWinrmServer();
  winrm = await connectTo(server, { winrm_timeout: '1s' });
});
afterAll(async () => {
  await winrm?.close();
  await server?.stop();
});

describe('WinrmCommunicator.exec', () => {
  it.each([
    ['echo one & echo two', { stdout: ['one', 'two'], stderr: [], exitStatus: 0 }],
    ['echo oops 1>&2 & exit /b 7', { stdout: [], stderr: ['oops'], exitStatus: 7 }],
    ['nosuchtool --version', { stdout: [], stderr: ["'nosuchtool' is not recognized as an internal or external command,", 'operable program or batch file.'], exitStatus: 1 }],
    [powershell("Write-Output 'from powershell'; [Console]::Error.WriteLine('warned'); exit 4"), { stdout: ['from powershell'], stderr: ['warned'], exitStatus: 4 }],
  ])('runs %s', async (command, expected) => {
    expect(await run(winrm, command)).toEqual(expected);
  });

  it('streams output while the command runs', async () => {
    const seen: { line: string; at: number }[] = [];
    const started = Date.now();
    const { exitStatus } = await winrm.exec({
      command: powershell("Write-Output 'first'; Start-Sleep -Milliseconds 400; Write-Output 'second'"),
      onStdout: (line) => seen.push({ line, at: Date.now() - started }),
    });
    const ended = Date.now() - started;
    expect(exitStatus).toBe(0);
    expect(seen.map((entry) => entry.line)).toEqual(['first', 'second']);
    expect(ended - seen[0]!.at).toBeGreaterThanOrEqual(300);
  });

  it('asks again when a Receive times out with no output (OperationTimeout PT1S)', async () => {
    const before = server.envelopes.length;
    const result = await run(winrm, powershell("Start-Sleep -Milliseconds 1500; Write-Output 'late'"));
    expect(result).toEqual({ stdout: ['late'], stderr: [], exitStatus: 0 });
    const receives = server.envelopes.slice(before).filter((envelope) => envelope.action.endsWith('/Receive'));
    expect(receives.length).toBeGreaterThanOrEqual(2);
    expect(receives[0]!.xml).toContain('<w:OperationTimeout>PT1S</w:OperationTimeout>');
  });

  it('sends a request again when the kept-alive connection turns out closed', async () => {
    server.dropNextReusedRequest();
    expect(await run(winrm, 'echo after reset')).toEqual({ stdout: ['after reset'], stderr: [], exitStatus: 0 });
  });

  it('runs each command in a shell of its own and deletes it', async () => {
    await run(winrm, 'echo a');
    expect(server.openShells()).toBe(0);
  });

  it('terminates a command when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const error = await winrm
      .exec({ command: powershell('Start-Sleep -Milliseconds 5000'), signal: controller.signal })
      .catch((e: unknown) => e);
    expect(isKilnError(error) && error.code).toBe('CANCELLED');
    await expect.poll(() => server.openShells()).toBe(0);
    expect(server.envelopes.at(-2)?.action).toMatch(/\/Signal$/);
  });
});
