import type { Communicator, Ui } from '@kiln/sdk';

/**
 * Runs one command as Packer's RemoteCmd.RunWithUi does: stdout lines become Ui messages, stderr
 * lines Ui errors; the exit status is returned for the caller to judge.
 */
export async function runWithUi(
  communicator: Communicator,
  ui: Ui,
  command: string,
  signal: AbortSignal,
): Promise<number> {
  const { exitStatus } = await communicator.exec({
    command,
    signal,
    onStdout: (line) => ui.message(line),
    onStderr: (line) => ui.error(line),
  });
  return exitStatus;
}
