import { constants } from 'node:os';
import { DISCONNECTED_EXIT_STATUS, KilnError, type RemoteCommand, type RemoteCommandResult } from '@kiln/sdk';
import type { Client, ClientChannel, PseudoTtyOptions } from 'ssh2';
import { LineSplitter } from './lines.js';

/** Packer's pty request: xterm, 40 rows by 80 columns, no echo, 14.4 kbaud. */
export const PACKER_PTY: PseudoTtyOptions = {
  term: 'xterm',
  rows: 40,
  cols: 80,
  modes: { ECHO: 0, TTY_OP_ISPEED: 14400, TTY_OP_OSPEED: 14400 },
};

/**
 * Go's ssh client reports a command killed by a signal as 128 + the signal's number (SIGKILL ->
 * 137), which is what Packer's provisioners compare with valid_exit_codes.
 */
export function exitStatusOfSignal(signalName: string): number {
  const number = (constants.signals as Record<string, number | undefined>)[`SIG${signalName.replace(/^SIG/, '')}`];
  return 128 + (number ?? 0);
}

/** An exec channel and the exit status it reported, if any yet. */
export interface ExecChannel {
  readonly channel: ClientChannel;
  exitStatus(): number | undefined;
}

/**
 * Opens a channel running `command`. The exit listener is attached in ssh2's callback itself: a
 * quick command's output, exit status and close can arrive in the same read as the exec reply, and
 * ssh2 emits them at once, before any awaiting code would run.
 */
export function openExecChannel(client: Client, command: string, pty: boolean): Promise<ExecChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, pty ? { pty: PACKER_PTY } : {}, (error, channel) => {
        if (error) {
          reject(error);
          return;
        }
        let status: number | undefined;
        channel.on('exit', (code: number | null, signalName?: string) => {
          status = code ?? (signalName ? exitStatusOfSignal(signalName) : undefined);
        });
        resolve({ channel, exitStatus: () => status });
      });
    } catch (error) {
      reject(error);
    }
  });
}

/**
 * Runs one command and streams its output line by line. Resolves with the exit status; with
 * Packer's 2300218 when the connection went away before the command reported one (a reboot, a
 * killed sshd, a network cut noticed by keep-alives).
 */
export async function execCommand(client: Client, command: RemoteCommand, options: { pty: boolean }): Promise<RemoteCommandResult> {
  if (command.signal?.aborted) throw new KilnError('CANCELLED', `Cancelled before running remote command: ${command.command}`);
  // Packer starts `cmd + "\n"`; a shell reads the same command either way, and the newline ends
  // a last line that some remote shells would otherwise ignore.
  const { channel, exitStatus } = await openExecChannel(client, `${command.command}\n`, options.pty);
  return new Promise((resolve, reject) => {
    const stdout = new LineSplitter((line) => command.onStdout?.(line));
    const stderr = new LineSplitter((line) => command.onStderr?.(line));
    const onAbort = () => {
      channel.signal('KILL');
      channel.close();
      reject(new KilnError('CANCELLED', `Cancelled while running remote command: ${command.command}`));
    };
    command.signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('data', (chunk: Buffer) => stdout.write(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));
    channel.on('error', () => undefined);
    channel.on('close', () => {
      command.signal?.removeEventListener('abort', onAbort);
      stdout.end();
      stderr.end();
      resolve({ exitStatus: exitStatus() ?? DISCONNECTED_EXIT_STATUS });
    });
    if (command.stdin) {
      command.stdin.on('error', () => channel.end());
      command.stdin.pipe(channel);
    } else {
      channel.end();
    }
  });
}
