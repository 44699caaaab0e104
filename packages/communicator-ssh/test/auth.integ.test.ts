import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { KilnError } from '@kiln/sdk';
import { freePort, generateKey, startSshd, type Sshd } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshConfig } from '../src/index.js';
import { keyConfig, rejection, run } from './support.js';

const asRoot = process.getuid?.() === 0;

let sshd: Sshd;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-ssh-auth-'));
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
  await rm(work, { recursive: true, force: true });
});

async function connectWith(config: SshConfig, target: Sshd = sshd, env?: NodeJS.ProcessEnv) {
  return connectSsh({ host: target.host, port: target.port, config, ...(env ? { env } : {}) });
}

async function failure(config: SshConfig, target: Sshd = sshd): Promise<KilnError> {
  const error = await rejection(connectWith(config, target));
  expect(error).toBeInstanceOf(KilnError);
  return error as KilnError;
}

describe('authentication', () => {
  it('logs in with a private key', async () => {
    const communicator = await connectWith(keyConfig(sshd));
    expect((await run(communicator, 'id -un')).stdout).toEqual([sshd.username]);
    await communicator.close();
  });

  it.runIf(asRoot)('logs in with a password', async () => {
    const communicator = await connectWith({ ssh_username: sshd.username, ssh_password: sshd.password });
    expect((await run(communicator, 'echo in')).stdout).toEqual(['in']);
    await communicator.close();
  });

  it.runIf(asRoot)('answers keyboard-interactive with the password when plain password logins are off', async () => {
    const interactiveOnly = await startSshd({ passwordAuthentication: false });
    try {
      const communicator = await connectWith({ ssh_username: interactiveOnly.username, ssh_password: interactiveOnly.password }, interactiveOnly);
      expect((await run(communicator, 'echo kbd')).stdout).toEqual(['kbd']);
      await communicator.close();
      expect(interactiveOnly.logs()).toMatch(/Accepted keyboard-interactive\/pam/);
    } finally {
      await interactiveOnly.stop();
    }
  });

  it('logs in with a certificate signed by a CA the server trusts, and refuses an expired one', async () => {
    const key = await generateKey(work, 'certified');
    const certificate = await sshd.signCertificate(`${key}.pub`);
    const communicator = await connectWith({ ssh_username: sshd.username, ssh_private_key_file: key, ssh_certificate_file: certificate });
    expect((await run(communicator, 'echo cert')).stdout).toEqual(['cert']);
    await communicator.close();
    expect(sshd.logs()).toMatch(/Accepted publickey for \S+ .*ED25519-CERT/);

    const rsa = await generateKey(work, 'certified-rsa', { type: 'rsa' });
    const rsaCertificate = await sshd.signCertificate(`${rsa}.pub`);
    const viaRsa = await connectWith({ ssh_username: sshd.username, ssh_private_key_file: rsa, ssh_certificate_file: rsaCertificate });
    await viaRsa.close();

    const old = await generateKey(work, 'expired');
    const expired = await sshd.signCertificate(`${old}.pub`, { validity: '-2h:-1h' });
    const error = await failure({ ssh_username: sshd.username, ssh_private_key_file: old, ssh_certificate_file: expired });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`ssh_private_key_file is invalid: ${expired} not a valid cert: ssh: cert has expired`);
  });

  it('says which key the server refused', async () => {
    const stranger = await generateKey(work, 'stranger');
    const error = await failure({ ...keyConfig(sshd), ssh_private_key_file: stranger, ssh_handshake_attempts: 1 });
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain(`authentication error when trying to connect via SSH to ${sshd.username}@127.0.0.1:${sshd.port}`);
    expect(error.message).toContain('attempted methods [none publickey], no supported methods remain');
    expect(error.message).toMatch(new RegExp(`publickey ${stranger} \\(ED25519 SHA256:\\S+\\): rejected by the server`));
  });

  it.runIf(asRoot)('says the password was refused', async () => {
    const error = await failure({ ssh_username: sshd.username, ssh_password: 'not-it', ssh_handshake_attempts: 1 });
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain('attempted methods [none password keyboard-interactive]');
    expect(error.message).toContain('password: rejected by the server');
  });

  it('refuses an encrypted key at once, before any connection', async () => {
    const locked = await generateKey(work, 'locked', { passphrase: 'secret phrase' });
    const error = await failure({ ...keyConfig(sshd), ssh_private_key_file: locked });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('ssh_private_key_file is invalid: Error setting up SSH config: ssh: this private key is passphrase protected');
  });

  it('times out on a closed port and says what it tried', async () => {
    const closed = await freePort();
    const started = Date.now();
    const error = await rejection(connectSsh({ host: '127.0.0.1', port: closed, config: { ...keyConfig(sshd), ssh_timeout: '1500ms' } }));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error.code).toBe('TIMEOUT');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Timeout waiting for SSH.');
    expect(lines).toContain(`  address: 127.0.0.1:${closed}`);
    expect(lines).toContain(`  user: ${sshd.username}`);
    expect(error.message).toMatch(new RegExp(`attempts: \\d+ in 1\\.\\ds; last error: dial tcp 127\\.0\\.0\\.1:${closed}: connection refused`));
    expect(error.message).toMatch(/publickey \S+id_ed25519 \(ED25519 SHA256:\S+\): never reached/);
  });

  it('connects within a second of a late sshd starting to listen', async () => {
    const late = await startSshd();
    try {
      process.kill(late.pid(), 'SIGKILL'); // down, as a machine that is still booting
      await delay(100);
      const waiting = connectSsh({ host: late.host, port: late.port, config: { ...keyConfig(late), ssh_timeout: '30s' } });
      await delay(1500);
      await late.restart();
      const up = Date.now();
      const communicator = await waiting;
      // Packer polls every 5 s; Kiln backs off from 100 ms to at most 1 s.
      expect(Date.now() - up).toBeLessThan(2500);
      await communicator.close();
    } finally {
      await late.stop();
    }
  });
});

describe('agent', () => {
  let agent: ChildProcess | undefined;
  let socket: string;
  beforeAll(async () => {
    socket = join(work, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(socket); i++) await delay(20);
    await new Promise<void>((resolve, reject) =>
      spawn('ssh-add', [sshd.privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' }).on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`ssh-add exited ${code}`)),
      ),
    );
  });
  afterAll(() => {
    if (agent?.pid) process.kill(agent.pid);
  });

  it('authenticates with the agent and forwards it to the remote', async () => {
    const env = { SSH_AUTH_SOCK: socket };
    const communicator = await connectWith({ ssh_username: sshd.username, ssh_agent_auth: true }, sshd, env);
    const { stdout } = await run(communicator, 'ssh-add -l');
    expect(stdout.join('\n')).toContain('kiln-testbed');
    await communicator.close();

    const unforwarded = await connectWith({ ssh_username: sshd.username, ssh_agent_auth: true, ssh_disable_agent_forwarding: true }, sshd, env);
    const ranU = await run(unforwarded, 'ssh-add -l'); if (ranU.exitStatus !== 2) console.log('DEBUG', JSON.stringify(ranU), Date.now());
    expect(ranU.exitStatus).toBe(2);
    await unforwarded.close();
  });

  it('needs SSH_AUTH_SOCK', async () => {
    const error = await rejection(connectSsh({ host: sshd.host, port: sshd.port, config: { ssh_username: 'x', ssh_agent_auth: true }, env: {} }));
    expect(error.message).toBe('SSH_AUTH_SOCK is not set');
  });
});
