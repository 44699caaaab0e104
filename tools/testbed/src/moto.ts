import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { descendantsOf, isAlive, killQuietly } from './processes.js';

/** One AMI of moto's image list (MOTO_AMIS_PATH), in moto's own field names. */
export interface MotoAmi {
  readonly ami_id: string;
  readonly name: string;
  readonly description?: string;
  readonly owner_id: string;
  readonly public?: boolean;
  readonly virtualization_type?: 'hvm' | 'paravirtual';
  readonly architecture?: string;
  readonly state?: string;
  readonly platform?: string;
  readonly root_device_type?: 'ebs' | 'instance-store';
  readonly root_device_name?: string;
  readonly hypervisor?: string;
  readonly sriov?: string;
  /** ISO time; moto uses "now" when absent, which makes `most_recent` meaningless. */
  readonly creation_date?: string;
}

export interface MotoOptions {
  /**
   * The AMIs every region starts with (written to a file for MOTO_AMIS_PATH). Without it moto
   * loads its own list, whose images mostly have no creation date.
   */
  readonly amis?: readonly MotoAmi[];
}

export interface Moto {
  /** `http://127.0.0.1:<port>`: give it to custom_endpoint_ec2 or an SDK client's endpoint. */
  readonly endpoint: string;
  readonly port: number;
  /** Forgets every resource (POST /moto-api/reset): the AMI list is loaded again. */
  reset(): Promise<void>;
  pid(): number;
  /** What moto_server printed, for a failing test's message. */
  logs(): string;
  /** Kills exactly this moto_server (and its children) and removes its directory. */
  stop(): Promise<void>;
}

const LOG_LIMIT = 256 * 1024;

/**
 * moto_server's main, with one fix: moto parses each listed AMI's creation_date in place, so the
 * second region to load the list finds a datetime where it expects a string and fails every call
 * (moto 5.2). Parsing a value that is already a datetime is made a no-op.
 */
const MOTO_MAIN = [
  'import moto.ec2.models.amis as amis',
  '_parse = amis.parse_timestamp',
  'amis.parse_timestamp = lambda value: _parse(value) if isinstance(value, str) else value',
  'from moto.server import main',
  'main()',
].join('\n');
const START_TIMEOUT_MS = 30_000;

/**
 * Starts moto's server (PyPI `moto[server]`, installed by ensure-deps.mjs) on a free 127.0.0.1
 * port and resolves once it answers. Every test file should start its own, or reset() between tests.
 */
export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-moto-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.amis) {
    const amisPath = join(dir, 'amis.json');
    await writeFile(amisPath, JSON.stringify(options.amis));
    env['MOTO_AMIS_PATH'] = amisPath;
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await launch(port, dir, env);
    } catch (error) {
      // Another process may have taken the port between freePort() and moto's bind.
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function launch(port: number, dir: string, env: NodeJS.ProcessEnv): Promise<Moto> {
  let log = '';
  const child: ChildProcess = spawn('python3', ['-c', MOTO_MAIN, '-H', '127.0.0.1', '-p', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited = false;
  child.once('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  const pid = child.pid ?? 0;

  const stop = async (): Promise<void> => {
    // pyenv's shim may have forked python rather than exec'd it: kill the whole subtree we started.
    const tree = [...descendantsOf(pid), pid];
    for (const each of tree) killQuietly(each, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (tree.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const each of tree) if (isAlive(each)) killQuietly(each, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`moto exited before it answered on ${endpoint}:\n${log}`);
    if (await answers(endpoint)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${START_TIMEOUT_MS} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    endpoint,
    port,
    pid: () => pid,
    logs: () => log,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop,
  };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'GET', signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
