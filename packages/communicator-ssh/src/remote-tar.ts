import type { Client } from 'ssh2';
import { execCommand } from './exec.js';

/** Which tar the remote has: each spells "keep permissions, no owners, no mtimes" its own way. */
export type TarFlavor = 'gnu' | 'bsd' | 'busybox';

/** Finds the remote tar with one command; undefined when there is none we know how to drive. */
export async function probeRemoteTar(client: Client): Promise<TarFlavor | undefined> {
  let output = '';
  const result = await execCommand(
    client,
    { command: 'command -v tar >/dev/null 2>&1 && tar --version 2>&1 | head -n 5', onStdout: (line) => (output += `${line}\n`) },
    { pty: false },
  );
  if (result.exitStatus !== 0) return undefined;
  if (output.includes('GNU tar')) return 'gnu';
  if (output.includes('bsdtar')) return 'bsd';
  if (output.includes('BusyBox')) return 'busybox';
  return undefined;
}

/**
 * The extract command: `-o` leaves ownership to the login user and `-m` stamps files with the
 * current time, as scp (Packer's way) would; `-p` keeps the archive's permission bits even for a
 * non-root user. BusyBox restores permissions by default and, as a minimal tar, gets no more flags.
 */
export function extractCommand(flavor: TarFlavor, quotedDirectory: string): string {
  const flags = flavor === 'busybox' ? '-x' : '-x -p -o -m';
  return `tar ${flags} -f - -C ${quotedDirectory}`;
}

export function createCommand(quotedParent: string, quotedName: string): string {
  return `tar -c -f - -C ${quotedParent} ${quotedName}`;
}
