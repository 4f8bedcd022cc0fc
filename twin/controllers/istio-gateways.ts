// Istio gateways as the ingress gateway pods of OpenShift Service Mesh 2.5 serve them, reached the
// way OpenShift exposes them: a Route in the mesh namespace to the istio-ingressgateway Service,
// with TLS passthrough (odh-model-controller creates one per InferenceService). For such a Route
// the twin plays three parts:
//   - the router: it hands the host's TLS connections to the gateway, unopened (the Route's
//     admission is the router's own, twin/network/routes.ts; as on OpenShift, a Route may be
//     admitted a moment before the gateway serves its host, and clients retry);
//   - istiod: a Gateway counts when it lives in the mesh (the control plane's namespace or a
//     configured member of the ServiceMeshMemberRoll "default") and its selector matches the
//     running, ready gateway pods behind the Service;
//   - Envoy with SDS: for a Gateway server on the Route's Service port whose hosts cover the Route's
//     host, with tls.mode SIMPLE or MUTUAL and a credentialName, the certificate and key of that
//     Secret in the gateway pods' namespace are presented for the host. A missing or unusable
//     Secret (or no matching server) means nothing is served: the handshake is reset, and a
//     Warning event on the Gateway plus a log line say why, as the gateway's SDS log would. Secret
//     changes are picked up (the Secret is watched). Plain requests go to the virtual hosts of
//     virtual-hosts.ts (InferenceService hosts to their predictors); any other host gets Envoy's
//     404 (server: istio-envoy): no VirtualService routes it.
// Upstream followed: github.com/maistra/istio (OpenShift Service Mesh 2.5's Istio), pilot's Gateway
// servers and SDS credentialName handling (pilot/pkg/networking/core/v1alpha3/gateway.go).
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TwinClient } from '../api/client';
import { createCa, createServingCert } from '../api/tls';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { WorkQueue, type Controller, type ControllerContext } from './runtime';
import { routeVirtualHost } from './virtual-hosts';

export const ISTIO_GATEWAY_FAULTS: FaultDefinition[] = [
  {
    name: 'gateway-secret-wrong-host',
    description:
      'The ingress gateway presents, for the apps-domain hosts routed to it, a certificate for the wrong host: *.<last two labels of the apps domain> (as when the wildcard certificate is made with the common name and the domain swapped, the argument order of the caikit script), issued by a CA the generated root does not know',
    caughtBy: '@req.INS-GW-07',
    expectMessage: 'does not cover',
  },
  {
    name: 'gateway-credential-not-loaded',
    description:
      "The ingress gateway never loads the Gateway's credentialName Secret (SDS fails): it serves nothing for the hosts routed to it, and every TLS handshake is reset",
    caughtBy: '@req.INS-GW-07',
    expectMessage: 'presented no certificate',
  },
  {
    name: 'router-ignores-passthrough-route',
    description:
      'The OpenShift router admits the passthrough Route to the ingress gateway but does not hand its connections over: it terminates TLS itself with the default ingress certificate (signed by the ingress operator, not by the generated root) and answers 503',
    caughtBy: '@req.INS-GW-07',
    expectMessage: 'does not verify against the generated root',
  },
  {
    name: 'authorizationpolicy-crd-without-provider',
    description:
      "The cluster's AuthorizationPolicy CRD is an older Istio's (before 1.9, as a Service Mesh 2.0 install left it): its schema has action CUSTOM but no spec.provider, so the API server drops the provider of the KServe predictor policy (with a warning) and istiod would have no provider to send the requests to",
    caughtBy: '@req.INS-AUTH-07',
    expectMessage: 'has no spec.provider in its schema',
  },
  {
    name: 'envoyfilter-crd-prunes-patch-value',
    description:
      "The cluster's EnvoyFilter CRD types configPatches[].patch.value as a plain object without x-kubernetes-preserve-unknown-fields (a hand-applied or foreign CRD, not the Service Mesh operator's): the API server drops the Lua filter of the KServe Host-header EnvoyFilter (with a warning), and the predictors' Envoys would get an empty patch",
    caughtBy: '@req.INS-AUTH-08',
    expectMessage: 'does not preserve unknown fields under configPatches[].patch.value',
  },
  {
    name: 'gateway-secret-left-opaque',
    description:
      "istio-system already holds a Secret wildcard-certs of type Opaque (left by an earlier attempt with `oc create secret generic`): a Secret's type cannot change, so the kubernetes.io/tls Secret of the docs cannot be applied over it",
    caughtBy: '@req.INS-GW-05',
    expectMessage: "a Secret's type cannot change",
  },
  {
    name: 'gateway-ignores-sni-specificity',
    description:
      "The ingress gateway picks, among the HTTPS servers on port 443 whose hosts cover a name, the least specific one: the install's catch-all server (hosts '*', wildcard-certs of the apps domain) takes every SNI name, so a custom domain's wildcard server or a DomainMapping's own server is never used",
    caughtBy: '@req.ADV-06',
    expectMessage: "not the custom domain's wildcard certificate",
  },
];

