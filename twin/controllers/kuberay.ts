// KubeRay 1.1 (kuberay-operator in the applications namespace, the RHOAI 2.9 ray component): the
// RayCluster and RayJob controllers.
//
// Upstream it follows (github.com/red-hat-data-services/kuberay, branch rhoai-2.9, = ray-project/kuberay v1.1):
// - ray-operator/controllers/ray/raycluster_controller.go rayClusterReconcile: a suspended cluster
//   has its pods deleted and status.state "suspended" (calculateStatus); otherwise the head Service
//   (utils.GenerateHeadServiceName "<name>-head-svc", ports gcs-server 6379, dashboard 8265, client
//   10001, metrics 8080), one head pod "<name>-head-<5 random>" and, per worker group, replicas pods
//   "<name>-worker-<group>-<5 random>", labelled ray.io/cluster, ray.io/node-type (head|worker),
//   ray.io/group (headgroup|<group>), ray.io/is-ray-node; calculateStatus: state "ready" once every
//   pod runs and is ready, desired/available worker replicas, desiredCPU/Memory/GPU from the
//   requests, head.podIP / head.serviceIP, endpoints;
// - ray-operator/controllers/ray/rayjob_controller.go Reconcile: New → finalizer
//   ray.io/rayjob-finalizer, status jobId (spec.jobId or "<name>-<random>"), rayClusterName
//   ("<name>-raycluster-<5 random>"), Initializing; a suspended RayJob (Kueue) waits in Suspended;
//   Initializing creates the RayCluster from spec.rayClusterSpec (owned by the RayJob), waits for it
//   to be ready, records dashboardURL "<head svc>.<ns>.svc.cluster.local:8265"; HTTPMode submits the
//   job to the Ray jobs API (dashboard_httpclient.go SubmitJob: entrypoint, submission_id = jobId,
//   runtime_env from runtimeEnvYAML, metadata, entrypoint_num_cpus/gpus) and follows GetJobInfo:
//   a terminal Ray status makes jobDeploymentStatus Complete (Failed for FAILED, reason AppFailed);
//   K8sJobMode creates the submitter batch/v1 Job "<name>" and fails the RayJob when that Job fails
//   (checkK8sJobAndUpdateStatusIfNeeded: reason SubmissionFailed, "Job submission has failed.
//   Reason: <r>. Message: <m>"). shutdownAfterJobFinishes deletes the cluster once the job finished.
// RHOAI 2.9 supports HTTPMode only: with the CodeFlare operator's mTLS (codeflare-operator rhoai-2.9
// raycluster_webhook.go: RAY_USE_TLS on the head and workers) the submitter pod, which gets no
// certificates, cannot reach the cluster. The twin has no Job controller, so it plays what the job
// controller reports for that submitter (Failed=True, BackoffLimitExceeded "Job has reached the
// specified backoff limit"), with the submitter's failure in an event.
import * as http from 'node:http';
import * as yaml from 'js-yaml';
import type { TwinClient } from '../api/client';
import { randomSuffix, timestamp } from '../api/meta';
import { formatCpu, formatMemory, parseQuantity } from '../api/quantity';
import type { KObject, OwnerReference } from '../api/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
import type { FaultDefinition } from '../fault-definition';
import { rayEmulator } from '../emulators/ray-head';
import { workloadRuntimeOf } from '../network/index';
import { backoffLimitExceeded } from './jobs';
import { applicationsNamespace, deploymentAvailable } from './kueue';
import { conditionOf, keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from './runtime';

export const KUBERAY_FAULTS: FaultDefinition[] = [
  {
    name: 'ray-head-never-ready',
    description:
      "The Ray head container exits at start (its GCS server cannot bind 6379): the head pod crash-loops, the RayCluster never becomes ready and Kueue's PodsReady stays False",
    caughtBy: '@req.CMP-12',
    expectMessage: 'cannot run: container ray-head CrashLoopBackOff',
  },
  {
    name: 'ray-job-fails',
    description:
      "The Ray image lacks its ray package (a broken custom image): every job's Python entrypoint really runs and fails with ModuleNotFoundError, so jobs end FAILED",
    caughtBy: '@req.DW-RAY-01',
    expectMessage: 'ended FAILED, not SUCCEEDED',
  },
  {
    name: 'ray-client-without-tls',
    description:
      'The Ray image ignores RAY_USE_TLS (a custom image built without TLS support): the head serves its client port 10001 in plain TCP although the CodeFlare operator set up mTLS, so the passthrough route rayclient-<cluster> gives no TLS at all',
    caughtBy: '@req.CMP-11',
    expectMessage: "the Ray head's client port is not under",
  },
];

const RAY_API = 'ray.io/v1';
const KUBERAY_DEPLOYMENT = 'kuberay-operator';
const RAYJOB_FINALIZER = 'ray.io/rayjob-finalizer';
const MANAGER = 'kuberay-operator';

export function headServiceName(rc: KObject): string {
  return rc.spec?.headGroupSpec?.headService?.metadata?.name || `${rc.metadata.name}-head-svc`;
}

const DEFAULT_PORTS = [
  { name: 'gcs-server', containerPort: 6379 },
  { name: 'dashboard', containerPort: 8265 },
  { name: 'client', containerPort: 10001 },
  { name: 'metrics', containerPort: 8080 },
];

export class KubeRay implements Controller {
  readonly name = 'kuberay-operator';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor(MANAGER, 'redhat-ods-applications:kuberay-operator');
    this.queue = new WorkQueue('kuberay', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
  }

  start(): void {
    workloadRuntimeOf(this.ctx).emulators.register(rayEmulator(this.ctx.faults));
    this.client.watch(RAY_API, 'RayCluster', (type, rc) => {
      if (type !== 'DELETED') this.queue.enqueue(`rc/${keyOf(rc)}`);
      const owner = (rc.metadata.ownerReferences ?? []).find((r) => r.kind === 'RayJob');
      if (owner) this.queue.enqueue(`job/${rc.metadata.namespace}/${owner.name}`);
    });
    this.client.watch(RAY_API, 'RayJob', (type, job) => {
      if (type !== 'DELETED') this.queue.enqueue(`job/${keyOf(job)}`);
    });
    this.client.watch('v1', 'Pod', (_type, pod) => {
      const cluster = pod.metadata.labels?.['ray.io/cluster'];
      if (cluster) this.queue.enqueue(`rc/${pod.metadata.namespace}/${cluster}`);
    });
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      if (d.metadata.name !== KUBERAY_DEPLOYMENT) return;
      for (const rc of this.client.list(RAY_API, 'RayCluster')) this.queue.enqueue(`rc/${keyOf(rc)}`);
    });
  }

  private running(): boolean {
    return deploymentAvailable(this.client, KUBERAY_DEPLOYMENT, applicationsNamespace(this.client));
  }

  private reconcile(key: string): void {
    if (!this.running()) return;
    const [kind, ...rest] = key.split('/');
    if (kind === 'rc') this.reconcileCluster(rest.join('/'));
    else void this.reconcileJob(rest.join('/'));
  }

  // ---- RayCluster ----

  private podsOf(rc: KObject): KObject[] {
    return this.client
      .list('v1', 'Pod', rc.metadata.namespace)
      .filter((p) => p.metadata.labels?.['ray.io/cluster'] === rc.metadata.name && !p.metadata.deletionTimestamp);
  }

  private reconcileCluster(key: string): void {
    const { namespace, name } = splitKey(key);
    const rc = this.client.get(RAY_API, 'RayCluster', name, namespace);
    if (!rc || rc.metadata.deletionTimestamp) return;
    const pods = this.podsOf(rc);
    if (rc.spec?.suspend === true) {
      for (const p of pods) this.client.delete('v1', 'Pod', p.metadata.name!, namespace);
      if (!pods.length && rc.status?.state !== 'suspended')
        this.client.patchStatus(RAY_API, 'RayCluster', name, namespace!, { state: 'suspended', lastUpdateTime: timestamp() });
      return;
    }
    const svc = this.ensureHeadService(rc);
    const head = pods.filter((p) => p.metadata.labels?.['ray.io/node-type'] === 'head');
    if (!head.length) this.createPod(rc, 'head', rc.spec.headGroupSpec);
    const workers = pods.filter((p) => p.metadata.labels?.['ray.io/node-type'] === 'worker');
    for (const group of rc.spec.workerGroupSpecs ?? []) {
      const mine = workers.filter((p) => p.metadata.labels?.['ray.io/group'] === group.groupName);
      const want = Math.max(group.minReplicas ?? 0, Math.min(group.replicas ?? 0, group.maxReplicas ?? 2147483647));
      for (let i = mine.length; i < want; i++) this.createPod(rc, 'worker', group);
      for (const extra of mine.slice(want)) this.client.delete('v1', 'Pod', extra.metadata.name!, namespace);
    }
    this.writeClusterStatus(rc, svc);
  }

  private ensureHeadService(rc: KObject): KObject {
    const name = headServiceName(rc);
    const existing = this.client.get('v1', 'Service', name, rc.metadata.namespace);
    if (existing) return existing;
    return this.client.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: rc.metadata.namespace,
        labels: { 'ray.io/cluster': rc.metadata.name!, 'ray.io/node-type': 'head', 'app.kubernetes.io/created-by': 'kuberay-operator' },
        ownerReferences: [ownerOf(rc)],
      },
      spec: {
        selector: { 'ray.io/cluster': rc.metadata.name!, 'ray.io/node-type': 'head' },
        ports: DEFAULT_PORTS.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.containerPort, protocol: 'TCP' })),
      },
    });
  }

  private createPod(rc: KObject, type: 'head' | 'worker', group: KObject): void {
    const template: KObject = JSON.parse(JSON.stringify(group.template ?? {}));
    const groupName = type === 'head' ? 'headgroup' : String(group.groupName);
    const spec = template.spec ?? {};
    const main = spec.containers?.[0];
    if (main) {
      if (type === 'head') {
        const ports: Doc[] = main.ports ?? [];
        for (const p of DEFAULT_PORTS) if (!ports.some((x) => x.containerPort === p.containerPort)) ports.push(p);
        main.ports = ports;
      }
      main.env = [
        ...(main.env ?? []),
        { name: 'RAY_CLUSTER_NAME', value: rc.metadata.name },
        { name: 'RAY_IP', value: `${headServiceName(rc)}.${rc.metadata.namespace}.svc.cluster.local` },
        { name: 'RAY_PORT', value: '6379' },
        { name: 'RAY_ADDRESS', value: `${headServiceName(rc)}.${rc.metadata.namespace}.svc.cluster.local:6379` },
      ];
    }
    this.client.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: type === 'head' ? `${rc.metadata.name}-head-${randomSuffix()}` : `${rc.metadata.name}-worker-${groupName}-${randomSuffix()}`,
        namespace: rc.metadata.namespace,
        labels: {
          ...(template.metadata?.labels ?? {}),
          'ray.io/cluster': rc.metadata.name!,
          'ray.io/node-type': type,
          'ray.io/group': groupName,
          'ray.io/is-ray-node': 'yes',
          'app.kubernetes.io/created-by': 'kuberay-operator',
          'app.kubernetes.io/name': 'kuberay',
        },
        annotations: template.metadata?.annotations,
        ownerReferences: [ownerOf(rc)],
      },
      spec,
    });
  }

  private writeClusterStatus(rc: KObject, svc: KObject): void {
    const pods = this.podsOf(rc);
    const ready = (p: KObject) => p.status?.phase === 'Running' && conditionOf(p, 'Ready')?.status === 'True';
    const head = pods.find((p) => p.metadata.labels?.['ray.io/node-type'] === 'head');
    const workers = pods.filter((p) => p.metadata.labels?.['ray.io/node-type'] === 'worker');
    const desired = (rc.spec.workerGroupSpecs ?? []).reduce((n: number, g: KObject) => n + (g.replicas ?? 0), 0);
    const totals = new Map<string, number>();
    const add = (template: KObject, count: number) => {
      for (const c of template?.spec?.containers ?? [])
        for (const [r, q] of Object.entries({ ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) }))
          totals.set(r, (totals.get(r) ?? 0) + parseQuantity(q as string) * count);
    };
    add(rc.spec.headGroupSpec?.template, 1);
    for (const g of rc.spec.workerGroupSpecs ?? []) add(g.template, g.replicas ?? 0);
    const allReady = !!head && ready(head) && workers.filter(ready).length >= desired;
    const next: Doc = {
      state: allReady ? 'ready' : rc.status?.state === 'suspended' ? undefined : rc.status?.state,
      desiredWorkerReplicas: desired,
      availableWorkerReplicas: workers.filter(ready).length,
      minWorkerReplicas: (rc.spec.workerGroupSpecs ?? []).reduce((n: number, g: KObject) => n + (g.minReplicas ?? 0), 0),
      maxWorkerReplicas: (rc.spec.workerGroupSpecs ?? []).reduce((n: number, g: KObject) => n + (g.maxReplicas ?? 0), 0),
      desiredCPU: formatCpu(totals.get('cpu') ?? 0),
      desiredMemory: formatMemory(totals.get('memory') ?? 0),
      desiredGPU: String(totals.get('nvidia.com/gpu') ?? 0),
      desiredTPU: '0',
      endpoints: { 'gcs-server': '6379', dashboard: '8265', client: '10001', metrics: '8080' },
      head: {
        ...(head?.status?.podIP ? { podIP: head.status.podIP } : {}),
        ...(svc.spec?.clusterIP ? { serviceIP: svc.spec.clusterIP } : {}),
      },
      observedGeneration: rc.metadata.generation,
    };
    if (next.state === undefined) next.state = null;
    const current = rc.status ?? {};
    const same = Object.entries(next).every(([k, v]) => JSON.stringify(current[k] ?? null) === JSON.stringify(v ?? null));
    if (same) return;
    this.client.patchStatus(RAY_API, 'RayCluster', rc.metadata.name!, rc.metadata.namespace!, { ...next, lastUpdateTime: timestamp() });
  }

  // ---- RayJob ----

  private async reconcileJob(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const job = this.client.get(RAY_API, 'RayJob', name, namespace);
    if (!job) return;
    const st: Doc = job.status ?? {};
    if (job.metadata.deletionTimestamp) {
      if ((job.metadata.finalizers ?? []).includes(RAYJOB_FINALIZER)) {
        if (st.jobStatus && !['SUCCEEDED', 'FAILED', 'STOPPED'].includes(st.jobStatus) && st.dashboardURL)
          await this.call(namespace!, st, 'POST', `/api/jobs/${st.jobId}/stop`).catch(() => undefined);
        this.client.patch(RAY_API, 'RayJob', name, namespace, {
          metadata: { finalizers: (job.metadata.finalizers ?? []).filter((f: string) => f !== RAYJOB_FINALIZER) },
        });
      }
      return;
    }
    const deployment = st.jobDeploymentStatus ?? '';
    if (deployment === '') {
      if (!(job.metadata.finalizers ?? []).includes(RAYJOB_FINALIZER))
        this.client.patch(RAY_API, 'RayJob', name, namespace, {
          metadata: { finalizers: [...(job.metadata.finalizers ?? []), RAYJOB_FINALIZER] },
        });
      return this.status(job, {
        jobId: st.jobId || job.spec.jobId || `${name}-${randomSuffix(8)}`,
        rayClusterName: st.rayClusterName || `${name}-raycluster-${randomSuffix()}`,
        jobStatus: '',
        jobDeploymentStatus: job.spec.suspend ? 'Suspended' : 'Initializing',
        startTime: timestamp(),
      });
    }
    if (deployment === 'Suspended') {
      if (!job.spec.suspend) this.status(job, { jobDeploymentStatus: 'Initializing', startTime: timestamp() });
      return;
    }
    if (deployment === 'Complete' || deployment === 'Failed') {
      if (job.spec.shutdownAfterJobFinishes && !job.spec.clusterSelector && st.rayClusterName) {
        const rc = this.client.get(RAY_API, 'RayCluster', st.rayClusterName, namespace);
        if (rc && !rc.metadata.deletionTimestamp) this.client.delete(RAY_API, 'RayCluster', st.rayClusterName, namespace);
      }
      return;
    }
    const clusterName: string = job.spec.clusterSelector?.['ray.io/cluster'] ?? st.rayClusterName;
    let rc = this.client.get(RAY_API, 'RayCluster', clusterName, namespace);
    if (!rc && !job.spec.clusterSelector) {
      rc = this.client.create({
        apiVersion: RAY_API,
        kind: 'RayCluster',
        metadata: {
          name: clusterName,
          namespace,
          labels: { 'ray.io/originated-from-crd': 'RayJob', 'ray.io/originated-from-cr-name': name },
          ownerReferences: [
            { apiVersion: RAY_API, kind: 'RayJob', name, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true },
          ],
        },
        spec: job.spec.rayClusterSpec,
      });
    }
    if (!rc) return;
    if (deployment === 'Initializing') {
      if (rc.status?.state !== 'ready') return;
      const dashboardURL = `${headServiceName(rc)}.${namespace}.svc.cluster.local:8265`;
      if ((job.spec.submissionMode ?? 'K8sJobMode') === 'K8sJobMode') {
        this.failSubmitter(job, rc);
        return this.status(job, {
          dashboardURL,
          jobDeploymentStatus: 'Failed',
          reason: 'SubmissionFailed',
          message: 'Job submission has failed. Reason: BackoffLimitExceeded. Message: Job has reached the specified backoff limit',
          endTime: timestamp(),
        });
      }
      return this.status(job, { dashboardURL, jobDeploymentStatus: 'Running', rayClusterStatus: rc.status });
    }
    // Running, HTTPMode: GetJobInfo, submitting the job when the cluster does not know it.
    const info = await this.call(namespace!, st, 'GET', `/api/jobs/${st.jobId}`).catch((e: Error) => ({ status: 0, body: e.message }));
    if (info.status === 404) {
      let runtimeEnv: unknown;
      try {
        runtimeEnv = job.spec.runtimeEnvYAML ? yaml.load(job.spec.runtimeEnvYAML) : undefined;
      } catch (e) {
        return this.status(job, { message: `failed to parse runtimeEnvYAML: ${(e as Error).message}` });
      }
      await this.call(namespace!, st, 'POST', '/api/jobs/', {
        entrypoint: job.spec.entrypoint,
        submission_id: st.jobId,
        ...(runtimeEnv ? { runtime_env: runtimeEnv } : {}),
        ...(job.spec.metadata ? { metadata: job.spec.metadata } : {}),
        ...(job.spec.entrypointNumCpus ? { entrypoint_num_cpus: job.spec.entrypointNumCpus } : {}),
        ...(job.spec.entrypointNumGpus ? { entrypoint_num_gpus: job.spec.entrypointNumGpus } : {}),
      }).catch(() => undefined);
      return;
    }
    if (info.status !== 200) return;
    const ray = JSON.parse(info.body) as { status: string; message?: string };
    const terminal = ['SUCCEEDED', 'FAILED', 'STOPPED'].includes(ray.status);
    this.status(job, {
      jobStatus: ray.status,
      jobDeploymentStatus: terminal ? (ray.status === 'FAILED' ? 'Failed' : 'Complete') : 'Running',
      ...(ray.status === 'FAILED' ? { reason: 'AppFailed' } : {}),
      message: ray.message ?? '',
      rayClusterStatus: rc.status,
      ...(terminal ? { endTime: timestamp() } : {}),
    });
  }

  /** The submitter Job of K8sJobMode, and what the job controller reports once its pods failed against the mTLS head. */
  private failSubmitter(job: KObject, rc: KObject): void {
    const ns = job.metadata.namespace!;
    if (this.client.get('batch/v1', 'Job', job.metadata.name!, ns)) return;
    const address = `http://${headServiceName(rc)}.${ns}.svc.cluster.local:8265`;
    const submitter = this.client.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: job.metadata.name, namespace: ns, ownerReferences: [ownerOf(job)] },
      spec: {
        backoffLimit: 2,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'ray-job-submitter',
                image: rc.spec?.headGroupSpec?.template?.spec?.containers?.[0]?.image ?? 'rayproject/ray',
                command: [
                  'ray',
                  'job',
                  'submit',
                  '--address',
                  address,
                  '--submission-id',
                  job.status?.jobId ?? '',
                  '--',
                  job.spec.entrypoint,
                ],
              },
            ],
          },
        },
      },
    });
    const now = timestamp();
    this.client.as('job-controller').patchStatus('batch/v1', 'Job', job.metadata.name!, ns, {
      failed: 3,
      startTime: now,
      conditions: [backoffLimitExceeded(now)],
    });
    this.client
      .as('job-controller')
      .event(
        submitter,
        'Warning',
        'BackoffLimitExceeded',
        `Job has reached the specified backoff limit: the submitter pod (no Ray TLS certificates) could not reach the Ray head of ${rc.metadata.name}, which requires mTLS (RAY_USE_TLS=1)`,
      );
  }

  private status(job: KObject, patch: Doc): void {
    const current = job.status ?? {};
    if (Object.entries(patch).every(([k, v]) => JSON.stringify(current[k]) === JSON.stringify(v))) return;
    this.client.patchStatus(RAY_API, 'RayJob', job.metadata.name!, job.metadata.namespace!, {
      ...patch,
      observedGeneration: job.metadata.generation,
    });
  }

  /** dashboard_httpclient.go: a request to the Ray jobs API of the job's cluster, over the cluster network. */
  private async call(namespace: string, st: Doc, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
    const [host, port] = String(st.dashboardURL).split(':');
    const svc = host!.split('.')[0]!;
    const runtime = workloadRuntimeOf(this.ctx);
    const target = await runtime.network.connectTarget({ namespace, name: svc }, Number(port));
    if (!target) throw new Error(`dial tcp ${st.dashboardURL}: connect: connection refused`);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: target.host, port: target.port, method, path, headers: { 'Content-Type': 'application/json' } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: text });
            // Follow the job: the head answers; come back once it may have moved on.
            this.queue.enqueue(`job/${namespace}/${this.jobOf(namespace, st)}`, 200);
          });
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  private jobOf(namespace: string, st: Doc): string {
    return this.client.list(RAY_API, 'RayJob', namespace).find((j) => j.status?.jobId === st.jobId)?.metadata.name ?? '';
  }
}

function ownerOf(obj: KObject): OwnerReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name!,
    uid: obj.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}
