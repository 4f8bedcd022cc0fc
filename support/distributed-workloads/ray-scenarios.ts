// The tasks and questions of the Ray scenarios (features/20-distributed-workloads/04-ray-jobs.feature).
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { KObject } from '../core/cluster';
import { readServiceAccountToken } from '../serving/token-auth';
import type { RhoaiWorld } from '../core/world';
import { ensureQuotaManagement, KUEUE_API, localQueueRef } from './kueue';
import { DASHBOARD_LABEL } from './projects';
import {
  createRayCluster,
  dashboardStatus,
  deleteRayCluster,
  followJob,
  RAY_API,
  RAY_IMAGE,
  rayClusterRef,
  rayJobRef,
  rayJobsClient,
  rayPods,
  waitAdmitted,
  waitRayClusterReady,
  workloadDecision,
  workloadOf,
  type RayClusterSize,
} from './ray';

/** A Python entrypoint whose answer only a real run gives: the sum of the squares of 0..9 computed by remote tasks. */
export const SQUARES_ENTRYPOINT =
  'python -c "import ray; ray.init(); sq = ray.remote(lambda x: x * x); print(\'sum of squares:\', sum(ray.get([sq.remote(i) for i in range(10)])))"';
export const SQUARES_ANSWER = 'sum of squares: 285';
const LONG_ENTRYPOINT = 'python -c "import time; print(\'working\', flush=True); time.sleep(600)"';

/** The harness's small ClusterQueue for quota checks (fixtures/ray/cluster-queue.yaml). */
export const QUOTA_QUEUE = 'rhoai-harness-ray-quota';
export const QUOTA_PROJECT = 'rhoai-harness-ray-quota';
/** Each check cluster asks for 1 CPU in all (head 500m + one 500m worker): two do not fit in 1500m. */
const QUOTA_CPU = '1500m';
const CHECK_SIZE: RayClusterSize = { headCpu: '500m', headMemory: '512Mi', workers: 1, workerCpu: '500m', workerMemory: '512Mi' };

async function ensureProject(world: RhoaiWorld, name: string, displayName: string): Promise<void> {
  const ns = await world.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name });
  if (ns?.metadata.deletionTimestamp) await world.cluster.waitForDeletion({ apiVersion: 'v1', kind: 'Namespace', name });
  if (!ns || ns.metadata.deletionTimestamp)
    await world.applyFixture('kueue/data-science-project', { name, displayName, description: 'Made by the harness for a Ray check.' });
  else expect(ns.metadata.labels?.[DASHBOARD_LABEL], `namespace ${name} exists but is not a data science project`).to.equal('true');
  await world.cluster.waitFor({ apiVersion: 'v1', kind: 'Namespace', name }, (n) => n?.status?.phase === 'Active', {
    describe: `project ${name} to be Active`,
  });
}

// ---- a Ray cluster in the distributed-workloads project ----

export async function rayClusterInProject(world: RhoaiWorld, name: string): Promise<void> {
  const { project } = await ensureQuotaManagement(world);
  await createRayCluster(world, name, project, world.settings.localQueueName);
}

export async function assertRayClusterAsSdkMakesIt(world: RhoaiWorld, name: string): Promise<void> {
  const ns = world.settings.dwProject;
  const rc = await world.cluster.get(rayClusterRef(name, ns));
  expectOk(rc, `RayCluster ${ns}/${name} does not exist`);
  expect(rc.metadata.labels?.['kueue.x-k8s.io/queue-name'], 'the RayCluster names the project local queue').to.equal(
    world.settings.localQueueName,
  );
  await waitRayClusterReady(world, name, ns);
}

// ---- the jobs API (DW-RAY-01, CMP-12) ----

async function userToken(world: RhoaiWorld, namespace: string, sa: string, withAccess: boolean): Promise<string> {
  await world.applyFixture('serving/token-service-account', { name: sa, namespace, ownerReferences: [] });
  if (withAccess)
    await world.applyFixture('serving/token-role-binding', { name: `${sa}-view`, namespace, serviceAccount: sa, ownerReferences: [] });
  await world.applyFixture('serving/token-secret', {
    name: `${sa}-token`,
    namespace,
    serviceAccount: sa,
    displayName: sa,
    ownerReferences: [],
  });
  return (await readServiceAccountToken(world, namespace, `${sa}-token`, sa, sa)).token;
}

