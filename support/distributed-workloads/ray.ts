// Ray clusters and jobs over the local queue (§13.3, reference workloads.md §8), as the CodeFlare
// SDK 0.16 and the RHOAI 2.9 docs use them:
// - a RayCluster made as the SDK makes it (queue label, no suspend of its own); its readiness read
//   from Kueue's Workload (Admitted, PodsReady) and KubeRay's status.state, never from pod names;
// - the Ray jobs REST API through the dashboard Route (ray-dashboard-<cluster>) with a bearer token,
//   as the SDK's JobSubmissionClient reaches it;
// - the RayJob CR in HTTPMode;
// - what the 2.9 dashboard shows of distributed workloads (frontend/src/concepts/distributedWorkloads/
//   utils.tsx getStatusInfo, in its evaluation order: Failed, Succeeded, Evicted, Inadmissible,
//   Pending, Running, Admitted).
import { expectOk } from '../core/expect';
import { WaitTimeoutError, type KObject, type ObjectRef } from '../core/cluster';
import { routeTrust } from '../core/http/route-trust';
import type { RhoaiWorld } from '../core/world';
import { KUEUE_API, localQueueRef } from './kueue';
import { RayJobsClient, TERMINAL_STATUSES, type RayJobDetails, type RayJobStatus } from './ray-jobs-client';

export const RAY_API = 'ray.io/v1';
export const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
/** The CodeFlare SDK 0.16 default image (cluster/config.py). */
export const RAY_IMAGE = 'quay.io/project-codeflare/ray:2.20.0-py39-cu118';

export const rayClusterRef = (name: string, namespace: string): ObjectRef => ({ apiVersion: RAY_API, kind: 'RayCluster', name, namespace });
export const rayJobRef = (name: string, namespace: string): ObjectRef => ({ apiVersion: RAY_API, kind: 'RayJob', name, namespace });

declare module '../core/world' {
  interface ScenarioFacts {
    /** Ray clusters this scenario made, by name. */
    rayClusters?: Record<string, { name: string; namespace: string }>;
    /** Ray job submission ids by label. */
    rayJobs?: Record<string, string>;
  }
}

export interface RayClusterSize {
  headCpu: string;
  headMemory: string;
  workers: number;
  workerCpu: string;
  workerMemory: string;
  /** Extra resources of each worker (an accelerator). */
  workerExtra?: Record<string, string>;
}

export const SMALL: RayClusterSize = { headCpu: '250m', headMemory: '512Mi', workers: 1, workerCpu: '250m', workerMemory: '512Mi' };

/** Creates (or keeps) a RayCluster as the SDK's cluster.up() does. */
export async function createRayCluster(
  world: RhoaiWorld,
  name: string,
  namespace: string,
  queue: string,
  size: RayClusterSize = SMALL,
): Promise<KObject> {
  const existing = await world.cluster.get(rayClusterRef(name, namespace));
  if (existing?.metadata.deletionTimestamp) await world.cluster.waitForDeletion(rayClusterRef(name, namespace));
  else if (existing) return existing;
  const extra = size.workerExtra ?? {};
  const [rc] = await world.applyFixture('ray/raycluster', {
    name,
    namespace,
    queue,
    image: RAY_IMAGE,
    headResources: { cpu: size.headCpu, memory: size.headMemory },
    workers: size.workers,
    workerResources: { cpu: size.workerCpu, memory: size.workerMemory, ...extra },
    workerTolerations: Object.keys(extra).map((key) => ({
      key: key === 'nvidia.com/gpu' ? 'nvidia-gpu-only' : key,
      operator: 'Exists',
      effect: 'NoSchedule',
    })),
  });
  world.facts.rayClusters = { ...(world.facts.rayClusters ?? {}), [name]: { name, namespace } };
  // A Ray cluster holds quota and nodes: it goes when the scenario ends (unless RHOAI_KEEP).
  world.onCleanup(`delete RayCluster ${namespace}/${name}`, () => world.cluster.delete(rayClusterRef(name, namespace)));
  return rc!;
}

/** The Workload Kueue made for a RayCluster or RayJob: the one its owner reference names (kueue's jobframework). */
export async function workloadOf(world: RhoaiWorld, kind: string, name: string, namespace: string): Promise<KObject> {
  const owner = await world.cluster.get({ apiVersion: RAY_API, kind, name, namespace });
  expectOk(owner, `${kind} ${namespace}/${name} does not exist`);
  const list = await world.cluster.waitForList(
    { apiVersion: KUEUE_API, kind: 'Workload', namespace },
    (wls) => wls.some((w) => (w.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid)),
    { describe: `Kueue to create the Workload of ${kind} ${namespace}/${name} (owned by it)` },
  );
  return list.find((w) => (w.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid))!;
}

function cond(obj: KObject | undefined, type: string): { status?: string; reason?: string; message?: string } | undefined {
  return (obj?.status?.conditions ?? []).find((c: KObject) => c.type === type);
}

