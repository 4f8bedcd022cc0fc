// Kueue 0.6 as the RHOAI 2.9 kueue component deploys it (kueue-controller-manager in the
// applications namespace). While that Deployment is available it does what Kueue's core
// controllers do with the queue objects: the `kueue.x-k8s.io/resource-in-use` finalizer on
// ResourceFlavors and ClusterQueues (released once nothing uses them), the ClusterQueue status
// (Active with the 0.6 reasons and messages, flavorsReservation/flavorsUsage, workload counts) and
// the LocalQueue status (Active following its ClusterQueue, counts, per-flavor usage). Workloads are
// counted as they stand; admitting them (quota reservation) is not modelled here yet.
//
// Upstream it follows (github.com/red-hat-data-services/kueue, branch rhoai-2.9, the branch
// rhods-operator rhoai-2.9 get_all_manifests.sh pins for the kueue component):
// - pkg/cache/cache.go ClusterQueueReadiness: an active ClusterQueue is Active=True, reason Ready,
//   message "Can admit new workloads"; otherwise inactiveReason;
// - pkg/cache/clusterqueue.go inactiveReason: the first of Stopped, FlavorNotFound,
//   CheckNotFoundOrInactive, with the message "Can't admit new workloads: <reasons, comma separated>"
//   (its Terminating reason never reaches the status: Reconcile returns before the status update for
//   a ClusterQueue being deleted);
// - pkg/controller/core/clusterqueue_controller.go Reconcile and updateCqStatusIfChanged: the
//   finalizer, kept while a ClusterQueue being deleted still has reserving workloads;
//   flavorsReservation, flavorsUsage, reserving/admitted/pending workload counts; conditions set
//   without observedGeneration;
// - pkg/controller/core/localqueue_controller.go Reconcile and UpdateStatusIfChanged: Active=False
//   ClusterQueueDoesNotExist when the ClusterQueue is missing, True Ready "Can submit new workloads
//   to clusterQueue" while it is active, else False ClusterQueueIsInactive ("Can't submit new
//   workloads to clusterQueue"); pkg/cache/cache.go LocalQueueUsage: no usage lists while the
//   ClusterQueue is not in the cache;
// - pkg/controller/core/resourceflavor_controller.go Reconcile: the finalizer, released once no
//   ClusterQueue uses the flavor.
// Not modelled: Kueue's admission webhooks (the twin's API server has none): on a real cluster they
// add the resource-in-use finalizer at creation already (the controllers above are its fallback).
import type { TwinClient } from '../api/client';
import { timestamp } from '../api/meta';
import { formatCpu, formatMemory, parseQuantity } from '../api/quantity';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { deploymentSpec } from './deployment-spec';
import { conditionOf, keyOf, setCondition, splitKey, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';

export const KUEUE_FAULTS: FaultDefinition[] = [
  {
    name: 'kueue-controller-crashloop',
    description:
      'The kueue-controller-manager pod crash-loops in the applications namespace (as when its webhook certificate secret is missing): the Deployment never becomes available and no queue object gets a status',
    // The components' scenario (INS-CMP-01, 02-components.feature) checks their Deployments before
    // the distributed workloads section does, so under the profile `all` it is the first to fail.
    caughtBy: '@req.INS-CMP-01 or @req.INS-CMP-02 or @req.DW-POD-03',
    expectMessage: 'kueue-controller-manager is crash-looping',
  },
  {
    name: 'kueue-clusterqueue-inactive',
    description:
      "Kueue's cache never sees the ResourceFlavors, so every ClusterQueue stays inactive (Active=False, reason FlavorNotFound) and its LocalQueues report ClusterQueueIsInactive",
    caughtBy: '@req.DW-Q-05',
    expectMessage: 'FlavorNotFound',
  },
  {
    name: 'kueue-flavor-left-with-node-labels',
    description:
      'An earlier Kueue setup left a ResourceFlavor default-flavor with nodeLabels and tolerations (kubectl apply): server-side apply of the empty flavor keeps the fields it does not own, so the flavor RHOAI 2.9 needs empty pins workloads to labelled nodes',
    caughtBy: '@req.DW-Q-01',
    expectMessage: 'is not empty (it sets nodeLabels, tolerations, set by kubectl-client-side-apply)',
  },
  {
    name: 'kueue-clusterqueue-left-without-gpu',
    description:
      'An earlier setup left a ClusterQueue cluster-queue (kubectl apply) whose only resource group covers cpu and memory: its quota does not cover nvidia.com/gpu, and its resourceGroups (an atomic list) belong to another field manager',
    caughtBy: '@req.DW-Q-02',
    expectMessage: 'covers cpu, memory (not nvidia.com/gpu)',
  },
  {
    name: 'kueue-project-default-queue-elsewhere',
    description:
      'Every new data science project gets, from a project template, a LocalQueue "default" marked kueue.x-k8s.io/default-queue that points to a ClusterQueue team-queue that does not exist: Kueue leaves it inactive (ClusterQueueDoesNotExist) and the CodeFlare SDK submits to it when no local_queue is named',
    caughtBy: '@req.DW-Q-03',
    expectMessage: 'the default queue of the project is "default", backed by ClusterQueue "team-queue"',
  },
  {
    name: 'kueue-team-local-queue-same-name',
    description:
      "A data science project team-a already has a LocalQueue named local-queue (the docs' name) that a team created for its own ClusterQueue team-a-queue: the install cannot point it to cluster-queue without taking over a field another manager owns",
    caughtBy: '@req.DW-Q-04',
    expectMessage: 'already has a LocalQueue local-queue backed by team-a-queue',
  },
  {
    name: 'kueue-upstream-install-alongside',
    description:
      'An upstream Kueue (kubectl apply of kueue v0.6.2 manifests.yaml) runs in kueue-system next to the RHOAI one: the 2.9 kueue component does not look for it, kueueReady stays True, and two Kueue managers admit the same workloads against the same ClusterQueues',
    caughtBy: '@req.DW-POD-03',
    expectMessage: 'another Kueue runs on the cluster: Deployment kueue-system/kueue-controller-manager',
  },
];

/** Field manager of the objects the faults leave on the cluster, as `kubectl apply` (client side) records it. */
const EARLIER_SETUP = 'kubectl-client-side-apply';

export const KUEUE_API = 'kueue.x-k8s.io/v1beta1';
export const KUEUE_DEPLOYMENT = 'kueue-controller-manager';
export const RESOURCE_IN_USE = 'kueue.x-k8s.io/resource-in-use';
const DSCI_API = 'dscinitialization.opendatahub.io/v1';

/** The namespace the RHOAI components run in: default-dsci's applicationsNamespace. */
export function applicationsNamespace(client: TwinClient): string {
  return client.list(DSCI_API, 'DSCInitialization')[0]?.spec?.applicationsNamespace ?? 'redhat-ods-applications';
}

/** A Deployment counts as running while its Available condition is True. */
export function deploymentAvailable(client: TwinClient, name: string, namespace: string): boolean {
  return conditionOf(client.get('apps/v1', 'Deployment', name, namespace), 'Available')?.status === 'True';
}

interface FlavorQuota {
  flavor: string;
  resources: string[];
}

interface FlavorTotal {
  name: string;
  resources: { name: string; total: string; borrowed?: string }[];
}

/** Usage by flavor and resource, in base units. */
type Usage = Map<string, Map<string, number>>;

export class KueueController implements Controller {
  readonly name = 'kueue-controller-manager';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('kueue', 'redhat-ods-applications:kueue-controller-manager');
    this.queue = new WorkQueue('kueue', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
    // The crash-loop fault: the kubelet asks every pod runtime how a pod runs.
    ctx.podRuntimes.push({
      behaviour: (pod) =>
        ctx.faults.has('kueue-controller-crashloop') &&
        pod.metadata.name?.startsWith(`${KUEUE_DEPLOYMENT}-`) &&
        pod.metadata.namespace === applicationsNamespace(this.client)
          ? {
              crash:
                'injected fault kueue-controller-crashloop: open /tmp/k8s-webhook-server/serving-certs/tls.crt: no such file or directory',
            }
          : undefined,
    });
  }

  start(): void {
    this.client.watch('apps/v1', 'Deployment', (_type, d) => {
      if (d.metadata.name !== KUEUE_DEPLOYMENT) return;
      this.leaveEarlierSetup();
      this.requeueAll();
    });
    // kueue-project-default-queue-elsewhere: a project template's objects exist as soon as the project
    // does (the project request creates them), so the queue is created before the next API request.
    if (this.ctx.faults.has('kueue-project-default-queue-elsewhere')) {
      this.client.watch('v1', 'Namespace', (type, ns) => {
        if (type === 'ADDED' && ns.metadata.labels?.['opendatahub.io/dashboard'] === 'true')
          queueMicrotask(() => this.projectTemplateQueue(ns.metadata.name!));
      });
    }
    this.client.watch(DSCI_API, 'DSCInitialization', () => this.requeueAll());
    this.client.watch(KUEUE_API, 'ResourceFlavor', (_type, rf) => {
      this.queue.enqueue(`rf/${rf.metadata.name}`);
      for (const cq of this.client.list(KUEUE_API, 'ClusterQueue')) this.queue.enqueue(`cq/${cq.metadata.name}`);
    });
    this.client.watch(KUEUE_API, 'ClusterQueue', (_type, cq, old) => {
      this.queue.enqueue(`cq/${cq.metadata.name}`);
      for (const f of flavorsOf(cq)) this.queue.enqueue(`rf/${f.flavor}`);
      // LocalQueues follow their ClusterQueue's Active condition (as Kueue's qCQHandler does).
      if (JSON.stringify(old?.status?.conditions) !== JSON.stringify(cq.status?.conditions) || !old)
        this.requeueLocalQueuesOf(cq.metadata.name!);
    });
    this.client.watch(KUEUE_API, 'LocalQueue', (_type, lq) => {
      this.queue.enqueue(`lq/${keyOf(lq)}`);
      if (lq.spec?.clusterQueue) this.queue.enqueue(`cq/${lq.spec.clusterQueue}`);
    });
    this.client.watch(KUEUE_API, 'Workload', (_type, wl) => {
      if (!wl.spec?.queueName) return;
      const lq = this.client.get(KUEUE_API, 'LocalQueue', wl.spec.queueName, wl.metadata.namespace);
      this.queue.enqueue(`lq/${wl.metadata.namespace}/${wl.spec.queueName}`);
      if (lq?.spec?.clusterQueue) this.queue.enqueue(`cq/${lq.spec.clusterQueue}`);
    });
  }

  /** What the faults say an earlier setup left on the cluster, once the Kueue kinds are served. */
  private leaveEarlierSetup(): void {
    if (!this.client.hasKind(KUEUE_API, 'ResourceFlavor')) return;
    const admin = this.client.as(EARLIER_SETUP, { username: 'kube:admin', groups: ['system:masters', 'system:authenticated'] });
    const createOnce = (obj: KObject) => {
      if (!admin.get(obj.apiVersion, obj.kind, obj.metadata.name!, obj.metadata.namespace)) admin.create(obj);
    };
    if (this.ctx.faults.has('kueue-upstream-install-alongside')) {
      // kueue v0.6.2 manifests.yaml: namespace kueue-system, Deployment kueue-controller-manager (control-plane: controller-manager).
      const labels = { 'control-plane': 'controller-manager' };
      createOnce({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kueue-system', labels: { ...labels, 'app.kubernetes.io/name': 'kueue' } },
      });
      createOnce({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: KUEUE_DEPLOYMENT,
          namespace: 'kueue-system',
          labels: { ...labels, 'app.kubernetes.io/name': 'kueue', 'app.kubernetes.io/component': 'controller' },
        },
        spec: deploymentSpec(
          labels,
          {
            containers: [
              {
                name: 'manager',
                image: 'registry.k8s.io/kueue/kueue:v0.6.2',
                args: ['--config=/controller_manager_config.yaml', '--zap-log-level=2'],
                resources: { requests: { cpu: '500m', memory: '512Mi' } },
              },
            ],
          },
          1,
        ),
      });
    }
    if (this.ctx.faults.has('kueue-flavor-left-with-node-labels')) {
      createOnce({
        apiVersion: KUEUE_API,
        kind: 'ResourceFlavor',
        metadata: { name: 'default-flavor' },
        spec: {
          nodeLabels: { 'cloud.provider.com/instance-type': 'gpu-a100' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        },
      });
    }
    if (this.ctx.faults.has('kueue-clusterqueue-left-without-gpu')) {
      createOnce({
        apiVersion: KUEUE_API,
        kind: 'ClusterQueue',
        metadata: { name: 'cluster-queue' },
        spec: {
          namespaceSelector: {},
          resourceGroups: [
            {
              coveredResources: ['cpu', 'memory'],
              flavors: [
                {
                  name: 'default-flavor',
                  resources: [
                    { name: 'cpu', nominalQuota: 9 },
                    { name: 'memory', nominalQuota: '36Gi' },
                  ],
                },
              ],
            },
          ],
        },
      });
    }
    if (this.ctx.faults.has('kueue-team-local-queue-same-name')) {
      createOnce({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'team-a',
          labels: { 'opendatahub.io/dashboard': 'true' },
          annotations: { 'openshift.io/display-name': 'Team A' },
        },
      });
      createOnce({
        apiVersion: KUEUE_API,
        kind: 'LocalQueue',
        metadata: { name: 'local-queue', namespace: 'team-a' },
        spec: { clusterQueue: 'team-a-queue' },
      });
    }
  }

  /** kueue-project-default-queue-elsewhere: the project template's default LocalQueue. */
  private projectTemplateQueue(namespace: string): void {
    if (!this.client.hasKind(KUEUE_API, 'LocalQueue') || this.client.get(KUEUE_API, 'LocalQueue', 'default', namespace)) return;
    this.client.as('openshift-apiserver').create({
      apiVersion: KUEUE_API,
      kind: 'LocalQueue',
      metadata: { name: 'default', namespace, annotations: { 'kueue.x-k8s.io/default-queue': 'true' } },
      spec: { clusterQueue: 'team-queue' },
    });
  }

  private requeueAll(): void {
    for (const rf of this.client.list(KUEUE_API, 'ResourceFlavor')) this.queue.enqueue(`rf/${rf.metadata.name}`);
    for (const cq of this.client.list(KUEUE_API, 'ClusterQueue')) this.queue.enqueue(`cq/${cq.metadata.name}`);
    for (const lq of this.client.list(KUEUE_API, 'LocalQueue')) this.queue.enqueue(`lq/${keyOf(lq)}`);
  }

  private requeueLocalQueuesOf(clusterQueue: string): void {
    for (const lq of this.client.list(KUEUE_API, 'LocalQueue'))
      if (lq.spec?.clusterQueue === clusterQueue) this.queue.enqueue(`lq/${keyOf(lq)}`);
  }

  /** Kueue acts only while its manager Deployment is available (a crash-looping manager reconciles nothing). */
  private running(): boolean {
    return deploymentAvailable(this.client, KUEUE_DEPLOYMENT, applicationsNamespace(this.client));
  }

  private reconcile(key: string): void {
    if (!this.running()) return;
    const [kind, ...rest] = key.split('/');
    const name = rest.join('/');
    if (kind === 'rf') this.reconcileFlavor(name);
    else if (kind === 'cq') this.reconcileClusterQueue(name);
    else if (kind === 'lq') this.reconcileLocalQueue(name);
  }

  // ---- ResourceFlavor: the in-use finalizer ----

  private reconcileFlavor(name: string): void {
    const rf = this.client.get(KUEUE_API, 'ResourceFlavor', name);
    if (!rf) return;
    if (!rf.metadata.deletionTimestamp) return this.ensureFinalizer(rf);
    // A flavor being deleted keeps its finalizer while a ClusterQueue still references it.
    const users = this.client.list(KUEUE_API, 'ClusterQueue').filter((cq) => flavorsOf(cq).some((f) => f.flavor === name));
    if (!users.length) this.releaseFinalizer(rf);
  }

  // ---- ClusterQueue: finalizer and status ----

  private reconcileClusterQueue(name: string): void {
    const cq = this.client.get(KUEUE_API, 'ClusterQueue', name);
    if (!cq) return;
    const workloads = this.workloadsOf(cq);
    const reserving = workloads.filter(reservesQuota);
    // clusterqueue_controller.go Reconcile: a ClusterQueue being deleted keeps its finalizer while
    // workloads reserve quota in it, and gets no status update (Reconcile returns before it).
    if (cq.metadata.deletionTimestamp) {
      if (!reserving.length) this.releaseFinalizer(cq);
      return;
    }
    this.ensureFinalizer(cq);

    const live = this.client.get(KUEUE_API, 'ClusterQueue', name)!;
    const [status, reason, message] = this.activeState(live);
    const flavors = flavorsOf(live);
    const reservation = usageOf(reserving);
    const admittedUsage = usageOf(reserving.filter(isAdmitted));
    const now = timestamp();
    const next = {
      pendingWorkloads: workloads.length - reserving.length,
      reservingWorkloads: reserving.length,
      admittedWorkloads: reserving.filter(isAdmitted).length,
      flavorsReservation: flavorTotals(flavors, reservation, true),
      flavorsUsage: flavorTotals(flavors, admittedUsage, true),
      // meta.SetStatusCondition without ObservedGeneration (updateCqStatusIfChanged).
      conditions: setCondition(live.status?.conditions, { type: 'Active', status, reason, message }, now),
    };
    this.writeStatus(live, next);
  }

  /** The Active condition as Kueue 0.6's cache derives it (pkg/cache/clusterqueue.go inactiveReason). */
  private activeState(cq: KObject): ['True' | 'False', string, string] {
    const reasons: string[] = [];
    if ((cq.spec?.stopPolicy ?? 'None') !== 'None') reasons.push('Stopped');
    const known = this.ctx.faults.has('kueue-clusterqueue-inactive')
      ? new Set<string>()
      : new Set(this.client.list(KUEUE_API, 'ResourceFlavor').map((rf) => rf.metadata.name!));
    if (flavorsOf(cq).some((f) => !known.has(f.flavor))) reasons.push('FlavorNotFound');
    const checks: string[] = cq.spec?.admissionChecks ?? [];
    if (checks.length) reasons.push('CheckNotFoundOrInactive'); // the twin serves no AdmissionCheck kind
    // cache.go ClusterQueueReadiness words an active queue itself (inactiveReason's "Can admit new flavors" is never reached).
    if (!reasons.length) return ['True', 'Ready', 'Can admit new workloads'];
    return ['False', reasons[0]!, `Can't admit new workloads: ${reasons.join(', ')}`];
  }

  private workloadsOf(cq: KObject): KObject[] {
    const queues = new Set(
      this.client
        .list(KUEUE_API, 'LocalQueue')
        .filter((lq) => lq.spec?.clusterQueue === cq.metadata.name)
        .map((lq) => keyOf(lq)),
    );
    return this.client
      .list(KUEUE_API, 'Workload')
      .filter((wl) => wl.spec?.queueName && queues.has(`${wl.metadata.namespace}/${wl.spec.queueName}`) && !isFinished(wl));
  }

  // ---- LocalQueue: status following the ClusterQueue ----

  private reconcileLocalQueue(key: string): void {
    const { namespace, name } = splitKey(key);
    const lq = this.client.get(KUEUE_API, 'LocalQueue', name, namespace);
    // localqueue_controller.go Reconcile updates the status of any LocalQueue it gets, being deleted or not.
    if (!lq) return;
    const cq = lq.spec?.clusterQueue ? this.client.get(KUEUE_API, 'ClusterQueue', lq.spec.clusterQueue) : undefined;
    const workloads = this.client.list(KUEUE_API, 'Workload', namespace).filter((wl) => wl.spec?.queueName === name && !isFinished(wl));
    const reserving = cq ? workloads.filter(reservesQuota) : [];
    let condition: Condition;
    if (!cq)
      condition = {
        type: 'Active',
        status: 'False',
        reason: 'ClusterQueueDoesNotExist',
        message: "Can't submit new workloads to clusterQueue",
      };
    else if (conditionOf(cq, 'Active')?.status === 'True')
      condition = { type: 'Active', status: 'True', reason: 'Ready', message: 'Can submit new workloads to clusterQueue' };
    else
      condition = {
        type: 'Active',
        status: 'False',
        reason: 'ClusterQueueIsInactive',
        message: "Can't submit new workloads to clusterQueue",
      };
    const next: Record<string, unknown> = {
      pendingWorkloads: workloads.length - reserving.length,
      reservingWorkloads: reserving.length,
      admittedWorkloads: reserving.filter(isAdmitted).length,
      // meta.SetStatusCondition without ObservedGeneration (UpdateStatusIfChanged).
      conditions: setCondition(lq.status?.conditions, condition, timestamp()),
    };
    // With a ClusterQueue in Kueue's cache, the usage lists every flavor and resource it covers.
    if (cq) {
      next.flavorsReservation = flavorTotals(flavorsOf(cq), usageOf(reserving), false);
      next.flavorUsage = flavorTotals(flavorsOf(cq), usageOf(reserving.filter(isAdmitted)), false);
    }
    this.writeStatus(lq, next);
  }

  // ---- helpers ----

  private ensureFinalizer(obj: KObject): void {
    const finalizers = obj.metadata.finalizers ?? [];
    if (finalizers.includes(RESOURCE_IN_USE)) return;
    this.client.patch(obj.apiVersion, obj.kind, obj.metadata.name!, obj.metadata.namespace, {
      metadata: { finalizers: [...finalizers, RESOURCE_IN_USE], resourceVersion: obj.metadata.resourceVersion },
    });
  }

  private releaseFinalizer(obj: KObject): void {
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(RESOURCE_IN_USE)) return;
    this.client.patch(obj.apiVersion, obj.kind, obj.metadata.name!, obj.metadata.namespace, {
      metadata: { finalizers: finalizers.filter((f) => f !== RESOURCE_IN_USE), resourceVersion: obj.metadata.resourceVersion },
    });
  }

  /** Writes the status when it differs from what is stored, ignoring condition timestamps. */
  private writeStatus(obj: KObject, next: Record<string, unknown>): void {
    const current = obj.status ?? {};
    const same = Object.entries(next).every(
      ([k, v]) =>
        JSON.stringify(k === 'conditions' ? stripTimes(current[k]) : current[k]) === JSON.stringify(k === 'conditions' ? stripTimes(v) : v),
    );
    if (same) return;
    this.client.patchStatus(obj.apiVersion, obj.kind, obj.metadata.name!, obj.metadata.namespace, next);
  }
}