const ENVOY_FILTER_CRD = 'envoyfilters.networking.istio.io';

const AUTHZ_POLICY_CRD = 'authorizationpolicies.security.istio.io';

const GATEWAY_API = 'networking.istio.io/v1beta1';
const ROUTE_API = 'route.openshift.io/v1';
const SMMR_API = 'maistra.io/v1';
const SERVICE_ACCOUNT = 'istio-system:istio-ingressgateway-service-account';

interface Served {
  /** What is served, to skip unchanged work: a certificate fingerprint or the reason nothing is. */
  key: string;
  undo: () => void;
}

/** What the gateway does for one host: present a certificate, or refuse (with the reason). */
type Plan = { cert: { certPem: string; keyPem: string; fingerprint: string } } | { refuse: string; gateway?: KObject };

export class IstioGateways implements Controller {
  readonly name = 'istio-ingressgateway';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  private readonly served = new Map<string, Served>();
  /** Problems already reported (event and log), so that a resync does not repeat them. */
  private readonly reported = new Set<string>();
  private wrongHost: { certPem: string; keyPem: string } | undefined;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('istio-ingressgateway', SERVICE_ACCOUNT);
    this.queue = new WorkQueue('istio-ingressgateway', ctx.settings.latencyMs, () => this.sync(), ctx.settings.log);
  }

  start(): void {
    const resync = () => this.queue.enqueue('sync');
    this.client.watch(GATEWAY_API, 'Gateway', resync);
    this.client.watch(ROUTE_API, 'Route', resync);
    this.client.watch(SMMR_API, 'ServiceMeshMemberRoll', resync);
    this.client.watch('v1', 'Service', resync);
    this.client.watch('v1', 'Secret', (_type, s) => s.type !== 'kubernetes.io/service-account-token' && resync());
    this.client.watch('v1', 'Pod', (_type, pod, old) => (isGatewayPod(pod) || (old && isGatewayPod(old))) && resync());
    if (this.ctx.faults.has('authorizationpolicy-crd-without-provider')) this.keepOldAuthorizationPolicyCrd();
    if (this.ctx.faults.has('envoyfilter-crd-prunes-patch-value')) this.keepPruningEnvoyFilterCrd();
    if (this.ctx.faults.has('gateway-secret-left-opaque')) this.leaveOpaqueSecret();
  }

  /** Fault gateway-secret-left-opaque: once istio-system exists, an Opaque Secret wildcard-certs is there, as `oc create secret generic` leaves it. */
  private leaveOpaqueSecret(): void {
    const user = this.ctx.clientFor('kubectl-create', 'openshift-config:earlier-attempt');
    user.watch('v1', 'Namespace', (type, ns) => {
      if (type !== 'ADDED' || ns.metadata.name !== 'istio-system' || user.get('v1', 'Secret', 'wildcard-certs', 'istio-system')) return;
      const pem = Buffer.from('-----BEGIN CERTIFICATE-----\nnot a certificate of this run\n-----END CERTIFICATE-----\n').toString('base64');
      user.create({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name: 'wildcard-certs', namespace: 'istio-system' },
        data: { 'wildcard.crt': pem },
      });
    });
  }

  /** Fault envoyfilter-crd-prunes-patch-value: the CRD's patch.value loses x-kubernetes-preserve-unknown-fields whenever it is (re)applied. */
  private keepPruningEnvoyFilterCrd(): void {
    const admin = this.ctx.clientFor('istio-operator', 'openshift-operators:istio-operator');
    const values = (crd: KObject) =>
      (crd.spec.versions ?? [])
        .map(
          (v: KObject) =>
            v.schema?.openAPIV3Schema?.properties?.spec?.properties?.configPatches?.items?.properties?.patch?.properties?.value,
        )
        .filter(Boolean);
    admin.watch('apiextensions.k8s.io/v1', 'CustomResourceDefinition', (type, crd) => {
      if (type === 'DELETED' || crd.metadata.name !== ENVOY_FILTER_CRD) return;
      if (!values(crd).some((v: KObject) => v['x-kubernetes-preserve-unknown-fields'])) return;
      const old = structuredClone(crd);
      for (const v of values(old)) delete v['x-kubernetes-preserve-unknown-fields'];
      admin.update(old);
    });
  }

  /** Fault authorizationpolicy-crd-without-provider: the CRD's schemas lose spec.provider (and the oneOf on it) whenever it is (re)applied. */
  private keepOldAuthorizationPolicyCrd(): void {
    const admin = this.ctx.clientFor('istio-operator', 'openshift-operators:istio-operator');
    admin.watch('apiextensions.k8s.io/v1', 'CustomResourceDefinition', (type, crd) => {
      if (type === 'DELETED' || crd.metadata.name !== AUTHZ_POLICY_CRD) return;
      const specs = (crd.spec.versions ?? []).map((v: KObject) => v.schema?.openAPIV3Schema?.properties?.spec).filter(Boolean);
      if (!specs.some((s: KObject) => s.properties?.provider || s.oneOf)) return;
      const old = structuredClone(crd);
      for (const s of old.spec.versions.map((v: KObject) => v.schema?.openAPIV3Schema?.properties?.spec).filter(Boolean)) {
        delete s.properties?.provider;
        delete s.oneOf;
      }
      admin.update(old);
    });
  }

  private sync(): void {
    const plans = new Map<string, Plan>();
    for (const route of this.client.list(ROUTE_API, 'Route')) {
      // Only passthrough Routes reach a gateway's TLS: the others need no look at Services and pods.
      if (route.spec?.tls?.termination !== 'passthrough' || !route.spec?.host) continue;
      const backend = this.gatewayBackend(route);
      if (!backend) continue;
      plans.set(String(route.spec.host).toLowerCase(), this.plan(route, backend));
    }
    this.serve(plans);
  }

  /** The running, ready gateway pods behind the Route's Service, and the Service port it targets. */
  private gatewayBackend(route: KObject): { pods: KObject[]; port: number | undefined; namespace: string } | undefined {
    if (route.metadata.deletionTimestamp || (route.spec?.to?.kind ?? 'Service') !== 'Service') return undefined;
    const namespace = route.metadata.namespace!;
    const svc = this.client.get('v1', 'Service', route.spec.to.name, namespace);
    const selector: Record<string, string> | undefined = svc?.spec?.selector;
    if (!svc || !selector || !Object.keys(selector).length) return undefined;
    const selected = this.client.list('v1', 'Pod', namespace).filter((p) => matches(selector, p.metadata.labels));
    if (!selected.some(isGatewayPod)) return undefined;
    const target = route.spec?.port?.targetPort;
    const svcPort =
      target === undefined
        ? undefined
        : (svc.spec.ports ?? []).find((p: KObject) => p.name === target || p.targetPort === target || p.port === target);
    return { pods: selected.filter((p) => isGatewayPod(p) && running(p)), port: svcPort?.port, namespace };
  }

  private plan(route: KObject, backend: { pods: KObject[]; port: number | undefined; namespace: string }): Plan {
    const host = String(route.spec.host).toLowerCase();
    if (!backend.pods.length) return { refuse: `no ready ingress gateway pod behind Service ${backend.namespace}/${route.spec.to.name}` };
    const candidates = this.client
      .list(GATEWAY_API, 'Gateway')
      .filter(
        (gw) =>
          !gw.metadata.deletionTimestamp &&
          this.inMesh(gw.metadata.namespace!, backend.namespace) &&
          backend.pods.some((p) => matches(gw.spec?.selector, p.metadata.labels)),
      );
    // Envoy's listener picks the filter chain whose SNI match is the most specific: an exact host
    // before the longest wildcard suffix before "*" (Istio builds one filter chain per server's
    // hosts; pilot/pkg/networking/core/v1alpha3/gateway.go and Envoy's server_names matching).
    const matching: { gw: KObject; server: KObject; rank: number }[] = [];
    for (const gw of candidates) {
      for (const server of gw.spec?.servers ?? []) {
        if (backend.port !== undefined && server.port?.number !== backend.port) continue;
        if (!['HTTPS', 'TLS'].includes(server.port?.protocol) || !hostsCover(server.hosts ?? [], host)) continue;
        matching.push({ gw, server, rank: hostSpecificity(server.hosts ?? [], host) });
      }
    }
    const leastFirst = this.ctx.faults.has('gateway-ignores-sni-specificity');
    matching.sort((a, b) => (leastFirst ? a.rank - b.rank : b.rank - a.rank));
    if (matching[0]) return this.credentialPlan(matching[0].gw, matching[0].server, host, backend.namespace);
    return { refuse: `no Gateway server in the mesh covers ${host}${backend.port ? ` on port ${backend.port}` : ''}` };
  }

  /** SDS: the server's credential, loaded from the gateway pods' namespace. */
  private credentialPlan(gw: KObject, server: KObject, host: string, namespace: string): Plan {
    const where = `Gateway ${gw.metadata.namespace}/${gw.metadata.name}`;
    const mode = server.tls?.mode;
    if (mode !== 'SIMPLE' && mode !== 'MUTUAL')
      return { refuse: `${where} serves ${host} with TLS mode ${mode ?? 'none'}, which needs a client the router cannot be`, gateway: gw };
    const name = server.tls?.credentialName;
    if (!name) return { refuse: `${where} has no credentialName for ${host}`, gateway: gw };
    if (this.ctx.faults.has('gateway-credential-not-loaded'))
      return {
        refuse: `failed to fetch key and cert for kubernetes://${name}: SDS did not answer (injected fault gateway-credential-not-loaded)`,
        gateway: gw,
      };
    if (this.ctx.faults.has('gateway-secret-wrong-host')) return { cert: { ...this.wrongHostCertificate(), fingerprint: 'wrong-host' } };
    const secret = this.client.get('v1', 'Secret', name, namespace);
    if (!secret)
      return { refuse: `failed to fetch key and cert for kubernetes://${name}: secret ${namespace}/${name} not found`, gateway: gw };
    const decode = (key: string) => Buffer.from(String(secret.data?.[key] ?? ''), 'base64').toString('utf8');
    const certPem = decode('tls.crt') || decode('cert');
    const keyPem = decode('tls.key') || decode('key');
    const problem = credentialProblem(certPem, keyPem);
    if (problem)
      return { refuse: `failed to load key and cert for kubernetes://${name} (secret ${namespace}/${name}): ${problem}`, gateway: gw };
    return { cert: { certPem, keyPem, fingerprint: new X509Certificate(certPem).fingerprint256 } };
  }

  private inMesh(namespace: string, controlPlane: string): boolean {
    if (namespace === controlPlane) return true;
    const roll = this.client.get(SMMR_API, 'ServiceMeshMemberRoll', 'default', controlPlane);
    return ((roll?.status?.configuredMembers ?? []) as string[]).includes(namespace);
  }

  private serve(plans: Map<string, Plan>): void {
    for (const [host, served] of this.served) {
      if (!plans.has(host)) {
        served.undo();
        this.served.delete(host);
      }
    }
    for (const [host, plan] of plans) {
      const key = 'cert' in plan ? plan.cert.fingerprint : `refuse: ${plan.refuse}`;
      if (this.served.get(host)?.key === key) continue;
      this.served.get(host)?.undo();
      if ('refuse' in plan) this.report(host, plan);
      else this.reported.forEach((k) => k.startsWith(`${host} `) && this.reported.delete(k));
      if (this.ctx.faults.has('router-ignores-passthrough-route')) {
        this.served.set(host, { key, undo: () => undefined }); // the router keeps the connection: default certificate, 503
        continue;
      }
      const undoTls = 'cert' in plan ? this.ctx.ingress.certificate(host, plan.cert) : this.ctx.ingress.refuse(host);
      const undoHttp =
        'cert' in plan
          ? this.ctx.ingress.serve(host, (req, res) => routeVirtualHost(this.ctx, host, req, res) || envoyNotFound(req, res))
          : () => undefined;
      this.served.set(host, { key, undo: () => (undoTls(), undoHttp()) });
    }
  }

  private report(host: string, plan: { refuse: string; gateway?: KObject }): void {
    const id = `${host} ${plan.refuse}`;
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.ctx.settings.log(`istio-ingressgateway: serving nothing for ${host}: ${plan.refuse}`);
    if (plan.gateway) this.client.event(plan.gateway, 'Warning', 'CredentialNotLoaded', `serving nothing for ${host}: ${plan.refuse}`);
  }

  /** *.<last two labels of the apps domain>, from a CA of its own (fault gateway-secret-wrong-host). */
  private wrongHostCertificate(): { certPem: string; keyPem: string } {
    if (!this.wrongHost) {
      const cn = this.ctx.settings.appsDomain.split('.').slice(-2).join('.');
      const ca = createCa(`${cn} wildcard CA`);
      this.wrongHost = createServingCert(ca, `*.${cn}`, [`*.${cn}`]);
    }
    return this.wrongHost;
  }
}

