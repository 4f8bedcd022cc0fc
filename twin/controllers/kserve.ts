// Follows red-hat-data-services/kserve, branch rhoai-2.9: pkg/controller/v1beta1/inferenceservice/
// controller.go (Serverless rejected without Knative Services), components/predictor.go (the
// predictor's annotations), reconcilers/knative/ksvc_reconciler.go (the Knative Service template),
// pkg/apis/serving/v1beta1/inference_service_status.go (PropagateStatus, PropagateModelStatus),
// pkg/constants/constants.go (ServiceAnnotationDisallowedList).
// KServe 0.11 (RHOAI 2.9's kserve-controller-manager) serving InferenceServices in the Serverless
// deployment mode, the cluster default RHOAI 2.9 configures (the dashboard sets no
// serving.kserve.io/deploymentMode for single-model serving). While kserve-controller-manager is
// available it requires what the real controller requires and reports what it reports:
//   - a ServingRuntime for the predictor: the one spec.predictor.model.runtime names (it must exist,
//     be enabled, be single-model and support the model's format and version), else one that
//     auto-selects the format. Otherwise the reconcile fails: modelStatus.transitionStatus
//     InvalidSpec with lastFailureInfo (RuntimeNotRecognized "Waiting for runtime to become
//     available", RuntimeDisabled, NoSupportingRuntime "Specified runtime does not support
//     specified framework/version" / "No runtime found to support specified framework/version")
//     and a Warning InternalError event with the error, and no predictor is made;
//   - the model's storage: storage.key names an entry of the namespace's storage-config Secret
//     (odh-model-controller writes it from the data connections) and storage.path the prefix in
//     its bucket; the storage initializer (an init container) copies the prefix into /mnt/models;
//   - the namespace in the service mesh (a configured member of the ServiceMeshMemberRoll
//     `default` in istio-system, which odh-model-controller asks for): until then the twin waits
//     rather than start predictor pods without their sidecar (PredictorReady Unknown says so).
// Without Knative Services (no Ready KnativeServing: OpenShift Serverless has not installed Knative
// Serving) a Serverless InferenceService is rejected — a Warning ServerlessModeRejected event and no
// status, never Ready (controller.go, rhoai-2.9, lines 169-181).
// What it makes, in Knative's names (the twin keeps no Knative Service/Configuration/Revision
// objects; their generations live on the revision Deployments): the ISVC's predictor template —
// the ISVC's annotations minus ServiceAnnotationDisallowedList (min/max-scale, the internal
// storage-initializer source URI, kubectl's last-applied-configuration), so
// security.opendatahub.io/enable-auth and openshift.io/display-name ARE copied, as
// components/predictor.go (rhoai-2.9, lines 74-80) and constants.go (line 328) do — is the Knative
// Service's template: each change of it is a new generation of the Knative Service and a new
// revision <isvc>-predictor-0000N, a Deployment <revision>-deployment (labels
// serving.kserve.io/inferenceservice, component=predictor, serving.knative.dev/*, the storage-initializer
// init container and the kserve-provision-location volume; the runtime's containers with {{.Name}}
// resolved). Traffic (the Service <isvc>-predictor, port 80 to the runtime's first container port)
// stays on the latest ready revision until the new one is ready; then the older revisions' pods go
// (Knative scales them to zero; the twin deletes their Deployments). Status, as PropagateStatus
// (pkg/apis/serving/v1beta1/inference_service_status.go, rhoai-2.9, lines 361-430) copies it from
// the Knative Service: observedGeneration is the KNATIVE SERVICE's observed generation (line 429),
// not the InferenceService's — an annotation change leaves metadata.generation alone while the
// Knative Service's goes up, so the two need not ever be equal; components.predictor
// latestCreatedRevision / latestReadyRevision / latestRolledoutRevision / traffic; url
// https://<isvc>-<ns>.<apps domain>, address.url; conditions PredictorReady / IngressReady / Ready
// as Knative's Ready (True only when the latest created revision is ready; Unknown RevisionMissing
// while it comes up; False RevisionFailed with the container's termination message when its
// storage initializer or its model server fails), and modelStatus (Pending, Loading while the
// storage initializer runs, Loaded, FailedToLoad with lastFailureInfo ModelLoadFailed).
// The ingress gateway's routing of these hosts to the predictor is mesh-traffic.ts.
import { createHash } from 'node:crypto';
import type { TwinClient } from '../api/client';
import { ownerReference, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { applicationsNamespace, deploymentAvailable } from './kueue';
import { MeshTraffic } from './mesh-traffic';
import { AUTH_PROVIDER_MISSING_FAULT } from './odh-model-controller';
import { keyOf, setCondition, splitKey, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';
import { chooseRuntime, DEPLOYMENT_MODE, ISVC_API, modelStatus, RUNTIME_API, type Json, type ModelStatusInput } from './serving-runtimes';

export const RUNTIME_WITHOUT_ONNX_FAULT = 'kserve-runtime-without-onnx';
export const DROPS_SIDECAR_FAULT = 'kserve-drops-sidecar-annotation';

export const KSERVE_FAULTS: FaultDefinition[] = [
  {
    name: 'kserve-model-path-missing',
    description:
      'The model is not where the InferenceService says: KServe\'s storage initializer finds no object under the storage path in the data connection\'s bucket (as when the model was uploaded under another prefix), exits with "No model found", and the predictor never starts (FailedToLoad)',
    caughtBy: '@req.TUT-FD-05',
    expectMessage: 'No model found',
  },
  {
    name: RUNTIME_WITHOUT_ONNX_FAULT,
    description:
      'KServe finds no onnx in the ServingRuntime\'s supportedModelFormats (as with a runtime copied from an OpenVINO template that does not list onnx/1): the onnx model\'s InferenceService gets no predictor, NoSupportingRuntime "Specified runtime does not support specified framework/version"',
    caughtBy: '@req.UI-MS-02',
    expectMessage: 'does not support specified framework/version',
  },
  {
    name: DROPS_SIDECAR_FAULT,
    description:
      "KServe leaves sidecar.istio.io/inject out of the predictor's template (as a ServiceAnnotationDisallowedList that filtered it would): the predictor pods run without istio-proxy, the ingress gateway still reaches them, but the CUSTOM AuthorizationPolicy never applies — a token-protected model answers without a token",
    caughtBy: '@req.TUT-FD-07',
    expectMessage: 'without the istio-proxy sidecar',
  },
];

const MANAGER = 'kserve-controller-manager';
const KNATIVE_SERVING_API = 'operator.knative.dev/v1beta1';
const TEMPLATE_HASH = 'twin.rhoai-harness/predictor-template-hash';
const GENERATION_LABEL = 'serving.knative.dev/configurationGeneration';
/** KServe's ServiceAnnotationDisallowedList (pkg/constants/constants.go, rhoai-2.9, line 328). */
const DISALLOWED_ANNOTATIONS = [
  'autoscaling.knative.dev/min-scale',
  'autoscaling.knative.dev/max-scale',
  'internal.serving.kserve.io/storage-initializer-sourceuri',
  'kubectl.kubernetes.io/last-applied-configuration',
];
const revisionName = (service: string, generation: number) => `${service}-${String(generation).padStart(5, '0')}`;
const ISVC_LABEL = 'serving.kserve.io/inferenceservice';
const MEMBER_OF = 'maistra.io/member-of';
const MESH_NAMESPACE = 'istio-system';
const PROVISION_VOLUME = 'kserve-provision-location';
const STORAGE_INITIALIZER_IMAGE =
  'registry.redhat.io/rhoai/odh-kserve-storage-initializer-rhel8@sha256:8e3b6c9a1d0f2e4b7a5c3d1e9f8b6a4c2e0d8f6b4a2c0e8d6f4b2a0c8e6d4f2b';

export class KServeController implements Controller {
  readonly name = MANAGER;
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  private readonly traffic: MeshTraffic;
  /** InferenceService uids that have been reported Ready (the InferenceServiceReady event is sent once). */
  private readonly announced = new Set<string>();
  /** InferenceService uids told that Serverless mode is rejected (the event is sent once). */
  private readonly rejected = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor(MANAGER, 'redhat-ods-applications:kserve-controller-manager');
    this.queue = new WorkQueue(MANAGER, ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
    this.traffic = new MeshTraffic(ctx, { ignoreCustomPolicies: () => ctx.faults.has(AUTH_PROVIDER_MISSING_FAULT) });
  }

  start(): void {
    this.traffic.start();
    const all = () => this.client.list(ISVC_API, 'InferenceService').forEach((i) => this.queue.enqueue(keyOf(i)));
    const inNamespace = (ns: string | undefined) =>
      ns && this.client.list(ISVC_API, 'InferenceService', ns).forEach((i) => this.queue.enqueue(keyOf(i)));
    this.client.watch(ISVC_API, 'InferenceService', (type, isvc) => type !== 'DELETED' && this.queue.enqueue(keyOf(isvc)));
    this.client.watch(RUNTIME_API, 'ServingRuntime', (_t, sr) => inNamespace(sr.metadata.namespace));
    this.client.watch(RUNTIME_API, 'ClusterServingRuntime', all);
    this.client.watch('v1', 'Secret', (_t, s) => s.metadata.name === 'storage-config' && inNamespace(s.metadata.namespace));
    this.client.watch('v1', 'Namespace', (_t, ns) => inNamespace(ns.metadata.name));
    this.client.watch(KNATIVE_SERVING_API, 'KnativeServing', all);
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      if (d.metadata.name === MANAGER) all();
      const owner = d.metadata.labels?.[ISVC_LABEL];
      if (owner) this.queue.enqueue(`${d.metadata.namespace}/${owner}`);
    });
    this.client.watch('v1', 'Pod', (_t, p) => {
      const owner = p.metadata.labels?.[ISVC_LABEL];
      if (owner && p.metadata.labels?.component === 'predictor') this.queue.enqueue(`${p.metadata.namespace}/${owner}`);
    });
  }

  /**
   * Knative Services are served (their CRD established) once OpenShift Serverless has installed
   * Knative Serving: the twin takes a Ready KnativeServing as that sign (it installs no Knative CRDs).
   */
  private knativeServicesAvailable(): boolean {
    return this.client
      .list(KNATIVE_SERVING_API, 'KnativeServing')
      .some((ks) => (ks.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True'));
  }

  private running(): boolean {
    return deploymentAvailable(this.client, MANAGER, applicationsNamespace(this.client));
  }

  private reconcile(key: string): void {
    if (!this.running()) return;
    const { namespace, name } = splitKey(key);
    const isvc = this.client.get(ISVC_API, 'InferenceService', name, namespace);
    if (!isvc || isvc.metadata.deletionTimestamp) return;
    const mode = isvc.metadata.annotations?.[DEPLOYMENT_MODE] ?? 'Serverless';
    if (mode === 'ModelMesh') return; // ModelMesh's controller serves it (modelmesh.ts)
    if (!this.knativeServicesAvailable()) {
      // controller.go (rhoai-2.9, lines 169-181): Serverless without Knative Services is rejected, no status.
      if (!this.rejected.has(isvc.metadata.uid!))
        this.client.event(
          isvc,
          'Warning',
          'ServerlessModeRejected',
          'It is not possible to use Serverless deployment mode when Knative Services are not available',
        );
      this.rejected.add(isvc.metadata.uid!);
      return;
    }
    const choice = chooseRuntime(this.client, isvc, {
      multiModel: false,
      hiddenFormats: this.ctx.faults.has(RUNTIME_WITHOUT_ONNX_FAULT) ? ['onnx'] : [],
    });
    if (!choice.runtime) {
      const f = choice.failure!;
      this.writeStatus(isvc, {
        modelStatus: modelStatus(
          {
            state: 'Pending',
            transition: 'InvalidSpec',
            failure: { reason: f.reason, message: f.message },
            failureTime: isvc.status?.modelStatus?.lastFailureInfo?.time,
          },
          timestamp(),
        ),
      });
      this.client.event(isvc, 'Warning', 'InternalError', `fails to reconcile predictor: ${f.error}`);
      return;
    }
    const storage = this.storage(isvc);
    if ('problem' in storage)
      return this.notReady(isvc, 'False', 'RevisionFailed', storage.problem, { state: 'Pending', transition: 'InProgress' });
    if (this.client.get('v1', 'Namespace', namespace!)?.metadata.labels?.[MEMBER_OF] !== MESH_NAMESPACE) {
      return this.notReady(
        isvc,
        'Unknown',
        'RevisionMissing',
        `Namespace ${namespace} is not yet a configured member of the service mesh (ServiceMeshMemberRoll ${MESH_NAMESPACE}/default): the predictor waits, to start with its Istio sidecar`,
        { state: 'Pending', transition: 'InProgress' },
      );
    }
    this.ensurePredictor(isvc, choice.runtime, storage);
    this.updateStatus(isvc);
  }

  /** The storage initializer's source URI and its credentials entry (storage spec), or the plain storageUri. */
  private storage(isvc: KObject): { uri: string; key?: string } | { problem: string } {
    const model = isvc.spec?.predictor?.model ?? {};
    if (model.storageUri) return { uri: String(model.storageUri) };
    const key: string | undefined = model.storage?.key;
    const path = String(model.storage?.path ?? '').replace(/^\/+/, '');
    if (!key) return { problem: 'the predictor names neither storageUri nor storage.key' };
    const secret = this.client.get('v1', 'Secret', 'storage-config', isvc.metadata.namespace);
    const raw = secret?.data?.[key];
    if (raw === undefined)
      return {
        problem: `Revision "${isvc.metadata.name}-predictor" failed with message: the storage-config secret of namespace ${isvc.metadata.namespace} has no entry ${key} (no data connection of that name?)`,
      };
    let entry: KObject;
    try {
      entry = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
    } catch {
      return { problem: `the storage-config entry ${key} is not JSON` };
    }
    const bucket = model.storage?.parameters?.bucket ?? entry.bucket ?? entry.default_bucket;
    if (!bucket) return { problem: `the storage-config entry ${key} names no bucket` };
    return { uri: `${entry.type ?? 's3'}://${bucket}/${path}`, key };
  }

  /** The revision Deployments of the InferenceService's predictor, oldest generation first. */
  private revisions(isvc: KObject): KObject[] {
    return this.client
      .list('apps/v1', 'Deployment', isvc.metadata.namespace, { labelSelector: `${ISVC_LABEL}=${isvc.metadata.name},component=predictor` })
      .filter((d) => !d.metadata.deletionTimestamp && d.metadata.labels?.[GENERATION_LABEL])
      .sort((x, y) => revisionGeneration(x) - revisionGeneration(y));
  }

  private ensurePredictor(isvc: KObject, runtime: KObject, storage: { uri: string; key?: string }): void {
    const ns = isvc.metadata.namespace!;
    const name = isvc.metadata.name!;
    const service = `${name}-predictor`;
    const predictor = isvc.spec.predictor ?? {};
    const model = predictor.model ?? {};
    const labels: Record<string, string> = {
      ...(isvc.metadata.labels ?? {}),
      ...(predictor.labels ?? {}),
      component: 'predictor',
      [ISVC_LABEL]: name,
      'serving.knative.dev/configuration': service,
      'serving.knative.dev/service': service,
      'serving.kserve.io/servingruntime': runtime.metadata.name!,
    };
    const annotations: Record<string, string> = {
      // Every annotation of the InferenceService but the disallowed ones (predictor.go, lines 74-80):
      // ticking "Require token authentication" changes the template, so a new revision rolls out.
      ...Object.fromEntries(
        Object.entries(isvc.metadata.annotations ?? {}).filter(
          ([k]) => !DISALLOWED_ANNOTATIONS.includes(k) && !(k === 'sidecar.istio.io/inject' && this.ctx.faults.has(DROPS_SIDECAR_FAULT)),
        ),
      ),
      ...(runtime.spec?.annotations ?? {}),
      ...(predictor.annotations ?? {}),
      'autoscaling.knative.dev/min-scale': String(predictor.minReplicas ?? 1),
      ...(predictor.maxReplicas ? { 'autoscaling.knative.dev/max-scale': String(predictor.maxReplicas) } : {}),
      'serving.kserve.io/storage-initializer-sourceuri': storage.uri,
      'internal.serving.kserve.io/storage-initializer-sourceuri': storage.uri,
    };
    const resolve = (s: unknown) => String(s).replaceAll('{{.Name}}', name);
    const containers = ((runtime.spec?.containers ?? []) as Json[]).map((c, i) => {
      const main =
        c.name === 'kserve-container' || (i === 0 && !(runtime.spec.containers as Json[]).some((x) => x.name === 'kserve-container'));
      const out: Json = {
        ...c,
        ...(c.args ? { args: (c.args as unknown[]).map(resolve) } : {}),
        ...(c.command ? { command: (c.command as unknown[]).map(resolve) } : {}),
      };
      // The storage initializer's volume is mounted into kserve-container and, when there is one, transformer-container.
      if (c.name === 'transformer-container')
        return {
          ...out,
          volumeMounts: [...(out.volumeMounts ?? []), { name: PROVISION_VOLUME, mountPath: '/mnt/models', readOnly: true }],
        };
      if (!main) return out;
      return {
        ...out,
        ...(model.args ? { args: [...(out.args ?? []), ...model.args] } : {}),
        ...(model.env ? { env: [...(out.env ?? []), ...model.env] } : {}),
        ...(model.resources ? { resources: model.resources } : {}),
        volumeMounts: [...(out.volumeMounts ?? []), { name: PROVISION_VOLUME, mountPath: '/mnt/models', readOnly: true }],
      };
    });
    const initContainer: Json = {
      name: 'storage-initializer',
      image: STORAGE_INITIALIZER_IMAGE,
      args: [storage.uri, '/mnt/models'],
      ...(storage.key
        ? { env: [{ name: 'STORAGE_CONFIG', valueFrom: { secretKeyRef: { name: 'storage-config', key: storage.key } } }] }
        : {}),
      resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m', memory: '100Mi' } },
      terminationMessagePolicy: 'FallbackToLogsOnError',
      volumeMounts: [{ name: PROVISION_VOLUME, mountPath: '/mnt/models' }],
    };
    const owner = ownerReference({ ...isvc, apiVersion: ISVC_API, kind: 'InferenceService' });
    const podSpec = {
      serviceAccountName: predictor.serviceAccountName ?? 'default',
      initContainers: [initContainer],
      containers,
      volumes: [
        ...((runtime.spec?.volumes ?? []) as Json[]),
        ...((predictor.volumes ?? []) as Json[]),
        { name: PROVISION_VOLUME, emptyDir: {} },
      ],
      ...(runtime.spec?.nodeSelector ? { nodeSelector: runtime.spec.nodeSelector } : {}),
      ...(runtime.spec?.tolerations ? { tolerations: runtime.spec.tolerations } : {}),
    };
    const replicas = Math.max(1, Number(predictor.minReplicas ?? 1));
    // The Knative Service's template: a change of it is a new generation and a new revision.
    const hash = createHash('sha256').update(JSON.stringify({ labels, annotations, podSpec, replicas })).digest('hex').slice(0, 16);
    const revisions = this.revisions(isvc);
    const latest = revisions[revisions.length - 1];
    const generation =
      latest && latest.metadata.annotations?.[TEMPLATE_HASH] === hash
        ? revisionGeneration(latest)
        : (latest ? revisionGeneration(latest) : 0) + 1;
    const revision = revisionName(service, generation);
    const revisionLabels = { ...labels, app: revision, [GENERATION_LABEL]: String(generation), 'serving.knative.dev/revision': revision };
    const selector = { app: revision, 'serving.knative.dev/revision': revision };
    if (!latest || revisionGeneration(latest) !== generation) {
      this.client.apply({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: `${revision}-deployment`,
          namespace: ns,
          labels: revisionLabels,
          annotations: {
            'serving.knative.dev/creator': 'system:serviceaccount:redhat-ods-applications:kserve-controller-manager',
            [TEMPLATE_HASH]: hash,
          },
          ownerReferences: [owner],
        },
        spec: {
          replicas,
          selector: { matchLabels: selector },
          template: { metadata: { labels: revisionLabels, annotations }, spec: podSpec },
        },
      });
    }
    // Traffic goes to the newest ready revision (or the latest created while none is ready); once the
    // latest created revision is ready, the older ones are retired.
    const all = this.revisions(isvc);
    const ready = all.filter((d) => deploymentAvailable(this.client, d.metadata.name!, ns));
    const serving = ready[ready.length - 1] ?? all[all.length - 1]!;
    const servingRevision = serving.metadata.labels!['serving.knative.dev/revision']!;
    if (ready.some((d) => revisionGeneration(d) === generation)) {
      for (const old of all.filter((d) => revisionGeneration(d) < generation))
        this.client.delete('apps/v1', 'Deployment', old.metadata.name!, ns);
    }
    const port = Number(containers.find((c) => c.ports?.length)?.ports?.[0]?.containerPort ?? 8080);
    this.client.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: service,
        namespace: ns,
        labels: { [ISVC_LABEL]: name, component: 'predictor', 'serving.knative.dev/service': service },
        ownerReferences: [owner],
      },
      spec: {
        selector: { app: servingRevision, 'serving.knative.dev/revision': servingRevision },
        ports: [{ name: 'http', port: 80, targetPort: port, protocol: 'TCP' }],
      },
    });
  }

  /** Status from the predictor Deployment and its pods (Knative's revision, as KServe propagates it). */
  private updateStatus(isvc: KObject): void {
    const ns = isvc.metadata.namespace!;
    const name = isvc.metadata.name!;
    const revisions = this.revisions(isvc);
    const latest = revisions[revisions.length - 1];
    if (!latest) return;
    const generation = revisionGeneration(latest);
    const revision = latest.metadata.labels!['serving.knative.dev/revision']!;
    const readyRevision = revisions.filter((d) => deploymentAvailable(this.client, d.metadata.name!, ns)).pop()?.metadata.labels?.[
      'serving.knative.dev/revision'
    ];
    // Knative's Service is Ready when its latest created revision is (ConfigurationsReady and RoutesReady).
    const ready = readyRevision === revision;
    const pods = this.client
      .list('v1', 'Pod', ns, { labelSelector: `${ISVC_LABEL}=${name},component=predictor,serving.knative.dev/revision=${revision}` })
      .filter((p) => !p.metadata.deletionTimestamp);
    const failure = pods.map(podFailure).find(Boolean);
    const loading = pods.some((p) =>
      (p.status?.initContainerStatuses ?? []).some((s: KObject) => s.name === 'storage-initializer' && s.state?.running),
    );
    const domain = this.ctx.settings.appsDomain;
    const url = `https://${name}-${ns}.${domain}`;
    const predictorUrl = `https://${name}-predictor-${ns}.${domain}`;
    const components = {
      predictor: {
        latestCreatedRevision: revision,
        url: predictorUrl,
        address: { url: `http://${name}-predictor.${ns}.svc.cluster.local` },
        ...(readyRevision
          ? {
              latestReadyRevision: readyRevision,
              latestRolledoutRevision: readyRevision,
              traffic: [{ latestRevision: ready, percent: 100, revisionName: readyRevision }],
            }
          : {}),
      },
    };
    let model: ModelStatusInput;
    if (ready) model = { state: 'Loaded', transition: 'UpToDate', copies: pods.length };
    else if (failure?.model)
      model = {
        state: 'FailedToLoad',
        transition: 'BlockedByFailedLoad',
        copies: pods.length,
        failure: { reason: 'ModelLoadFailed', message: failure.message, exitCode: failure.exitCode },
      };
    else if (loading) model = { state: 'Loading', transition: 'InProgress', copies: pods.length };
    else model = { state: 'Pending', transition: 'InProgress', ...(pods.length ? { copies: pods.length } : {}) };
    model.failureTime =
      isvc.status?.modelStatus?.lastFailureInfo?.message === model.failure?.message
        ? isvc.status?.modelStatus?.lastFailureInfo?.time
        : undefined;
    const now = timestamp();
    let conditions: Condition[] = isvc.status?.conditions ?? [];
    if (ready) {
      for (const type of ['PredictorReady', 'IngressReady', 'Ready'])
        conditions = setCondition(conditions, { type, status: 'True', reason: undefined, message: undefined }, now);
      conditions = conditions.map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Condition);
    } else {
      const [status, reason, message] = failure
        ? (['False', 'RevisionFailed', `Revision "${revision}" failed with message: ${failure.message}.`] as const)
        : (['Unknown', 'RevisionMissing', `Configuration "${name}-predictor" is waiting for a Revision to become ready.`] as const);
      for (const type of ['PredictorReady', 'IngressReady', 'Ready'])
        conditions = setCondition(conditions, { type, status, reason, message }, now);
    }
    this.writeStatus(isvc, {
      // PropagateStatus: ss.ObservedGeneration = serviceStatus.ObservedGeneration (the Knative Service's).
      observedGeneration: generation,
      url,
      address: { url: `http://${name}-predictor.${ns}.svc.cluster.local` },
      components,
      conditions,
      modelStatus: modelStatus(model, now),
    });
    if (ready && !this.announced.has(isvc.metadata.uid!)) {
      this.announced.add(isvc.metadata.uid!);
      this.client.event(isvc, 'Normal', 'InferenceServiceReady', `InferenceService [${name}] is Ready`);
    }
  }

  private notReady(isvc: KObject, status: 'False' | 'Unknown', reason: string, message: string, model: ModelStatusInput): void {
    const now = timestamp();
    let conditions: Condition[] = isvc.status?.conditions ?? [];
    for (const type of ['PredictorReady', 'IngressReady', 'Ready'])
      conditions = setCondition(conditions, { type, status, reason, message }, now);
    this.writeStatus(isvc, { conditions, modelStatus: modelStatus(model, now) });
  }

  private writeStatus(isvc: KObject, status: Json): void {
    const current = isvc.status ?? {};
    if (Object.entries(status).every(([k, v]) => JSON.stringify(current[k]) === JSON.stringify(v))) return;
    this.client.patchStatus(ISVC_API, 'InferenceService', isvc.metadata.name!, isvc.metadata.namespace, status);
  }
}

/**
 * A container of the predictor pod failed: the termination message and exit code. Knative reports
 * the revision failed for any container; KServe's PropagateModelStatus calls it the model's failure
 * (FailedToLoad) only for the storage initializer and kserve-container.
 */
function revisionGeneration(d: KObject): number {
  return Number(d.metadata.labels?.[GENERATION_LABEL] ?? 0);
}

function podFailure(pod: KObject): { message: string; exitCode?: number; model: boolean } | undefined {
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])] as Json[]) {
    const terminated =
      s.state?.terminated?.reason === 'Error'
        ? s.state.terminated
        : s.state?.waiting?.reason === 'CrashLoopBackOff'
          ? s.lastState?.terminated
          : undefined;
    if (terminated || s.state?.waiting?.reason === 'CrashLoopBackOff') {
      return {
        message: String(terminated?.message ?? s.state?.waiting?.message ?? 'the container crash-loops').trim(),
        exitCode: terminated?.exitCode,
        model: s.name === 'storage-initializer' || s.name === 'kserve-container',
      };
    }
  }
  return undefined;
}
