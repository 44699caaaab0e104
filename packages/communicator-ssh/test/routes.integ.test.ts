import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, startSshd, waitForBanner, type Sshd } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../src/index.js';
import { recordingUi } from '@kiln/sdk';
import { keyConfig, rejection, run } from './support.js';

let target: Sshd;
let bastion: Sshd;

beforeAll(async () => {
  // The bastion logs at debug level so the test can see the forwarding it did for us.
  [target, bastion] = await Promise.all([startSshd(), startSshd({ config: ['LogLevel DEBUG1'] })]);
});
afterAll(async () => {
  await Promise.all([target?.stop(), bastion?.stop()]);
});

describe('bastion', () => {
  it('reaches the target through a second sshd', async () => {
    const communicator = await connectSsh({
      host: target.host,
      port: target.port,
      config: keyConfig(target, {
        ssh_bastion_host: bastion.host,
        ssh_bastion_port: bastion.port,
        ssh_bastion_username: bastion.username,
        ssh_bastion_private_key_file: bastion.privateKeyPath,
      }),
    });
    try {
      expect((await run(communicator, 'echo through')).stdout).toEqual(['through']);
      // The bastion logged our login and the forwarding to the target's port.
      expect(bastion.logs()).toMatch(/Accepted publickey/);
      expect(bastion.logs()).toContain(`server_request_direct_tcpip: originator 127.0.0.1 port 0, target 127.0.0.1 port ${target.port}`);
    } finally {
      await communicator.close();
    }
  });

  it.runIf(process.getuid?.() === 0)('answers the bastion\'s keyboard-interactive prompts through the Ui', async () => {
    const interactive = await startSshd({ passwordAuthentication: false });
    try {
      const ui = recordingUi([interactive.password!]);
      const communicator = await connectSsh({
        host: target.host,
        port: target.port,
        config: keyConfig(target, {
          ssh_bastion_host: interactive.host,
          ssh_bastion_port: interactive.port,
          ssh_bastion_username: interactive.username,
          ssh_bastion_interactive: true,
          ssh_bastion_agent_auth: false,
        }),
        ui,
      });
      expect((await run(communicator, 'echo asked')).stdout).toEqual(['asked']);
      await communicator.close();
      expect(ui.lines).toContain('ask: Password: ');
    } finally {
      await interactive.stop();
    }
  });

  it('says when the bastion refuses us', async () => {
    const error = await rejection(connectSsh({
      host: target.host,
      port: target.port,
      config: keyConfig(target, {
        ssh_bastion_host: bastion.host,
        ssh_bastion_port: bastion.port,
        ssh_bastion_username: 'nobody-here',
        ssh_bastion_private_key_file: bastion.privateKeyPath,
        ssh_handshake_attempts: 1,
      }),
    }));
    expect(error.message).toContain(`bastion nobody-here@127.0.0.1:${bastion.port}: ssh: unable to authenticate`);
  });
});

describe('SOCKS5 proxy', () => {
  let proxy: ChildProcess | undefined;
  let proxyPort: number;
  beforeAll(async () => {
    // OpenSSH's dynamic forwarding is a real SOCKS5 server.
    proxyPort = await freePort();
    proxy = spawn(
      'ssh',
      [
        '-N', '-D', `127.0.0.1:${proxyPort}`, '-p', String(bastion.port), '-i', bastion.privateKeyPath,
        '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes',
        `${bastion.username}@127.0.0.1`,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect(proxyPort, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        }).on('error', () => resolve(false));
      });
      if (open) return;
      await delay(50);
    }
  });
  afterAll(() => {
    if (proxy?.pid) process.kill(proxy.pid);
  });

  it('connects through it', async () => {
    const communicator = await connectSsh({
      host: target.host,
      port: target.port,
      config: keyConfig(target, { ssh_proxy_host: '127.0.0.1', ssh_proxy_port: proxyPort }),
    });
    expect((await run(communicator, 'echo proxied')).stdout).toEqual(['proxied']);
    await communicator.close();
  });
});

describe('tunnels', () => {
  let echo: Server;
  let echoPort: number;
  beforeAll(async () => {
    echo = createServer((socket) => socket.end('hello from the local side\n'));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as { port: number }).port;
  });
  afterAll(() => echo?.close());

  it('forwards a local port to the remote side and a remote port back', async () => {
    const localPort = await freePort();
    const remotePort = await freePort();
    const communicator = await connectSsh({
      host: target.host,
      port: target.port,
      config: keyConfig(target, {
        ssh_local_tunnels: [`${localPort}:127.0.0.1:${target.port}`],
        ssh_remote_tunnels: [`${remotePort}:127.0.0.1:${echoPort}`],
      }),
    });
    try {
      // Local: our listener leads to the remote's sshd, which greets with its banner.
      await waitForBanner('localhost', localPort, { expectPrefix: 'SSH-2.0-', timeoutMs: 5000, stillTrying: () => true });
      // Remote: a connection to the remote's port comes back to our local server.
      const { stdout } = await run(communicator, `exec 3<>/dev/tcp/127.0.0.1/${remotePort}; cat <&3`);
      expect(stdout).toEqual(['hello from the local side']);
    } finally {
      await communicator.close();
    }
  });
});

describe('a connection handed over by the caller', () => {
  it('runs the first handshake over it, banner already read and pushed back, without dialing', async () => {
    // The socket a readiness probe kept: the banner was read, then put back for the SSH client.
    const sock = connect({ host: target.host, port: target.port });
    const banner = await new Promise<Buffer>((resolve) => sock.once('data', (chunk: Buffer) => resolve(chunk)));
    expect(banner.toString('latin1')).toMatch(/^SSH-2\.0-/);
    sock.pause();
    sock.unshift(banner);
    const closedPort = await freePort();
    let asked = 0;
    const communicator = await connectSsh({
      host: target.host,
      // Nothing listens here: a dialed attempt could not succeed.
      port: closedPort,
      config: keyConfig(target, { ssh_timeout: '5s' }),
      socket: () => {
        asked += 1;
        return sock;
      },
    });
    try {
      expect((await run(communicator, 'echo handed-over')).stdout).toEqual(['handed-over']);
      expect(asked).toBe(1);
    } finally {
      await communicator.close();
    }
  });
});
