import { formatGoDuration } from '@kiln/sdk';

/**
 * The memory of a connection loop, for a timeout that says what was tried: Packer's bare
 * "Timeout waiting for WinRM." leaves users guessing (hashicorp/packer#2874 is the SSH twin).
 */
export class ConnectDiagnostics {
  attempts = 0;
  private lastError: string | undefined;
  private target: string | undefined;
  private readonly started: number;

  constructor(
    private readonly username: string,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  attempt(target: string): void {
    this.attempts++;
    this.target = target;
  }

  failed(error: string): void {
    this.lastError = error;
  }

  /** `Timeout waiting for WinRM.` followed by the address, the user and the last error. */
  timeoutMessage(): string {
    const lines = ['Timeout waiting for WinRM.'];
    if (this.target) lines.push(`  address: ${this.target}`);
    lines.push(`  user: ${this.username}`);
    const elapsed = formatGoDuration(Math.round((this.now() - this.started) / 100) * 100);
    lines.push(`  attempts: ${this.attempts} in ${elapsed}${this.lastError ? `; last error: ${this.lastError}` : ''}`);
    return lines.join('\n');
  }
}
