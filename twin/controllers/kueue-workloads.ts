// Kueue 0.6 admitting Ray workloads (the part of kueue-controller-manager that kueue.ts leaves out):
// the job framework's RayCluster and RayJob integrations, the workload controller and the scheduler.
//
// Upstream it follows (github.com/red-hat-data-services/kueue, branch rhoai-2.9):
// - pkg/controller/jobs/raycluster/raycluster_webhook.go Default (mraycluster.kb.io, CREATE):
//   jobframework.ApplyDefaultForSuspend suspends a RayCluster that names a queue
//   (kueue.x-k8s.io/queue-name); a RayCluster whose controller is a RayJob is not suspended but
//   annotated with its parent workload; rayjob_webhook.go does the same for RayJobs;
// - pkg/controller/jobs/raycluster/raycluster_controller.go PodSets (pod set "head", count 1, then
//   one per worker group, named by its lower-cased groupName, count = replicas), RunWithPodSetsInfo
//   (spec.suspend false), IsActive/PodsReady (status.state "ready"); rayjob_controller.go PodSets
//   (from spec.rayClusterSpec), Finished (jobDeploymentStatus Complete/Failed);
// - pkg/controller/jobframework/workload_names.go GetWorkloadNameForOwnerWithGVK
//   ("<kind>-<name>-<first 5 hex of sha1(kind\ngroup\nname)>"); reconciler.go: the Workload is
//   created for a job that names a queue (spec.queueName, owner reference to the job), the job is
//   unsuspended once the Workload is admitted, generatePodsReadyCondition (PodsReady, reason
//   PodsReady, "All pods were ready or succeeded since the workload admission" / "Not all pods are
//   ready or succeeded");
// - pkg/controller/core/workload_controller.go Reconcile: QuotaReserved=False reason Inadmissible,
//   "LocalQueue <name> doesn't exist", "ClusterQueue <name> doesn't exist", "ClusterQueue <name> is
//   inactive";
// - pkg/scheduler/scheduler.go and pkg/scheduler/flavorassigner/flavorassigner.go: pending
//   workloads in creation order (BestEffortFIFO); a flavor per covered resource from the
//   ClusterQueue's resource groups; usage summed over the workloads holding quota; a request for a
//   resource no group covers: "resource <r> unavailable in ClusterQueue"; one beyond the nominal
//   quota: "insufficient quota for <r> in flavor <f> in ClusterQueue", one beyond what is left:
//   "insufficient unused quota for <r> in flavor <f>, <q> more needed"; the message "couldn't assign
//   flavors to pod set <name>: <reasons>" with QuotaReserved=False reason Pending (scheduler.go
//   requeueAndUpdate), and on a fit workload.SetQuotaReservation (QuotaReserved=True reason
//   QuotaReserved "Quota reserved in ClusterQueue <cq>") and SyncAdmittedCondition (Admitted=True
//   reason Admitted "The workload is admitted", no admission checks).
// Event driven: a workload leaving (its job deleted) or finishing wakes the scheduler for its
// ClusterQueue, so a workload waiting for quota is admitted as soon as capacity frees.
// Not modelled: cohorts and borrowing, preemption, priorities, waitForPodsReady, partial admission.
import { createHash } from 'node:crypto';
import type { TwinClient } from '../api/client';
import { timestamp } from '../api/meta';
import { formatCpu, formatMemory, parseQuantity } from '../api/quantity';
import type { KObject } from '../api/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
import type { FaultDefinition } from '../fault-definition';
import { applicationsNamespace, deploymentAvailable, KUEUE_API, KUEUE_DEPLOYMENT } from './kueue';
import { conditionOf, keyOf, setCondition, splitKey, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';

export const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
const PARENT_WORKLOAD = 'kueue.x-k8s.io/parent-workload';
const RAY_API = 'ray.io/v1';

export const KUEUE_WORKLOAD_FAULTS: FaultDefinition[] = [
  {
    name: 'kueue-never-admits',
    description:
      "Kueue's scheduler never runs (e.g. its cache waits forever for a ResourceFlavor informer): Workloads of Ray clusters are created but never get a QuotaReserved condition, so every queued RayCluster stays suspended",
    caughtBy: '@req.DW-RAY-01',
    expectMessage: 'Kueue has not decided on Workload',
  },
  {
    name: 'kueue-quota-ignored',
    description:
      'Kueue admits every workload whatever its ClusterQueue has left (as with a ClusterQueue whose quota was raised far above the cluster): a second Ray cluster beyond the quota is admitted and its pods created',
    caughtBy: '@req.UI-DW-01',
    expectMessage: 'was admitted beyond the quota',
  },
  {
    name: 'kueue-admits-any-accelerator',
    description:
      'Kueue treats a resource the ClusterQueue does not cover as free (habana.ai/gaudi): a Ray worker asking for another accelerator than nvidia.com/gpu is admitted',
    caughtBy: '@req.UI-DW-02',
    expectMessage: 'was admitted although cluster-queue does not cover habana.ai/gaudi',
  },
  {
    name: 'kueue-admits-without-local-queue',
    description:
      'Kueue admits a workload whose LocalQueue does not exist into the first ClusterQueue (as a Kueue configured with manageJobsWithoutQueueName and a default queue would): a project without a LocalQueue gets Ray clusters admitted',
    caughtBy: '@req.Q-03',
    expectMessage: 'was admitted although the project has no LocalQueue',
  },
];

/** jobframework.GetWorkloadNameForOwnerWithGVK. */
export function workloadNameFor(kind: string, group: string, name: string): string {
  const hash = createHash('sha1').update(`${kind}\n${group}\n${name}`).digest('hex').slice(0, 5);
  return `${`${kind.toLowerCase()}-${name}`.slice(0, 247)}-${hash}`;
}

interface PodSet {
  name: string;
  count: number;
  template: Doc;
}

/** raycluster_controller.go PodSets. */
export function rayClusterPodSets(spec: Doc): PodSet[] {
  return [
    { name: 'head', count: 1, template: spec.headGroupSpec?.template ?? {} },
    ...(spec.workerGroupSpecs ?? []).map((g: Doc) => ({
      name: String(g.groupName).toLowerCase(),
      count: g.replicas ?? 1,
      template: g.template ?? {},
    })),
  ];
}

/** A pod's requests as Kueue counts them: the containers' sum, at least each init container's; limits where requests are absent. */
function podRequests(template: Doc): Map<string, number> {
  const of = (c: Doc) => {
    const m = new Map<string, number>();
    for (const [r, q] of Object.entries({ ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) }))
      m.set(r, parseQuantity(q as string));
    return m;
  };
  const total = new Map<string, number>();
  for (const c of template.spec?.containers ?? []) for (const [r, q] of of(c)) total.set(r, (total.get(r) ?? 0) + q);
  for (const c of template.spec?.initContainers ?? []) for (const [r, q] of of(c)) total.set(r, Math.max(total.get(r) ?? 0, q));
  return total;
}