/** What Kueue decided about a workload, in words. */
export function workloadDecision(wl: KObject | undefined): string {
  const q = cond(wl, 'QuotaReserved');
  const a = cond(wl, 'Admitted');
  if (!q) return 'no QuotaReserved condition';
  return `QuotaReserved=${q.status} (${q.reason}: ${q.message})${a ? `, Admitted=${a.status}` : ''}`;
}

/** Waits for Kueue to admit a workload: Admitted=True; an Inadmissible reservation fails at once. */
export async function waitAdmitted(world: RhoaiWorld, wl: KObject, owner: string): Promise<KObject> {
  const ref = { apiVersion: KUEUE_API, kind: 'Workload', name: wl.metadata.name, namespace: wl.metadata.namespace };
  try {
    return (await world.cluster.waitFor(
      ref,
      (w) => {
        if (cond(w, 'QuotaReserved')?.reason === 'Inadmissible')
          return { fail: `Kueue cannot admit ${owner}: Workload ${wl.metadata.name} ${workloadDecision(w)}` };
        return cond(w, 'Admitted')?.status === 'True';
      },
      { describe: `Workload ${wl.metadata.namespace}/${wl.metadata.name} of ${owner} to be admitted` },
    ))!;
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const last = error.lastObserved as KObject | undefined;
    const why = cond(last, 'QuotaReserved')
      ? `Kueue keeps it waiting: ${workloadDecision(last)}`
      : `Kueue has not decided on Workload ${wl.metadata.namespace}/${wl.metadata.name} (${owner}): it has no QuotaReserved condition, so Kueue's scheduler never considered it (is kueue-controller-manager running? see its logs)`;
    throw new WaitTimeoutError(`${why}\n${error.message}`, last);
  }
}

/** A head pod that is not ready, in words (its containers' waiting or terminated states), or undefined. */
export function podTrouble(pod: KObject): string | undefined {
  for (const s of pod.status?.containerStatuses ?? []) {
    const w = s.state?.waiting;
    if (w && ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError'].includes(w.reason))
      return `container ${s.name} ${w.reason}: ${w.message ?? s.lastState?.terminated?.message ?? ''}`.trim();
  }
  const unschedulable = cond(pod, 'PodScheduled');
  if (unschedulable?.status === 'False' && unschedulable.reason === 'Unschedulable') return `unschedulable: ${unschedulable.message}`;
  return undefined;
}

/**
 * A RayCluster ready as the SDK's cluster.wait_ready() and the dashboard judge it: its Workload
 * admitted, KubeRay's state "ready", and Kueue's PodsReady on the Workload. A head pod that cannot
 * start fails the wait at once, naming the pod and why.
 */
export async function waitRayClusterReady(world: RhoaiWorld, name: string, namespace: string): Promise<KObject> {
  const owner = `RayCluster ${namespace}/${name}`;
  const wl = await waitAdmitted(world, await workloadOf(world, 'RayCluster', name, namespace), owner);
  const pods = await world.cluster.waitForList(
    { apiVersion: 'v1', kind: 'Pod', namespace },
    (ps) => {
      const head = ps.find((p) => p.metadata.labels?.['ray.io/node-type'] === 'head');
      if (!head) return false;
      const trouble = podTrouble(head);
      if (trouble) return { fail: `the Ray head pod ${head.metadata.name} of ${owner} cannot run: ${trouble}` };
      return cond(head, 'Ready')?.status === 'True';
    },
    { labelSelector: `ray.io/cluster=${name}`, describe: `KubeRay to run the head pod of ${owner}` },
  );
  const rc = await world.cluster.waitFor(rayClusterRef(name, namespace), (o) => o?.status?.state === 'ready', {
    describe: `KubeRay to report ${owner} ready (status.state)`,
  });
  await world.cluster.waitFor(
    { apiVersion: KUEUE_API, kind: 'Workload', name: wl.metadata.name, namespace },
    (w) => cond(w, 'PodsReady')?.status === 'True',
    { describe: `Kueue to report the pods of ${owner} ready (Workload PodsReady)` },
  );
  world.report.text(
    `Ray cluster ${name}`,
    [
      `RayCluster ${namespace}/${name}: state ${rc!.status.state}, workers ${rc!.status.availableWorkerReplicas}/${rc!.status.desiredWorkerReplicas}`,
      `Workload ${wl.metadata.name}: ${workloadDecision(wl)}, ClusterQueue ${wl.status?.admission?.clusterQueue}`,
      `pods: ${pods.map((p) => `${p.metadata.name} (${p.metadata.labels?.['ray.io/node-type']})`).join(', ')}`,
    ].join('\n'),
  );
  return rc!;
}

export async function rayPods(world: RhoaiWorld, name: string, namespace: string): Promise<KObject[]> {
  return world.cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace }, { labelSelector: `ray.io/cluster=${name}` });
}

