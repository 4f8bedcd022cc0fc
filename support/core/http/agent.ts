// HTTP(S) agents that honour RHOAI_RESOLVE (curl --resolve): a request to a host matching a rule
// connects to the rule's IP:PORT, while the URL, the Host header and TLS SNI keep the host name.
// Use with axios: `axios.get(url, { httpsAgent: resolvingHttpsAgent(rules, { ca }) })`.
// The https agent honours HTTPS_PROXY and NO_PROXY (proxy.ts): a proxied host is reached through a
// CONNECT tunnel, and RHOAI_RESOLVE does not apply to it.
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import * as net from 'node:net';
import { connectThrough, proxyFor } from './proxy';
import { matchResolveRule, type ResolveRule } from './resolve-rules';

type ConnectionOptions = { host?: string | null; hostname?: string | null; port?: number | string | null; servername?: string };
type CreateConnection = (options: ConnectionOptions, callback?: (error: Error | null, socket: Duplex) => void) => Duplex;

function redirect(rules: readonly ResolveRule[], options: ConnectionOptions, tls: boolean): ConnectionOptions {
  const host = options.hostname ?? options.host ?? '';
  const rule = matchResolveRule(rules, host);
  if (!rule) return options;
  return {
    ...options,
    host: rule.address,
    hostname: rule.address,
    port: rule.port,
    ...(tls ? { servername: options.servername ?? host } : {}),
  };
}

/**
 * One TLS context for the agent's connections: building it from `ca` (the system roots and the
 * cluster's CAs, some 150 certificates) costs ~30 ms, which Node would otherwise spend on every
 * connection. Contexts are memoised by their trust, which is the same all run long.
 */
const contexts = new Map<string, tls.SecureContext>();

function sharedSecureContext(options: https.AgentOptions): tls.SecureContext | undefined {
  if (options.secureContext || options.pfx || options.key || options.cert) return options.secureContext;
  if (!options.ca) return undefined;
  const key = createHash('sha256').update(JSON.stringify(options.ca)).digest('hex');
  let context = contexts.get(key);
  if (!context) contexts.set(key, (context = tls.createSecureContext({ ca: options.ca })));
  return context;
}

export function resolvingHttpsAgent(rules: readonly ResolveRule[], options: https.AgentOptions = {}): https.Agent {
  const secureContext = sharedSecureContext(options);
  const agent = new https.Agent({ keepAlive: true, ...options, ...(secureContext ? { secureContext } : {}) });
  const original = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (opts, cb) => {
    const host = String(opts.hostname ?? opts.host ?? '');
    const port = Number(opts.port ?? 443);
    const proxy = proxyFor('https', host, port);
    if (!proxy) return original(redirect(rules, opts, true), cb);
    // HTTPS_PROXY: a CONNECT tunnel to host:port, then TLS inside it with the agent's options.
    connectThrough(proxy, host, port, (error, socket) => {
      if (error || !socket) return cb?.(error ?? new Error('no tunnel'), undefined as unknown as Duplex);
      try {
        const secure = tls.connect({
          ...(opts as tls.ConnectionOptions),
          socket,
          servername: opts.servername ?? (net.isIP(host) ? undefined : host),
        });
        cb?.(null, secure);
      } catch (e) {
        cb?.(e as Error, undefined as unknown as Duplex);
      }
    });
    return undefined as unknown as Duplex;
  };
  return agent;
}

export function resolvingHttpAgent(rules: readonly ResolveRule[], options: http.AgentOptions = {}): http.Agent {
  const agent = new http.Agent({ keepAlive: true, ...options });
  const original = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (opts, cb) => original(redirect(rules, opts, false), cb);
  return agent;
}
