import { formatGoDuration } from '@kiln/sdk';
import type { AuthOutcome } from './auth.js';

/** Where and how a connection goes: for messages that say what was tried. */
export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** `via bastion b:22` / `via SOCKS5 proxy p:1080`, when set. */
  readonly route?: string;
  /** Every auth method offered, described. */
  readonly methods: readonly string[];
}

/**
 * The memory of a connection loop: how many attempts, the last error, and what became of each
 * authentication method the last time the server got that far. Packer's bare "Timeout waiting
 * for SSH." is a known pain (hashicorp/packer#2874); this is what Kiln prints instead.
 */
export class ConnectDiagnostics {
  attempts = 0;
  private lastError: string | undefined;
  private lastAuth: readonly AuthOutcome[] | undefined;
  private target: ConnectTarget | undefined;
  private readonly started: number;

  constructor(private readonly now: () => number = Date.now) {
    this.started = now();
  }

  attempt(target: ConnectTarget): void {
    this.attempts++;
    this.target = target;
  }

  failed(error: string, auth?: readonly AuthOutcome[]): void {
    this.lastError = error;
    if (auth && auth.some((outcome) => outcome.result !== 'not tried')) this.lastAuth = auth;
  }

  /** `Timeout waiting for SSH.` followed by what was tried. */
  timeoutMessage(): string {
    const lines = ['Timeout waiting for SSH.'];
    const target = this.target;
    if (target) {
      lines.push(`  address: ${target.host}:${target.port}${target.route ? ` (${target.route})` : ''}`);
      lines.push(`  user: ${target.username}`);
    }
    const elapsed = formatGoDuration(Math.round((this.now() - this.started) / 100) * 100);
    lines.push(`  attempts: ${this.attempts} in ${elapsed}${this.lastError ? `; last error: ${this.lastError}` : ''}`);
    const auth = this.lastAuth ?? target?.methods.map((method) => ({ method, result: 'never reached (no SSH handshake completed)' }));
    if (auth && auth.length > 0) {
      lines.push('  authentication:');
      for (const outcome of auth) lines.push(`    ${outcome.method}: ${outcome.result}`);
    } else if (target) {
      lines.push('  authentication: no method configured (set ssh_password, ssh_private_key_file or ssh_agent_auth)');
    }
    return lines.join('\n');
  }
}
