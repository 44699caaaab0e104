import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isAlive, startFakeSsm, startMoto, startSshd, waitForBanner, type FakeSsm, type Moto, type PluginEvent, type Sshd } from '@kiln/testbed';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hook } from '@kiln/sdk';
import type { AmazonEbsConfig } from '../src/config.js';
import { SOURCE_AMI, TEST_AMIS } from './support/amis.js';
import { motoConfig, runBuilder } from './support/harness.js';
import { EMPTY_INVENTORY, TEST_CREDENTIALS, added, inventory, type Inventory } from './support/inventory.js';
import { spawnKiln } from './support/kiln-cli.js';

// moto 5.2 has no StartSession/TerminateSession: custom_endpoint_ec2 points at the testbed's fake
// SSM, which answers those two and hands every EC2/IAM call on to moto (Packer 1.6.6 sends SSM to
// custom_endpoint_ec2 too). The fake session-manager-plugin forwards the tunnel's local port to
// the "instance", here the testbed sshd on 127.0.0.1 (the SSM portNumber is ssh_port).

const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ssm:UpdateInstanceInformation'], Resource: '*' }] };

let moto: Moto;
let sshd: Sshd;
let ssm: FakeSsm;
let baseline: Inventory;
beforeAll(async () => {
  [moto, sshd] = await Promise.all([startMoto({ amis: TEST_AMIS }), startSshd({ password: false })]);
  ssm = await startFakeSsm(moto.endpoint);
}, 60_000);
afterAll(async () => {
  await ssm?.close();
  await Promise.all([sshd?.stop(), moto?.stop()]);
});
beforeEach(async () => {
  await moto.reset();
  ssm.calls.length = 0;
  ssm.sessions.clear();
  baseline = await inventory(moto.endpoint);
});

/** The options of an amazon-ebs build that connects through an SSM tunnel. */
function sessionManagerConfig(overrides: Partial<AmazonEbsConfig> = {}): AmazonEbsConfig {
  return motoConfig(ssm.endpoint, {
    source_ami: SOURCE_AMI,
    communicator: 'ssh',
    ssh_interface: 'session_manager',
    ssh_port: sshd.port,
    ssh_username: sshd.username,
    ssh_private_key_file: sshd.privateKeyPath,
    ssh_timeout: '30s',
    temporary_iam_instance_profile_policy_document: POLICY,
    ...overrides,
  });
}

/** The same as a template's builder (credentials from the environment, as a user has them). */
function sessionManagerBuilder(): Record<string, unknown> {
  const { access_key: _access, secret_key: _secret, aws_polling: _polling, ...rest } = sessionManagerConfig({ ami_name: 'kiln-ssm-{{timestamp}}' });
  return { type: 'amazon-ebs', ...rest };
}

async function kilnBuild(template: object, pathPrefix: string): Promise<{ code: number | null; out: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kiln-ssm-'));
  await writeFile(path.join(dir, 'template.json'), JSON.stringify(template));
  const { PATH: _path, ...rest } = process.env;
  const env = {
    ...rest,
    ...ssm.pluginEnv(pathPrefix),
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_POLL_DELAY_SECONDS: '1',
  };
  const build = spawnKiln(['build', '-color=false', 'template.json'], { cwd: dir, env });
  const code = await build.exit;
  return { code, out: build.output() };
}

/** Each plugin process the build started: its argv and whether it is still running. */
async function pluginRuns(): Promise<{ pid: number; argv: readonly string[]; alive: boolean; exit?: PluginEvent }[]> {
  const events = await ssm.pluginEvents();
  return events
    .filter((e) => e.event === 'start' && e.argv && e.argv.length === 6)
    .map((start) => {
      const exit = events.find((e) => e.pid === start.pid && e.event === 'exit');
      return { pid: start.pid, argv: start.argv!, alive: isAlive(start.pid), ...(exit ? { exit } : {}) };
    });
}

function expectEveryTunnelClosed(): void {
  expect(ssm.sessions.size).toBeGreaterThan(0);
  for (const session of ssm.sessions.values()) expect(session).toMatchObject({ state: 'Terminated', pluginAttached: false });
  const terminated = ssm.calls.filter((c) => c.action === 'TerminateSession').map((c) => c.input['SessionId']);
  expect(terminated.sort()).toEqual([...ssm.sessions.keys()].sort());
}

