import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForBanner } from './free-port.js';
import { generateKey, signUserCertificate, type CertificateOptions } from './keys.js';
import { descendantsOf, isAlive, killQuietly } from './processes.js';

const SSHD = '/usr/sbin/sshd';

export interface SshdOptions {
  /**
   * Let the account log in with a generated password (`password` of the result), by password and
   * by keyboard-interactive. Needs root (see `startSshd`); ignored otherwise. Default true.
   */
  readonly password?: boolean;
  /** sshd's PasswordAuthentication, when `password` is on. Default true. */
  readonly passwordAuthentication?: boolean;
  /** sshd's KbdInteractiveAuthentication, when `password` is on. Default true. */
  readonly keyboardInteractive?: boolean;
  /**
   * More sshd_config lines, placed first: sshd keeps the first value of a keyword, so these win
   * over the testbed's own (no `Match` blocks).
   */
  readonly config?: readonly string[];
}

export interface Sshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The account to log in as: root when the tests run as root, else the current user. */
  readonly username: string;
  /** An unencrypted ed25519 key in the sshd's authorized_keys. */
  readonly privateKeyPath: string;
  readonly publicKeyPath: string;
  /** The account's password inside this sshd only; undefined when password logins are off. */
  readonly password?: string;
  /** The temp directory holding config, keys and pid file; removed by stop(). */
  readonly dir: string;
  /** The CA private key whose user certificates this sshd trusts (TrustedUserCAKeys). */
  readonly caKeyPath: string;
  /** Pid of the listening sshd (changes on restart). */
  pid(): number;
  /** What sshd logged (-e), for a failing test's message. */
  logs(): string;
  /** Signs a public key with the CA: a user certificate for `username` unless principals say otherwise. */
  signCertificate(publicKeyPath: string, options?: Partial<CertificateOptions>): Promise<string>;
  /** Kills every connection (and what runs in it) without stopping the listener: a network cut. */
  dropConnections(): void;
  /**
   * Sends a signal to every connection process and what runs in it, e.g. SIGSTOP to make the
   * server go silent without closing anything (a host that froze), SIGCONT to wake it.
   */
  signalConnections(signal: NodeJS.Signals): void;
  /** Drops every connection and starts sshd again on the same port with the same keys: a reboot. */
  restart(): Promise<void>;
  /** Kills exactly this sshd and its connections, then removes its directory. */
  stop(): Promise<void>;
}

const LOG_LIMIT = 256 * 1024;

/**
 * Starts a private OpenSSH sshd on 127.0.0.1 (own config, host keys, authorized_keys, pid file and
 * a free port, all in a temp dir), in the foreground as the current user.
 *
 * Password logins without touching the machine's accounts: as root, sshd runs inside its own mount
 * namespace (`unshare -m`) where a copy of /etc/shadow carrying a generated password for root, and
 * a minimal PAM stack (pam_unix only, so keyboard-interactive works too) are bind-mounted over the
 * real files. Outside that namespace nothing changes, and the mounts vanish with the process.
 * Without root the sshd still takes key logins for the current user.
 *
 * Root's ~/.bashrc here runs `pyenv init` on every non-interactive ssh command (bash sources it
 * when SSH_CLIENT is set and SHLVL < 2). `SetEnv SHLVL=1` makes bash count itself as nested and
 * skip it; measured: 0.43 s -> 0.27 s for `ssh host true`, and far more on a loaded machine.
 *
 * The process gets PR_SET_PDEATHSIG (setpriv), so a test run that dies cannot leave it behind.
 */