export async function submitAndFollow(world: RhoaiWorld, cluster: string): Promise<void> {
  const ns = world.settings.dwProject;
  const token = await userToken(world, ns, 'ray-jobs-user', true);
  const client = await rayJobsClient(world, cluster, ns, token);
  const submitted = await client.submit(SQUARES_ENTRYPOINT);
  const done = await followJob(world, client, submitted.submission_id, ['SUCCEEDED'], ['FAILED', 'STOPPED']);
  const logs = await client.logs(submitted.submission_id);
  world.facts.rayJobs = { ...(world.facts.rayJobs ?? {}), squares: submitted.submission_id };
  world.report.text(
    'Ray job over HTTP',
    `POST ${client.baseUrl}/api/jobs/ {entrypoint: ${SQUARES_ENTRYPOINT}}\n→ ${submitted.submission_id}: ${done.status} (${done.message})\nlogs:\n${logs}`,
  );
  expectOk(logs.includes(SQUARES_ANSWER), `the logs of Ray job ${submitted.submission_id} do not show "${SQUARES_ANSWER}":\n${logs}`);
}

export async function stopAndDelete(world: RhoaiWorld, cluster: string): Promise<void> {
  const ns = world.settings.dwProject;
  const token = await userToken(world, ns, 'ray-jobs-user', true);
  const client = await rayJobsClient(world, cluster, ns, token);
  const { submission_id: id } = await client.submit(LONG_ENTRYPOINT);
  await followJob(world, client, id, ['RUNNING'], ['FAILED', 'SUCCEEDED', 'STOPPED']);
  expect(await client.stop(id), `the Ray API did not stop job ${id}`).to.equal(true);
  const stopped = await followJob(world, client, id, ['STOPPED'], ['FAILED', 'SUCCEEDED']);
  expect(await client.delete(id), `the Ray API did not delete job ${id}`).to.equal(true);
  const gone = await client.request('GET', `/api/jobs/${id}`);
  world.report.text('Ray job stopped and deleted', `${id}: ${stopped.status} (${stopped.message}); after DELETE: HTTP ${gone.status}`);
  expect(gone.status, `Ray job ${id} is still known after DELETE (HTTP ${gone.status})`).to.equal(404);
}

export async function assertRouteRefusesStrangers(world: RhoaiWorld, cluster: string): Promise<void> {
  const ns = world.settings.dwProject;
  const outsider = await userToken(world, ns, 'ray-jobs-outsider', false);
  const anonymous = await rayJobsClient(world, cluster, ns, undefined);
  const stranger = await rayJobsClient(world, cluster, ns, outsider);
  const a = await anonymous.request('GET', '/api/jobs/');
  const s = await stranger.request('GET', '/api/jobs/');
  world.report.text('Ray dashboard route without access', `no token: HTTP ${a.status}\ntoken without get pods in ${ns}: HTTP ${s.status}`);
  expectOk(
    a.status === 401 || a.status === 403 || a.status === 302,
    `the Ray dashboard route answered a request without a bearer token (HTTP ${a.status}): the oauth-proxy of the CodeFlare operator is not in front of it`,
  );
  expectOk(
    s.status === 401 || s.status === 403,
    `the Ray dashboard route answered a token without get pods in ${ns} (HTTP ${s.status}): the oauth-proxy does not check the namespace`,
  );
}

// ---- the RayJob CR ----

export async function runRayJob(world: RhoaiWorld, name: string, submissionMode: string): Promise<void> {
  const { project } = await ensureQuotaManagement(world);
  const ref = rayJobRef(name, project);
  const existing = await world.cluster.get(ref);
  if (existing) {
    await world.cluster.delete(ref);
    await world.cluster.waitForDeletion(ref);
  }
  await world.applyFixture('ray/rayjob', {
    name,
    namespace: project,
    queue: world.settings.localQueueName,
    submissionMode,
    entrypoint: SQUARES_ENTRYPOINT,
    image: RAY_IMAGE,
  });
}

export async function assertRayJobSucceeded(world: RhoaiWorld, name: string): Promise<void> {
  const ns = world.settings.dwProject;
  await waitAdmitted(world, await workloadOf(world, 'RayJob', name, ns), `RayJob ${ns}/${name}`);
  const job = await world.cluster.waitFor(
    rayJobRef(name, ns),
    (j) => {
      const d = j?.status?.jobDeploymentStatus;
      if (d === 'Failed') return { fail: `RayJob ${ns}/${name} ended FAILED: jobStatus ${j!.status.jobStatus}, ${j!.status.message}` };
      return d === 'Complete';
    },
    { describe: `KubeRay to complete RayJob ${ns}/${name}` },
  );
  world.report.text(`RayJob ${name}`, JSON.stringify(job!.status, null, 2));
  expect(job!.status.jobStatus, `RayJob ${name} completed with Ray status ${job!.status.jobStatus}: ${job!.status.message}`).to.equal(
    'SUCCEEDED',
  );
}

