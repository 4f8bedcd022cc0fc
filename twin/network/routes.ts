// The default OpenShift router (HAProxy) for the twin's ingress: it admits Routes — recording
// status.ingress[] with routerName "default", the host, wildcardPolicy and an Admitted condition, or
// Admitted=False when an older route holds the host, a wildcard route is asked for, or the TLS
// material is unusable — and serves admitted routes by host: edge (TLS at the router with the
// route's certificate or the default one, then plain HTTP to the pod), reencrypt (TLS again to the
// pod, checked against destinationCACertificate when given) and passthrough (the pod's TLS port; the
// twin's router terminates the client's TLS itself, presenting the pod's own certificate when its
// port has a fixed one, else the certificate registered for the host, see ingress.certificate).
// With no ready endpoint it answers 503 "Application is not available".
import * as http from 'node:http';
import * as https from 'node:https';
import { createSecureContext } from 'node:tls';
import type { TwinClient } from '../api/client';
import { timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import { keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from '../controllers/runtime';
import type { ClusterNetwork, ServiceRef } from './cluster-network';
import { refuseUpgrade, relayUpgrade } from './upgrade';

export const ROUTER_NAME = 'default';

const UNAVAILABLE =
  '<html><head><title>Application is not available</title></head><body><h1>Application is not available</h1><p>The application is currently not serving requests at this endpoint. It may not have been started or is still starting.</p></body></html>';
const GATEWAY_TIMEOUT = "<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>\n";
const DEFAULT_TIMEOUT_MS = 30_000;

interface Admission {
  admitted: boolean;
  reason?: string;
  message?: string;
}

export class RouteController implements Controller {
  readonly name = 'openshift-router';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  /** Registrations on the ingress per route key (exact host handlers, certificates), undone when the route changes. */
  private readonly registered = new Map<
    string,
    { host: string; undo: (() => void)[]; fingerprint: string; podIdentity?: { fingerprint: string; undo: () => void } }
  >();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly network: ClusterNetwork,
  ) {
    this.client = ctx.clientFor('openshift-router', 'openshift-ingress:router');
    this.queue = new WorkQueue('openshift-router', 0, (key) => this.reconcile(key), ctx.settings.log);
  }

  start(): void {
    // Route hosts under the apps domain reach the router through the wildcard; controllers that serve
    // a host themselves (registered for the exact host) take precedence, as a more specific match.
    this.ctx.ingress.serve(
      `*.${this.ctx.settings.appsDomain}`,
      (req, res) => this.dispatch(req, res),
      (req, socket, head) => void this.forwardUpgrade(req, socket, head),
    );
    // A passthrough route presents its pod's certificate: follow the endpoints behind such routes.
    this.client.watch('v1', 'Endpoints', (_type, eps) => {
      for (const r of this.client.list('route.openshift.io/v1', 'Route', eps.metadata.namespace)) {
        if (
          r.spec?.tls?.termination === 'passthrough' &&
          [r.spec.to, ...(r.spec.alternateBackends ?? [])].some((b: KObject) => b?.name === eps.metadata.name)
        )
          this.queue.enqueue(keyOf(r));
      }
    });
    this.client.watch('route.openshift.io/v1', 'Route', (_type, route, old) => {
      this.queue.enqueue(keyOf(route));
      for (const host of new Set([route.spec?.host, old?.spec?.host].filter(Boolean))) {
        for (const other of this.routesFor(host)) if (keyOf(other) !== keyOf(route)) this.queue.enqueue(keyOf(other));
      }
    });
  }

  // ---- admission ----

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const route = this.client.get('route.openshift.io/v1', 'Route', name, namespace);
    if (!route || route.metadata.deletionTimestamp) return this.unregister(key);
    const admission = this.admit(route);
    const host = route.spec?.host ?? '';
    const previous = (route.status?.ingress ?? []).find((i: KObject) => i.routerName === ROUTER_NAME);
    const previousCondition = previous?.conditions?.find((c: KObject) => c.type === 'Admitted');
    const status = admission.admitted ? 'True' : 'False';
    const entry = {
      host,
      routerName: ROUTER_NAME,
      routerCanonicalHostname: `router-default.${this.ctx.settings.appsDomain}`,
      wildcardPolicy: route.spec?.wildcardPolicy ?? 'None',
      conditions: [
        {
          type: 'Admitted',
          status,
          lastTransitionTime:
            previousCondition?.status === status && previous?.host === host ? previousCondition.lastTransitionTime : timestamp(),
          ...(admission.reason ? { reason: admission.reason, message: admission.message } : {}),
        },
      ],
    };
    const others = (route.status?.ingress ?? []).filter((i: KObject) => i.routerName !== ROUTER_NAME);
    if (JSON.stringify(previous) !== JSON.stringify(entry)) {
      this.client.patchStatus('route.openshift.io/v1', 'Route', name, namespace, { ingress: [...others, entry] });
    }
    if (admission.admitted) this.register(key, route);
    else this.unregister(key);
    if (admission.admitted && route.spec?.tls?.termination === 'passthrough') void this.presentPodCertificate(key, route);
  }

  /**
   * A passthrough route's client sees the pod's own certificate: when the pod's TLS port has one
   * fixed certificate, the router presents it for the host (the twin terminates TLS at the router).
   * Pods whose port picks certificates by SNI (a gateway) leave the host's certificate to whoever
   * registers it (see istio-gateways.ts).
   */
  private async presentPodCertificate(key: string, route: KObject): Promise<void> {
    const target = await this.network.connectTarget(
      { namespace: route.metadata.namespace!, name: route.spec.to.name },
      route.spec.port?.targetPort,
      true,
    );
    const entry = this.registered.get(key);
    if (!entry || entry.host !== route.spec.host) return;
    const fingerprint = target?.identity?.certPem ?? '';
    if (entry.podIdentity?.fingerprint === fingerprint) return;
    entry.podIdentity?.undo();
    entry.podIdentity = target?.identity
      ? { fingerprint, undo: this.ctx.ingress.certificate(route.spec.host, target.identity) }
      : undefined;
  }

  private admit(route: KObject): Admission {
    const host: string = route.spec?.host ?? '';
    const ns = route.metadata.namespace!;
    if ((route.spec?.wildcardPolicy ?? 'None') !== 'None')
      return { admitted: false, reason: 'RouteNotAdmitted', message: 'wildcard routes are not allowed' };
    const tlsProblem = this.tlsProblem(route);
    if (tlsProblem) return { admitted: false, reason: 'ExtendedValidationFailed', message: tlsProblem };
    const older = this.routesFor(host).filter((o) => keyOf(o) !== keyOf(route) && isOlder(o, route));
    const otherNs = older.find((o) => o.metadata.namespace !== ns);
    if (otherNs)
      return {
        admitted: false,
        reason: 'HostAlreadyClaimed',
        message: `a route in another namespace holds ${host} and is older than ${route.metadata.name}`,
      };
    const samePath = older.find((o) => (o.spec?.path ?? '') === (route.spec?.path ?? ''));
    if (samePath)
      return {
        admitted: false,
        reason: 'HostAlreadyClaimed',
        message: `route ${samePath.metadata.name} already exposes ${host} and is older`,
      };
    return { admitted: true };
  }

  private tlsProblem(route: KObject): string | undefined {
    const t = route.spec?.tls;
    if (!t) return undefined;
    if (!['edge', 'reencrypt', 'passthrough'].includes(t.termination))
      return `spec.tls.termination: Unsupported value: "${t.termination}": supported values: "edge", "passthrough", "reencrypt"`;
    if (t.termination === 'passthrough' && (t.certificate || t.key))
      return 'spec.tls.certificate: Invalid value: "redacted certificate data": passthrough termination does not support certificates';
    if (t.certificate || t.key) {
      if (!t.certificate || !t.key)
        return `spec.tls.${t.certificate ? 'key' : 'certificate'}: Required value: both a certificate and a key are needed`;
      try {
        createSecureContext({ cert: t.certificate + (t.caCertificate ? `\n${t.caCertificate}` : ''), key: t.key });
      } catch {
        return 'spec.tls.certificate: Invalid value: "redacted certificate data": error verifying certificate and key: the certificate and key do not form a valid pair';
      }
    }
    return undefined;
  }

  private routesFor(host: string): KObject[] {
    return this.client.list('route.openshift.io/v1', 'Route').filter((r) => r.spec?.host === host && !r.metadata.deletionTimestamp);
  }

  // ---- the ingress ----

  private register(key: string, route: KObject): void {
    const host: string = route.spec.host;
    const t = route.spec.tls;
    const fingerprint = JSON.stringify([host, t?.termination, t?.certificate, t?.key, t?.caCertificate]);
    if (this.registered.get(key)?.fingerprint === fingerprint) return;
    this.unregister(key);
    const undo: (() => void)[] = [];
    if (!this.underWildcard(host))
      undo.push(
        this.ctx.ingress.serve(
          host,
          (req, res) => this.dispatch(req, res),
          (req, socket, head) => void this.forwardUpgrade(req, socket, head),
        ),
      );
    if (t?.certificate && t.key && t.termination !== 'passthrough') {
      undo.push(
        this.ctx.ingress.certificate(host, { certPem: t.certificate + (t.caCertificate ? `\n${t.caCertificate}` : ''), keyPem: t.key }),
      );
    }
    this.registered.set(key, { host, undo, fingerprint });
  }

  private unregister(key: string): void {
    const r = this.registered.get(key);
    if (!r) return;
    for (const u of r.undo) u();
    r.podIdentity?.undo();
    this.registered.delete(key);
  }

  private underWildcard(host: string): boolean {
    const suffix = `.${this.ctx.settings.appsDomain}`;
    return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
  }

  /** The admitted route for a request: the one whose path is the longest prefix of the request's. */
  private routeFor(host: string, path: string): KObject | undefined {
    return this.routesFor(host)
      .filter((r) =>
        (r.status?.ingress ?? []).some(
          (i: KObject) =>
            i.routerName === ROUTER_NAME &&
            i.host === host &&
            i.conditions?.some((c: KObject) => c.type === 'Admitted' && c.status === 'True'),
        ),
      )
      .filter(
        (r) =>
          !r.spec?.path ||
          path === r.spec.path ||
          path.startsWith(r.spec.path.endsWith('/') ? r.spec.path : `${r.spec.path}/`) ||
          path.startsWith(r.spec.path),
      )
      .sort((a, b) => (b.spec?.path ?? '').length - (a.spec?.path ?? '').length)[0];
  }

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse): void {
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    const route = this.routeFor(host, (req.url ?? '/').split('?')[0]);
    // The HTTPS frontend serves only routes with TLS; a plain route is reachable on port 80 only.
    if (!route || !route.spec?.tls) return unavailable(res);
    this.forward(route, req, res).catch((err: Error) => {
      this.ctx.settings.log(`openshift-router: ${host}${req.url}: ${err.message}`);
      unavailable(res);
    });
  }

  /** A WebSocket through the route: HAProxy tunnels it to the same backend a request would reach. */
  private async forwardUpgrade(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): Promise<void> {
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    const route = this.routeFor(host, (req.url ?? '/').split('?')[0]);
    if (!route || !route.spec?.tls) return refuseUpgrade(socket, 503, 'Service Unavailable', UNAVAILABLE);
    const ns = route.metadata.namespace!;
    let target;
    for (const b of weighted([route.spec.to, ...(route.spec.alternateBackends ?? [])])) {
      target = await this.network.connectTarget({ namespace: ns, name: b.name }, route.spec.port?.targetPort, true);
      if (target) {
        target = { ...target, service: b.name as string };
        break;
      }
    }
    if (!target) return refuseUpgrade(socket, 503, 'Service Unavailable', UNAVAILABLE);
    const termination: string = route.spec.tls.termination;
    const client = req.socket.remoteAddress ?? '127.0.0.1';
    relayUpgrade(
      req,
      socket,
      head,
      {
        host: target.host,
        port: target.port,
        ...(termination !== 'edge'
          ? {
              tls: {
                servername: termination === 'passthrough' ? route.spec.host : `${target.service}.${ns}.svc`,
                rejectUnauthorized: termination === 'reencrypt' && !!route.spec.tls.destinationCACertificate,
                ...(route.spec.tls.destinationCACertificate ? { ca: route.spec.tls.destinationCACertificate } : {}),
              },
            }
          : {}),
      },
      termination === 'passthrough'
        ? {}
        : { 'X-Forwarded-Host': req.headers.host, 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': client },
    );
  }

  private async forward(route: KObject, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const ns = route.metadata.namespace!;
    const backends = [route.spec.to, ...(route.spec.alternateBackends ?? [])].filter(
      (b: KObject) => (b?.kind ?? 'Service') === 'Service' && (b.weight ?? 100) > 0,
    );
    const targetPort = route.spec.port?.targetPort;
    const pick = weighted(backends);
    let target;
    for (const b of pick) {
      const svc: ServiceRef = { namespace: ns, name: b.name };
      target = await this.network.connectTarget(svc, targetPort, true);
      if (target) {
        target = { ...target, service: svc };
        break;
      }
    }
    if (!target) return unavailable(res);
    const termination: string = route.spec.tls.termination;
    if (termination === 'passthrough' && !target.tls) {
      // The client's TLS cannot reach a pod that does not speak it: the connection fails.
      return void req.socket.destroy();
    }
    const secure = termination !== 'edge';
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    if (termination !== 'passthrough') {
      const client = req.socket.remoteAddress ?? '127.0.0.1';
      headers['x-forwarded-host'] = req.headers.host;
      headers['x-forwarded-port'] = '443';
      headers['x-forwarded-proto'] = 'https';
      headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${client}` : client;
      headers.forwarded = `for=${client};host=${req.headers.host};proto=https`;
    }
    const options: https.RequestOptions = {
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent: false,
      ...(secure
        ? {
            servername: termination === 'passthrough' ? route.spec.host : `${target.service.name}.${ns}.svc`,
            rejectUnauthorized: termination === 'reencrypt' && !!route.spec.tls.destinationCACertificate,
            ...(route.spec.tls.destinationCACertificate ? { ca: route.spec.tls.destinationCACertificate } : {}),
          }
        : {}),
    };
    const timeoutMs = parseTimeout(route.metadata.annotations?.['haproxy.router.openshift.io/timeout']) ?? DEFAULT_TIMEOUT_MS;
    await new Promise<void>((resolve, reject) => {
      const upstream = (secure ? https : http).request(options, (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, up.rawHeaders as unknown as http.OutgoingHttpHeaders);
        up.pipe(res);
        up.on('end', resolve);
        up.on('error', reject);
      });
      upstream.setTimeout(timeoutMs, () => {
        upstream.destroy();
        if (!res.headersSent) {
          res.writeHead(504, { 'Content-Type': 'text/html', 'Cache-Control': 'no-cache', Connection: 'close' });
          res.end(GATEWAY_TIMEOUT);
        } else res.destroy();
        resolve();
      });
      upstream.on('error', (err) => {
        if (res.headersSent) {
          res.destroy();
          resolve();
        } else reject(err);
      });
      req.pipe(upstream);
    });
  }
}

function unavailable(res: http.ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(503, {
    'Content-Type': 'text/html',
    'Cache-Control': 'private, max-age=0, no-cache, no-store',
    Pragma: 'no-cache',
    'Content-Length': Buffer.byteLength(UNAVAILABLE),
  });
  res.end(UNAVAILABLE);
}

function isOlder(a: KObject, b: KObject): boolean {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb;
  return `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}`;
}

/** The backends in the order to try: one drawn by weight first, then the rest. */
function weighted(backends: KObject[]): KObject[] {
  const total = backends.reduce((n, b) => n + (b.weight ?? 100), 0);
  let draw = Math.random() * total;
  const first = backends.find((b) => (draw -= b.weight ?? 100) < 0) ?? backends[0];
  return first ? [first, ...backends.filter((b) => b !== first)] : [];
}

/** HAProxy time values: `30s`, `5m`, `2h`, `500ms`, or a number of milliseconds. */
function parseTimeout(value: string | undefined): number | undefined {
  const m = value && /^(\d+)(us|ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return undefined;
  const unit = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms']!;
  return Number(m[1]) * unit;
}
