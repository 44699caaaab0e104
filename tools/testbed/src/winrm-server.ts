import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeWindows, runCmd } from './winrm-machine.js';
import { challengeFor, readNtlmMessage, verifyAuthenticate } from './winrm-ntlm.js';

export interface WinrmServerOptions {
  /** Default `Administrator`. */
  readonly username?: string;
  /** Default a random one. */
  readonly password?: string;
  /** What the listener accepts: Basic, NTLM (Negotiate) or both (default, a listener with Basic enabled). */
  readonly auth?: 'basic' | 'ntlm' | 'both';
  /** Serve HTTPS with this PEM key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

/** One request as it arrived: the SOAP envelope and how the sender was authenticated. */
export interface RecordedEnvelope {
  readonly action: string;
  readonly xml: string;
  /** `basic`, `ntlm` (this request finished a handshake) or `session` (an NTLM-authenticated connection). */
  readonly auth: 'basic' | 'ntlm' | 'session';
}

export interface WinrmServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** The directory standing for the machine's drives: `C:\x` is `<root>/C/x`. */
  readonly root: string;
  /** The machine's %TEMP% as a Windows path. */
  readonly temp: string;
  /** Every envelope that passed authentication, in arrival order. */
  readonly envelopes: RecordedEnvelope[];
  /** HTTP requests refused with 401, handshake legs included. */
  unauthorized(): number;
  /** The local path of a Windows path on the fake machine. */
  localPath(windowsPath: string): string;
  /** Shells created and not deleted. */
  openShells(): number;
  /** Every command line run, in order. */
  commands(): string[];
  /**
   * Resets the connection of the next request that arrives on a kept-alive connection, before
   * reading it: what a client sees when the server closed an idle connection as it was reused.
   */
  dropNextReusedRequest(): void;
  stop(): Promise<void>;
}

const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  a: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  x: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  w: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  rsp: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
  p: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
} as const;
const SHELL = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
const CMD_RESOURCE = `${SHELL}/cmd`;
const ACTION = {
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  command: `${SHELL}/Command`,
  receive: `${SHELL}/Receive`,
  signal: `${SHELL}/Signal`,
} as const;
/** The header elements every request of masterzen/winrm carries (soap/header.go). */
const REQUIRED_HEADERS = ['a:To', 'a:ReplyTo', 'w:MaxEnvelopeSize', 'w:OperationTimeout', 'a:MessageID', 'a:Action', 'w:ResourceURI'];

interface Command {
  readonly id: string;
  readonly output: { stream: 'stdout' | 'stderr'; data: Buffer }[];
  exitCode: number | undefined;
  readonly abort: AbortController;
  wake: () => void;
  changed: Promise<void>;
}

interface Shell {
  readonly id: string;
  readonly commands: Map<string, Command>;
}