export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} is missing: run \`node tools/testbed/ensure-deps.mjs\` (npm test does) to install openssh-server`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'kiln-sshd-'));
  try {
    return await startIn(dir, options);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string, options: SshdOptions): Promise<Sshd> {
  const isRoot = process.getuid?.() === 0;
  const username = userInfo().username;
  const [, , , privateKeyPath, caKeyPath] = await Promise.all([
    generateKey(dir, 'ssh_host_rsa_key', { type: 'rsa' }),
    generateKey(dir, 'ssh_host_ecdsa_key', { type: 'ecdsa' }),
    generateKey(dir, 'ssh_host_ed25519_key', { type: 'ed25519' }),
    generateKey(dir, 'id_ed25519', { comment: 'kiln-testbed' }),
    generateKey(dir, 'user_ca', { comment: 'kiln-testbed-ca' }),
  ]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${privateKeyPath}.pub`));

  const password = isRoot && options.password !== false ? `kiln-${randomBytes(9).toString('base64url')}` : undefined;
  if (password !== undefined) await writePasswordFiles(dir, username, password);

  let port = await freePort();
  const writeConfig = () =>
    writeFile(join(dir, 'sshd_config'), sshdConfig(dir, port, { ...options, usePam: password !== undefined }));
  await writeConfig();

  let logs = '';
  let child: ChildProcess | undefined;
  const launch = async () => {
    const started = spawnSshd(dir, password !== undefined, (text) => {
      logs = (logs + text).slice(-LOG_LIMIT);
    });
    child = started;
    let exited = false;
    started.once('exit', () => (exited = true));
    try {
      await waitForBanner('127.0.0.1', port, { expectPrefix: 'SSH-2.0-', timeoutMs: 10_000, stillTrying: () => !exited });
    } catch (error) {
      if (!exited) started.kill('SIGKILL');
      throw new Error(`sshd did not start: ${(error as Error).message}\n${logs}`);
    }
  };

  // The free port may be taken between the check and sshd's bind: try a few others.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 4 || !/Address already in use/.test(logs)) throw error;
      port = await freePort();
      await writeConfig();
    }
  }

  const pid = () => child?.pid ?? 0;
  // Once our child has exited its pid may be given to another process: never signal it again.
  const running = (process: ChildProcess | undefined): process is ChildProcess & { pid: number } =>
    process?.pid !== undefined && process.exitCode === null && process.signalCode === null;
  const signalConnections = (signal: NodeJS.Signals) => {
    if (!running(child)) return;
    for (const descendant of descendantsOf(child.pid)) killQuietly(descendant, signal);
  };
  const dropConnections = () => signalConnections('SIGKILL');
  const kill = async () => {
    const current = child;
    child = undefined;
    if (!running(current)) return;
    // Freeze the listener first: a client that reconnects while its connections are being killed
    // must not get a fresh session that outlives the listener, orphaned where no later restart()
    // finds it (seen under load: the next "reboot" then left that session running).
    current.kill('SIGSTOP');
    for (let sweep = 0; sweep < 5; sweep++) {
      const descendants = descendantsOf(current.pid).filter(isAlive);
      if (descendants.length === 0) break;
      for (const descendant of descendants) killQuietly(descendant, 'SIGKILL');
    }
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.ref();
    current.kill('SIGKILL');
    await exited;
  };

  const sshd: Sshd = {
    host: '127.0.0.1',
    port,
    username,
    privateKeyPath,
    publicKeyPath: `${privateKeyPath}.pub`,
    ...(password === undefined ? {} : { password }),
    dir,
    caKeyPath,
    pid,
    logs: () => logs,
    signCertificate: (publicKeyPath, certificate = {}) =>
      signUserCertificate(caKeyPath, publicKeyPath, { principals: [username], ...certificate }),
    dropConnections,
    signalConnections,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return sshd;
}

function spawnSshd(dir: string, privateAccounts: boolean, onLog: (text: string) => void): ChildProcess {
  const config = join(dir, 'sshd_config');
  const sshdArgv = [SSHD, '-D', '-e', '-f', config];
  // sshd refuses to start without its privilege-separation directory, which only the system
  // service creates; making it is the one change outside the temp dir (it is empty and harmless).
  const script = privateAccounts
    ? [
        'mkdir -p -m 0755 /run/sshd',
        `mount --bind ${join(dir, 'shadow')} /etc/shadow`,
        `mount --bind ${join(dir, 'pam')} /etc/pam.d/sshd`,
        'exec "$@"',
      ].join(' && ')
    : 'mkdir -p -m 0755 /run/sshd 2>/dev/null; exec "$@"';
  const argv = ['--pdeathsig', 'SIGKILL', '--'];
  if (privateAccounts) argv.push('unshare', '--mount', '--propagation', 'private');
  argv.push('sh', '-c', script, 'sshd', ...sshdArgv);
  const child = spawn('setpriv', argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', onLog);
  // A forgotten sshd must not keep the test process alive; pdeathsig ends it with the process.
  child.unref();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

async function writePasswordFiles(dir: string, username: string, password: string): Promise<void> {
  const { stdout } = await runWithInput('openssl', ['passwd', '-6', '-stdin'], password);
  const hash = stdout.trim();
  const shadow = (await readFile('/etc/shadow', 'utf8'))
    .split('\n')
    .map((line) => {
      const fields = line.split(':');
      if (fields[0] !== username) return line;
      fields[1] = hash;
      return fields.join(':');
    })
    .join('\n');
  await writeFile(join(dir, 'shadow'), shadow, { mode: 0o600 });
  await chmod(join(dir, 'shadow'), 0o600);
  await writeFile(
    join(dir, 'pam'),
    [
      '# PAM stack of the kiln testbed sshd: passwords from the private shadow, nothing else.',
      'auth required pam_unix.so nodelay',
      'account required pam_unix.so',
      'password required pam_deny.so',
      'session required pam_permit.so',
      '',
    ].join('\n'),
  );
}

function runWithInput(command: string, argv: readonly string[], input: string): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, argv, (error, stdout) => (error ? reject(error) : resolve({ stdout })));
    child.stdin?.end(input);
  });
}

function sshdConfig(dir: string, port: number, options: SshdOptions & { usePam: boolean }): string {
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const passwordOn = options.usePam;
  // sshd uses only the first SetEnv line, so the caller's variables join the testbed's on one.
  const isSetEnv = (line: string) => /^\s*SetEnv\s/i.test(line);
  const extra = options.config ?? [];
  const setEnv = ['SHLVL=1', ...extra.filter(isSetEnv).map((line) => line.trim().replace(/^SetEnv\s+/i, ''))];
  return [
    ...extra.filter((line) => !isSetEnv(line)),
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    ...['rsa', 'ecdsa', 'ed25519'].map((type) => `HostKey ${join(dir, `ssh_host_${type}_key`)}`),
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `TrustedUserCAKeys ${join(dir, 'user_ca.pub')}`,
    // The temp dir lives under the world-writable /tmp, which StrictModes would reject.
    'StrictModes no',
    `UsePAM ${yesNo(options.usePam)}`,
    'PermitRootLogin yes',
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${yesNo(passwordOn && options.passwordAuthentication !== false)}`,
    `KbdInteractiveAuthentication ${yesNo(passwordOn && options.keyboardInteractive !== false)}`,
    'AllowAgentForwarding yes',
    'AllowTcpForwarding yes',
    'Subsystem sftp internal-sftp',
    // SHLVL=1 keeps root's .bashrc (pyenv init) out of every command: see startSshd.
    `SetEnv ${setEnv.join(' ')}`,
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    // Tests open many connections at once; the default (10:30:100) starts refusing at 10.
    'MaxStartups 100',
    '',
  ].join('\n');
}
