// What the mesh's Envoys do with KServe traffic, the part Knative's net-istio VirtualServices and
// Istio's authorization filters play on a cluster:
//   - the ingress gateway routes the host of an InferenceService's status.url (and of its
//     predictor's component URL) to the predictor Service `<isvc>-predictor`, port 80 (the twin has
//     no Knative activator or queue-proxy: the gateway reaches the predictor pod directly);
//   - the predictor pod's istio-proxy applies the CUSTOM AuthorizationPolicies that select it — those
//     of the mesh's root namespace (the control plane's) and of its own namespace, by
//     selector.matchLabels — to the requests their rules match (to.operation paths/notPaths,
//     methods, hosts): it asks the policy's provider, found by name among the extensionProviders of
//     the mesh config (ConfigMap istio-<smcp>, key mesh), and forwards the request only when the
//     provider says OK. A provider the mesh config does not list makes istiod deny every request
//     ("RBAC: access denied", 403); a provider that does not answer makes the check fail closed
//     (403), as ext_authz's default does. A pod without istio-proxy applies no policy.
// Only CUSTOM policies are modelled (ALLOW and DENY policies are not evaluated).
// Upstream followed: github.com/maistra/istio pilot/pkg/security/authz/builder (a CUSTOM
// AuthorizationPolicy becomes an ext_authz filter to the mesh's extension provider) and
// github.com/knative-extensions/net-istio (the VirtualServices of a Knative route).
import * as http from 'node:http';
import * as yaml from 'js-yaml';
import { randomUUID } from 'node:crypto';
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import { EXT_AUTHZ_CHECK_PATH } from '../emulators/authorino';
import { workloadRuntimeOf } from '../network/index';
import type { ControllerContext } from './runtime';
import { setVirtualHostRouter } from './virtual-hosts';

const ISVC_API = 'serving.kserve.io/v1beta1';
const POLICY_API = 'security.istio.io/v1beta1';
const MEMBER_OF = 'maistra.io/member-of';
const EXT_AUTHZ_TIMEOUT_MS = 10_000;

/** The Envoy of a predictor's sidecar answered for the workload: forward, or deny with this answer. */
type Decision = { allow: true } | { allow: false; status: number; headers: Record<string, string>; body: string };

export interface MeshTrafficOptions {
  /** CUSTOM AuthorizationPolicies are not in effect (fault injection). */
  ignoreCustomPolicies(): boolean;
}