const tag = (xml: string, name: string) => new RegExp(`<${name}\\b[^>]*>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];

/** xs:duration (`PT30M`, `PT1.5S`) in ms. */
function durationMs(text: string | undefined): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(text?.trim() ?? '');
  if (!match) return 60_000;
  return (Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0)) * 1000;
}

/**
 * A WinRM listener that speaks the SOAP of a real one (WS-Management shells: Create, Command,
 * Receive, Signal, Delete; TimedOut faults; Basic and NTLMv2 over HTTP with per-connection NTLM
 * sessions) on 127.0.0.1, over a pretend Windows machine in a temp dir (see FakeWindows). It
 * checks that each envelope carries the header masterzen/winrm sends and records every one.
 */
export async function startWinrmServer(options: WinrmServerOptions = {}): Promise<WinrmServer> {
  const username = options.username ?? 'Administrator';
  const password = options.password ?? randomBytes(9).toString('base64url');
  const auth = options.auth ?? 'both';
  const root = await mkdtemp(join(tmpdir(), 'kiln-winrm-'));
  const machine = new FakeWindows(root, username);
  await machine.prepare();
  const envelopes: RecordedEnvelope[] = [];
  const commandLines: string[] = [];
  const shells = new Map<string, Shell>();
  const ntlmSessions = new WeakMap<Socket, { challenge?: Buffer; user?: string }>();
  let unauthorized = 0;
  let dropReused = false;
  const served = new WeakSet<Socket>();

  const reply = (response: ServerResponse, status: number, action: string, body: string, relatesTo = '') => {
    const xml =
      `<s:Envelope xml:lang="en-US" ${Object.entries(NS).map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`).join(' ')}>` +
      `<s:Header><a:Action>${action}</a:Action><a:MessageID>uuid:${randomUUID().toUpperCase()}</a:MessageID>` +
      `<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To><a:RelatesTo>${relatesTo}</a:RelatesTo></s:Header>` +
      `<s:Body>${body}</s:Body></s:Envelope>`;
    response.writeHead(status, { 'Content-Type': 'application/soap+xml;charset=UTF-8', Server: 'Microsoft-HTTPAPI/2.0' });
    response.end(xml);
  };
  const fault = (response: ServerResponse, subcode: string, code: string, message: string, relatesTo?: string) =>
    reply(
      response,
      500,
      'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault',
      `<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code>` +
        `<s:Reason><s:Text xml:lang="en-US">${message}</s:Text></s:Reason><s:Detail>` +
        `<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="${code}" Machine="127.0.0.1">` +
        `<f:Message>${message}</f:Message></f:WSManFault></s:Detail></s:Fault>`,
      relatesTo,
    );

  const refuse = (response: ServerResponse, extra: string[] = []) => {
    unauthorized++;
    const offers = [...extra];
    if (extra.length === 0) {
      if (auth !== 'basic') offers.push('Negotiate');
      if (auth !== 'ntlm') offers.push('Basic realm="WSMAN"');
    }
    response.writeHead(401, { 'WWW-Authenticate': offers, 'Content-Length': 0, Server: 'Microsoft-HTTPAPI/2.0' });
    response.end();
  };

  /** Who sent this request, or undefined after answering it with a 401. */
  const authenticate = (request: IncomingMessage, response: ServerResponse): RecordedEnvelope['auth'] | undefined => {
    const header = request.headers.authorization ?? '';
    const session = ntlmSessions.get(request.socket);
    const [scheme = '', token = ''] = header.split(/\s+/, 2);
    if (!header) {
      if (session?.user) return 'session';
      refuse(response);
      return undefined;
    }
    if (/^basic$/i.test(scheme) && auth !== 'ntlm') {
      const [user, ...rest] = Buffer.from(token, 'base64').toString('utf8').split(':');
      if (user?.toLowerCase() === username.toLowerCase() && rest.join(':') === password) return 'basic';
      refuse(response);
      return undefined;
    }
    if (/^(negotiate|ntlm)$/i.test(scheme) && auth !== 'basic') {
      const message = readNtlmMessage(token);
      if (message?.type === 1) {
        const { message: challenge, serverChallenge } = challengeFor('WIN-KILN');
        ntlmSessions.set(request.socket, { challenge: serverChallenge });
        refuse(response, [`${scheme} ${challenge.toString('base64')}`]);
        return undefined;
      }
      if (message?.type === 3 && session?.challenge) {
        const verdict = verifyAuthenticate(message.raw, session.challenge, new Map([[username, password]]));
        if ('user' in verdict) {
          ntlmSessions.set(request.socket, { user: verdict.user });
          return 'ntlm';
        }
      }
      ntlmSessions.delete(request.socket);
    }
    refuse(response);
    return undefined;
  };

  const startCommand = (shell: Shell, commandLine: string): Command => {
    let wake = () => undefined as void;
    const command: Command = {
      id: randomUUID().toUpperCase(),
      output: [],
      exitCode: undefined,
      abort: new AbortController(),
      wake: () => wake(),
      changed: Promise.resolve(),
    };
    const rearm = () => {
      command.changed = new Promise<void>((resolve) => (wake = resolve));
    };
    rearm();
    const notify = () => {
      const current = wake;
      rearm();
      current();
    };
    command.wake = notify;
    shell.commands.set(command.id, command);
    commandLines.push(commandLine);
    void runCmd(machine, commandLine, { write: (stream, data) => (command.output.push({ stream, data: Buffer.from(data) }), notify()) }, command.abort.signal).then(
      (code) => {
        command.exitCode = code;
        notify();
      },
    );
    return command;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (dropReused && served.has(request.socket)) {
      dropReused = false;
      request.socket.resetAndDestroy();
      return;
    }
    served.add(request.socket);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || request.url !== '/wsman') {
      response.writeHead(404).end();
      return;
    }
    const how = authenticate(request, response);
    if (!how) return;
    if (!String(request.headers['content-type']).startsWith('application/soap+xml')) {
      response.writeHead(415).end();
      return;
    }
    const xml = Buffer.concat(chunks).toString('utf8');
    const action = tag(xml, 'a:Action')?.trim() ?? '';
    envelopes.push({ action, xml, auth: how });
    const messageId = tag(xml, 'a:MessageID') ?? '';
    const missing = REQUIRED_HEADERS.filter((name) => tag(xml, name) === undefined);
    if (missing.length > 0 || tag(xml, 'w:ResourceURI')?.trim() !== CMD_RESOURCE) {
      fault(response, 'w:InvalidHeader', '2150858817', `The WS-Management service cannot process a SOAP header: missing ${missing.join(', ') || 'cmd ResourceURI'}.`, messageId);
      return;
    }
    const shellId = /<w:Selector Name="ShellId">([^<]*)<\/w:Selector>/.exec(xml)?.[1];
    const shell = shellId ? shells.get(shellId) : undefined;
    if (action === ACTION.create) {
      const id = randomUUID().toUpperCase();
      shells.set(id, { id, commands: new Map() });
      reply(
        response,
        200,
        `${ACTION.create}Response`,
        `<x:ResourceCreated><a:Address>http://127.0.0.1/wsman</a:Address><a:ReferenceParameters><w:ResourceURI>${CMD_RESOURCE}</w:ResourceURI>` +
          `<w:SelectorSet><w:Selector Name="ShellId">${id}</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>` +
          `<rsp:Shell><rsp:ShellId>${id}</rsp:ShellId><rsp:ResourceUri>${CMD_RESOURCE}</rsp:ResourceUri><rsp:Owner>${username}</rsp:Owner>` +
          `<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>`,
        messageId,
      );
      return;
    }
    if (!shell) {
      fault(response, 'w:InvalidSelectors', '2150858843', 'The request for the Windows Remote Shell with ShellId failed because the shell was not found on the server.', messageId);
      return;
    }
    if (action === ACTION.delete) {
      for (const command of shell.commands.values()) command.abort.abort();
      shells.delete(shell.id);
      reply(response, 200, `${ACTION.delete}Response`, '', messageId);
      return;
    }
    if (action === ACTION.command) {
      const line = /<rsp:Command><!\[CDATA\[([\s\S]*)\]\]><\/rsp:Command>/.exec(xml)?.[1]?.replaceAll(']]]]><![CDATA[>', ']]>');
      if (line === undefined) {
        fault(response, 'w:SchemaValidationError', '2150858817', 'The SOAP XML in the message does not match the corresponding XML schema definition.', messageId);
        return;
      }
      const command = startCommand(shell, line);
      reply(response, 200, `${ACTION.command}Response`, `<rsp:CommandResponse><rsp:CommandId>${command.id}</rsp:CommandId></rsp:CommandResponse>`, messageId);
      return;
    }
    const commandId = /CommandId="([^"]*)"/.exec(xml)?.[1] ?? '';
    const command = shell.commands.get(commandId);
    if (!command) {
      fault(response, 'w:InvalidParameter', '2150858795', 'The parameter is incorrect: unknown CommandId.', messageId);
      return;
    }
    if (action === ACTION.signal) {
      command.abort.abort();
      shell.commands.delete(commandId);
      reply(response, 200, `${ACTION.signal}Response`, '<rsp:SignalResponse/>', messageId);
      return;
    }
    if (action === ACTION.receive) {
      if (command.output.length === 0 && command.exitCode === undefined) {
        const timeout = durationMs(tag(xml, 'w:OperationTimeout'));
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([command.changed, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)))]);
        clearTimeout(timer);
        if (command.output.length === 0 && command.exitCode === undefined) {
          fault(response, 'w:TimedOut', '2150858793', 'The WS-Management service cannot complete the operation within the time specified in OperationTimeout.', messageId);
          return;
        }
      }
      const streams = command.output
        .splice(0)
        .map(({ stream, data }) => `<rsp:Stream Name="${stream}" CommandId="${command.id}">${data.toString('base64')}</rsp:Stream>`);
      const done = command.exitCode !== undefined;
      if (done) streams.push(`<rsp:Stream Name="stdout" CommandId="${command.id}" End="true"></rsp:Stream>`, `<rsp:Stream Name="stderr" CommandId="${command.id}" End="true"></rsp:Stream>`);
      const state = done
        ? `<rsp:CommandState CommandId="${command.id}" State="${SHELL}/CommandState/Done"><rsp:ExitCode>${command.exitCode}</rsp:ExitCode></rsp:CommandState>`
        : `<rsp:CommandState CommandId="${command.id}" State="${SHELL}/CommandState/Running"></rsp:CommandState>`;
      reply(response, 200, `${ACTION.receive}Response`, `<rsp:ReceiveResponse>${streams.join('')}${state}</rsp:ReceiveResponse>`, messageId);
      return;
    }
    fault(response, 'w:ActionNotSupported', '2150858754', `The action is not supported by the service: ${action}`, messageId);
  };

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(String(error));
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    root,
    temp: machine.temp,
    envelopes,
    unauthorized: () => unauthorized,
    localPath: (path) => machine.localPath(path),
    openShells: () => shells.size,
    commands: () => [...commandLines],
    dropNextReusedRequest: () => {
      dropReused = true;
    },
    async stop() {
      for (const shell of shells.values()) for (const command of shell.commands.values()) command.abort.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
