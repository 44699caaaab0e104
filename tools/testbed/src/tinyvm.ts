import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The tiny guest built by tools/testbed/tinyvm/build-tinyvm.sh: boot files, disk and logins. */
export interface TinyVm {
  readonly dir: string;
  readonly kernel: string;
  readonly initrd: string;
  /** The root filesystem: a qcow2 of a whole-disk ext4 (no partition table). */
  readonly disk: string;
  /** The kernel command line for -append. */
  readonly cmdline: string;
  /** root's key (ed25519, unencrypted) and password. */
  readonly privateKeyPath: string;
  readonly username: 'root';
  readonly password: string;
  /**
   * qemuargs that boot the guest directly under the qemu builder, Packer style: the communicator
   * port forward on 127.0.0.1 only, `restrict=on` so the guest has no way out, `-cpu max` for
   * RDRAND (dropbear would otherwise wait seconds for entropy).
   */
  qemuArgs(serialLog?: string): string[][];
}

const SCRIPT = fileURLToPath(new URL('../tinyvm/build-tinyvm.sh', import.meta.url));
const REPO_ROOT = resolve(dirname(SCRIPT), '../../..');

/** Where built guests are kept, one directory per version of the script. */
export function tinyVmCacheDir(): string {
  return process.env['KILN_TINYVM_CACHE'] ?? join(REPO_ROOT, 'node_modules/.cache/kiln-tinyvm');
}

/**
 * The tiny guest, built once per version of the build script (about 20 s the first time, with
 * apt-get download) and reused from the cache afterwards. Concurrent callers may both build; the
 * first rename wins and the other's copy is dropped.
 */
export async function ensureTinyVm(): Promise<TinyVm> {
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 16);
  const dir = join(tinyVmCacheDir(), hash);
  if (!existsSync(join(dir, 'base.qcow2'))) {
    const work = `${dir}.tmp-${process.pid}`;
    await mkdir(tinyVmCacheDir(), { recursive: true });
    await rm(work, { recursive: true, force: true });
    await run('bash', [SCRIPT, work], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
    // The .debs are not needed once the guest exists.
    await rm(join(work, 'cache'), { recursive: true, force: true });
    try {
      await rename(work, dir);
    } catch {
      await rm(work, { recursive: true, force: true });
    }
  }
  return describe(dir);
}

function describe(dir: string): TinyVm {
  const cmdline = readFileSync(join(dir, 'cmdline'), 'utf8').trim();
  const env = readFileSync(join(dir, 'tinyvm.env'), 'utf8');
  const password = /^TINYVM_PASSWORD=(.*)$/m.exec(env)?.[1] ?? 'packer';
  const kernel = join(dir, 'vmlinux');
  const initrd = join(dir, 'initrd.img');
  return {
    dir,
    kernel,
    initrd,
    disk: join(dir, 'base.qcow2'),
    cmdline,
    privateKeyPath: join(dir, 'id_ed25519'),
    username: 'root',
    password,
    qemuArgs: (serialLog = '/dev/null') => [
      ['-kernel', kernel],
      ['-initrd', initrd],
      ['-append', cmdline],
      ['-cpu', 'max'],
      ['-netdev', 'user,id=user.0,restrict=on,hostfwd=tcp:127.0.0.1:{{ .SSHHostPort }}-:22'],
      ['-serial', `file:${serialLog}`],
      ['-no-reboot'],
    ],
  };
}
