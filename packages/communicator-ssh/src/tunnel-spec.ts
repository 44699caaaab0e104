/** A port forward over the SSH connection, as `ssh -L` / `ssh -R` take it (`port:host:hostport`). */
export interface TunnelSpec {
  readonly direction: 'local' | 'remote';
  /** Where the listening side binds: always localhost, as in Packer. */
  readonly listenHost: string;
  readonly listenPort: number;
  /** Where accepted connections go, dialled from the other side. */
  readonly forwardHost: string;
  readonly forwardPort: number;
}

export type TunnelParse = { readonly ok: true; readonly tunnel: TunnelSpec } | { readonly ok: false; readonly error: string };

/** Parses `port:host:hostport` with Packer's error texts (which quote Go's net and strconv errors). */
export function parseTunnel(spec: string, direction: TunnelSpec['direction']): TunnelParse {
  const colon = spec.indexOf(':');
  if (colon < 0) return { ok: false, error: `Error parsing tunnel '${spec}': [${spec}]` };
  const listening = spec.slice(0, colon);
  const forwarding = spec.slice(colon + 1);
  const split = splitHostPort(forwarding);
  if ('error' in split) {
    return { ok: false, error: `Error parsing forwarding, must be a tcp address: ${split.error}` };
  }
  const forwardPort = atoi(split.port);
  if (typeof forwardPort === 'string') {
    return { ok: false, error: `Error parsing forwarding port, must be a valid port: ${forwardPort}` };
  }
  const listenPort = atoi(listening);
  if (typeof listenPort === 'string') {
    return { ok: false, error: `Error parsing listening port, must be a valid port: ${listenPort}` };
  }
  return {
    ok: true,
    tunnel: { direction, listenHost: 'localhost', listenPort, forwardHost: split.host, forwardPort },
  };
}

/** Go's net.SplitHostPort, with its error wording (`address x: missing port in address`). */
export function splitHostPort(hostport: string): { host: string; port: string } | { error: string } {
  const fail = (why: string) => ({ error: `address ${hostport}: ${why}` });
  const last = hostport.lastIndexOf(':');
  if (last < 0) return fail('missing port in address');
  let host: string;
  let from = 0;
  let to = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return fail("missing ']' in address");
    if (end + 1 === hostport.length) return fail('missing port in address');
    if (end + 1 !== last) return fail(hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = hostport.slice(1, end);
    from = 1;
    to = end + 1;
  } else {
    host = hostport.slice(0, last);
    if (host.includes(':')) return fail('too many colons in address');
  }
  if (hostport.slice(from).includes('[')) return fail("unexpected '[' in address");
  if (hostport.slice(to).includes(']')) return fail("unexpected ']' in address");
  return { host, port: hostport.slice(last + 1) };
}

/** Go's strconv.Atoi for a 64-bit int: the number, or its error text. */
function atoi(text: string): number | string {
  const quoted = JSON.stringify(text);
  if (!/^[+-]?\d+$/.test(text)) return `strconv.Atoi: parsing ${quoted}: invalid syntax`;
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) {
    return `strconv.Atoi: parsing ${quoted}: value out of range`;
  }
  return Number(value);
}