export async function assertK8sJobModeFails(world: RhoaiWorld, name: string): Promise<void> {
  const ns = world.settings.dwProject;
  const job = await world.cluster.waitFor(rayJobRef(name, ns), (j) => ['Failed', 'Complete'].includes(j?.status?.jobDeploymentStatus), {
    describe: `KubeRay to finish RayJob ${ns}/${name} (K8sJobMode)`,
  });
  world.report.text(`RayJob ${name} (K8sJobMode)`, JSON.stringify(job!.status, null, 2));
  expect(
    job!.status.jobDeploymentStatus,
    `a RayJob in K8sJobMode ended ${job!.status.jobDeploymentStatus}: RHOAI 2.9 supports submissionMode HTTPMode only (mTLS), so the harness expected the submitter to fail`,
  ).to.equal('Failed');
  world.report.text(
    'why HTTPMode',
    `RayJob ${name} in K8sJobMode failed (${job!.status.reason}: ${job!.status.message}): use submissionMode: HTTPMode on RHOAI 2.9`,
  );
}

// ---- quota (UI-DW-01) ----

export async function quotaCheckQueue(world: RhoaiWorld): Promise<void> {
  await ensureQuotaManagement(world);
  await world.applyFixture('ray/cluster-queue', { name: QUOTA_QUEUE, flavor: 'default-flavor', cpu: QUOTA_CPU, memory: '4Gi', gpu: 1 });
  await ensureProject(world, QUOTA_PROJECT, 'Ray quota check');
  await world.applyFixture('ray/local-queue', { name: 'quota-check', namespace: QUOTA_PROJECT, clusterQueue: QUOTA_QUEUE });
  for (const name of ['quota-first', 'quota-second', 'gpu-worker', 'gaudi-worker'])
    if (await world.cluster.get(rayClusterRef(name, QUOTA_PROJECT))) await deleteRayCluster(world, name, QUOTA_PROJECT);
}

export async function twoClustersBeyondQuota(world: RhoaiWorld): Promise<void> {
  await createRayCluster(world, 'quota-first', QUOTA_PROJECT, 'quota-check', CHECK_SIZE);
  await waitRayClusterReady(world, 'quota-first', QUOTA_PROJECT);
  await createRayCluster(world, 'quota-second', QUOTA_PROJECT, 'quota-check', CHECK_SIZE);
}

export async function assertSecondWaits(world: RhoaiWorld): Promise<void> {
  const wl = await workloadOf(world, 'RayCluster', 'quota-second', QUOTA_PROJECT);
  const decided = await world.cluster.waitFor(
    { apiVersion: KUEUE_API, kind: 'Workload', name: wl.metadata.name, namespace: QUOTA_PROJECT },
    (w) => {
      if (w?.status?.conditions?.some((c: KObject) => c.type === 'Admitted' && c.status === 'True'))
        return {
          fail: `RayCluster quota-second was admitted beyond the quota of ${QUOTA_QUEUE} (cpu ${QUOTA_CPU}, quota-first holds 1 CPU): ${workloadDecision(w)}`,
        };
      return (w?.status?.conditions ?? []).some((c: KObject) => c.type === 'QuotaReserved' && c.status === 'False');
    },
    { describe: `Kueue to decide on the Workload of RayCluster quota-second` },
  );
  const message: string = decided!.status.conditions.find((c: KObject) => c.type === 'QuotaReserved').message;
  expect(message, `Kueue keeps quota-second waiting for another reason: ${message}`).to.match(
    /insufficient unused quota for cpu in flavor default-flavor/,
  );
  const rc = await world.cluster.get(rayClusterRef('quota-second', QUOTA_PROJECT));
  expect(rc?.spec?.suspend, 'the RayCluster beyond quota is not suspended').to.equal(true);
  const pods = await rayPods(world, 'quota-second', QUOTA_PROJECT);
  expect(
    pods.map((p) => p.metadata.name),
    'the RayCluster beyond quota has pods',
  ).to.deep.equal([]);
  await reportDashboardView(world, QUOTA_PROJECT);
}

export async function deleteFirstAndWatchSecond(world: RhoaiWorld): Promise<void> {
  await deleteRayCluster(world, 'quota-first', QUOTA_PROJECT);
  await waitRayClusterReady(world, 'quota-second', QUOTA_PROJECT);
  await reportDashboardView(world, QUOTA_PROJECT);
  await deleteRayCluster(world, 'quota-second', QUOTA_PROJECT);
}