describe('ssh_interface session_manager (StepCreateSSMTunnel) against moto, a fake SSM and a fake plugin', () => {
  it('tunnels SSH through session-manager-plugin, provisions, then terminates the session and stops the plugin', async () => {
    const { code, out } = await kilnBuild(
      {
        builders: [sessionManagerBuilder()],
        provisioners: [{ type: 'shell', inline: ['echo "provisioned via $(echo $SSH_CONNECTION | cut -d" " -f1) on {{ build `ID` }}"'] }],
      },
      process.env['PATH'] ?? '',
    );
    expect(code, out).toBe(0);

    const starts = ssm.calls.filter((c) => c.action === 'StartSession');
    expect(starts).toHaveLength(1);
    const start = starts[0]!;
    const sessionId = String(start.output['SessionId']);
    const localPort = Number((start.input['Parameters'] as Record<string, string[]>)['localPortNumber']![0]);
    expect(localPort).toBeGreaterThanOrEqual(8000);
    expect(localPort).toBeLessThanOrEqual(9000);
    const instanceId = String(start.input['Target']);
    expect(instanceId).toMatch(/^i-[0-9a-f]+$/);
    expect(start).toMatchObject({
      region: 'us-east-1',
      status: 200,
      input: { DocumentName: 'AWS-StartPortForwardingSession', Target: instanceId, Parameters: { portNumber: [String(sshd.port)], localPortNumber: [String(localPort)] } },
    });

    const runs = (await pluginRuns()).filter((run) => run.argv[0]!.includes(sessionId));
    expect(runs).toHaveLength(1);
    expect(JSON.parse(runs[0]!.argv[0]!)).toEqual(start.output);
    expect(runs[0]!.argv.slice(1, 4)).toEqual(['us-east-1', 'StartSession', '']);
    expect(JSON.parse(runs[0]!.argv[4]!)).toEqual(start.input);
    expect(runs[0]!.argv[5]).toBe(ssm.endpoint);

    expect(out).toContain(`    amazon-ebs: Starting portForwarding session "${sessionId}".`);
    expect(out).toContain(`    amazon-ebs: Port ${localPort} opened for sessionId ${sessionId}.`);
    expect(out).toContain('==> amazon-ebs: Using ssh communicator to connect: localhost');
    expect(out).toContain('==> amazon-ebs: Connected to SSH!');
    // The sshd saw the connection come from the plugin on this machine.
    expect(out).toContain(`    amazon-ebs: provisioned via 127.0.0.1 on ${instanceId}`);
    expect(out).not.toContain('Bad exit status');

    expect(runs[0]!.alive).toBe(false);
    expect(runs[0]!.exit).toMatchObject({ code: 0 });
    expectEveryTunnelClosed();
    expect(added(await inventory(moto.endpoint), baseline)).toMatchObject({ ...EMPTY_INVENTORY, images: [expect.any(String)], snapshots: [expect.any(String)] });
  }, 180_000);

  it('closes the tunnel when a provisioner fails', async () => {
    const { code, out } = await kilnBuild(
      { builders: [sessionManagerBuilder()], provisioners: [{ type: 'shell', inline: ['echo about to fail', 'exit 3'] }] },
      process.env['PATH'] ?? '',
    );
    expect(code, out).toBe(1);
    expect(out).toContain('    amazon-ebs: about to fail');
    expect(out).toContain('Script exited with non-zero exit status: 3');
    const runs = (await pluginRuns()).filter((run) => [...ssm.sessions.keys()].some((id) => run.argv[0]!.includes(id)));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.alive).toBe(false);
    expectEveryTunnelClosed();
    expect(added(await inventory(moto.endpoint), baseline)).toEqual(EMPTY_INVENTORY);
  }, 180_000);

  it('halts with how to install the plugin when session-manager-plugin is not on PATH', async () => {
    const emptyDir = await mkdtemp(path.join(tmpdir(), 'kiln-no-plugin-'));
    const template = { builders: [sessionManagerBuilder()] };
    const dir = await mkdtemp(path.join(tmpdir(), 'kiln-ssm-'));
    await writeFile(path.join(dir, 'template.json'), JSON.stringify(template));
    const build = spawnKiln(['build', '-color=false', 'template.json'], {
      cwd: dir,
      env: {
        PATH: emptyDir,
        HOME: process.env['HOME'] ?? '/root',
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_POLL_DELAY_SECONDS: '1',
      },
    });
    const code = await build.exit;
    const out = build.output();
    expect(code, out).toBe(1);
    expect(out).toContain('==> amazon-ebs: session-manager-plugin not found on PATH');
    expect(out).toContain(
      `ssh_interface "session_manager" needs AWS's Session Manager plugin (session-manager-plugin) on PATH. ` +
        'Install it: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html',
    );
    expect(ssm.calls).toEqual([]);
    expect(added(await inventory(moto.endpoint), baseline)).toEqual(EMPTY_INVENTORY);
  }, 180_000);

  it('retries StartSession while the agent is not connected, and uses session_manager_port', async () => {
    const port = await freeLocalPort();
    ssm.notConnectedFor(2);
    const run = await runBuilder(sessionManagerConfig({ session_manager_port: port }), { env: ssm.pluginEnv() });
    expect(run.error).toBeUndefined();
    const starts = ssm.calls.filter((c) => c.action === 'StartSession');
    expect(starts.map((c) => [c.status, c.output['__type'] ?? c.output['message'] ?? 'ok'])).toEqual([
      [400, expect.stringContaining('is not connected')],
      [400, expect.stringContaining('is not connected')],
      [200, 'ok'],
    ]);
    expect(starts[2]!.input).toMatchObject({ Parameters: { localPortNumber: [String(port)] } });
    expect(run.lines).toContain(`message: Port ${port} opened for sessionId ${String(starts[2]!.output['SessionId'])}.`);
    expectEveryTunnelClosed();
  }, 120_000);

  it('replaces a plugin that dies mid-build with a new session and plugin, as the session loop of Packer does', async () => {
    const seen: string[] = [];
    const hook: Hook = {
      async provision(communicator) {
        await communicator!.exec({ command: 'echo before', onStdout: (line) => seen.push(line) });
        const alive = async () => (await pluginRuns()).filter((each) => each.alive).map((each) => each.pid);
        const [first] = await alive();
        process.kill(first!, 'SIGKILL');
        await expect.poll(async () => (await alive()).filter((pid) => pid !== first).length, { timeout: 20_000 }).toBe(1);
        const port = Number((ssm.calls[0]!.input['Parameters'] as Record<string, string[]>)['localPortNumber']![0]);
        // The new plugin carries the same local port to the instance's SSH server.
        await waitForBanner('127.0.0.1', port, { expectPrefix: 'SSH-2.0-', timeoutMs: 10_000, stillTrying: () => true });
        seen.push('new tunnel answers');
      },
      provisionCleanup: async () => undefined,
    };
    const pluginLogBefore = (await ssm.pluginEvents()).length;
    const run = await runBuilder(sessionManagerConfig(), { env: ssm.pluginEnv(), hook });
    expect(run.error).toBeUndefined();
    expect(seen).toEqual(['before', 'new tunnel answers']);
    const starts = ssm.calls.filter((c) => c.action === 'StartSession');
    expect(starts).toHaveLength(2);
    expect(starts[1]!.input).toEqual(starts[0]!.input);
    expect(run.lines).toContain('error: Bad exit status: -1');
    expect(run.lines.filter((line) => line.startsWith('message: Starting portForwarding session'))).toHaveLength(2);
    const runs = (await ssm.pluginEvents()).slice(pluginLogBefore).filter((e) => e.event === 'start');
    expect(runs).toHaveLength(2);
    for (const each of runs) expect(isAlive(each.pid)).toBe(false);
    expectEveryTunnelClosed();
  }, 120_000);

  it('refuses a session_manager_port that is taken, before starting a session', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const run = await runBuilder(sessionManagerConfig({ session_manager_port: port }), { env: ssm.pluginEnv() });
      expect(run.error?.message).toMatch(/^error finding an available port to initiate a session tunnel: .*EADDRINUSE/);
      expect(ssm.calls).toEqual([]);
      expect(added(await inventory(moto.endpoint), baseline)).toEqual(EMPTY_INVENTORY);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 120_000);
});

function freeLocalPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
