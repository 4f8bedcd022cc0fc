// The twin's ingress: one HTTPS listener for every route host (*.apps.<domain>), chosen by SNI and
// Host header like the OpenShift router. Hosts are served by handlers the twin registers (the OAuth
// server, model servers, ...); certificates come from the default ingress certificate or from a
// per-host certificate (e.g. a gateway's TLS Secret). Upgrade requests (WebSocket) go to the host's
// upgrade handler, as HAProxy tunnels them (../network/upgrade.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { UpgradeHandler } from '../network/upgrade';

export type HostHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface HostEntry {
  /** Exact host or a `*.suffix` wildcard. */
  pattern: string;
  handler?: HostHandler;
  /** Serves the host's upgrade (WebSocket) requests. */
  upgrade?: UpgradeHandler;
  /** The certificate presented for the host, or 'refuse': the handshake is reset (a backend with nothing to serve). */
  tls?: SecureContext | 'refuse';
}

export class IngressRouter {
  private readonly entries: HostEntry[] = [];
  private readonly defaultTls: SecureContext;
  readonly server: Server;

  constructor(defaultCert: { certPem: string; keyPem: string }) {
    this.defaultTls = createSecureContext({ cert: defaultCert.certPem, key: defaultCert.keyPem });
    this.server = createServer(
      {
        cert: defaultCert.certPem,
        key: defaultCert.keyPem,
        SNICallback: (servername, cb) => {
          const tls = this.match(servername)?.tls;
          if (tls === 'refuse') cb(new Error(`no certificate for ${servername}`), undefined);
          else cb(null, tls ?? this.defaultTls);
        },
      },
      (req, res) => this.dispatch(req, res),
    );
    this.server.on('upgrade', (req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
      const upgrade = this.match(req.headers.host ?? '', 'handler')?.upgrade;
      if (upgrade) upgrade(req, socket, head);
      else socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  }

  /** Serves a host (or `*.suffix`) with a handler; later registrations of the same pattern replace earlier ones. */
  serve(pattern: string, handler: HostHandler, upgrade?: UpgradeHandler): () => void {
    return this.upsert(pattern, upgrade ? { handler, upgrade } : { handler });
  }

  /** Presents a certificate for a host (or `*.suffix`) instead of the default ingress certificate. */
  certificate(pattern: string, cert: { certPem: string; keyPem: string }): () => void {
    return this.upsert(pattern, { tls: createSecureContext({ cert: cert.certPem, key: cert.keyPem }) });
  }

  /** Resets every TLS handshake for a host (or `*.suffix`), as a TLS passthrough backend with no certificate for the name does. */
  refuse(pattern: string): () => void {
    return this.upsert(pattern, { tls: 'refuse' });
  }

  private upsert(pattern: string, part: Partial<HostEntry>): () => void {
    let entry = this.entries.find((e) => e.pattern === pattern);
    if (!entry) this.entries.push((entry = { pattern }));
    Object.assign(entry, part);
    return () => {
      for (const k of Object.keys(part) as (keyof HostEntry)[]) if (k !== 'pattern') delete entry![k];
    };
  }

  private match(host: string, need: 'handler' | 'tls' = 'tls'): HostEntry | undefined {
    const h = host.toLowerCase().replace(/:\d+$/, '');
    const candidates = this.entries.filter(
      (e) =>
        e[need] &&
        (e.pattern === h ||
          (e.pattern.startsWith('*.') && h.endsWith(e.pattern.slice(1)) && !h.slice(0, -e.pattern.length + 1).includes('.'))),
    );
    return candidates.find((e) => e.pattern === h) ?? candidates[0];
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const entry = this.match(req.headers.host ?? '', 'handler');
    if (entry?.handler) {
      try {
        entry.handler(req, res);
      } catch (err) {
        if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end(`Bad Gateway: ${(err as Error).message}`);
      }
      return;
    }
    const body =
      '<html><head><title>Application is not available</title></head><body><h1>Application is not available</h1><p>The application is currently not serving requests at this endpoint. It may not have been started or is still starting.</p></body></html>';
    res.writeHead(503, {
      'Content-Type': 'text/html',
      'Cache-Control': 'private, max-age=0, no-cache, no-store',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }
}