function stripTimes(conditions: unknown): unknown {
  return Array.isArray(conditions) ? conditions.map(({ lastTransitionTime: _t, ...c }: Condition) => c) : conditions;
}

/** The flavors a ClusterQueue's resource groups name, with the resources each provides. */
export function flavorsOf(cq: KObject): FlavorQuota[] {
  return (cq.spec?.resourceGroups ?? []).flatMap((rg: KObject) =>
    (rg.flavors ?? []).map((f: KObject) => ({
      flavor: f.name as string,
      resources: (f.resources ?? []).map((r: KObject) => r.name as string),
    })),
  );
}

function hasTrue(wl: KObject, type: string): boolean {
  return conditionOf(wl, type)?.status === 'True';
}

/** A workload reserves quota once QuotaReserved is True (0.6) and until it finishes. */
function reservesQuota(wl: KObject): boolean {
  return hasTrue(wl, 'QuotaReserved') && !!wl.status?.admission;
}

function isAdmitted(wl: KObject): boolean {
  return hasTrue(wl, 'Admitted');
}

function isFinished(wl: KObject): boolean {
  return hasTrue(wl, 'Finished');
}

/** Sums the resources of the workloads' admissions by flavor. */
function usageOf(workloads: KObject[]): Usage {
  const usage: Usage = new Map();
  for (const wl of workloads) {
    for (const psa of wl.status?.admission?.podSetAssignments ?? []) {
      for (const [resource, flavor] of Object.entries((psa.flavors ?? {}) as Record<string, string>)) {
        const byResource = usage.get(flavor) ?? new Map<string, number>();
        byResource.set(resource, (byResource.get(resource) ?? 0) + parseQuantity(psa.resourceUsage?.[resource] ?? '0'));
        usage.set(flavor, byResource);
      }
    }
  }
  return usage;
}

function formatQuantity(resource: string, value: number): string {
  if (value === 0) return '0';
  if (resource === 'cpu') return formatCpu(value);
  if (resource === 'memory' || resource.endsWith('storage')) return formatMemory(value);
  return String(Math.round(value));
}

/** Status usage lists: every flavor and covered resource of the ClusterQueue, zero when unused. */
function flavorTotals(flavors: FlavorQuota[], usage: Usage, withBorrowed: boolean): FlavorTotal[] {
  return flavors.map((f) => ({
    name: f.flavor,
    resources: f.resources.map((r) => ({
      name: r,
      total: formatQuantity(r, usage.get(f.flavor)?.get(r) ?? 0),
      ...(withBorrowed ? { borrowed: '0' } : {}),
    })),
  }));
}