function envoyNotFound(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(404, { server: 'istio-envoy', date: new Date().toUTCString(), 'content-length': 0 });
  res.end();
}

/** A pod of an Istio gateway deployment (OSSM labels them istio=ingressgateway / egressgateway). */
function isGatewayPod(pod: KObject): boolean {
  return (
    pod.metadata.labels?.istio === 'ingressgateway' ||
    (pod.spec?.containers ?? []).some((c: KObject) => c.name === 'istio-proxy' && (c.args ?? []).includes('router'))
  );
}

function running(pod: KObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True')
  );
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** How specifically a server's hosts match `host`: an exact name, then the longest "*.suffix", then "*" (0). */
export function hostSpecificity(hosts: string[], host: string): number {
  let best = -1;
  for (const entry of hosts) {
    const pattern = (entry.includes('/') ? entry.slice(entry.indexOf('/') + 1) : entry).toLowerCase();
    if (!hostsCover([pattern], host)) continue;
    best = Math.max(best, pattern === host ? 10_000 : pattern === '*' ? 0 : pattern.length);
  }
  return best;
}

/** Istio's server hosts: "[namespace/]host", where host is "*", "*.suffix" or a name; "./" is the Gateway's namespace. */
export function hostsCover(hosts: string[], host: string): boolean {
  return hosts.some((entry) => {
    const pattern = (entry.includes('/') ? entry.slice(entry.indexOf('/') + 1) : entry).toLowerCase();
    if (pattern === '*') return true;
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    return pattern === host;
  });
}

/** Why a PEM certificate and key cannot be served, or undefined when they can. */
export function credentialProblem(certPem: string, keyPem: string): string | undefined {
  if (!certPem) return 'it has no tls.crt';
  if (!keyPem) return 'it has no tls.key';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return 'tls.crt is not a PEM certificate';
  }
  try {
    const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    if (!Buffer.from(fromKey).equals(Buffer.from(cert.publicKey.export({ type: 'spki', format: 'der' }))))
      return 'tls.key is not the key of tls.crt';
  } catch {
    return 'tls.key is not a PEM private key';
  }
  if (Date.parse(cert.validTo) < Date.now()) return `the certificate expired on ${cert.validTo}`;
  return undefined;
}
