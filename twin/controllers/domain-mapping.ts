// Knative Serving's domain mapping as OpenShift Serverless 1.32 (Knative Serving 1.11, net-istio)
// plays it with the Istio ingress of OpenShift Service Mesh. Upstream followed:
//   - openshift-knative/serverless-operator release-1.32:
//     openshift-knative-operator/cmd/operator/kodata/knative-serving/1.11/1-serving-crds.yaml (the
//     DomainMapping and ClusterDomainClaim CRDs come with the Serving release: installed here once
//     a KnativeServing is Ready) and openshift-knative-operator/pkg/serving/extension.go
//     (autocreateClusterDomainClaims "true" unless the KnativeServing says otherwise);
//   - knative/serving release-1.11 pkg/reconciler/domainmapping/reconciler.go: the domain is
//     claimed through a cluster-scoped ClusterDomainClaim named after it (created when autocreate
//     is on; a claim for another namespace: DomainClaimed=False DomainAlreadyClaimed); spec.ref
//     must resolve to an Addressable in the same namespace (a core Service does); with spec.tls the
//     certificate is the user's (CertificateProvisioned=True, the URL https://<domain>); the
//     KIngress named after the domain carries TLS {hosts [domain], secretName, secretNamespace};
//     conditions DomainClaimed, ReferenceResolved, CertificateProvisioned, IngressReady, Ready;
//   - knative/net-istio release-1.11 pkg/reconciler/ingress (resources/gateway.go
//     MakeIngressTLSGateways, MakeTLSServers; resources/secret.go MakeSecrets): the TLS Secret,
//     which net-istio sees only when it carries networking.internal.knative.dev/certificate-uid while
//     ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID=true (the RHOAI KnativeServing sets it), is copied
//     into the ingress gateway's namespace as <namespace>-<secret uid>, and a Gateway in the
//     KIngress's namespace, selecting the ingress gateway Service's pods, gets the server
//     {hosts [domain], port 443 HTTPS, tls SIMPLE credentialName <the copy>}. Istio (istio-gateways.ts)
//     serves it when that namespace is in the mesh; until then the KIngress waits for the load balancer.
// The mapped host is reached, like every host behind the ingress gateway on OpenShift, through a
// passthrough Route to istio-ingressgateway in istio-system (Serverless "Using Service Mesh with
// OpenShift Serverless").
import type { TwinClient } from '../api/client';
import { ownerReference, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import { loadYamlObjects } from '../bootstrap';
import type { FaultDefinition } from '../fault-definition';
import { join } from 'node:path';
import { conditionOf, keyOf, setCondition, splitKey, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';

export const DOMAIN_MAPPING_FAULTS: FaultDefinition[] = [
  {
    name: 'domainmapping-tls-not-applied',
    description:
      "net-istio ignores the TLS of the DomainMapping's KIngress (as it does with a Secret its filtered informer cannot see, while the DomainMapping still reports Ready): no Gateway server carries the mapped host's certificate, so the ingress gateway answers for the host with whatever wildcard certificate covers it",
    caughtBy: '@req.ADV-05',
    expectMessage: "not the certificate of the DomainMapping's TLS secret",
  },
];

const DM_API = 'serving.knative.dev/v1beta1';
const CLAIM_API = 'networking.internal.knative.dev/v1alpha1';
const KS_API = 'operator.knative.dev/v1beta1';
const GATEWAY_API = 'networking.istio.io/v1beta1';
const SMMR_API = 'maistra.io/v1';
const CERT_UID_LABEL = 'networking.internal.knative.dev/certificate-uid';
const INGRESS_LABEL = 'networking.internal.knative.dev/ingress';
const MESH = 'istio-system';
const GATEWAY_SERVICE = 'istio-ingressgateway';
const DEPENDENTS = ['DomainClaimed', 'ReferenceResolved', 'CertificateProvisioned', 'IngressReady'];

/** Adler-32, as net-istio names Gateways and ports after names that are not DNS-1123 labels. */
function adler32(text: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const isLabel = (s: string) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s);

export class DomainMappingController implements Controller {
  readonly name = 'knative-domainmapping';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('controller', 'knative-serving:controller');
    this.queue = new WorkQueue('knative-serving/domainmapping', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
  }

  start(): void {
    const all = () => {
      this.queue.enqueue('crds');
      if (this.client.hasKind(DM_API, 'DomainMapping'))
        for (const dm of this.client.list(DM_API, 'DomainMapping')) this.queue.enqueue(keyOf(dm));
    };
    this.client.watch(KS_API, 'KnativeServing', all);
    this.client.watch('apiextensions.k8s.io/v1', 'CustomResourceDefinition', (type, crd) => {
      if (type !== 'ADDED' || crd.metadata.name !== 'domainmappings.serving.knative.dev') return;
      this.client.watch(DM_API, 'DomainMapping', (t, dm) => t !== 'DELETED' && this.queue.enqueue(keyOf(dm)));
      this.client.watch(CLAIM_API, 'ClusterDomainClaim', all);
    });
    this.client.watch('v1', 'Secret', (_t, s) => s.metadata.namespace !== MESH && s.type === 'kubernetes.io/tls' && all());
    this.client.watch('v1', 'Service', all);
    this.client.watch(SMMR_API, 'ServiceMeshMemberRoll', all);
  }

  /** The KnativeServing in knative-serving, when Ready: the Serving release runs. */
  private serving(): KObject | undefined {
    const ks = this.client.list(KS_API, 'KnativeServing', 'knative-serving')[0];
    return conditionOf(ks, 'Ready')?.status === 'True' ? ks : undefined;
  }

  private reconcile(key: string): void {
    const ks = this.serving();
    if (!ks) return;
    if (key === 'crds') return this.installCrds();
    if (!this.client.hasKind(DM_API, 'DomainMapping')) return;
    const { namespace, name } = splitKey(key);
    const dm = this.client.get(DM_API, 'DomainMapping', name, namespace);
    if (!dm || dm.metadata.deletionTimestamp) return;
    this.reconcileMapping(dm, ks);
  }

  private installCrds(): void {
    for (const crd of loadYamlObjects(join(this.ctx.settings.crdDir, 'knative-serving-domain-mapping.yaml')))
      if (!this.client.get(crd.apiVersion, crd.kind, crd.metadata.name!)) this.client.create(crd);
  }

  private reconcileMapping(dm: KObject, ks: KObject): void {
    const ns = dm.metadata.namespace!;
    const domain = dm.metadata.name!;
    const now = timestamp();
    let conditions: Condition[] = dm.status?.conditions ?? [];
    const set = (type: string, status: 'True' | 'False' | 'Unknown', reason?: string, message?: string) => {
      conditions = setCondition(conditions, { type, status, reason, message }, now);
    };
    const tls: string | undefined = dm.spec?.tls?.secretName;
    const url = `${tls ? 'https' : 'http'}://${domain}`;
    const finish = () => this.writeStatus(dm, conditions, now, url);

    // DomainClaimed: the ClusterDomainClaim named after the domain, for this namespace.
    let claim = this.client.get(CLAIM_API, 'ClusterDomainClaim', domain);
    const autocreate = String(ks.spec?.config?.network?.['autocreate-cluster-domain-claims'] ?? 'true') === 'true';
    if (!claim && autocreate)
      claim = this.client.create({
        apiVersion: CLAIM_API,
        kind: 'ClusterDomainClaim',
        metadata: { name: domain, ownerReferences: [ownerReference(dm)] },
        spec: { namespace: ns },
      });
    if (!claim) {
      set('DomainClaimed', 'False', 'DomainClaimNotPresent', `No ClusterDomainClaim found for domain: ${domain}`);
      return finish();
    }
    if (claim.spec?.namespace !== ns) {
      set(
        'DomainClaimed',
        'False',
        'DomainAlreadyClaimed',
        `The domain name is already in use by another namespace: ${claim.spec?.namespace}`,
      );
      return finish();
    }
    set('DomainClaimed', 'True');

    // ReferenceResolved: an Addressable in the same namespace, resolved to <name>.<ns>.svc.<domain>.
    const ref = dm.spec?.ref ?? {};
    if ((ref.namespace ?? ns) !== ns) {
      set('ReferenceResolved', 'False', 'ResolveFailed', `mapping to a resource in another namespace (${ref.namespace}) is not supported`);
      return finish();
    }
    const target = (ref.apiVersion ?? 'v1') === 'v1' && ref.kind === 'Service' ? this.client.get('v1', 'Service', ref.name, ns) : undefined;
    if (!target) {
      set(
        'ReferenceResolved',
        'False',
        'ResolveFailed',
        `failed to get object ${ns}/${ref.name}: ${ref.kind ?? ''}.${ref.apiVersion ?? ''} "${ref.name}" not found`,
      );
      return finish();
    }
    set('ReferenceResolved', 'True');

    // CertificateProvisioned: the user's certificate (spec.tls), or none.
    if (tls) set('CertificateProvisioned', 'True', 'CertificateExternallyProvided', 'TLS certificate was provided externally');
    else set('CertificateProvisioned', 'True', 'TLSNotEnabled', 'autoTLS is not enabled');

    // IngressReady: net-istio's TLS Gateway for the host, served once the namespace is in the mesh.
    if (tls && !this.ctx.faults.has('domainmapping-tls-not-applied')) {
      const problem = this.ensureTlsGateway(dm, ks, tls);
      if (problem) {
        set('IngressReady', 'False', 'ReconcileIngressFailed', problem);
        return finish();
      }
    }
    const roll = this.client.get(SMMR_API, 'ServiceMeshMemberRoll', 'default', MESH);
    if (!((roll?.status?.configuredMembers ?? []) as string[]).includes(ns)) {
      set('IngressReady', 'Unknown', 'Uninitialized', 'Waiting for load balancer to be ready');
      return finish();
    }
    set('IngressReady', 'True');
    finish();
  }

  /** net-istio: the Secret copied into the gateway's namespace, and a Gateway server for the host; a problem as the KIngress says it. */
  private ensureTlsGateway(dm: KObject, ks: KObject, secretName: string): string | undefined {
    const ns = dm.metadata.namespace!;
    const domain = dm.metadata.name!;
    const secret = this.client.get('v1', 'Secret', secretName, ns);
    const filtering = (ks.spec?.workloads ?? []).some(
      (w: KObject) =>
        w.name === 'net-istio-controller' &&
        (w.env ?? []).some((e: KObject) =>
          (e.envVars ?? []).some((v: KObject) => v.name === 'ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID' && v.value === 'true'),
        ),
    );
    if (!secret || (filtering && secret.metadata.labels?.[CERT_UID_LABEL] === undefined))
      return `failed to reconcile the ingress TLS: secret "${secretName}" not found in ${ns}${secret ? ` (net-istio's informer sees only Secrets labelled ${CERT_UID_LABEL} while ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID=true)` : ''}`;
    const gatewayService = this.client.get('v1', 'Service', GATEWAY_SERVICE, MESH);
    if (!gatewayService) return `failed to get the ingress gateway Service ${MESH}/${GATEWAY_SERVICE}`;
    const copyName = `${ns}-${secret.metadata.uid}`;
    const copy: KObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: secret.type,
      metadata: {
        name: copyName,
        namespace: MESH,
        labels: {
          'networking.internal.knative.dev/certificate-uid': secret.metadata.labels?.[CERT_UID_LABEL] ?? '',
          'networking.internal.knative.dev/originSecretName': secretName,
          'networking.internal.knative.dev/originSecretNamespace': ns,
        },
      },
      data: secret.data,
    };
    const liveCopy = this.client.get('v1', 'Secret', copyName, MESH);
    if (!liveCopy) this.client.create(copy);
    else if (JSON.stringify(liveCopy.data) !== JSON.stringify(secret.data)) this.client.update({ ...liveCopy, data: secret.data });
    const prefix = isLabel(domain) ? domain : String(adler32(domain));
    const gatewayName = `${prefix}-${adler32(`${MESH}/${GATEWAY_SERVICE}`)}`;
    const desired: KObject = {
      apiVersion: GATEWAY_API,
      kind: 'Gateway',
      metadata: { name: gatewayName, namespace: ns, labels: { [INGRESS_LABEL]: domain }, ownerReferences: [ownerReference(dm)] },
      spec: {
        selector: gatewayService.spec?.selector ?? {},
        servers: [
          {
            hosts: [domain],
            port: { name: `${ns}/${isLabel(domain) ? domain : adler32(domain)}:0`, number: 443, protocol: 'HTTPS' },
            tls: {
              mode: 'SIMPLE',
              serverCertificate: 'tls.crt',
              privateKey: 'tls.key',
              credentialName: copyName,
              minProtocolVersion: 'TLSV1_2',
            },
          },
        ],
      },
    };
    const live = this.client.get(GATEWAY_API, 'Gateway', gatewayName, ns);
    if (!live) this.client.create(desired);
    else if (JSON.stringify(live.spec) !== JSON.stringify(desired.spec)) this.client.update({ ...live, spec: desired.spec });
    return undefined;
  }

  private writeStatus(dm: KObject, conditions: Condition[], now: string, url: string): void {
    const unhappy = DEPENDENTS.map((t) => conditions.find((c) => c.type === t) ?? { type: t, status: 'Unknown' as const }).find(
      (c) => c.status !== 'True',
    );
    const ready: Condition = unhappy
      ? { type: 'Ready', status: unhappy.status === 'False' ? 'False' : 'Unknown', reason: unhappy.reason, message: unhappy.message }
      : { type: 'Ready', status: 'True' };
    const all = setCondition(conditions, ready, now);
    const status = {
      observedGeneration: dm.metadata.generation ?? 1,
      conditions: all,
      ...(unhappy ? {} : { url, address: { url: `http://${dm.metadata.name}` } }),
    };
    if (JSON.stringify(dm.status ?? {}) === JSON.stringify(status)) return;
    this.client.patchStatus(DM_API, 'DomainMapping', dm.metadata.name!, dm.metadata.namespace, status);
  }
}
