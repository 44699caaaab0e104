import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { DISCONNECTED_EXIT_STATUS, KilnError, recordingUi, type StepContext } from '@kiln/sdk';
import { freePort, startSshd, type Sshd } from '@kiln/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, shellQuote, stepConnectSsh, type SshCommunicator, type SshConfig } from '../src/index.js';
import { keyConfig, rejection, run } from './support.js';

let sshd: Sshd;
let communicator: SshCommunicator;

beforeAll(async () => {
  sshd = await startSshd();
  communicator = await connectSsh({ host: sshd.host, port: sshd.port, config: keyConfig(sshd) });
});
afterAll(async () => {
  await communicator?.close();
  await sshd?.stop();
});

const connect = (extra: SshConfig = {}) => connectSsh({ host: sshd.host, port: sshd.port, config: keyConfig(sshd, extra) });

describe('exec', () => {
  it('streams stdout and stderr line by line and returns the exit status', async () => {
    const ran = await run(communicator, `printf 'one\\ntwo\\r\\nno newline'; printf 'é\\n' >&2; exit 3`);
    expect(ran).toEqual({ stdout: ['one', 'two', 'no newline'], stderr: ['é'], exitStatus: 3 });
  });

  it('reports a command killed by a signal as 128 + the signal, as Go does', async () => {
    expect((await run(communicator, 'kill -KILL $$')).exitStatus).toBe(137);
  });

  it('feeds stdin', async () => {
    const lines: string[] = [];
    const result = await communicator.exec({ command: 'tr a-z A-Z', stdin: Readable.from(['hello\n', 'world\n']), onStdout: (line) => lines.push(line) });
    expect(result.exitStatus).toBe(0);
    expect(lines).toEqual(['HELLO', 'WORLD']);
  });

  it('passes a command through byte for byte: quotes, spaces and $ in environment values', async () => {
    const values = [`it's "quoted"`, 'two  spaces', '$HOME and ${PATH} and `id`', 'back\\slash', 'tab\there'];
    for (const value of values) {
      const ran = await run(communicator, `VALUE=${shellQuote(value)} sh -c 'printf "%s\\n" "$VALUE"'`);
      expect(ran.stdout).toEqual(value.split('\n'));
    }
  });

  it('streams 200,000 lines quickly', async () => {
    let count = 0;
    let last = '';
    const started = Date.now();
    const { exitStatus } = await communicator.exec({
      command: 'seq 1 200000',
      onStdout: (line) => {
        count++;
        last = line;
      },
    });
    expect(exitStatus).toBe(0);
    expect(count).toBe(200_000);
    expect(last).toBe('200000');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('requests a pty when ssh_pty is set', async () => {
    const withPty = await connect({ ssh_pty: true });
    try {
      const ran = await run(withPty, 'tty; stty -a | grep -o -- "-echo "; echo "$TERM"');
      expect(ran.stdout[0]).toMatch(/^\/dev\/pts\/\d+$/);
      expect(ran.stdout).toContain('-echo ');
      expect(ran.stdout.at(-1)).toBe('xterm');
    } finally {
      await withPty.close();
    }
    expect((await run(communicator, 'tty')).stdout).toEqual(['not a tty']);
  });

  it('stops a command when its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = communicator.exec({ command: 'sleep 20', signal: controller.signal });
    await delay(200);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await run(communicator, 'echo still here')).stdout).toEqual(['still here']);
  });
});

describe('a lost connection', () => {
  it(`returns ${DISCONNECTED_EXIT_STATUS} for the running command, and the next command reconnects`, async () => {
    const own = await connect();
    try {
      const pending = run(own, 'echo started; sleep 30');
      await delay(300);
      sshd.dropConnections();
      const ran = await pending;
      expect(ran.stdout).toEqual(['started']);
      expect(ran.exitStatus).toBe(DISCONNECTED_EXIT_STATUS);
      expect((await run(own, 'echo again')).stdout).toEqual(['again']);
    } finally {
      await own.close();
    }
  });

  it('notices a server that went silent through keep-alives', async () => {
    const own = await connect({ ssh_keep_alive_interval: '200ms' });
    try {
      const pending = own.exec({ command: 'sleep 30' });
      await delay(300);
      sshd.signalConnections('SIGSTOP');
      const started = Date.now();
      expect((await pending).exitStatus).toBe(DISCONNECTED_EXIT_STATUS);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      sshd.dropConnections();
      await own.close();
    }
  });

  it('drops a connection silent for longer than ssh_read_write_timeout', async () => {
    const own = await connect({ ssh_keep_alive_interval: '-1s', ssh_read_write_timeout: '500ms' });
    try {
      expect((await own.exec({ command: 'sleep 3' })).exitStatus).toBe(DISCONNECTED_EXIT_STATUS);
    } finally {
      await own.close();
    }
  });

  it('survives an sshd restart (a reboot) between commands', async () => {
    const rebooting = await startSshd();
    const own = await connectSsh({ host: rebooting.host, port: rebooting.port, config: keyConfig(rebooting) });
    try {
      const pending = own.exec({ command: 'sleep 30' });
      await delay(200);
      await rebooting.restart();
      expect((await pending).exitStatus).toBe(DISCONNECTED_EXIT_STATUS);
      expect((await run(own, 'echo rebooted')).stdout).toEqual(['rebooted']);
    } finally {
      await own.close();
      await rebooting.stop();
    }
  });
});