/** UI-DW-01: the project's workloads with the status the 2.9 dashboard gives them, and use against the quota. */
export async function reportDashboardView(world: RhoaiWorld, namespace: string): Promise<void> {
  const wls = await world.cluster.list({ apiVersion: KUEUE_API, kind: 'Workload', namespace });
  const lqs = await world.cluster.list({ apiVersion: KUEUE_API, kind: 'LocalQueue', namespace });
  const rows = wls.map((w) => {
    const owner = (w.metadata.ownerReferences ?? [])[0];
    const usage = (w.status?.admission?.podSetAssignments ?? [])
      .map(
        (p: KObject) =>
          `${p.name}: ${Object.entries(p.resourceUsage ?? {})
            .map(([r, q]) => `${r}=${q}`)
            .join(' ')}`,
      )
      .join('; ');
    return `| ${owner?.kind}/${owner?.name} | ${w.spec?.queueName} | ${dashboardStatus(w)} | ${usage || '-'} |`;
  });
  const quota: string[] = [];
  for (const lq of lqs) {
    const cq = await world.cluster.get({ apiVersion: KUEUE_API, kind: 'ClusterQueue', name: lq.spec.clusterQueue });
    for (const f of cq?.spec?.resourceGroups?.flatMap((g: KObject) => g.flavors) ?? [])
      for (const r of f.resources ?? []) {
        const used =
          (lq.status?.flavorsReservation ?? []).find((x: KObject) => x.name === f.name)?.resources?.find((x: KObject) => x.name === r.name)
            ?.total ?? '0';
        quota.push(`| ${lq.metadata.name} → ${lq.spec.clusterQueue} | ${f.name} | ${r.name} | ${used} of ${r.nominalQuota} |`);
      }
  }
  world.report.text(
    `distributed workloads of ${namespace} (as the 2.9 dashboard shows them)`,
    [
      '| workload of | queue | status | resources |',
      '|---|---|---|---|',
      ...rows,
      '',
      '| local queue | flavor | resource | reserved of quota |',
      '|---|---|---|---|',
      ...quota,
    ].join('\n'),
  );
}

// ---- accelerators (UI-DW-02) ----

export async function acceleratorClusters(world: RhoaiWorld): Promise<void> {
  const small = { headCpu: '100m', headMemory: '256Mi', workers: 1, workerCpu: '100m', workerMemory: '256Mi' };
  await createRayCluster(world, 'gpu-worker', QUOTA_PROJECT, 'quota-check', { ...small, workerExtra: { 'nvidia.com/gpu': '1' } });
  await createRayCluster(world, 'gaudi-worker', QUOTA_PROJECT, 'quota-check', { ...small, workerExtra: { 'habana.ai/gaudi': '1' } });
}

export async function assertOnlyNvidiaAdmitted(world: RhoaiWorld): Promise<void> {
  const gpu = await waitAdmitted(world, await workloadOf(world, 'RayCluster', 'gpu-worker', QUOTA_PROJECT), 'RayCluster gpu-worker');
  const worker = gpu.status.admission.podSetAssignments.find((p: KObject) => p.name === 'small-group-gpu-worker');
  expect(worker?.flavors?.['nvidia.com/gpu'], 'the GPU worker was not admitted against the nvidia.com/gpu quota').to.equal(
    'default-flavor',
  );
  const wl = await workloadOf(world, 'RayCluster', 'gaudi-worker', QUOTA_PROJECT);
  const decided = await world.cluster.waitFor(
    { apiVersion: KUEUE_API, kind: 'Workload', name: wl.metadata.name, namespace: QUOTA_PROJECT },
    (w) => {
      if (w?.status?.conditions?.some((c: KObject) => c.type === 'Admitted' && c.status === 'True'))
        return {
          fail: `RayCluster gaudi-worker was admitted although cluster-queue does not cover habana.ai/gaudi: ${workloadDecision(w)}`,
        };
      return (w?.status?.conditions ?? []).some((c: KObject) => c.type === 'QuotaReserved' && c.status === 'False');
    },
    { describe: 'Kueue to decide on the Workload of RayCluster gaudi-worker' },
  );
  const message: string = decided!.status.conditions.find((c: KObject) => c.type === 'QuotaReserved').message;
  await reportDashboardView(world, QUOTA_PROJECT);
  expect(message, `Kueue keeps gaudi-worker waiting for another reason: ${message}`).to.match(
    /resource habana\.ai\/gaudi unavailable in ClusterQueue/,
  );
  await deleteRayCluster(world, 'gpu-worker', QUOTA_PROJECT);
  await deleteRayCluster(world, 'gaudi-worker', QUOTA_PROJECT);
}

