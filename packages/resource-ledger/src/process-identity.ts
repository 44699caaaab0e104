import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who owns a ledger: enough to tell later whether that process is still running. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly hostname: string;
  /**
   * The kernel's start time of the process (Linux /proc/<pid>/stat field 22), so that a pid reused
   * by an unrelated process after a crash is not mistaken for the run. Absent where /proc is not.
   */
  readonly startTicks?: string;
}

export function currentProcess(): ProcessIdentity {
  const startTicks = startTicksOf(process.pid);
  return { pid: process.pid, hostname: hostname(), ...(startTicks === undefined ? {} : { startTicks }) };
}

export type OwnerState = 'alive' | 'dead' | 'other-host';

/** Whether the process that wrote a ledger still runs (on this machine). */
export function ownerState(owner: ProcessIdentity, host = hostname()): OwnerState {
  if (owner.hostname !== host) return 'other-host';
  if (!signalable(owner.pid)) return 'dead';
  const ticks = startTicksOf(owner.pid);
  if (ticks === 'zombie') return 'dead';
  if (owner.startTicks !== undefined && ticks !== undefined && ticks !== owner.startTicks) return 'dead';
  return 'alive';
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function startTicksOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return 'zombie';
    return fields[19];
  } catch {
    return undefined;
  }
}