export class MeshTraffic {
  private readonly client: TwinClient;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: MeshTrafficOptions,
  ) {
    this.client = ctx.clientFor('istio-proxy', 'istio-system:istio-ingressgateway-service-account');
  }

  start(): void {
    setVirtualHostRouter(this.ctx, (host, req, res) => this.route(host, req, res));
  }

  /** The predictor Service of an InferenceService host (Serverless mode), if any. */
  backendFor(host: string): { namespace: string; service: string; isvc: string } | undefined {
    const h = host.toLowerCase().replace(/:\d+$/, '');
    for (const isvc of this.client.list(ISVC_API, 'InferenceService')) {
      if (isvc.metadata.deletionTimestamp || isvc.metadata.annotations?.['serving.kserve.io/deploymentMode'] === 'ModelMesh') continue;
      const hosts = [isvc.status?.url, isvc.status?.components?.predictor?.url].filter(Boolean).map((u: string) => hostOf(u));
      if (hosts.includes(h))
        return { namespace: isvc.metadata.namespace!, service: `${isvc.metadata.name}-predictor`, isvc: isvc.metadata.name! };
    }
    return undefined;
  }

  private route(host: string, req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const backend = this.backendFor(host);
    if (!backend) return false;
    this.forward(backend, host, req, res).catch((err: Error) => {
      this.ctx.settings.log(`istio-ingressgateway: ${host}${req.url}: ${err.message}`);
      envoyReply(res, 503, 'upstream connect error or disconnect/reset before headers. reset reason: connection failure');
    });
    return true;
  }

  private async forward(
    backend: { namespace: string; service: string },
    host: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const runtime = workloadRuntimeOf(this.ctx);
    const endpoints = runtime.network.endpoints({ namespace: backend.namespace, name: backend.service }, 80);
    let target: { pod: KObject; address: { host: string; port: number } } | undefined;
    for (const ep of endpoints) {
      const pod = this.client.get('v1', 'Pod', ep.podName, backend.namespace);
      const address = pod ? await runtime.pods.address(pod.metadata.uid!, ep.port) : undefined;
      if (pod && address) {
        target = { pod, address };
        break;
      }
    }
    if (!target) return envoyReply(res, 503, 'no healthy upstream');
    const path = req.url ?? '/';
    const decision = await this.authorize(target.pod, {
      method: req.method ?? 'GET',
      host: host.toLowerCase(),
      path,
      headers: req.headers,
    });
    if (!decision.allow) {
      req.resume();
      return envoyReply(res, decision.status, decision.body, decision.headers);
    }
    const started = Date.now();
    const headers: http.OutgoingHttpHeaders = {
      ...req.headers,
      'x-forwarded-proto': 'https',
      'x-request-id': req.headers['x-request-id'] ?? randomUUID(),
      'x-envoy-attempt-count': '1',
    };
    await new Promise<void>((resolve, reject) => {
      const upstream = http.request(
        { host: target!.address.host, port: target!.address.port, method: req.method, path, headers, agent: false },
        (up) => {
          res.writeHead(up.statusCode ?? 502, {
            ...up.headers,
            server: 'istio-envoy',
            'x-envoy-upstream-service-time': String(Date.now() - started),
          });
          up.pipe(res);
          up.on('end', resolve);
          up.on('error', reject);
        },
      );
      upstream.on('error', (err) => (res.headersSent ? (res.destroy(), resolve()) : reject(err)));
      req.pipe(upstream);
    });
  }

  /** The sidecar's CUSTOM policies for this pod and request, in the order istiod applies them. */
  async authorize(pod: KObject, req: { method: string; host: string; path: string; headers: http.IncomingHttpHeaders }): Promise<Decision> {
    if (!(pod.spec?.containers ?? []).some((c: KObject) => c.name === 'istio-proxy')) return { allow: true };
    if (this.opts.ignoreCustomPolicies()) return { allow: true };
    const meshNs = this.client.get('v1', 'Namespace', pod.metadata.namespace!)?.metadata.labels?.[MEMBER_OF];
    if (!meshNs) return { allow: true };
    const policies = [meshNs, pod.metadata.namespace!]
      .flatMap((ns) => this.client.list(POLICY_API, 'AuthorizationPolicy', ns))
      .filter(
        (p) => !p.metadata.deletionTimestamp && p.spec?.action === 'CUSTOM' && selects(p.spec?.selector?.matchLabels, pod.metadata.labels),
      );
    for (const policy of policies) {
      if (!rulesMatch(policy.spec?.rules, req)) continue;
      const provider = this.provider(meshNs, policy.spec?.provider?.name);
      if (!provider) {
        this.ctx.settings.log(
          `istiod: AuthorizationPolicy ${policy.metadata.namespace}/${policy.metadata.name}: extension provider ${policy.spec?.provider?.name} not found in the mesh config: denying every request to ${pod.metadata.namespace}/${pod.metadata.name}`,
        );
        return { allow: false, status: 403, headers: { 'content-type': 'text/plain' }, body: 'RBAC: access denied' };
      }
      const decision = await this.check(provider, pod.metadata.namespace!, req);
      if (!decision.allow) return decision;
    }
    return { allow: true };
  }

  /** The envoyExtAuthzGrpc (or Http) provider of the mesh config of the control plane in meshNs. */
  private provider(meshNs: string, name: string | undefined): { service: string; port: number } | undefined {
    if (!name) return undefined;
    for (const smcp of this.client.list('maistra.io/v2', 'ServiceMeshControlPlane', meshNs)) {
      const cm = this.client.get('v1', 'ConfigMap', `istio-${smcp.metadata.name}`, meshNs);
      let mesh: KObject | undefined;
      try {
        mesh = yaml.load(cm?.data?.mesh ?? '') as KObject;
      } catch {
        continue;
      }
      const p = ((mesh?.extensionProviders ?? []) as KObject[]).find((x) => x.name === name);
      const grpc = p?.envoyExtAuthzGrpc ?? p?.envoyExtAuthzHttp;
      if (grpc?.service && grpc.port) return { service: grpc.service, port: Number(grpc.port) };
    }
    return undefined;
  }

  /** Envoy's ext_authz check (CheckRequest as JSON, see emulators/authorino.ts); fails closed. */
  private async check(
    provider: { service: string; port: number },
    fromNamespace: string,
    req: { method: string; host: string; path: string; headers: http.IncomingHttpHeaders },
  ): Promise<Decision> {
    const closed: Decision = { allow: false, status: 403, headers: {}, body: '' };
    let address;
    try {
      address = await workloadRuntimeOf(this.ctx).network.resolve(provider.service, provider.port, fromNamespace);
    } catch (err) {
      this.ctx.settings.log(`istio-proxy: ext_authz ${provider.service}:${provider.port}: ${(err as Error).message}`);
      return closed;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
    );
    const body = JSON.stringify({
      attributes: {
        request: {
          http: {
            method: req.method,
            host: req.host,
            path: req.path,
            headers: { ...headers, ':authority': req.host, ':path': req.path, ':method': req.method },
          },
        },
      },
    });
    const answer = await new Promise<{ status: number; json?: KObject }>((resolve) => {
      const r = http.request(
        {
          host: address.host,
          port: address.port,
          method: 'POST',
          path: EXT_AUTHZ_CHECK_PATH,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          agent: false,
          timeout: EXT_AUTHZ_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
            } catch {
              resolve({ status: res.statusCode ?? 0 });
            }
          });
        },
      );
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', () => resolve({ status: 0 }));
      r.end(body);
    });
    const check = answer.json;
    if (answer.status !== 200 || !check?.status) return closed;
    if (check.status.code === 0) return { allow: true };
    const denied = check.deniedResponse ?? {};
    const out: Record<string, string> = {};
    for (const h of (denied.headers ?? []) as KObject[])
      if (h.header?.key) out[String(h.header.key).toLowerCase()] = String(h.header.value ?? '');
    return { allow: false, status: Number(denied.status?.code ?? 403), headers: out, body: String(denied.body ?? '') };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

function selects(matchLabels: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** Istio string matching: exact, prefix ("abc*"), suffix ("*abc") or any ("*"). */
function matchesValue(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

/** Whether any rule matches the request (`to` operations only; `from` and `when` are not modelled). */
function rulesMatch(rules: KObject[] | undefined, req: { method: string; host: string; path: string }): boolean {
  if (!rules?.length) return false;
  const path = req.path.split('?')[0];
  const op = (o: KObject): boolean => {
    const any = (list: string[] | undefined, v: string) => list === undefined || list.some((p) => matchesValue(p, v));
    const none = (list: string[] | undefined, v: string) => !list || !list.some((p) => matchesValue(p, v));
    return (
      any(o.paths, path) &&
      none(o.notPaths, path) &&
      any(o.methods, req.method) &&
      none(o.notMethods, req.method) &&
      any(o.hosts, req.host) &&
      none(o.notHosts, req.host)
    );
  };
  return rules.some((r) => !r.to?.length || (r.to as KObject[]).some((t) => op(t.operation ?? {})));
}

function envoyReply(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, {
    'content-type': 'text/plain',
    ...headers,
    'content-length': Buffer.byteLength(body),
    server: 'istio-envoy',
    date: new Date().toUTCString(),
  });
  res.end(body);
}