// ---- Q-03 ----

export const NO_QUEUE_PROJECT = 'rhoai-harness-no-local-queue';

export async function projectWithoutLocalQueue(world: RhoaiWorld): Promise<void> {
  await ensureQuotaManagement(world);
  await ensureProject(world, NO_QUEUE_PROJECT, 'No local queue');
  const ref = rayClusterRef('no-queue', NO_QUEUE_PROJECT);
  if (await world.cluster.get(ref)) await deleteRayCluster(world, 'no-queue', NO_QUEUE_PROJECT);
  for (const lq of await world.cluster.list({ apiVersion: KUEUE_API, kind: 'LocalQueue', namespace: NO_QUEUE_PROJECT })) {
    await world.cluster.delete(localQueueRef(lq.metadata.name!, NO_QUEUE_PROJECT));
    await world.cluster.waitForDeletion(localQueueRef(lq.metadata.name!, NO_QUEUE_PROJECT));
  }
  await createRayCluster(world, 'no-queue', NO_QUEUE_PROJECT, world.settings.localQueueName);
}

export async function assertNotAdmittedWithoutQueue(world: RhoaiWorld): Promise<void> {
  const wl = await workloadOf(world, 'RayCluster', 'no-queue', NO_QUEUE_PROJECT);
  const decided = await world.cluster.waitFor(
    { apiVersion: KUEUE_API, kind: 'Workload', name: wl.metadata.name, namespace: NO_QUEUE_PROJECT },
    (w) => {
      if (w?.status?.conditions?.some((c: KObject) => c.type === 'Admitted' && c.status === 'True'))
        return { fail: `RayCluster no-queue was admitted although the project has no LocalQueue: ${workloadDecision(w)}` };
      return (w?.status?.conditions ?? []).some((c: KObject) => c.type === 'QuotaReserved' && c.status === 'False');
    },
    { describe: 'Kueue to decide on the Workload of RayCluster no-queue' },
  );
  world.report.text('without a LocalQueue', `Workload ${wl.metadata.name}: ${workloadDecision(decided)}`);
  const q = decided!.status.conditions.find((c: KObject) => c.type === 'QuotaReserved');
  expect(q.reason, `Kueue keeps the RayCluster waiting for another reason: ${q.reason}: ${q.message}`).to.equal('Inadmissible');
  expect(
    (await rayPods(world, 'no-queue', NO_QUEUE_PROJECT)).map((p) => p.metadata.name),
    'a RayCluster without a LocalQueue has pods',
  ).to.deep.equal([]);
}

export async function createQueueAndWatch(world: RhoaiWorld): Promise<void> {
  await world.applyFixture('ray/local-queue', {
    name: world.settings.localQueueName,
    namespace: NO_QUEUE_PROJECT,
    clusterQueue: 'cluster-queue',
  });
  await waitRayClusterReady(world, 'no-queue', NO_QUEUE_PROJECT);
  await deleteRayCluster(world, 'no-queue', NO_QUEUE_PROJECT);
}

// ---- CMP-12: remote control ----

export async function assertRemoteControl(world: RhoaiWorld, cluster: string): Promise<void> {
  const ns = world.settings.dwProject;
  const clusters = await world.cluster.list({ apiVersion: RAY_API, kind: 'RayCluster', namespace: ns });
  const rc = clusters.find((c) => c.metadata.name === cluster);
  expectOk(rc, `listing RayClusters in ${ns} does not show ${cluster}`);
  const token = await userToken(world, ns, 'ray-jobs-user', true);
  const client = await rayJobsClient(world, cluster, ns, token);
  const jobs = await client.list();
  world.report.text(
    'remote control',
    [
      `RayClusters in ${ns}: ${clusters.map((c) => `${c.metadata.name} (${c.status?.state})`).join(', ')}`,
      `jobs of ${cluster}: ${jobs.map((j) => `${j.submission_id} ${j.status}`).join(', ') || 'none'}`,
    ].join('\n'),
  );
  expect(rc.status?.state, `RayCluster ${cluster} is ${rc.status?.state}, not ready`).to.equal('ready');
  await deleteRayCluster(world, cluster, ns);
  const left = await rayPods(world, cluster, ns);
  await world.cluster.waitForList({ apiVersion: 'v1', kind: 'Pod', namespace: ns }, (ps) => ps.length === 0, {
    labelSelector: `ray.io/cluster=${cluster}`,
    describe: `the pods of RayCluster ${cluster} (${left.length} left) to be gone after deleting it`,
  });
}
