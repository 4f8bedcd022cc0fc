// The cluster network as pods see it: cluster DNS (`<svc>.<ns>.svc.cluster.local`, `<svc>.<ns>.svc`,
// `<svc>.<ns>`, and `<svc>` within the caller's namespace), Service cluster IPs, and kube-proxy's
// choice of a ready endpoint per connection; route hosts under the apps domain reach the ingress
// router. Emulators use `agents()` for their HTTP clients (the AWS SDK, fetch-like code), and the
// router uses `backend()` to reach the pods behind a Route.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import type { ControllerContext } from '../controllers/runtime';
import type { PodHost, PortAddress } from '../emulators/pod-host';

export interface ServiceRef {
  namespace: string;
  name: string;
}

/** One ready endpoint of a service port: a pod and its container port. */
export interface Endpoint {
  podName: string;
  podUid?: string;
  ip: string;
  /** The container port. */
  port: number;
  /** The Endpoints port name (the service port's name). */
  portName?: string;
}

export class NetworkError extends Error {
  constructor(
    readonly code: 'ENOTFOUND' | 'ECONNREFUSED',
    message: string,
  ) {
    super(message);
  }
}

type ConnectionOptions = {
  host?: string | null;
  hostname?: string | null;
  port?: number | string | null;
  servername?: string;
} & tls.ConnectionOptions;
type Callback = (err: Error | null, socket?: Duplex) => void;

