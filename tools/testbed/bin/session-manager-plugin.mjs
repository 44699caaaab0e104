// A stand-in for AWS's session-manager-plugin (a Go binary from AWS, not a Debian package), for
// port-forwarding sessions. It takes the real plugin's arguments:
//
//   session-manager-plugin <StartSession output JSON> <region> StartSession <profile>
//                          <StartSession input JSON> <SSM endpoint>
//
// checks them as the real one would need them, listens on 127.0.0.1:<localPortNumber> and forwards
// each connection to <KILN_FAKE_SSM_INSTANCE_HOST or 127.0.0.1>:<portNumber> (the "instance" is a
// local server, e.g. the testbed sshd). Like the real plugin it holds the session's data channel
// open (StreamUrl, when it points at the testbed's fake SSM) and exits once the service ends it
// (TerminateSession), or on SIGTERM/SIGINT.
//
// Each start and exit is appended as one JSON line to $KILN_FAKE_SSM_PLUGIN_LOG (when set).
import { appendFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';

const args = process.argv.slice(2);
const logFile = process.env.KILN_FAKE_SSM_PLUGIN_LOG;

function record(entry) {
  if (logFile) appendFileSync(logFile, `${JSON.stringify({ pid: process.pid, ...entry })}\n`);
}

function refuse(message) {
  process.stderr.write(`${message}\n`);
  record({ event: 'exit', code: 1, problem: message });
  process.exit(1);
}

record({ event: 'start', argv: args });

// The real plugin's answers when not called by a client.
if (args.length === 0) {
  process.stdout.write('\nThe Session Manager plugin was installed successfully. Use the AWS CLI to start a session.\n\n');
  record({ event: 'exit', code: 0 });
  process.exit(0);
}
if (args.length === 1 && args[0] === '--version') {
  process.stdout.write('1.2.0.0-kiln-fake\n');
  record({ event: 'exit', code: 0 });
  process.exit(0);
}
if (args.length !== 6) refuse(`\nUnknown operation ${args[0]}. \nUse session-manager-plugin --version to check the version.\n`);

const [sessionJson, region, operation, , paramsJson, endpoint] = args;
const parse = (text, what) => {
  try {
    return JSON.parse(text);
  } catch (error) {
    return refuse(`Cannot parse the ${what}: ${error.message}`);
  }
};
const session = parse(sessionJson, 'session (StartSession output) JSON');
const params = parse(paramsJson, 'StartSession input JSON');
for (const field of ['SessionId', 'StreamUrl', 'TokenValue']) {
  if (typeof session?.[field] !== 'string' || !session[field]) refuse(`the session JSON has no ${field}`);
}
if (!region) refuse('no region given');
if (operation !== 'StartSession') refuse(`Unknown operation ${operation}`);
if (!endpoint) refuse('no SSM endpoint given');
if (params?.DocumentName !== 'AWS-StartPortForwardingSession') refuse(`not a port-forwarding session: ${params?.DocumentName}`);
if (typeof params?.Target !== 'string' || !params.Target) refuse('the StartSession input has no Target');
const single = (name) => {
  const value = params?.Parameters?.[name];
  if (!Array.isArray(value) || value.length !== 1 || !/^\d+$/.test(String(value[0]))) refuse(`Parameters.${name} must be one port number, got ${JSON.stringify(value)}`);
  return Number(value[0]);
};
const remotePort = single('portNumber');
const localPort = single('localPortNumber');
const instanceHost = process.env.KILN_FAKE_SSM_INSTANCE_HOST || '127.0.0.1';
const sessionId = session.SessionId;

let exiting = false;
function exit(code, reason) {
  if (exiting) return;
  exiting = true;
  process.stdout.write(`\n\nExiting session with sessionId: ${sessionId}.\n\n`);
  record({ event: 'exit', code, reason });
  process.exit(code);
}
process.on('SIGTERM', () => exit(0, 'SIGTERM'));
process.on('SIGINT', () => exit(0, 'SIGINT'));

process.stdout.write(`\nStarting session with SessionId: ${sessionId}\n`);

const server = createServer((client) => {
  process.stdout.write(`Connection accepted for session [${sessionId}]\n`);
  const upstream = connect(remotePort, instanceHost);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.on('error', (error) => refuse(`listen tcp 127.0.0.1:${localPort}: ${error.message}`));
server.listen(localPort, '127.0.0.1', () => {
  process.stdout.write(`Port ${localPort} opened for sessionId ${sessionId}.\nWaiting for connections...\n`);
  record({ event: 'listening', port: localPort });
  openDataChannel();
});

// The real plugin speaks WebSocket to StreamUrl; the testbed's fake SSM serves the same path over
// plain HTTP and ends the response when the session is terminated.
function openDataChannel() {
  const url = new URL(session.StreamUrl);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') return;
  const channel = request(
    { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: { 'x-kiln-token': session.TokenValue } },
    (response) => {
      if (response.statusCode !== 200) {
        process.stderr.write(`data channel: HTTP ${response.statusCode}\n`);
        exit(1, `data channel refused: HTTP ${response.statusCode}`);
        return;
      }
      response.resume();
      response.on('end', () => exit(0, 'session terminated'));
      response.on('error', () => exit(0, 'session terminated'));
    },
  );
  channel.on('error', (error) => exit(1, `data channel: ${error.message}`));
  channel.end();
}