function formatQuantity(resource: string, value: number): string {
  if (resource === 'cpu') return formatCpu(value);
  if (resource === 'memory' || resource.endsWith('storage')) return formatMemory(value);
  return String(Math.round(value));
}

function holdsQuota(wl: KObject): boolean {
  return conditionOf(wl, 'QuotaReserved')?.status === 'True' && !!wl.status?.admission && conditionOf(wl, 'Finished')?.status !== 'True';
}

export class KueueWorkloads implements Controller {
  readonly name = 'kueue-workloads';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('kueue', 'redhat-ods-applications:kueue-controller-manager');
    this.queue = new WorkQueue('kueue-workloads', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
  }

  start(): void {
    // The job webhooks: suspend a queued RayCluster or RayJob at creation.
    this.ctx.api.admissionWebhooks.push((rt, obj) => {
      if (rt.group !== 'ray.io' || (rt.kind !== 'RayCluster' && rt.kind !== 'RayJob') || obj.metadata.resourceVersion) return;
      if (!this.running()) return;
      const owner = (obj.metadata.ownerReferences ?? []).find((r) => r.controller);
      if (rt.kind === 'RayCluster' && owner?.kind === 'RayJob' && owner.apiVersion.startsWith('ray.io/')) {
        obj.metadata.annotations = {
          ...(obj.metadata.annotations ?? {}),
          [PARENT_WORKLOAD]: workloadNameFor('RayJob', 'ray.io', owner.name),
        };
        return;
      }
      if (obj.metadata.labels?.[QUEUE_LABEL]) obj.spec = { ...obj.spec, suspend: true };
    });
    for (const kind of ['RayCluster', 'RayJob'])
      this.client.watch(RAY_API, kind, (type, job) => {
        if (type !== 'DELETED') this.queue.enqueue(`job/${kind}/${keyOf(job)}`);
      });
    this.client.watch(KUEUE_API, 'Workload', (type, wl) => {
      if (type === 'DELETED' || conditionOf(wl, 'Finished')?.status === 'True') this.requeueScheduling();
      else this.queue.enqueue(`wl/${keyOf(wl)}`);
      const owner = (wl.metadata.ownerReferences ?? []).find((r) => r.controller);
      if (owner && type !== 'DELETED') this.queue.enqueue(`job/${owner.kind}/${wl.metadata.namespace}/${owner.name}`);
    });
    for (const kind of ['LocalQueue', 'ClusterQueue', 'ResourceFlavor']) this.client.watch(KUEUE_API, kind, () => this.requeueScheduling());
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      if (d.metadata.name === KUEUE_DEPLOYMENT) this.requeueScheduling();
    });
  }

  private running(): boolean {
    return deploymentAvailable(this.client, KUEUE_DEPLOYMENT, applicationsNamespace(this.client));
  }

  private requeueScheduling(): void {
    if (!this.client.hasKind(KUEUE_API, 'Workload')) return;
    for (const wl of this.client.list(KUEUE_API, 'Workload')) if (!holdsQuota(wl)) this.queue.enqueue(`wl/${keyOf(wl)}`);
  }

  private reconcile(key: string): void {
    if (!this.running()) return;
    const [kind, ...rest] = key.split('/');
    if (kind === 'job') {
      const [jobKind, ...k] = rest;
      return this.reconcileJob(jobKind!, k.join('/'));
    }
    this.reconcileWorkload(rest.join('/'));
  }

  // ---- the job framework ----

  private reconcileJob(kind: string, key: string): void {
    const { namespace, name } = splitKey(key);
    const job = this.client.get(RAY_API, kind, name, namespace);
    const queueName = job?.metadata.labels?.[QUEUE_LABEL];
    if (!job || !queueName || job.metadata.deletionTimestamp) return;
    const wlName = workloadNameFor(kind, 'ray.io', name);
    const wl = this.client.get(KUEUE_API, 'Workload', wlName, namespace);
    const spec = kind === 'RayJob' ? job.spec?.rayClusterSpec : job.spec;
    if (!spec) return;
    if (!wl) {
      this.client.create({
        apiVersion: KUEUE_API,
        kind: 'Workload',
        metadata: {
          name: wlName,
          namespace,
          labels: { 'kueue.x-k8s.io/job-uid': job.metadata.uid! },
          ownerReferences: [{ apiVersion: RAY_API, kind, name, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        spec: { queueName, podSets: rayClusterPodSets(spec).map((p) => ({ ...p, template: p.template })), priority: 0 },
      });
      this.client.event(job, 'Normal', 'CreatedWorkload', `Created Workload: ${namespace}/${wlName}`);
      return;
    }
    const admitted = conditionOf(wl, 'Admitted')?.status === 'True';
    if (admitted && job.spec?.suspend === true && !(kind === 'RayJob' && finished(job))) {
      this.client.patch(RAY_API, kind, name, namespace, { spec: { suspend: false } });
      this.client.event(job, 'Normal', 'Started', `Admitted by clusterQueue ${wl.status.admission.clusterQueue}`);
    }
    // Finished (rayjob_controller.go Finished): a RayJob that completed or failed gives its quota back.
    if (kind === 'RayJob' && finished(job) && conditionOf(wl, 'Finished')?.status !== 'True') {
      const failed = job.status.jobDeploymentStatus === 'Failed';
      this.writeConditions(wl, [
        {
          type: 'Finished',
          status: 'True',
          reason: failed ? 'Failed' : 'Succeeded',
          message: failed ? job.status.message || 'Job failed' : 'Job finished successfully',
        },
      ]);
      return;
    }
    if (admitted) {
      const ready =
        conditionOf(wl, 'PodsReady')?.status === 'True' ||
        (kind === 'RayCluster' ? job.status?.state === 'ready' : job.status?.rayClusterStatus?.state === 'ready');
      this.writeConditions(wl, [
        {
          type: 'PodsReady',
          status: ready ? 'True' : 'False',
          reason: 'PodsReady',
          message: ready ? 'All pods were ready or succeeded since the workload admission' : 'Not all pods are ready or succeeded',
        },
      ]);
    }
  }

  // ---- the workload controller and the scheduler ----

  private reconcileWorkload(key: string): void {
    const { namespace, name } = splitKey(key);
    const wl = this.client.get(KUEUE_API, 'Workload', name, namespace);
    if (!wl || wl.metadata.deletionTimestamp || holdsQuota(wl) || conditionOf(wl, 'Finished')?.status === 'True') return;
    if (this.ctx.faults.has('kueue-never-admits')) return;
    const lq = this.client.get(KUEUE_API, 'LocalQueue', wl.spec.queueName, namespace);
    let cqName = lq?.spec?.clusterQueue as string | undefined;
    if (!lq) {
      const fallback = this.client.list(KUEUE_API, 'ClusterQueue')[0];
      if (this.ctx.faults.has('kueue-admits-without-local-queue') && fallback) cqName = fallback.metadata.name;
      else return this.pending(wl, 'Inadmissible', `LocalQueue ${wl.spec.queueName} doesn't exist`);
    }
    const cq = this.client.get(KUEUE_API, 'ClusterQueue', cqName!);
    if (!cq) return this.pending(wl, 'Inadmissible', `ClusterQueue ${cqName} doesn't exist`);
    if (conditionOf(cq, 'Active')?.status !== 'True') return this.pending(wl, 'Inadmissible', `ClusterQueue ${cqName} is inactive`);
    // BestEffortFIFO: an older pending workload of the same ClusterQueue goes first.
    const mine = this.workloadsOf(cq.metadata.name!);
    const older = mine.filter(
      (o) =>
        !holdsQuota(o) &&
        conditionOf(o, 'Finished')?.status !== 'True' &&
        (o.metadata.creationTimestamp ?? '') < (wl.metadata.creationTimestamp ?? '') &&
        keyOf(o) !== keyOf(wl),
    );
    for (const o of older) this.queue.enqueue(`wl/${keyOf(o)}`, 0);
    const usage = new Map<string, number>();
    for (const o of mine.filter(holdsQuota))
      for (const psa of o.status.admission.podSetAssignments ?? [])
        for (const [r, f] of Object.entries((psa.flavors ?? {}) as Record<string, string>))
          usage.set(`${f}/${r}`, (usage.get(`${f}/${r}`) ?? 0) + parseQuantity(psa.resourceUsage?.[r] ?? '0'));
    const assignment = this.assign(wl, cq, usage);
    if (typeof assignment === 'string') return this.pending(wl, 'Pending', assignment);
    const now = timestamp();
    let conditions = setCondition(
      wl.status?.conditions,
      { type: 'QuotaReserved', status: 'True', reason: 'QuotaReserved', message: `Quota reserved in ClusterQueue ${cq.metadata.name}` },
      now,
    );
    conditions = setCondition(
      conditions,
      { type: 'Admitted', status: 'True', reason: 'Admitted', message: 'The workload is admitted' },
      now,
    );
    this.client.patchStatus(KUEUE_API, 'Workload', name, namespace!, {
      admission: { clusterQueue: cq.metadata.name, podSetAssignments: assignment },
      conditions,
    });
    this.client.event(wl, 'Normal', 'QuotaReserved', `Quota reserved in ClusterQueue ${cq.metadata.name}, wait time since queued was 0s`);
    this.client.event(wl, 'Normal', 'Admitted', `Admitted by ClusterQueue ${cq.metadata.name}, wait time since reservation was 0s`);
  }

  /** flavorassigner.go assignFlavors: the pod set assignments, or the message of the first pod set that does not fit. */
  private assign(wl: KObject, cq: KObject, usage: Map<string, number>): Doc[] | string {
    const groups: { covered: string[]; flavors: { name: string; quotas: Map<string, number> }[] }[] = (cq.spec?.resourceGroups ?? []).map(
      (rg: KObject) => ({
        covered: rg.coveredResources ?? [],
        flavors: (rg.flavors ?? []).map((f: KObject) => ({
          name: f.name,
          quotas: new Map((f.resources ?? []).map((r: KObject) => [r.name as string, parseQuantity(r.nominalQuota)])),
        })),
      }),
    );
    const known = new Set(this.client.list(KUEUE_API, 'ResourceFlavor').map((f) => f.metadata.name!));
    const ignoreQuota = this.ctx.faults.has('kueue-quota-ignored');
    const added = new Map<string, number>();
    const out: Doc[] = [];
    for (const ps of wl.spec.podSets as PodSet[]) {
      const perPod = podRequests(ps.template);
      const flavors: Record<string, string> = {};
      const resourceUsage: Record<string, string> = {};
      const reasons: string[] = [];
      for (const [r, q] of perPod) {
        if (q === 0) continue;
        const total = q * ps.count;
        const group = groups.find((g) => g.covered.includes(r));
        if (!group) {
          if (this.ctx.faults.has('kueue-admits-any-accelerator')) continue;
          return `couldn't assign flavors to pod set ${ps.name}: resource ${r} unavailable in ClusterQueue`;
        }
        let chosen: string | undefined;
        for (const f of group.flavors) {
          if (!known.has(f.name)) {
            reasons.push(`flavor ${f.name} not found`);
            continue;
          }
          const nominal = f.quotas.get(r) ?? 0;
          const used = (usage.get(`${f.name}/${r}`) ?? 0) + (added.get(`${f.name}/${r}`) ?? 0);
          if (ignoreQuota || used + total <= nominal + 1e-9) {
            chosen = f.name;
            break;
          }
          reasons.push(
            total > nominal
              ? `insufficient quota for ${r} in flavor ${f.name} in ClusterQueue`
              : `insufficient unused quota for ${r} in flavor ${f.name}, ${formatQuantity(r, used + total - nominal)} more needed`,
          );
        }
        if (!chosen) return `couldn't assign flavors to pod set ${ps.name}: ${reasons.sort().join(', ')}`;
        flavors[r] = chosen;
        resourceUsage[r] = formatQuantity(r, total);
        added.set(`${chosen}/${r}`, (added.get(`${chosen}/${r}`) ?? 0) + total);
      }
      out.push({ name: ps.name, flavors, resourceUsage, count: ps.count });
    }
    return out;
  }

  private workloadsOf(cqName: string): KObject[] {
    const queues = new Set(
      this.client
        .list(KUEUE_API, 'LocalQueue')
        .filter((lq) => lq.spec?.clusterQueue === cqName)
        .map((lq) => keyOf(lq)),
    );
    return this.client
      .list(KUEUE_API, 'Workload')
      .filter((wl) => (queues.has(`${wl.metadata.namespace}/${wl.spec?.queueName}`) || holdsQuota(wl)) && !wl.metadata.deletionTimestamp)
      .filter((wl) => !holdsQuota(wl) || wl.status.admission.clusterQueue === cqName);
  }

  /** UnsetQuotaReservationWithCondition: QuotaReserved=False with the reason, Admitted=False NoReservation. */
  private pending(wl: KObject, reason: string, message: string): void {
    const current = conditionOf(wl, 'QuotaReserved');
    if (current?.status === 'False' && current.reason === reason && current.message === message) return;
    this.writeConditions(wl, [
      { type: 'QuotaReserved', status: 'False', reason, message },
      { type: 'Admitted', status: 'False', reason: 'NoReservation', message: 'The workload has no reservation' },
    ]);
    this.client.event(wl, 'Normal', reason, message);
  }

  private writeConditions(wl: KObject, next: Condition[]): void {
    const now = timestamp();
    let conditions = wl.status?.conditions as Condition[] | undefined;
    const before = JSON.stringify((conditions ?? []).map(({ lastTransitionTime: _t, ...c }) => c));
    for (const c of next) conditions = setCondition(conditions, c, now);
    if (JSON.stringify((conditions ?? []).map(({ lastTransitionTime: _t, ...c }) => c)) === before) return;
    this.client.patchStatus(KUEUE_API, 'Workload', wl.metadata.name!, wl.metadata.namespace!, { conditions });
  }
}

function finished(job: KObject): boolean {
  return ['Complete', 'Failed'].includes(job.status?.jobDeploymentStatus);
}
