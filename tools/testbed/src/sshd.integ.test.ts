import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from './keys.js';
import { descendantsOf, isAlive } from './processes.js';
import { startSshd, type Sshd } from './sshd.js';

const run = promisify(execFile);

/** Runs `command` through OpenSSH's own client, the way a person would check the server. */
async function ssh(sshd: Sshd, command: string, auth: { key?: string; password?: string }) {
  const argv = [
    '-p', String(sshd.port),
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR',
    '-o', 'BatchMode=' + (auth.password === undefined ? 'yes' : 'no'),
    '-o', `PreferredAuthentications=${auth.password === undefined ? 'publickey' : 'password,keyboard-interactive'}`,
    '-o', 'NumberOfPasswordPrompts=1',
  ];
  if (auth.key) argv.push('-i', auth.key, '-o', 'IdentitiesOnly=yes');
  argv.push(`${sshd.username}@${sshd.host}`, command);
  let env = process.env;
  if (auth.password !== undefined) {
    // OpenSSH >= 8.4 reads a password from SSH_ASKPASS when told to, with no terminal needed.
    const askpass = join(sshd.dir, 'askpass.sh');
    await writeFile(askpass, `#!/bin/sh\nprintf '%s\\n' '${auth.password}'\n`, { mode: 0o700 });
    env = { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
  }
  return run('ssh', argv, { env, timeout: 15_000 });
}

/** Pids of the live processes whose command line names `text` (an sshd's children keep its -f path). */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return isAlive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    });
}

describe('startSshd', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('accepts the generated key and runs commands without root .bashrc noise', async () => {
    const { stdout } = await ssh(sshd, 'echo "$SHLVL:$(id -un)"; env | grep -c PYENV_VIRTUALENV_INIT || true', {
      key: sshd.privateKeyPath,
    });
    expect(stdout.split('\n')[0]).toBe(`2:${sshd.username}`);
    expect(stdout.split('\n')[1]).toBe('0');
  });

  it('refuses a key that is not authorized', async () => {
    const stranger = await generateKey(sshd.dir, 'stranger');
    await expect(ssh(sshd, 'true', { key: stranger })).rejects.toThrow(/Permission denied/);
  });

  it.runIf(process.getuid?.() === 0)('takes the generated password, only inside this sshd', async () => {
    expect(sshd.password).toMatch(/^kiln-/);
    const { stdout } = await ssh(sshd, 'echo ok', { password: sshd.password! });
    expect(stdout).toBe('ok\n');
    await expect(ssh(sshd, 'echo ok', { password: 'wrong' })).rejects.toThrow(/Permission denied/);
    // The machine's own account database is untouched.
    expect(await readFile('/etc/shadow', 'utf8')).not.toContain((await readFile(join(sshd.dir, 'shadow'), 'utf8')).split('\n').find((l) => l.startsWith(`${sshd.username}:`)));
  });

  it('trusts certificates signed by its CA', async () => {
    const key = await generateKey(sshd.dir, 'certified');
    await sshd.signCertificate(`${key}.pub`);
    const { stdout } = await ssh(sshd, 'echo cert', { key });
    expect(stdout).toBe('cert\n');
  });

  it('drops connections and restarts on the same port', async () => {
    const longRunning = ssh(sshd, 'sleep 30', { key: sshd.privateKeyPath });
    await new Promise((resolve) => setTimeout(resolve, 500));
    sshd.dropConnections();
    await expect(longRunning).rejects.toThrow();
    const before = sshd.pid();
    await sshd.restart();
    expect(sshd.pid()).not.toBe(before);
    expect(isAlive(before)).toBe(false);
    const { stdout } = await ssh(sshd, 'echo back', { key: sshd.privateKeyPath });
    expect(stdout).toBe('back\n');
  });

  it('leaves no process of the old server behind, even for clients connecting during the restart', async () => {
    // A client that reconnects the moment its connection drops must not land on the dying
    // listener and keep a session that no later restart() can find.
    const sockets: Socket[] = [];
    const connecting = setInterval(() => sockets.push(connect(sshd.port, sshd.host).on('error', () => {})), 2);
    try {
      await sshd.restart();
    } finally {
      clearInterval(connecting);
    }
    const current = new Set([sshd.pid(), ...descendantsOf(sshd.pid())]);
    const strays = processesMentioning(sshd.dir).filter((pid) => !current.has(pid));
    for (const socket of sockets) socket.destroy();
    expect(sockets.length).toBeGreaterThan(5);
    expect(strays).toEqual([]);
  });

  it('stop() ends exactly its process and removes its directory', async () => {
    const other = await startSshd({ password: false });
    expect(other.password).toBeUndefined();
    expect(other.port).not.toBe(sshd.port);
    const pid = other.pid();
    await other.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
    expect(isAlive(sshd.pid())).toBe(true);
  });
});
