import type { WinrmServer } from '@kiln/testbed';
import { connectWinrm, type ConnectWinrmOptions, type WinrmCommunicator, type WinrmConfig } from '../src/index.js';

export function configFor(server: WinrmServer, extra: WinrmConfig = {}): WinrmConfig {
  return {
    communicator: 'winrm',
    winrm_username: server.username,
    winrm_password: server.password,
    winrm_port: server.port,
    winrm_timeout: '20s',
    ...extra,
  };
}

export function connectTo(server: WinrmServer, extra: WinrmConfig = {}, options: Partial<ConnectWinrmOptions> = {}): Promise<WinrmCommunicator> {
  return connectWinrm({ host: server.host, config: configFor(server, extra), env: {}, ...options });
}

export interface Ran {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exitStatus: number;
}

export async function run(communicator: WinrmCommunicator, command: string): Promise<Ran> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const { exitStatus } = await communicator.exec({ command, onStdout: (line) => stdout.push(line), onStderr: (line) => stderr.push(line) });
  return { stdout, stderr, exitStatus };
}
