import { BlockList, isIP } from 'node:net';

/**
 * The proxy for a WinRM endpoint, chosen as Go's http.ProxyFromEnvironment does for Packer:
 * HTTPS_PROXY for https, HTTP_PROXY for http (either case), none for localhost and loopback
 * addresses or what NO_PROXY names (`*`, hosts and their subdomains, `.suffix`, `host:port`,
 * IPs and CIDR blocks).
 */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const https = target.protocol === 'https:';
  const raw = (https ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy)?.trim();
  if (!raw) return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (https ? '443' : '80');
  if (host === 'localhost' || isLoopback(host)) return undefined;
  if (bypassed(host, port, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new Error(`invalid proxy address ${JSON.stringify(raw)}`);
  }
}

function isLoopback(host: string): boolean {
  const version = isIP(host);
  if (version === 4) return host.startsWith('127.');
  if (version === 6) return host === '::1' || /^::ffff:127\./.test(host);
  return false;
}

function bypassed(host: string, port: string, noProxy: string): boolean {
  for (const rawEntry of noProxy.split(',')) {
    let entry = rawEntry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      const [network, prefix] = entry.split('/');
      const family = isIP(network ?? '');
      if (family && isIP(host) === family) {
        const list = new BlockList();
        list.addSubnet(network!, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
        if (list.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true;
      }
      continue;
    }
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      if (withPort[2] !== port) continue;
      entry = withPort[1]!.replace(/^\[|\]$/g, '');
    }
    if (isIP(entry)) {
      if (entry === host) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.') ? host.endsWith(entry) : host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}
