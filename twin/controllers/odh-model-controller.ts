// Follows red-hat-data-services/odh-model-controller, branch rhoai-2.9 (files named below, under
// controllers/). odh-model-controller of RHOAI 2.9, the
// OpenShift glue around KServe and ModelMesh, while its Deployment is available in the applications
// namespace:
//   - storage-config: in every namespace with data connections (Secrets labelled
//     opendatahub.io/managed=true with annotation opendatahub.io/connection-type=s3) a Secret
//     storage-config with one key per connection (its name) whose value is the JSON
//     {type, access_key_id, secret_access_key, endpoint_url, bucket, default_bucket, region} that
//     KServe's storage initializer and ModelMesh's puller read (storageconfig_controller.go);
//   - for each KServe (Serverless) InferenceService (controllers/inferenceservice_controller.go,
//     reconcilers/kserve_serverless_inferenceservice_reconciler.go) — WITHOUT a finalizer: 2.9 adds
//     none (only modelregistry.opendatahub.io/finalizer, when the model registry reconciler is on):
//       - the namespace joins the ServiceMeshMemberRoll `default` of istio-system (2.9 assumes that
//         mesh; kserve_istio_smmr_reconciler.go) and leaves it when its last KServe
//         InferenceService is gone (the NotFound branch of Reconcile, DeleteResourcesIfNoIsvcExists);
//       - once status.url is set, a passthrough Route <isvc>-<namespace> in istio-system for its host
//         to the istio-ingressgateway Service (port https) (kserve_route_reconciler.go); the twin
//         removes it when the InferenceService is gone (not verified against 2.9, which has no
//         finalizer to do it: an unverified twin choice);
//       - token authorization (reconcilers/kserve_authconfig_reconciler.go,
//         resources/authconfig.go, resources/template/authconfig_{anonymous,userdefined}.yaml):
//         only when istio-system holds an AuthorizationPolicy with action CUSTOM whose selector
//         matches component=predictor (utils.VerifyIfMeshAuthorizationIsEnabled) — otherwise it
//         skips (it deletes nothing) — and once status.url is set, the AuthConfig <isvc>
//         (authorino.kuadrant.io/v1beta2, owned by the InferenceService) labelled with the
//         AUTHORINO_LABEL (default security.opendatahub.io/authorization-group=default) for the hosts
//         of status.url, status.address.url and every component's url/address/traffic url (plus the
//         .svc.cluster.local hosts without the suffix and with .svc), sorted: with
//         security.opendatahub.io/enable-auth=true (or the legacy enable-auth when the new one is
//         absent) a Kubernetes token that passes a TokenReview (audiences AUTH_AUDIENCE, default
//         https://kubernetes.default.svc) and a SubjectAccessReview for `get services` in the
//         namespace (name "", subresource ""), otherwise anonymous access (credentials
//         authorizationHeader);
//   - for ModelMesh InferenceServices whose runtime has the annotation enable-route=true, the Route
//     <isvc> in the namespace to the Service modelmesh-serving, path /v2/models/<isvc>: edge TLS on
//     port 8008, or reencrypt on 8443 (the oauth-proxy) when the runtime has enable-auth=true
//     (mm_route_reconciler.go).
// Not modelled: the PeerAuthentication, NetworkPolicies, Telemetry and ServiceMonitors 2.9 also creates.
import type { TwinClient } from '../api/client';
import { ownerReference } from '../api/meta';
import type { KObject } from '../api/types';
import { AUTHORINO_NO_CREDENTIAL_PASSES_FAULT, AUTHORINO_TRUSTS_UNVERIFIED_JWT_FAULT } from '../emulators/authorino';
import type { FaultDefinition } from '../fault-definition';
import { applicationsNamespace, deploymentAvailable } from './kueue';
import { keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from './runtime';
import { DEPLOYMENT_MODE, ISVC_API, RUNTIME_API } from './serving-runtimes';

export const AUTH_PROVIDER_MISSING_FAULT = 'kserve-auth-provider-missing';
export const AUTHCONFIG_WITHOUT_RBAC_FAULT = 'odh-authconfig-without-rbac';

export const ODH_MODEL_CONTROLLER_FAULTS: FaultDefinition[] = [
  {
    name: AUTH_PROVIDER_MISSING_FAULT,
    description:
      "Token authorization has no provider: the CUSTOM AuthorizationPolicy that sends predictor requests to Authorino is not in effect (as on a cluster where it was never created), so odh-model-controller makes no AuthConfig and the predictors' sidecars let every request through — a request without a token gets an answer",
    caughtBy: '@req.TUT-FD-07',
    expectMessage: 'no AuthConfig in',
  },
  {
    name: AUTHCONFIG_WITHOUT_RBAC_FAULT,
    description:
      "odh-model-controller writes the token AuthConfig without its kubernetes-rbac SubjectAccessReview (as a template that lost its authorization section): any token the cluster authenticates gets answers, also that of a service account of another project without access to the model's project",
    caughtBy: '@req.TUT-FD-07',
    expectMessage: 'has no SubjectAccessReview',
  },
  {
    name: AUTHORINO_TRUSTS_UNVERIFIED_JWT_FAULT,
    description:
      'Authorino takes a JWT-shaped token that the TokenReview refused for the identity of its unverified sub claim (a forged or expired token is not rejected as unauthenticated): an invalid token reaches the SubjectAccessReview and is refused 403 instead of 401',
    caughtBy: '@req.CMP-06',
    expectMessage: 'the credential passed authentication',
  },
  {
    name: AUTHORINO_NO_CREDENTIAL_PASSES_FAULT,
    description:
      "Authorino lets a request that carries no credential through although the model's AuthConfig requires a Kubernetes token (a broken credentials extractor): the protected model answers without a token",
    caughtBy: '@req.TUT-FD-07',
    expectMessage: 'Authorino let a request without a token through',
  },
];

const MANAGER = 'odh-model-controller';
const MESH_NAMESPACE = 'istio-system';
const SMMR_API = 'maistra.io/v1';
const POLICY_API = 'security.istio.io/v1beta1';
const AUTHCONFIG_API = 'authorino.kuadrant.io/v1beta2';
const AUTHORINO_API = 'operator.authorino.kuadrant.io/v1beta1';
const ROUTE_API = 'route.openshift.io/v1';
const AUTHORINO_LABEL = ['security.opendatahub.io/authorization-group', 'default'] as const;
const AUTH_AUDIENCES = ['https://kubernetes.default.svc'];
const ENABLE_AUTH = 'security.opendatahub.io/enable-auth';

export class OdhModelController implements Controller {
  readonly name = MANAGER;
  private readonly client: TwinClient;
  private readonly isvcs: WorkQueue;
  private readonly namespaces: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor(MANAGER, 'redhat-ods-applications:odh-model-controller');
    this.isvcs = new WorkQueue(`${MANAGER}/inferenceservice`, ctx.settings.latencyMs, (k) => this.reconcileIsvc(k), ctx.settings.log);
    this.namespaces = new WorkQueue(`${MANAGER}/namespace`, ctx.settings.latencyMs, (k) => this.reconcileNamespace(k), ctx.settings.log);
  }

  start(): void {
    const allIsvcs = () => this.client.list(ISVC_API, 'InferenceService').forEach((i) => this.isvcs.enqueue(keyOf(i)));
    this.client.watch(ISVC_API, 'InferenceService', (_t, i) => {
      this.isvcs.enqueue(keyOf(i));
      this.namespaces.enqueue(i.metadata.namespace!);
    });
    this.client.watch(RUNTIME_API, 'ServingRuntime', (_t, sr) =>
      this.client.list(ISVC_API, 'InferenceService', sr.metadata.namespace).forEach((i) => this.isvcs.enqueue(keyOf(i))),
    );
    this.client.watch('v1', 'Secret', (_t, s) => {
      if (isDataConnection(s) || s.metadata.name === 'storage-config') this.namespaces.enqueue(s.metadata.namespace!);
    });
    this.client.watch(POLICY_API, 'AuthorizationPolicy', (_t, p) => p.metadata.namespace === MESH_NAMESPACE && allIsvcs());
    this.client.watch(AUTHORINO_API, 'Authorino', allIsvcs);
    this.client.watch(AUTHCONFIG_API, 'AuthConfig', (_t, a) => this.isvcs.enqueue(keyOf(a)));
    this.client.watch(ROUTE_API, 'Route', (_t, r) => {
      const isvc = r.metadata.labels?.['inferenceservice-name'];
      const ns = r.metadata.namespace === MESH_NAMESPACE ? r.metadata.labels?.['inferenceservice-namespace'] : r.metadata.namespace;
      if (isvc && ns) this.isvcs.enqueue(`${ns}/${isvc}`);
    });
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      if (d.metadata.name !== MANAGER) return;
      allIsvcs();
      this.client.list('v1', 'Namespace').forEach((n) => this.namespaces.enqueue(n.metadata.name!));
    });
  }

  private running(): boolean {
    return deploymentAvailable(this.client, MANAGER, applicationsNamespace(this.client));
  }

  // ---- storage-config ----

  private reconcileNamespace(ns: string): void {
    if (!this.running()) return;
    const namespace = this.client.get('v1', 'Namespace', ns);
    if (!namespace || namespace.metadata.deletionTimestamp) return;
    const connections = this.client.list('v1', 'Secret', ns, { labelSelector: 'opendatahub.io/managed=true' }).filter(isDataConnection);
    const live = this.client.get('v1', 'Secret', 'storage-config', ns);
    if (!connections.length) {
      if (live && live.metadata.annotations?.['opendatahub.io/managed-by'] === MANAGER)
        this.client.delete('v1', 'Secret', 'storage-config', ns);
      return;
    }
    const data: Record<string, string> = {};
    for (const s of connections) data[s.metadata.name!] = Buffer.from(JSON.stringify(storageEntry(s))).toString('base64');
    if (live && JSON.stringify(live.data ?? {}) === JSON.stringify(data)) return;
    this.client.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'storage-config', namespace: ns, annotations: { 'opendatahub.io/managed-by': MANAGER } },
      type: 'Opaque',
      data,
    });
  }

  // ---- InferenceServices ----

  private reconcileIsvc(key: string): void {
    if (!this.running()) return;
    const { namespace, name } = splitKey(key);
    const isvc = this.client.get(ISVC_API, 'InferenceService', name, namespace);
    if (!isvc) return this.gone(namespace!, name!);
    const modelMesh = isvc.metadata.annotations?.[DEPLOYMENT_MODE] === 'ModelMesh';
    if (modelMesh) return this.modelMeshRoute(isvc);
    if (isvc.metadata.deletionTimestamp) return;
    this.joinMesh(namespace!);
    const url: string | undefined = isvc.status?.url;
    if (!url) return;
    const host = new URL(url).hostname;
    this.client.apply({
      apiVersion: ROUTE_API,
      kind: 'Route',
      metadata: {
        name: `${name}-${namespace}`,
        namespace: MESH_NAMESPACE,
        labels: { 'inferenceservice-name': name!, 'inferenceservice-namespace': namespace! },
      },
      spec: {
        host,
        to: { kind: 'Service', name: 'istio-ingressgateway', weight: 100 },
        port: { targetPort: 'https' },
        tls: { termination: 'passthrough', insecureEdgeTerminationPolicy: 'Redirect' },
        wildcardPolicy: 'None',
      },
    });
    this.authConfig(isvc);
  }

  /** The AuthConfig of a KServe InferenceService, when the CUSTOM AuthorizationPolicy says Authorino is there (else skipped, as 2.9 skips). */
  private authConfig(isvc: KObject): void {
    const ns = isvc.metadata.namespace!;
    const name = isvc.metadata.name!;
    if (!this.authorizationAvailable()) return;
    const enable = isvc.metadata.annotations?.[ENABLE_AUTH] ?? isvc.metadata.annotations?.['enable-auth'];
    const authRequired = String(enable ?? '').toLowerCase() === 'true';
    const hosts = authConfigHosts(isvc);
    const spec: Record<string, unknown> = authRequired
      ? {
          hosts,
          authentication: {
            'kubernetes-user': { credentials: { authorizationHeader: {} }, kubernetesTokenReview: { audiences: AUTH_AUDIENCES } },
          },
          authorization: this.ctx.faults.has(AUTHCONFIG_WITHOUT_RBAC_FAULT)
            ? undefined
            : {
                'kubernetes-rbac': {
                  kubernetesSubjectAccessReview: {
                    resourceAttributes: {
                      verb: { value: 'get' },
                      group: { value: '' },
                      resource: { value: 'services' },
                      namespace: { value: ns },
                      subresource: { value: '' },
                      name: { value: '' },
                    },
                    user: { selector: 'auth.identity.user.username' },
                  },
                },
              },
        }
      : { hosts, authentication: { 'anonymous-access': { anonymous: {}, credentials: { authorizationHeader: {} } } } };
    if (spec.authorization === undefined) delete spec.authorization;
    const live = this.client.get(AUTHCONFIG_API, 'AuthConfig', name, ns);
    const labels = { [AUTHORINO_LABEL[0]]: AUTHORINO_LABEL[1] };
    if (live && JSON.stringify(live.spec) === JSON.stringify(spec) && JSON.stringify(live.metadata.labels ?? {}) === JSON.stringify(labels))
      return;
    this.client.apply({
      apiVersion: AUTHCONFIG_API,
      kind: 'AuthConfig',
      metadata: {
        name,
        namespace: ns,
        labels,
        ownerReferences: [ownerReference({ ...isvc, apiVersion: ISVC_API, kind: 'InferenceService' })],
      },
      spec,
    });
  }

  /** 2.9's check: an AuthorizationPolicy in istio-system with action CUSTOM selecting component=predictor. */
  private authorizationAvailable(): boolean {
    if (this.ctx.faults.has(AUTH_PROVIDER_MISSING_FAULT)) return false;
    return this.client
      .list(POLICY_API, 'AuthorizationPolicy', MESH_NAMESPACE)
      .some(
        (p) => !p.metadata.deletionTimestamp && p.spec?.action === 'CUSTOM' && p.spec?.selector?.matchLabels?.component === 'predictor',
      );
  }

  /** The InferenceService is gone: its Route in istio-system goes, and the namespace leaves the mesh with its last KServe one. */
  private gone(ns: string, name: string): void {
    const route = this.client.get(ROUTE_API, 'Route', `${name}-${ns}`, MESH_NAMESPACE);
    if (route?.metadata.labels?.['inferenceservice-name'] === name) this.client.delete(ROUTE_API, 'Route', `${name}-${ns}`, MESH_NAMESPACE);
    this.leaveMeshIfUnused(ns);
  }

  // ---- the mesh ----

  private roll(): KObject | undefined {
    return this.client.get(SMMR_API, 'ServiceMeshMemberRoll', 'default', MESH_NAMESPACE);
  }

  private joinMesh(ns: string): void {
    const roll = this.roll();
    if (!roll) throw new Error(`the ServiceMeshMemberRoll ${MESH_NAMESPACE}/default does not exist: cannot add ${ns} to the mesh`);
    const members: string[] = roll.spec?.members ?? [];
    if (members.includes(ns)) return;
    this.client.update({ ...roll, spec: { ...roll.spec, members: [...members, ns] } });
  }

  /** Takes the namespace out of the member roll when no KServe InferenceService remains (but `leaving`). */
  private leaveMeshIfUnused(ns: string, leaving?: string): void {
    const left = this.client
      .list(ISVC_API, 'InferenceService', ns)
      .filter(
        (i) => i.metadata.name !== leaving && !i.metadata.deletionTimestamp && i.metadata.annotations?.[DEPLOYMENT_MODE] !== 'ModelMesh',
      );
    if (left.length) return;
    const roll = this.roll();
    const members: string[] = roll?.spec?.members ?? [];
    if (!roll || !members.includes(ns)) return;
    this.client.update({ ...roll, spec: { ...roll.spec, members: members.filter((m) => m !== ns) } });
  }

  // ---- ModelMesh routes ----

  private modelMeshRoute(isvc: KObject): void {
    const ns = isvc.metadata.namespace!;
    const name = isvc.metadata.name!;
    const runtime = isvc.spec?.predictor?.model?.runtime
      ? this.client.get(RUNTIME_API, 'ServingRuntime', isvc.spec.predictor.model.runtime, ns)
      : undefined;
    const wanted = !isvc.metadata.deletionTimestamp && runtime?.metadata.annotations?.['enable-route'] === 'true';
    const live = this.client.get(ROUTE_API, 'Route', name, ns);
    if (!wanted) {
      if (live?.metadata.labels?.['inferenceservice-name'] === name) this.client.delete(ROUTE_API, 'Route', name, ns);
      return;
    }
    const auth = runtime?.metadata.annotations?.['enable-auth'] === 'true';
    this.client.apply({
      apiVersion: ROUTE_API,
      kind: 'Route',
      metadata: {
        name,
        namespace: ns,
        labels: { 'inferenceservice-name': name, 'modelmesh-serving-runtime': runtime!.metadata.name! },
        ownerReferences: [ownerReference({ ...isvc, apiVersion: ISVC_API, kind: 'InferenceService' })],
      },
      spec: {
        host: `${name}-${ns}.${this.ctx.settings.appsDomain}`,
        path: `/v2/models/${name}`,
        to: { kind: 'Service', name: 'modelmesh-serving', weight: 100 },
        port: { targetPort: auth ? 8443 : 8008 },
        tls: auth
          ? { termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect' }
          : { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
        wildcardPolicy: 'None',
      },
    });
  }
}

/** resources/authconfig.go kserveInferenceServiceHostExtractor.Extract: every URL host of the status, plus the short forms of the cluster-local ones, sorted. */
export function authConfigHosts(isvc: KObject): string[] {
  const urls: (string | undefined)[] = [isvc.status?.url, isvc.status?.address?.url];
  for (const comp of Object.values((isvc.status?.components ?? {}) as Record<string, KObject>)) {
    urls.push(comp.address?.url, comp.url, comp.grpcUrl, comp.restUrl, ...((comp.traffic ?? []) as KObject[]).map((t) => t.url));
  }
  const found = [...new Set(urls.filter((u): u is string => !!u).map((u) => new URL(u).hostname))];
  const hosts = [...found];
  for (const h of found)
    if (h.endsWith('.svc.cluster.local')) hosts.push(h.replace(/\.svc\.cluster\.local$/, ''), h.replace(/\.svc\.cluster\.local$/, '.svc'));
  return hosts.sort();
}

function isDataConnection(s: KObject): boolean {
  return s.metadata.labels?.['opendatahub.io/managed'] === 'true' && s.metadata.annotations?.['opendatahub.io/connection-type'] === 's3';
}

/** A data connection as the storage-config entry odh-model-controller writes for it. */
function storageEntry(s: KObject): Record<string, string> {
  const v = (k: string) => (typeof s.data?.[k] === 'string' ? Buffer.from(s.data[k], 'base64').toString('utf8') : '');
  return {
    type: 's3',
    access_key_id: v('AWS_ACCESS_KEY_ID'),
    secret_access_key: v('AWS_SECRET_ACCESS_KEY'),
    endpoint_url: v('AWS_S3_ENDPOINT'),
    bucket: v('AWS_S3_BUCKET'),
    default_bucket: v('AWS_S3_BUCKET'),
    region: v('AWS_DEFAULT_REGION'),
  };
}