describe('connecting', () => {
  it("says what it does as Packer does, and pauses before connecting when asked", async () => {
    const ui = recordingUi();
    const own = await connectSsh({ host: sshd.host, port: sshd.port, config: keyConfig(sshd, { pause_before_connecting: '300ms' }), ui });
    await own.close();
    expect(ui.lines).toEqual([
      'say: Using ssh communicator to connect: 127.0.0.1',
      'say: Waiting for SSH to become available...',
      'say: Connected to SSH!',
      'say: Pausing 300ms before connecting...',
      'say: Waiting for SSH to become available...',
      'say: Connected to SSH!',
    ]);
  });

  it('uses the ciphers and key exchange asked for', async () => {
    const verbose = await startSshd({ config: ['LogLevel DEBUG1'] });
    try {
      const own = await connectSsh({
        host: verbose.host,
        port: verbose.port,
        config: keyConfig(verbose, { ssh_ciphers: ['aes256-ctr', 'no-such-cipher'], ssh_key_exchange_algorithms: ['ecdh-sha2-nistp384'] }),
      });
      await run(own, 'true');
      await own.close();
      expect(verbose.logs()).toMatch(/kex: algorithm: ecdh-sha2-nistp384/);
      expect(verbose.logs()).toMatch(/kex: client->server cipher: aes256-ctr/);
    } finally {
      await verbose.stop();
    }
  });

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    const pending = connectSsh({ host: '127.0.0.1', port: 1, config: keyConfig(sshd), signal: controller.signal });
    await delay(200);
    controller.abort();
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(KilnError);
    expect(error.code).toBe('CANCELLED');
  });

  it('gives builders a step: three callbacks in, a communicator in the state, closed at cleanup', async () => {
    interface State {
      readonly ip: string;
    }
    const ui = recordingUi();
    const step = stepConnectSsh<State>({ host: (state) => state.ip, port: () => sshd.port, config: () => keyConfig(sshd) });
    const ctx: StepContext = { ui, signal: new AbortController().signal, provide: () => undefined };
    const out = await step.run({ ip: '127.0.0.1' }, ctx);
    expect(out && (await run(out.communicator!, 'echo via step')).stdout).toEqual(['via step']);
    await step.cleanup!({ ip: '127.0.0.1', ...out }, { ui, outcome: 'succeeded', replaceError: () => undefined });
    await expect(out!.communicator!.exec({ command: 'true' })).rejects.toThrow(/closed/);

    const skipped = await stepConnectSsh<State>({ host: () => 'x', config: () => ({ communicator: 'none' }) }).run({ ip: 'x' }, ctx);
    expect(skipped).toEqual({});
  });

  it("prints Packer's failure lines from the step", async () => {
    const ui = recordingUi();
    const closed = await freePort();
    const ctx: StepContext = { ui, signal: new AbortController().signal, provide: () => undefined };
    const timingOut = stepConnectSsh({ host: () => '127.0.0.1', port: () => closed, config: () => keyConfig(sshd, { ssh_timeout: '300ms' }) });
    await expect(timingOut.run({}, ctx)).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(ui.lines.filter((line) => line.startsWith('error: '))[0]).toMatch(/^error: Timeout waiting for SSH\.\n  address: /);
    const refused = stepConnectSsh({
      host: () => sshd.host,
      port: () => sshd.port,
      config: () => ({ ssh_username: 'nobody-here', ssh_password: 'x', ssh_handshake_attempts: 1 }),
    });
    await expect(refused.run({}, ctx)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(ui.lines.at(-1)).toMatch(/^error: Error waiting for SSH: Kiln experienced an authentication error/);
  });
});
