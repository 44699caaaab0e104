import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding the `session-manager-plugin` stand-in (bin/session-manager-plugin.mjs). */
export const sessionManagerPluginDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin');

/** One SSM call the fake answered: its JSON input and what it sent back. */
export interface SsmCall {
  readonly action: string;
  /** From the SigV4 credential scope. */
  readonly region: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly status: number;
  readonly output: Readonly<Record<string, unknown>>;
}

export interface SsmSession {
  readonly sessionId: string;
  readonly target: string;
  readonly documentName: string;
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  state: 'Connected' | 'Terminated';
  /** A plugin holds the session's data channel open (with the right token). */
  pluginAttached: boolean;
}

/** One start or exit of the plugin stand-in, as it logged itself. */
export interface PluginEvent {
  readonly pid: number;
  readonly event: 'start' | 'listening' | 'exit';
  readonly argv?: readonly string[];
  readonly port?: number;
  readonly code?: number;
  readonly reason?: string;
  readonly problem?: string;
}

export interface FakeSsm {
  /**
   * Give this to custom_endpoint_ec2: StartSession, TerminateSession and the data channels are
   * answered here, every other request goes to the upstream (moto) unchanged.
   */
  readonly endpoint: string;
  readonly calls: SsmCall[];
  readonly sessions: Map<string, SsmSession>;
  /** The next `count` StartSession calls answer TargetNotConnected, as while an agent registers. */
  notConnectedFor(count: number): void;
  /** Environment for a process that runs the plugin stand-in: PATH with it first, its log file. */
  pluginEnv(basePath?: string): Record<string, string>;
  /** What the plugin stand-in logged so far. */
  pluginEvents(): Promise<PluginEvent[]>;
  close(): Promise<void>;
}

/**
 * A fake of the two SSM calls a port-forwarding tunnel needs (moto 5.2 has neither StartSession
 * nor TerminateSession) as a proxy in front of moto, plus the data channel the plugin stand-in
 * holds open. StartSession answers TargetNotConnected unless the target instance is running in
 * moto, as SSM does for an instance whose agent is not (yet) registered.
 */
export async function startFakeSsm(upstream: string): Promise<FakeSsm> {
  const target = new URL(upstream);
  const dir = await mkdtemp(join(tmpdir(), 'kiln-fake-ssm-'));
  const logFile = join(dir, 'plugin.jsonl');
  const calls: SsmCall[] = [];
  const sessions = new Map<string, SsmSession>();
  const tokens = new Map<string, string>();
  const channels = new Map<string, ServerResponse[]>();
  let notConnected = 0;
  let endpoint = '';

  const answer = (res: ServerResponse, status: number, body: Record<string, unknown>, errorType?: string): void => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(JSON.stringify(body));
  };

  const instanceRunning = async (instanceId: string, region: string): Promise<boolean> => {
    const response = await fetch(`${upstream}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=testing/20200101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: new URLSearchParams({ Action: 'DescribeInstances', Version: '2016-11-15', 'InstanceId.1': instanceId }),
    });
    const text = await response.text();
    return response.ok && /<instanceState>\s*<code>16<\/code>/.test(text);
  };

  const handleSsm = async (action: string, region: string, input: Record<string, unknown>, res: ServerResponse): Promise<void> => {
    const reply = (status: number, output: Record<string, unknown>, errorType?: string): void => {
      calls.push({ action, region, input, status, output });
      answer(res, status, errorType ? { __type: errorType, ...output } : output, errorType);
    };
    if (action === 'StartSession') {
      const instanceId = String(input['Target'] ?? '');
      if (notConnected > 0 || !(await instanceRunning(instanceId, region))) {
        notConnected = Math.max(0, notConnected - 1);
        reply(400, { message: `${instanceId} is not connected.` }, 'TargetNotConnected');
        return;
      }
      const sessionId = `testing-${randomBytes(9).toString('hex').slice(0, 17)}`;
      sessions.set(sessionId, {
        sessionId,
        target: instanceId,
        documentName: String(input['DocumentName'] ?? ''),
        parameters: (input['Parameters'] ?? {}) as Record<string, string[]>,
        state: 'Connected',
        pluginAttached: false,
      });
      const token = `${sessionId}:${randomBytes(12).toString('hex')}`;
      tokens.set(sessionId, token);
      const host = new URL(endpoint);
      reply(200, {
        SessionId: sessionId,
        StreamUrl: `ws://${host.host}/v1/data-channel/${sessionId}?role=publish_subscribe`,
        TokenValue: token,
      });
      return;
    }
    if (action === 'TerminateSession') {
      const sessionId = String(input['SessionId'] ?? '');
      const session = sessions.get(sessionId);
      if (session) session.state = 'Terminated';
      for (const channel of channels.get(sessionId) ?? []) channel.end();
      channels.delete(sessionId);
      reply(200, { SessionId: sessionId });
      return;
    }
    reply(400, { message: `the fake SSM does not answer ${action}` }, 'InvalidAction');
  };

  const dataChannel = (sessionId: string, req: IncomingMessage, res: ServerResponse): void => {
    const session = sessions.get(sessionId);
    if (!session || session.state !== 'Connected' || req.headers['x-kiln-token'] !== tokens.get(sessionId)) {
      res.writeHead(403);
      res.end();
      return;
    }
    session.pluginAttached = true;
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.flushHeaders();
    channels.set(sessionId, [...(channels.get(sessionId) ?? []), res]);
    res.on('close', () => (session.pluginAttached = false));
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const onward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    onward.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    onward.end(body);
  };

  const server: Server = createServer((req, res) => {
    const channel = /^\/v1\/data-channel\/([^/?]+)/.exec(req.url ?? '');
    if (channel && req.method === 'GET') {
      dataChannel(decodeURIComponent(channel[1]!), req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const amzTarget = String(req.headers['x-amz-target'] ?? '');
      const action = amzTarget.startsWith('AmazonSSM.') ? amzTarget.slice('AmazonSSM.'.length) : '';
      if (action !== 'StartSession' && action !== 'TerminateSession') {
        forward(req, res, body);
        return;
      }
      const scope = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers['authorization'] ?? ''));
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        answer(res, 400, { __type: 'SerializationException', message: 'body is not JSON' }, 'SerializationException');
        return;
      }
      handleSsm(action, scope?.[1] ?? '?', input, res).catch((error: unknown) => answer(res, 500, { message: String(error) }, 'InternalServerError'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    calls,
    sessions,
    notConnectedFor(count) {
      notConnected = count;
    },
    pluginEnv(basePath = process.env['PATH'] ?? '') {
      return { PATH: `${sessionManagerPluginDir}:${basePath}`, KILN_FAKE_SSM_PLUGIN_LOG: logFile };
    },
    async pluginEvents() {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as PluginEvent);
    },
    async close() {
      for (const list of channels.values()) for (const channel of list) channel.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