export class ClusterNetwork {
  private readonly client: TwinClient;
  private readonly turn = new Map<string, number>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly pods: PodHost,
  ) {
    this.client = ctx.clientFor('kube-proxy');
  }

  /** The Service an in-cluster host name or cluster IP names, seen from `fromNamespace`. */
  resolveService(host: string, fromNamespace?: string): ServiceRef | undefined {
    const h = host.toLowerCase().replace(/\.$/, '');
    const domain = this.ctx.settings.clusterDomain;
    if (net.isIP(h)) {
      const svc = this.client.list('v1', 'Service').find((s) => s.spec?.clusterIP === h || (s.spec?.clusterIPs ?? []).includes(h));
      return svc ? { namespace: svc.metadata.namespace!, name: svc.metadata.name! } : undefined;
    }
    const labels = h.endsWith(`.svc.${domain}`)
      ? h.slice(0, -`.svc.${domain}`.length).split('.')
      : h.endsWith('.svc')
        ? h.slice(0, -4).split('.')
        : h.split('.');
    let ref: ServiceRef | undefined;
    if (labels.length === 2) ref = { name: labels[0], namespace: labels[1] };
    else if (labels.length === 1 && fromNamespace && !h.endsWith('.svc')) ref = { name: labels[0], namespace: fromNamespace };
    if (!ref) return undefined;
    return this.client.get('v1', 'Service', ref.name, ref.namespace) ? ref : undefined;
  }

  /** The apps domain route hosts are under. */
  get appsDomain(): string {
    return this.ctx.settings.appsDomain;
  }

  /** True for a route host the ingress router serves (`*.apps.<domain>`). */
  isRouteHost(host: string): boolean {
    return host.toLowerCase().endsWith(`.${this.ctx.settings.appsDomain}`);
  }

  /**
   * The ready endpoints of a Service for one of its ports: a service port number or name, or — with
   * `byTarget` (a Route's spec.port.targetPort) — an endpoint port name or container port number.
   */
  endpoints(svc: ServiceRef, port?: number | string, byTarget = false): Endpoint[] {
    const service = this.client.get('v1', 'Service', svc.name, svc.namespace);
    const eps = this.client.get('v1', 'Endpoints', svc.name, svc.namespace);
    if (!service || !eps) return [];
    let wantName: string | undefined;
    let wantNumber: number | undefined;
    if (port !== undefined) {
      if (byTarget) {
        if (typeof port === 'number' || /^\d+$/.test(String(port))) wantNumber = Number(port);
        else wantName = String(port);
      } else {
        const sp = (service.spec?.ports ?? []).find((p: KObject) => (typeof port === 'number' ? p.port === port : p.name === port));
        if (!sp) return [];
        wantName = sp.name;
        if (!wantName) wantNumber = undefined;
      }
    }
    const out: Endpoint[] = [];
    for (const subset of eps.subsets ?? []) {
      const ports: KObject[] = subset.ports ?? [];
      const match =
        wantName !== undefined
          ? ports.find((p) => p.name === wantName)
          : wantNumber !== undefined
            ? ports.find((p) => p.port === wantNumber)
            : ports[0];
      if (!match) continue;
      for (const a of subset.addresses ?? [])
        out.push({ podName: a.targetRef?.name, podUid: a.targetRef?.uid, ip: a.ip, port: match.port, portName: match.name });
    }
    return out;
  }

  /** Where one ready endpoint listens, chosen round-robin as kube-proxy balances connections; undefined when none answers. */
  async connectTarget(svc: ServiceRef, port?: number | string, byTarget = false): Promise<PortAddress | undefined> {
    const eps = this.endpoints(svc, port, byTarget);
    if (!eps.length) return undefined;
    const key = `${svc.namespace}/${svc.name}/${port ?? ''}`;
    const start = this.turn.get(key) ?? 0;
    this.turn.set(key, start + 1);
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[(start + i) % eps.length];
      const uid = ep.podUid ?? this.client.get('v1', 'Pod', ep.podName, svc.namespace)?.metadata.uid;
      const address = uid ? await this.pods.address(uid, ep.port).catch(() => undefined) : undefined;
      if (address) return address;
    }
    return undefined;
  }

  /** The loopback address behind `host:port` as a pod in `fromNamespace` reaches it; throws NetworkError like DNS or a refused connection. */
  async resolve(host: string, port: number, fromNamespace?: string): Promise<PortAddress> {
    if (this.isRouteHost(host)) {
      const address = this.ctx.ingress.server.address();
      if (port !== 443 || !address || typeof address === 'string')
        throw new NetworkError('ECONNREFUSED', `connect ECONNREFUSED ${host}:${port}`);
      return { host: '127.0.0.1', port: address.port, tls: true };
    }
    const svc = this.resolveService(host, fromNamespace);
    if (!svc) throw new NetworkError('ENOTFOUND', `getaddrinfo ENOTFOUND ${host}`);
    const target = await this.connectTarget(svc, port);
    if (!target)
      throw new NetworkError(
        'ECONNREFUSED',
        `connect ECONNREFUSED ${host}:${port} (service ${svc.namespace}/${svc.name} has no ready endpoint on port ${port})`,
      );
    return target;
  }

  /**
   * HTTP(S) agents for code running in a pod of `fromNamespace`: in-cluster names and route hosts are
   * reached through the twin; the URL, Host header and TLS server name keep the name used.
   */
  agents(fromNamespace?: string, tlsOptions: https.AgentOptions = {}): { http: http.Agent; https: https.Agent } {
    const httpAgent = new http.Agent({ keepAlive: false });
    const httpsAgent = new https.Agent({ keepAlive: false, ...tlsOptions });
    const connect =
      (secure: boolean) =>
      (options: ConnectionOptions, cb: Callback): undefined => {
        const host = String(options.hostname ?? options.host ?? 'localhost');
        const port = Number(options.port ?? (secure ? 443 : 80));
        this.resolve(host, port, fromNamespace).then(
          (target) => {
            const socket = secure
              ? tls.connect({
                  ...options,
                  host: target.host,
                  port: target.port,
                  servername: options.servername ?? (net.isIP(host) ? undefined : host),
                })
              : net.connect({ host: target.host, port: target.port });
            cb(null, socket);
          },
          (err: NetworkError) => cb(Object.assign(new Error(err.message), { code: err.code, hostname: host })),
        );
        return undefined;
      };
    (httpAgent as unknown as { createConnection: unknown }).createConnection = connect(false);
    (httpsAgent as unknown as { createConnection: unknown }).createConnection = connect(true);
    return { http: httpAgent, https: httpsAgent };
  }
}