export async function deleteRayCluster(world: RhoaiWorld, name: string, namespace: string): Promise<void> {
  await world.cluster.delete(rayClusterRef(name, namespace));
  await world.cluster.waitForDeletion(rayClusterRef(name, namespace));
}

// ---- the jobs API through the dashboard route ----

/** The dashboard Route the CodeFlare operator made for the cluster, admitted by the router. */
export async function dashboardUrl(world: RhoaiWorld, name: string, namespace: string): Promise<string> {
  const route = await world.cluster.waitFor(
    { apiVersion: 'route.openshift.io/v1', kind: 'Route', name: `ray-dashboard-${name}`, namespace },
    (r) =>
      (r?.status?.ingress ?? []).some((i: KObject) =>
        (i.conditions ?? []).some((c: KObject) => c.type === 'Admitted' && c.status === 'True'),
      ),
    { describe: `the CodeFlare operator's Route ray-dashboard-${name} in ${namespace} to be admitted` },
  );
  return `https://${route!.spec.host}`;
}

export async function rayJobsClient(world: RhoaiWorld, name: string, namespace: string, token: string | undefined): Promise<RayJobsClient> {
  const url = await dashboardUrl(world, name, namespace);
  const target = await world.target();
  const client = new RayJobsClient(url, token, await routeTrust(world.cluster), target.resolve);
  world.onCleanup(`close the Ray jobs client of ${name}`, async () => client.close());
  return client;
}

/**
 * Follows a Ray job until it reaches one of `until`, on the jobs API's own event source: its
 * logs/tail WebSocket, which sends the driver's output as it comes and is closed by Ray once the job
 * is terminal. The status is read from the API when the stream opens, on each chunk and when it
 * closes (never on a timer); past the wait timeout it fails with the last status the API gave.
 */
export async function followJob(
  world: RhoaiWorld,
  client: RayJobsClient,
  id: string,
  until: readonly RayJobStatus[],
  failOn: readonly RayJobStatus[] = [],
): Promise<RayJobDetails> {
  const timeoutMs = world.settings.waitTimeoutSeconds * 1000;
  let last: RayJobDetails | undefined;
  let reached: (d: RayJobDetails) => void = () => undefined;
  const reachedP = new Promise<RayJobDetails>((r) => (reached = r));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  let failure: Error | undefined;
  let reading = Promise.resolve();
  const readStatus = () =>
    (reading = reading.then(async () => {
      if (failure) return;
      last = await client.status(id);
      if (until.includes(last.status)) reached(last);
      else if (failOn.includes(last.status)) {
        const logs = await client.logs(id).catch(() => '');
        failure = new Error(
          `Ray job ${id} ended ${last.status}, not ${until.join('/')}: ${last.message ?? ''}\nlogs:\n${logs.slice(-2000)}`,
        );
        reached(last);
      }
    }));
  try {
    await readStatus();
    if (until.includes(last!.status) && !failure) return last!;
    if (failure) throw failure;
    const stop = Promise.race([reachedP, deadline]);
    const ended = await client.tail(id, () => void readStatus(), stop);
    if (ended === 'closed') await readStatus();
    await reading;
    if (failure) throw failure;
    if (last && until.includes(last.status)) return last;
    const why =
      ended === 'closed'
        ? `Ray closed the log stream of job ${id} while it is ${last?.status} (${last?.message ?? ''}): its status never became ${until.join('/')}`
        : `Ray job ${id} is still ${last?.status} (${last?.message ?? ''}) after ${world.settings.waitTimeoutSeconds} s, not ${until.join('/')}`;
    throw new WaitTimeoutError(why, undefined);
  } finally {
    clearTimeout(timer);
  }
}

export { TERMINAL_STATUSES };

// ---- what the 2.9 dashboard shows ----

/** getStatusInfo of the 2.9 dashboard (concepts/distributedWorkloads/utils.tsx), in its evaluation order. */
export function dashboardStatus(wl: KObject): string {
  const finished = cond(wl, 'Finished');
  if (finished?.status === 'True') {
    const text = `${finished.reason ?? ''} ${finished.message ?? ''}`.toLowerCase();
    if (/error|failed|rejected/.test(text)) return 'Failed';
    if (/success|succeeded/.test(text)) return 'Succeeded';
  }
  if (cond(wl, 'Evicted')?.status === 'True') return 'Evicted';
  const q = cond(wl, 'QuotaReserved');
  if (q?.status === 'False' && q.reason === 'Inadmissible') return 'Inadmissible';
  if (q?.status === 'False') return 'Pending';
  if (cond(wl, 'PodsReady')?.status === 'True') return 'Running';
  if (cond(wl, 'Admitted')?.status === 'True') return 'Admitted';
  return 'Pending';
}

export { localQueueRef };
