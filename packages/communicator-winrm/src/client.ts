import { isOperationTimeout, commandRequest, createShellRequest, deleteShellRequest, parseCommandId, parseReceive, parseShellId, receiveRequest, signalRequest, type EnvelopeContext } from './soap.js';
import { WsmanError, type WsmanTransport } from './transport.js';

export interface OutputHandlers {
  readonly onStdout?: (chunk: Buffer) => void;
  readonly onStderr?: (chunk: Buffer) => void;
  readonly signal?: AbortSignal;
}

/**
 * Remote cmd shells over WS-Management: create, run a command and read its output until Done,
 * terminate, delete; what masterzen/winrm's Shell and Command do for Packer.
 */
export class WinrmClient {
  private readonly context: EnvelopeContext;

  constructor(
    readonly transport: WsmanTransport,
    operationTimeout: string,
  ) {
    this.context = { url: transport.url, operationTimeout };
  }

  async createShell(signal?: AbortSignal): Promise<string> {
    const response = await this.transport.post(createShellRequest(this.context), signal);
    const shellId = parseShellId(response);
    if (!shellId) throw new WsmanError('http', 'the server created a shell without telling its ShellId');
    return shellId;
  }

  async deleteShell(shellId: string): Promise<void> {
    await this.transport.post(deleteShellRequest(this.context, shellId));
  }

  /** Deletes the shell, ignoring failures: for cleanup paths where an error is already on its way. */
  async deleteShellQuietly(shellId: string): Promise<void> {
    await this.deleteShell(shellId).catch(() => undefined);
  }

  /**
   * Runs one command in a shell and streams its output; resolves with the exit code. A Receive
   * that finds no output within the operation timeout gets WinRM's TimedOut fault: ask again,
   * as masterzen/winrm does. A cancel terminates the command and rejects with kind `cancelled`.
   */
  async run(shellId: string, command: string, handlers: OutputHandlers = {}): Promise<number> {
    const { signal } = handlers;
    const commandId = parseCommandId(await this.transport.post(commandRequest(this.context, shellId, command), signal));
    if (!commandId) throw new WsmanError('http', 'the server started a command without telling its CommandId');
    try {
      for (;;) {
        let response: string;
        try {
          response = await this.transport.post(receiveRequest(this.context, shellId, commandId), signal);
        } catch (error) {
          if (error instanceof WsmanError && error.fault && isOperationTimeout(error.fault)) continue;
          throw error;
        }
        const output = parseReceive(response);
        if (output.stdout.length > 0) handlers.onStdout?.(output.stdout);
        if (output.stderr.length > 0) handlers.onStderr?.(output.stderr);
        if (output.done) return output.exitCode;
      }
    } finally {
      // masterzen/winrm's Command.Close: terminate, so the server frees the command at once.
      await this.transport.post(signalRequest(this.context, shellId, commandId)).catch(() => undefined);
    }
  }

  /** A command in a shell of its own (Packer opens one per command). */
  async runInNewShell(command: string, handlers: OutputHandlers = {}): Promise<number> {
    const shellId = await this.createShell(handlers.signal);
    try {
      return await this.run(shellId, command, handlers);
    } finally {
      await this.deleteShellQuietly(shellId);
    }
  }

  close(): void {
    this.transport.close();
  }
}
