// odh-model-controller of RHOAI 2.9 (red-hat-data-services/odh-model-controller rhoai-2.9), the
// OpenShift glue around KServe and ModelMesh, while its Deployment is available in the applications
// namespace:
//   - storage-config: in every namespace with data connections (Secrets labelled
//     opendatahub.io/managed=true with annotation opendatahub.io/connection-type=s3) a Secret
//     storage-config with one key per connection (its name) whose value is the JSON
//     {type, access_key_id, secret_access_key, endpoint_url, bucket, default_bucket, region} that
//     KServe's storage initializer and ModelMesh's puller read (storageconfig_controller.go);
//   - for each KServe (Serverless) InferenceService, with the finalizer odh.inferenceservice.finalizers
//     so that it can clean up outside the namespace:
//       - the namespace joins the ServiceMeshMemberRoll `default` of istio-system (2.9 assumes that
//         mesh) and leaves it when its last KServe InferenceService goes;
//       - once status.url is set, a passthrough Route <isvc>-<namespace> in istio-system for its host
//         to the istio-ingressgateway Service (port https);
//       - token authorization: only when istio-system holds an AuthorizationPolicy with action
//         CUSTOM whose selector matches component=predictor (how 2.9 decides Authorino is there),
//         an AuthConfig <isvc> (authorino.kuadrant.io/v1beta2) in the namespace, labelled with the
//         Authorino instance's authConfigLabelSelectors, for the InferenceService's hosts: with
//         security.opendatahub.io/enable-auth=true a Kubernetes token that passes a TokenReview and
//         a SubjectAccessReview for `get services` in the namespace, otherwise anonymous access;
//   - for ModelMesh InferenceServices whose runtime has the annotation enable-route=true, the Route
//     <isvc> in the namespace to the Service modelmesh-serving, path /v2/models/<isvc>: edge TLS on
//     port 8008, or reencrypt on 8443 (the oauth-proxy) when the runtime has enable-auth=true
//     (mm_route_reconciler.go).
// Not modelled: the PeerAuthentication, NetworkPolicies, Telemetry and ServiceMonitors 2.9 also creates.
import type { TwinClient } from '../api/client';
import { ownerReference } from '../api/meta';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { applicationsNamespace, deploymentAvailable } from './kueue';
import { keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from './runtime';
import { DEPLOYMENT_MODE, ISVC_API, RUNTIME_API } from './serving-runtimes';

export const AUTH_PROVIDER_MISSING_FAULT = 'kserve-auth-provider-missing';

export const ODH_MODEL_CONTROLLER_FAULTS: FaultDefinition[] = [
  {
    name: AUTH_PROVIDER_MISSING_FAULT,
    description:
      "Token authorization has no provider: the CUSTOM AuthorizationPolicy that sends predictor requests to Authorino is not in effect (as on a cluster where it was never created), so odh-model-controller makes no AuthConfig and the predictors' sidecars let every request through — a request without a token gets an answer",
    caughtBy: '@req.TUT-FD-08',
    expectMessage: 'without a token',
  },
];

const MANAGER = 'odh-model-controller';
const MESH_NAMESPACE = 'istio-system';
const SMMR_API = 'maistra.io/v1';
const POLICY_API = 'security.istio.io/v1beta1';
const AUTHCONFIG_API = 'authorino.kuadrant.io/v1beta2';
const AUTHORINO_API = 'operator.authorino.kuadrant.io/v1beta1';
const ROUTE_API = 'route.openshift.io/v1';
const FINALIZER = 'odh.inferenceservice.finalizers';
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
    this.client.watch(RUNTIME_API, 'ServingRuntime', (_t, sr) => this.client.list(ISVC_API, 'InferenceService', sr.metadata.namespace).forEach((i) => this.isvcs.enqueue(keyOf(i))));
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
      if (live && live.metadata.annotations?.['opendatahub.io/managed-by'] === MANAGER) this.client.delete('v1', 'Secret', 'storage-config', ns);
      return;
    }
    const data: Record<string, string> = {};
    for (const s of connections) data[s.metadata.name!] = Buffer.from(JSON.stringify(storageEntry(s))).toString('base64');
    if (live && JSON.stringify(live.data ?? {}) === JSON.stringify(data)) return;
    this.client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'storage-config', namespace: ns, annotations: { 'opendatahub.io/managed-by': MANAGER } }, type: 'Opaque', data });
  }

  // ---- InferenceServices ----

  private reconcileIsvc(key: string): void {
    if (!this.running()) return;
    const { namespace, name } = splitKey(key);
    const isvc = this.client.get(ISVC_API, 'InferenceService', name, namespace);
    if (!isvc) return this.leaveMeshIfUnused(namespace!);
    const modelMesh = isvc.metadata.annotations?.[DEPLOYMENT_MODE] === 'ModelMesh';
    if (modelMesh) return this.modelMeshRoute(isvc);
    if (isvc.metadata.deletionTimestamp) return this.finalize(isvc);
    if (!(isvc.metadata.finalizers ?? []).includes(FINALIZER)) {
      this.client.patch(ISVC_API, 'InferenceService', name, namespace, [{ op: 'add', path: isvc.metadata.finalizers ? '/metadata/finalizers/-' : '/metadata/finalizers', value: isvc.metadata.finalizers ? FINALIZER : [FINALIZER] }], 'json');
    }
    this.joinMesh(namespace!);
    const url: string | undefined = isvc.status?.url;
    if (!url) return;
    const host = new URL(url).hostname;
    this.client.apply({
      apiVersion: ROUTE_API,
      kind: 'Route',
      metadata: { name: `${name}-${namespace}`, namespace: MESH_NAMESPACE, labels: { 'inferenceservice-name': name!, 'inferenceservice-namespace': namespace! } },
      spec: { host, to: { kind: 'Service', name: 'istio-ingressgateway', weight: 100 }, port: { targetPort: 'https' }, tls: { termination: 'passthrough', insecureEdgeTerminationPolicy: 'Redirect' }, wildcardPolicy: 'None' },
    });
    this.authConfig(isvc, host);
  }

  /** The AuthConfig of a KServe InferenceService, when the CUSTOM AuthorizationPolicy says Authorino is there. */
  private authConfig(isvc: KObject, host: string): void {
    const ns = isvc.metadata.namespace!;
    const name = isvc.metadata.name!;
    if (!this.authorizationAvailable()) {
      if (this.client.get(AUTHCONFIG_API, 'AuthConfig', name, ns)) this.client.delete(AUTHCONFIG_API, 'AuthConfig', name, ns);
      return;
    }
    const authRequired = isvc.metadata.annotations?.[ENABLE_AUTH] === 'true';
    const spec = authRequired
      ? {
          hosts: [host, `${name}-predictor.${ns}.svc.cluster.local`],
          authentication: { 'kubernetes-user': { credentials: { authorizationHeader: {} }, kubernetesTokenReview: { audiences: ['https://kubernetes.default.svc'] } } },
          authorization: {
            'kubernetes-rbac': {
              kubernetesSubjectAccessReview: {
                user: { selector: 'auth.identity.user.username' },
                resourceAttributes: { verb: { value: 'get' }, group: { value: '' }, resource: { value: 'services' }, namespace: { value: ns }, name: { value: name } },
              },
            },
          },
        }
      : { hosts: [host, `${name}-predictor.${ns}.svc.cluster.local`], authentication: { 'anonymous-access': { anonymous: {} } } };
    this.client.apply({
      apiVersion: AUTHCONFIG_API,
      kind: 'AuthConfig',
      metadata: { name, namespace: ns, labels: this.authConfigLabels(), ownerReferences: [ownerReference({ ...isvc, apiVersion: ISVC_API, kind: 'InferenceService' })] },
      spec,
    });
  }

  /** 2.9's check: an AuthorizationPolicy in istio-system with action CUSTOM selecting component=predictor. */
  private authorizationAvailable(): boolean {
    if (this.ctx.faults.has(AUTH_PROVIDER_MISSING_FAULT)) return false;
    return this.client.list(POLICY_API, 'AuthorizationPolicy', MESH_NAMESPACE).some((p) => !p.metadata.deletionTimestamp && p.spec?.action === 'CUSTOM' && p.spec?.selector?.matchLabels?.component === 'predictor');
  }

  /** The labels the Authorino instance selects AuthConfigs by (its authConfigLabelSelectors, key=value). */
  private authConfigLabels(): Record<string, string> {
    const ns = `${applicationsNamespace(this.client)}-auth-provider`;
    const selector: string = this.client.list(AUTHORINO_API, 'Authorino', ns)[0]?.spec?.authConfigLabelSelectors ?? 'security.opendatahub.io/authorization-group=default';
    return Object.fromEntries(selector.split(',').map((p) => p.split('=').map((s) => s.trim())).filter((kv) => kv.length === 2 && kv[0]));
  }

  private finalize(isvc: KObject): void {
    const ns = isvc.metadata.namespace!;
    const name = isvc.metadata.name!;
    if (this.client.get(ROUTE_API, 'Route', `${name}-${ns}`, MESH_NAMESPACE)) this.client.delete(ROUTE_API, 'Route', `${name}-${ns}`, MESH_NAMESPACE);
    this.leaveMeshIfUnused(ns, name);
    const finalizers = (isvc.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
    if (finalizers.length !== (isvc.metadata.finalizers ?? []).length) this.client.patch(ISVC_API, 'InferenceService', name, ns, { metadata: { finalizers, resourceVersion: isvc.metadata.resourceVersion } });
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
    const left = this.client.list(ISVC_API, 'InferenceService', ns).filter((i) => i.metadata.name !== leaving && !i.metadata.deletionTimestamp && i.metadata.annotations?.[DEPLOYMENT_MODE] !== 'ModelMesh');
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
    const runtime = isvc.spec?.predictor?.model?.runtime ? this.client.get(RUNTIME_API, 'ServingRuntime', isvc.spec.predictor.model.runtime, ns) : undefined;
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
      metadata: { name, namespace: ns, labels: { 'inferenceservice-name': name, 'modelmesh-serving-runtime': runtime!.metadata.name! }, ownerReferences: [ownerReference({ ...isvc, apiVersion: ISVC_API, kind: 'InferenceService' })] },
      spec: {
        host: `${name}-${ns}.${this.ctx.settings.appsDomain}`,
        path: `/v2/models/${name}`,
        to: { kind: 'Service', name: 'modelmesh-serving', weight: 100 },
        port: { targetPort: auth ? 8443 : 8008 },
        tls: auth ? { termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect' } : { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
        wildcardPolicy: 'None',
      },
    });
  }
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
