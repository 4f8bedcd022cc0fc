// The harness's own HTTP clients honour the standard proxy variables, as curl and oc do:
// HTTPS_PROXY (or https_proxy) for https:// URLs, HTTP_PROXY (http_proxy) for http:// URLs, and
// NO_PROXY (no_proxy) for the hosts that go direct: a comma-separated list of host names, domain
// suffixes (".example.com" or "example.com" match the domain and every host below it), IP
// addresses, CIDR blocks, optional ":port", or "*" for everything. An https request through the
// proxy opens a tunnel (HTTP CONNECT host:port) and runs TLS end to end inside it, so the proxy never
// sees the traffic and the certificate checks are the same as direct. RHOAI_RESOLVE does not apply
// to a proxied host: the proxy resolves it (curl --resolve is ignored behind a proxy too).
// The Kubernetes API client reads the proxy of the kubeconfig cluster (proxy-url), as kubectl does.
import * as http from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxyEnvironment {
  HTTPS_PROXY?: string;
  https_proxy?: string;
  HTTP_PROXY?: string;
  http_proxy?: string;
  NO_PROXY?: string;
  no_proxy?: string;
}

/** The proxy URL for a request to `host:port` over `scheme`, or undefined when it goes direct. */
export function proxyFor(scheme: 'http' | 'https', host: string, port: number, env: ProxyEnvironment = process.env): URL | undefined {
  const raw = scheme === 'https' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!raw) return undefined;
  if (bypassed(host, port, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  if (url.protocol !== 'http:')
    throw new Error(
      `${scheme === 'https' ? 'HTTPS_PROXY' : 'HTTP_PROXY'}=${raw}: only an http:// proxy is supported (the tunnel to it is plain HTTP CONNECT)`,
    );
  return url;
}

/** Whether NO_PROXY sends `host:port` direct. */
export function bypassed(host: string, port: number, noProxy: string): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  for (const raw of noProxy
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)) {
    if (raw === '*') return true;
    let entry = raw;
    let entryPort: number | undefined;
    const m = /^(.*):(\d+)$/.exec(entry);
    if (m && !entry.includes('::')) {
      entry = m[1]!;
      entryPort = Number(m[2]);
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.includes('/') && net.isIP(name)) {
      if (inCidr(name, entry)) return true;
      continue;
    }
    const domain = entry.replace(/^\*?\./, '');
    if (name === domain || name.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!net.isIPv4(ip) || !net.isIPv4(base ?? '') || !(bits >= 0 && bits <= 32)) return false;
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base!) & mask);
}

/** Opens a tunnel to `host:port` through the proxy (HTTP CONNECT); calls back with the raw socket. */
export function connectThrough(proxy: URL, host: string, port: number, callback: (error: Error | null, socket?: Duplex) => void): void {
  const headers: Record<string, string> = { host: `${host}:${port}` };
  if (proxy.username)
    headers['proxy-authorization'] =
      `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  const req = http.request({ host: proxy.hostname, port: Number(proxy.port || 80), method: 'CONNECT', path: `${host}:${port}`, headers });
  req.once('connect', (res, socket, head) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      callback(
        new Error(
          `the proxy ${proxy.host} refused the tunnel to ${host}:${port}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim(),
        ),
      );
      return;
    }
    if (head.length) socket.unshift(head);
    callback(null, socket);
  });
  req.once('error', (error) =>
    callback(new Error(`cannot reach the proxy ${proxy.host} (HTTPS_PROXY) for ${host}:${port}: ${error.message}`, { cause: error })),
  );
  req.end();
}
