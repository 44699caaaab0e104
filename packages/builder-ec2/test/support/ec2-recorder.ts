import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One API call as it crossed the wire: the query API's form parameters. */
export interface RecordedCall {
  readonly region: string;
  readonly action: string;
  readonly status: number;
  readonly params: Readonly<Record<string, string>>;
  /** The access key id that signed the call. */
  readonly accessKeyId?: string;
}

/** Rewrites a response body before the client sees it (to keep an instance `pending`, say). */
export type ResponseRewrite = (call: Omit<RecordedCall, 'status'>, body: string) => string;

export interface Ec2Recorder {
  /** Give this to custom_endpoint_ec2. */
  readonly endpoint: string;
  readonly calls: RecordedCall[];
  rewrite: ResponseRewrite | undefined;
  close(): Promise<void>;
}

/**
 * A small HTTP proxy in front of moto that records every EC2/IAM query-API call (region from the
 * SigV4 credential scope, action and form parameters), the way Packer 1.6.6's calls were recorded
 * for test/contracts/, and can rewrite responses.
 */
export async function startEc2Recorder(target: string): Promise<Ec2Recorder> {
  const upstream = new URL(target);
  const calls: RecordedCall[] = [];
  const recorder: Ec2Recorder = { endpoint: '', calls, rewrite: undefined, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      const { Action: action = '?', Version: _version, ...rest } = params;
      const scope = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(String(req.headers['authorization'] ?? ''));
      const region = scope?.[2] ?? '?';
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (response) => {
          const answer: Buffer[] = [];
          response.on('data', (chunk: Buffer) => answer.push(chunk));
          response.on('end', () => {
            let text = Buffer.concat(answer).toString('utf8');
            const call = { region, action, params: rest };
            if (recorder.rewrite) text = recorder.rewrite(call, text);
            calls.push({ ...call, status: response.statusCode ?? 0, ...(scope?.[1] ? { accessKeyId: scope[1] } : {}) });
            res.writeHead(response.statusCode ?? 500, withoutLength(response.headers));
            res.end(text);
          });
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(recorder, {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function withoutLength(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { 'content-length': _length, ...rest } = headers;
  return rest;
}
