// ModelMesh Serving (modelmesh-serving 0.11, RHOAI 2.9's modelmesh-controller) while its Deployment
// is available in the applications namespace. Upstream it follows (red-hat-data-services, branch rhoai-2.9):
//   modelmesh-serving controllers/service_controller.go (namespaces served: modelMeshEnabled; the
//     Service modelmesh-serving with the annotation service.alpha.openshift.io/serving-cert-secret-name:
//     model-serving-proxy-tls, l.282-284), pkg/mmesh/modelmesh_service.go (its ports grpc 8033,
//     http 8008, https 8443, prometheus 2112, l.133-160), config/internal/base/deployment.yaml.tmpl (the
//     runtime Deployment: `mm`, and ALWAYS `oauth-proxy` on 8443 with the proxy-tls volume of the
//     Secret model-serving-proxy-tls, l.47-51 and l.127-173 — whatever the runtime's enable-auth
//     says: enable-auth only makes odh-model-controller's Route reencrypt to 8443),
//     controllers/modelmesh/{modelmesh.go, runtime.go, proxy.go} (the adapter and rest-proxy containers),
//     controllers/predictor_controller.go (model status);
//   rest-proxy proxy/marshaler.go (see twin/emulators/modelmesh.ts).
// It serves only namespaces labelled modelmesh-enabled=true (the label the dashboard sets on a
// project's first model server); in any other namespace its ServingRuntimes get no pods and its
// InferenceServices no status. There:
//   - each multi-model ServingRuntime becomes the Deployment modelmesh-serving-<runtime> (labels
//     modelmesh-service=modelmesh-serving, name=modelmesh-serving-<runtime>; spec.replicas of the
//     runtime) running the runtime's containers, its built-in adapter `<serverType>-adapter`, `mm`,
//     `rest-proxy` and `oauth-proxy` (8443, TLS from model-serving-proxy-tls); the models-dir emptyDir
//     at /models and the storage-config Secret at /storage-config. One Service modelmesh-serving per
//     namespace: grpc 8033, http 8008, https 8443, prometheus 2112, and the ServiceAccount
//     modelmesh-serving-sa;
//   - an InferenceService with serving.kserve.io/deploymentMode: ModelMesh goes to a multi-model
//     runtime that supports its format (the one it names, or one that auto-selects it); the model,
//     `<isvc>__isvc-<hash>`, is placed in the runtime's ready pods: the adapter pulls the storage
//     path and the model server loads it. Status as modelmesh-serving reports it: url and
//     components.predictor grpcUrl/restUrl (modelmesh-serving.<ns>:8033 / :8008), conditions
//     PredictorReady and Ready, modelStatus (Loading, Loaded with copies, FailedToLoad with
//     lastFailureInfo ModelLoadFailed and the puller's or runtime's message; InvalidSpec with
//     NoSupportingRuntime or RuntimeNotRecognized when no runtime fits).
// The twin places models eagerly in every ready runtime pod (ModelMesh loads on demand and keeps
// copies by use).
import { createHash } from 'node:crypto';
import type { TwinClient } from '../api/client';
import { ownerReference, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import { servingPodsOf } from '../emulators/serving-pods';
import type { FaultDefinition } from '../fault-definition';
import { applicationsNamespace, deploymentAvailable } from './kueue';
import { conditionOf, keyOf, setCondition, splitKey, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';
import { chooseRuntime, DEPLOYMENT_MODE, ISVC_API, modelStatus, RUNTIME_API, type Json, type ModelStatusInput } from './serving-runtimes';

export const MODELMESH_IGNORES_LABEL_FAULT = 'modelmesh-namespace-not-served';
export const MODELMESH_NAMESPACE_WATCH_FAULT = 'modelmesh-namespace-watch-missing';
export const MODELMESH_ONE_MODEL_FAULT = 'modelmesh-server-holds-one-model';
export const MODELMESH_EVERY_NAMESPACE_FAULT = 'modelmesh-serves-every-namespace';

export const MODELMESH_FAULTS: FaultDefinition[] = [
  {
    name: MODELMESH_IGNORES_LABEL_FAULT,
    description:
      'The ModelMesh controller does not serve namespaces labelled modelmesh-enabled=true (as when it watches only its own namespace): a multi-model server gets no pods and its models never load',
    caughtBy: '@req.TUT-FD-06',
    expectMessage: 'ModelMesh does not serve the project',
  },
  {
    name: MODELMESH_NAMESPACE_WATCH_FAULT,
    description:
      'The ModelMesh controller does not watch Namespaces (as with an RBAC or cache that leaves them out): a project switched to the multi-model platform gets no modelmesh-serving Service until a model server is added, and one switched back keeps it',
    caughtBy: '@req.UI-MOD-01',
    expectMessage: 'ModelMesh did not take up the project',
  },
  {
    name: MODELMESH_ONE_MODEL_FAULT,
    description:
      "A ModelMesh model server has room for one model only (as when its model cache is exhausted): the project's second model fails to load on the one model server",
    caughtBy: '@req.UI-MS-03',
    expectMessage: 'fraud-copy: the model failed to load',
  },
  {
    name: MODELMESH_EVERY_NAMESPACE_FAULT,
    description:
      'The ModelMesh controller serves every namespace, not only those labelled modelmesh-enabled=true (as a build without its namespace predicate): a multi-model server added to a single-model project gets a Deployment and pods there',
    caughtBy: '@req.UI-MS-01',
    expectMessage: 'in a single-model project',
  },
];

const MANAGER = 'modelmesh-controller';
const ENABLED_LABEL = 'modelmesh-enabled';
const SERVICE = 'modelmesh-serving';
const SERVICE_ACCOUNT = 'modelmesh-serving-sa';
/** deployment.yaml.tmpl's proxy-tls volume and service_controller.go's serving-cert annotation. */
const PROXY_TLS = 'model-serving-proxy-tls';
const IMAGE = (repo: string) => `registry.redhat.io/rhoai/${repo}@sha256:${createHash('sha256').update(`${repo}:v2.9.1`).digest('hex')}`;
const OAUTH_PROXY_IMAGE =
  'registry.redhat.io/openshift4/ose-oauth-proxy@sha256:4bef31eb993feb6f1096b51b4876c65a6fb1f4401fee97fa4f4542b6b7c9bc46';

/** A model placement in flight or done, per InferenceService and pod. */
interface Placement {
  spec: string;
  state: 'Loading' | 'Loaded' | 'FailedToLoad';
  message?: string;
}

export class ModelMeshController implements Controller {
  readonly name = MANAGER;
  private readonly client: TwinClient;
  private readonly runtimes: WorkQueue;
  private readonly isvcs: WorkQueue;
  /** `<ns>/<isvc>` → pod uid → placement. */
  private readonly placements = new Map<string, Map<string, Placement>>();

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor(MANAGER, 'redhat-ods-applications:modelmesh-controller');
    this.runtimes = new WorkQueue(`${MANAGER}/servingruntime`, ctx.settings.latencyMs, (k) => this.reconcileRuntime(k), ctx.settings.log);
    this.isvcs = new WorkQueue(`${MANAGER}/inferenceservice`, ctx.settings.latencyMs, (k) => this.reconcileIsvc(k), ctx.settings.log);
  }

  start(): void {
    const inNamespace = (ns: string) => {
      this.runtimes.enqueue(ns); // every runtime Deployment of the namespace, and its Service
      this.client.list(ISVC_API, 'InferenceService', ns).forEach((i) => this.isvcs.enqueue(keyOf(i)));
    };
    this.client.watch(RUNTIME_API, 'ServingRuntime', (_t, r) => inNamespace(r.metadata.namespace!));
    this.client.watch(ISVC_API, 'InferenceService', (type, i) => {
      if (type === 'DELETED') this.unplace(i);
      else this.isvcs.enqueue(keyOf(i));
    });
    // service_controller.go watches Namespaces (cluster scope): a label change is reconciled at once.
    if (!this.ctx.faults.has(MODELMESH_NAMESPACE_WATCH_FAULT))
      this.client.watch('v1', 'Namespace', (_t, ns) => inNamespace(ns.metadata.name!));
    this.client.watch('v1', 'Secret', (_t, s) => s.metadata.name === 'storage-config' && inNamespace(s.metadata.namespace!));
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      if (d.metadata.name === MANAGER) this.client.list('v1', 'Namespace').forEach((n) => inNamespace(n.metadata.name!));
      else if (d.metadata.labels?.['modelmesh-service'] === SERVICE) inNamespace(d.metadata.namespace!);
    });
    this.client.watch('v1', 'Pod', (_t, p) => p.metadata.labels?.['modelmesh-service'] === SERVICE && inNamespace(p.metadata.namespace!));
  }

  private running(): boolean {
    return deploymentAvailable(this.client, MANAGER, applicationsNamespace(this.client));
  }

  private served(ns: string): boolean {
    const namespace = this.client.get('v1', 'Namespace', ns);
    return (
      !!namespace &&
      !namespace.metadata.deletionTimestamp &&
      (namespace.metadata.labels?.[ENABLED_LABEL] === 'true' || this.ctx.faults.has(MODELMESH_EVERY_NAMESPACE_FAULT)) &&
      !this.ctx.faults.has(MODELMESH_IGNORES_LABEL_FAULT)
    );
  }

  // ---- runtimes ----

  private reconcileRuntime(ns: string): void {
    if (!this.running()) return;
    const served = this.served(ns);
    const runtimes = served
      ? this.client
          .list(RUNTIME_API, 'ServingRuntime', ns)
          .filter((r) => r.spec?.multiModel === true && !r.spec?.disabled && !r.metadata.deletionTimestamp)
      : [];
    const wanted = new Set(runtimes.map((r) => `${SERVICE}-${r.metadata.name}`));
    for (const d of this.client.list('apps/v1', 'Deployment', ns, { labelSelector: `modelmesh-service=${SERVICE}` })) {
      if (!wanted.has(d.metadata.name!)) this.client.delete('apps/v1', 'Deployment', d.metadata.name!, ns);
    }
    const labels = {
      'app.kubernetes.io/instance': MANAGER,
      'app.kubernetes.io/managed-by': MANAGER,
      'app.kubernetes.io/name': MANAGER,
      'modelmesh-service': SERVICE,
    };
    // service_controller.go Reconcile: a namespace that is no longer served loses its Service; a
    // served one has it, owned by the Namespace, whether or not it has a model server yet.
    if (!served) {
      if (this.client.get('v1', 'Service', SERVICE, ns)?.metadata.labels?.['modelmesh-service'] === SERVICE)
        this.client.delete('v1', 'Service', SERVICE, ns);
      return;
    }
    const namespace = this.client.get('v1', 'Namespace', ns)!;
    this.client.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: SERVICE,
        namespace: ns,
        labels,
        annotations: { 'service.alpha.openshift.io/serving-cert-secret-name': PROXY_TLS },
        ownerReferences: [ownerReference({ ...namespace, apiVersion: 'v1', kind: 'Namespace' })],
      },
      spec: {
        selector: { 'modelmesh-service': SERVICE },
        ports: [
          { name: 'grpc', port: 8033, targetPort: 'grpc', protocol: 'TCP' },
          { name: 'http', port: 8008, targetPort: 'http', protocol: 'TCP' },
          { name: 'https', port: 8443, targetPort: 'https', protocol: 'TCP' },
          { name: 'prometheus', port: 2112, targetPort: 'prometheus', protocol: 'TCP' },
        ],
      },
    });
    if (!runtimes.length) return;
    if (!this.client.get('v1', 'ServiceAccount', SERVICE_ACCOUNT, ns))
      this.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SERVICE_ACCOUNT, namespace: ns, labels } });
    for (const r of runtimes) this.client.apply(this.runtimeDeployment(r, labels));
  }

  private runtimeDeployment(runtime: KObject, labels: Record<string, string>): KObject {
    const ns = runtime.metadata.namespace!;
    const name = `${SERVICE}-${runtime.metadata.name}`;
    const adapter = runtime.spec?.builtInAdapter ?? {};
    const serverType: string = adapter.serverType ?? 'custom';
    const podLabels = { ...labels, name, ...(runtime.spec?.labels ?? {}) };
    const models = { name: 'models-dir', mountPath: '/models' };
    const containers: Json[] = [
      ...((runtime.spec?.containers ?? []) as Json[]).map((c) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), models] })),
      {
        name: `${serverType}-adapter`,
        image: IMAGE('odh-modelmesh-runtime-adapter-rhel8'),
        command: ['/opt/app/ovms-adapter'],
        env: [
          { name: 'ADAPTER_PORT', value: '8085' },
          { name: 'RUNTIME_PORT', value: String(adapter.runtimeManagementPort ?? 8888) },
          { name: 'RUNTIME_DATA_ENDPOINT', value: runtime.spec?.grpcDataEndpoint ?? 'port:8001' },
          { name: 'MEM_BUFFER_BYTES', value: String(adapter.memBufferBytes ?? 134217728) },
          { name: 'LOADTIME_TIMEOUT', value: String(adapter.modelLoadingTimeoutMillis ?? 90000) },
          { name: 'USE_EMBEDDED_PULLER', value: 'true' },
          ...((adapter.env ?? []) as Json[]),
        ],
        volumeMounts: [models, { name: 'storage-config', mountPath: '/storage-config', readOnly: true }],
      },
      {
        name: 'mm',
        image: IMAGE('odh-modelmesh-rhel8'),
        env: [
          { name: 'MM_SERVICE_NAME', value: SERVICE },
          { name: 'MM_SVC_GRPC_PORT', value: '8033' },
          { name: 'WKUBE_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'MM_LOCATION', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        ],
        ports: [
          { name: 'grpc', containerPort: 8033, protocol: 'TCP' },
          { name: 'prometheus', containerPort: 2112, protocol: 'TCP' },
        ],
      },
      {
        name: 'rest-proxy',
        image: IMAGE('odh-mm-rest-proxy-rhel8'),
        env: [
          { name: 'REST_PROXY_LISTEN_PORT', value: '8008' },
          { name: 'REST_PROXY_GRPC_PORT', value: '8033' },
        ],
        ports: [{ name: 'http', containerPort: 8008, protocol: 'TCP' }],
      },
      {
        name: 'oauth-proxy',
        image: OAUTH_PROXY_IMAGE,
        args: [
          '--https-address=:8443',
          '--provider=openshift',
          `--openshift-service-account=${SERVICE_ACCOUNT}`,
          '--upstream=http://localhost:8008',
          '--tls-cert=/etc/tls/private/tls.crt',
          '--tls-key=/etc/tls/private/tls.key',
          '--cookie-secret=SECRET',
          `--openshift-delegate-urls={"/": {"namespace": "${ns}", "resource": "services", "verb": "get"}}`,
          `--openshift-sar={"namespace": "${ns}", "resource": "services", "verb": "get"}`,
          "--skip-auth-regex='(^/metrics|^/apis/v1beta1/healthz)'",
        ],
        ports: [{ name: 'https', containerPort: 8443, protocol: 'TCP' }],
        volumeMounts: [{ name: 'proxy-tls', mountPath: '/etc/tls/private' }],
      },
    ];
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: ns,
        labels: podLabels,
        ownerReferences: [ownerReference({ ...runtime, apiVersion: RUNTIME_API, kind: 'ServingRuntime' })],
      },
      spec: {
        replicas: runtime.spec?.replicas ?? 1,
        selector: { matchLabels: { 'modelmesh-service': SERVICE, name } },
        template: {
          metadata: {
            labels: podLabels,
            annotations: { ...(runtime.spec?.annotations ?? {}), 'prometheus.io/port': '2112', 'prometheus.io/scrape': 'true' },
          },
          spec: {
            serviceAccountName: SERVICE_ACCOUNT,
            containers,
            volumes: [
              { name: 'models-dir', emptyDir: { sizeLimit: '1536Mi' } },
              { name: 'storage-config', secret: { secretName: 'storage-config', defaultMode: 420 } },
              // The service CA's certificate for the modelmesh-serving Service (its serving-cert annotation), served by oauth-proxy.
              { name: 'proxy-tls', secret: { secretName: PROXY_TLS, defaultMode: 420 } },
              ...((runtime.spec?.volumes ?? []) as Json[]),
            ],
            ...(runtime.spec?.nodeSelector ? { nodeSelector: runtime.spec.nodeSelector } : {}),
            ...(runtime.spec?.tolerations ? { tolerations: runtime.spec.tolerations } : {}),
          },
        },
      },
    };
  }

  // ---- InferenceServices ----

  private reconcileIsvc(key: string): void {
    if (!this.running()) return;
    const { namespace, name } = splitKey(key);
    const isvc = this.client.get(ISVC_API, 'InferenceService', name, namespace);
    if (!isvc || isvc.metadata.deletionTimestamp) return;
    if (isvc.metadata.annotations?.[DEPLOYMENT_MODE] !== 'ModelMesh' || !this.served(namespace!)) return;
    const choice = chooseRuntime(this.client, isvc, { multiModel: true });
    if (!choice.runtime) {
      const f = choice.failure!;
      const message = f.reason === 'NoSupportingRuntime' ? 'No ServingRuntime supports specified model type and/or protocol' : f.message;
      return this.writeStatus(isvc, 'False', f.reason, message, {
        state: 'FailedToLoad',
        transition: 'InvalidSpec',
        failure: { reason: f.reason, message },
      });
    }
    const model = isvc.spec?.predictor?.model ?? {};
    const storageKey: string | undefined = model.storage?.key;
    if (!storageKey)
      return this.writeStatus(isvc, 'False', 'InvalidPredictorSpec', 'the predictor names no storage.key (data connection)', {
        state: 'FailedToLoad',
        transition: 'InvalidSpec',
        failure: { reason: 'InvalidPredictorSpec', message: 'the predictor names no storage.key (data connection)' },
      });
    const deployment = `${SERVICE}-${choice.runtime.metadata.name}`;
    const pods = this.client
      .list('v1', 'Pod', namespace, { labelSelector: `modelmesh-service=${SERVICE},name=${deployment}` })
      .filter((p) => !p.metadata.deletionTimestamp && conditionOf(p, 'Ready')?.status === 'True');
    const modelId = `${name}__isvc-${createHash('sha256').update(`${isvc.metadata.uid}`).digest('hex').slice(0, 10)}`;
    const spec = JSON.stringify({
      runtime: choice.runtime.metadata.name,
      storageKey,
      path: model.storage?.path ?? '',
      bucket: model.storage?.parameters?.bucket,
      modelId,
    });
    const placements = this.placements.get(key) ?? new Map<string, Placement>();
    this.placements.set(key, placements);
    for (const uid of [...placements.keys()]) if (!pods.some((p) => p.metadata.uid === uid)) placements.delete(uid);
    for (const pod of pods) {
      const uid = pod.metadata.uid!;
      if (placements.get(uid)?.spec === spec) continue;
      const adapter = servingPodsOf(this.ctx).of(uid).adapter;
      if (!adapter) continue; // its containers have not started yet: the pod's next event brings it back
      const placement: Placement = { spec, state: 'Loading' };
      placements.set(uid, placement);
      const other = [...adapter.vModels.keys()].find((v) => v !== name);
      if (this.ctx.faults.has(MODELMESH_ONE_MODEL_FAULT) && other) {
        placement.state = 'FailedToLoad';
        placement.message = `RESOURCE_EXHAUSTED: not enough space in the model cache of ${pod.metadata.name} to load ${modelId} (it holds ${other})`;
        continue;
      }
      adapter
        .load({ modelId, vModel: name!, storageKey, path: String(model.storage?.path ?? ''), bucket: model.storage?.parameters?.bucket })
        .then(
          () => (placement.state = 'Loaded'),
          (err: Error & { line?: string }) => {
            placement.state = 'FailedToLoad';
            placement.message = err.line ?? err.message;
          },
        )
        .finally(() => this.isvcs.enqueue(key));
    }
    const all = [...placements.values()].filter((p) => p.spec === spec);
    const loaded = all.filter((p) => p.state === 'Loaded').length;
    const failed = all.find((p) => p.state === 'FailedToLoad');
    const restUrl = `http://${SERVICE}.${namespace}:8008`;
    const grpcUrl = `grpc://${SERVICE}.${namespace}:8033`;
    const urls = { url: grpcUrl, address: { url: grpcUrl }, components: { predictor: { grpcUrl, restUrl, url: grpcUrl } } };
    if (loaded)
      return this.writeStatus(isvc, 'True', undefined, undefined, { state: 'Loaded', transition: 'UpToDate', copies: loaded }, urls);
    if (failed)
      return this.writeStatus(
        isvc,
        'False',
        'ModelLoadFailed',
        failed.message ?? 'the model failed to load',
        {
          state: 'FailedToLoad',
          transition: 'BlockedByFailedLoad',
          copies: 0,
          failure: { reason: 'ModelLoadFailed', message: failed.message ?? 'the model failed to load', modelRevisionName: modelId },
        },
        urls,
      );
    const waiting = pods.length ? 'Loading' : 'Waiting for runtime Pod to become available';
    this.writeStatus(
      isvc,
      'False',
      pods.length ? 'Loading' : 'RuntimeNotReady',
      `${waiting} (${deployment})`,
      { state: pods.length ? 'Loading' : 'Pending', transition: 'InProgress' },
      urls,
    );
  }

  private unplace(isvc: KObject): void {
    const key = keyOf(isvc);
    const placements = this.placements.get(key);
    this.placements.delete(key);
    for (const uid of placements?.keys() ?? []) servingPodsOf(this.ctx).of(uid).adapter?.unload(isvc.metadata.name!);
  }

  private writeStatus(
    isvc: KObject,
    ready: 'True' | 'False',
    reason: string | undefined,
    message: string | undefined,
    model: ModelStatusInput,
    extra: Json = {},
  ): void {
    const now = timestamp();
    model.failureTime =
      isvc.status?.modelStatus?.lastFailureInfo?.message === model.failure?.message
        ? isvc.status?.modelStatus?.lastFailureInfo?.time
        : undefined;
    let conditions: Condition[] = isvc.status?.conditions ?? [];
    for (const type of ['PredictorReady', 'Ready']) conditions = setCondition(conditions, { type, status: ready, reason, message }, now);
    conditions = conditions.map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Condition);
    const status: Json = { ...extra, observedGeneration: isvc.metadata.generation, conditions, modelStatus: modelStatus(model, now) };
    const current = isvc.status ?? {};
    if (Object.entries(status).every(([k, v]) => JSON.stringify(current[k]) === JSON.stringify(v))) return;
    this.client.patchStatus(ISVC_API, 'InferenceService', isvc.metadata.name!, isvc.metadata.namespace, status);
  }
}
