// Quota management for distributed workloads (§13.2, Kueue 0.6 v1beta1): the empty ResourceFlavor,
// the one ClusterQueue with quotas sized to the cluster, a LocalQueue in every data science project,
// and the status Kueue reports for them.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { ApiError, WaitTimeoutError, type KObject, type ObjectRef } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { describeCapacity, QUOTA_RESOURCES, sizeQuotas, type Quotas } from './capacity';
import { waitForComponentCrds } from './components';
import { dataScienceProjects, ensureDistributedWorkloadsProject } from './projects';
import { formatQuantity, parseQuantity } from '../core/cluster/quantity';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The quotas the scenario gave the ClusterQueue. */
    clusterQueueQuotas?: Quotas;
    /** Projects that got a LocalQueue from this scenario, and those that already had one. */
    localQueueCoverage?: { created: string[]; kept: string[] };
  }
}

export const KUEUE_API = 'kueue.x-k8s.io/v1beta1';
export const RESOURCE_IN_USE = 'kueue.x-k8s.io/resource-in-use';
export const DEFAULT_QUEUE_ANNOTATION = 'kueue.x-k8s.io/default-queue';

export const flavorRef = (name: string): ObjectRef => ({ apiVersion: KUEUE_API, kind: 'ResourceFlavor', name });
export const clusterQueueRef = (name: string): ObjectRef => ({ apiVersion: KUEUE_API, kind: 'ClusterQueue', name });
export const localQueueRef = (name: string, namespace: string): ObjectRef => ({
  apiVersion: KUEUE_API,
  kind: 'LocalQueue',
  name,
  namespace,
});

/** Kueue reacts to its objects within seconds; a status wait longer than 2 minutes only delays the diagnosis. */
function kueueReactionMs(world: RhoaiWorld): number {
  return Math.min(world.settings.waitTimeoutSeconds, 120) * 1000;
}

function conditionText(c: KObject | undefined): string {
  return c ? `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}` : 'none';
}

/** The field managers that own any of `fields` under spec (managedFields, as `oc get -o yaml --show-managed-fields` shows them). */
export function specOwners(obj: KObject | undefined, fields: string[], except = 'rhoai-harness'): string[] {
  const owners = new Set<string>();
  for (const entry of (obj?.metadata.managedFields ?? []) as KObject[]) {
    const spec = entry.fieldsV1?.['f:spec'] ?? {};
    if (entry.manager !== except && fields.some((f) => `f:${f}` in spec)) owners.add(entry.manager);
  }
  return [...owners].sort();
}

// ---- ResourceFlavor (DW-Q-01) ----

export async function createResourceFlavor(world: RhoaiWorld, name: string): Promise<KObject> {
  await waitForComponentCrds(world, 'kueue');
  const [live] = await world.applyFixture('kueue/resource-flavor', { name });
  return live!;
}

/** The flavor is empty (2.9 supports empty flavors only) and Kueue has taken charge of it (its in-use finalizer). */
export async function assertResourceFlavorEmpty(world: RhoaiWorld, name: string): Promise<void> {
  const flavor = await world.cluster.waitFor(
    flavorRef(name),
    (rf) =>
      rf?.metadata.deletionTimestamp
        ? { fail: `ResourceFlavor ${name} is being deleted` }
        : (rf?.metadata.finalizers ?? []).includes(RESOURCE_IN_USE),
    {
      describe: `Kueue to take charge of ResourceFlavor ${name} (finalizer ${RESOURCE_IN_USE})`,
      timeoutMs: kueueReactionMs(world),
    },
  );
  const set = ['nodeLabels', 'nodeTaints', 'tolerations'].filter((f) => {
    const v = flavor?.spec?.[f];
    return v !== undefined && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
  });
  const owners = specOwners(flavor, set);
  expect(
    set,
    `ResourceFlavor ${name} is not empty (it sets ${set.join(', ')}${owners.length ? `, set by ${owners.join(', ')}` : ''}): RHOAI 2.9 supports empty resource flavors only; the install applies only metadata.name and does not remove fields an earlier setup owns — remove them (oc edit resourceflavor ${name})`,
  ).to.deep.equal([]);
}

// ---- ClusterQueue (DW-Q-02) ----

/** The quotas: settings where given, else sized from the worker nodes (capacity.ts), attached to the report. */
export async function clusterQueueQuotas(world: RhoaiWorld): Promise<Quotas> {
  const overridden: Partial<Quotas> = {};
  if (world.settings.clusterQueueCpu) overridden.cpu = world.settings.clusterQueueCpu;
  if (world.settings.clusterQueueMemory) overridden.memory = world.settings.clusterQueueMemory;
  if (world.settings.clusterQueueGpu) overridden['nvidia.com/gpu'] = world.settings.clusterQueueGpu;
  const [nodes, pods] = await Promise.all([
    world.cluster.list({ apiVersion: 'v1', kind: 'Node' }),
    world.cluster.list({ apiVersion: 'v1', kind: 'Pod' }),
  ]);
  const sized = sizeQuotas(nodes, pods);
  world.report.text('cluster queue quotas', describeCapacity(sized, overridden));
  const quotas = { ...sized.quotas, ...overridden };
  if (!sized.nodes.length && Object.keys(overridden).length < QUOTA_RESOURCES.length) {
    throw new Error(
      `no Ready, schedulable worker node to size the cluster queue from (${sized.skipped.map((s) => `${s.node}: ${s.why}`).join('; ') || 'no nodes'}); set RHOAI_CLUSTER_QUEUE_CPU, RHOAI_CLUSTER_QUEUE_MEMORY and RHOAI_CLUSTER_QUEUE_GPU`,
    );
  }
  for (const r of ['cpu', 'memory'] as const) {
    if (parseQuantity(quotas[r]) <= 0)
      throw new Error(
        `the worker nodes have no ${r} left for distributed workloads (${describeCapacity(sized, overridden)
          .split('\n')
          .find((l) => l.startsWith(`${r}:`))}); set RHOAI_CLUSTER_QUEUE_${r.toUpperCase()} to give the cluster queue a quota`,
      );
  }
  return quotas;
}

export async function createClusterQueue(world: RhoaiWorld, name: string, flavor: string): Promise<KObject> {
  await waitForComponentCrds(world, 'kueue');
  const quotas = await clusterQueueQuotas(world);
  world.facts.clusterQueueQuotas = quotas;
  try {
    const [live] = await world.applyFixture('kueue/cluster-queue', {
      name,
      flavor,
      cpu: quotas.cpu,
      memory: quotas.memory,
      gpu: quotas['nvidia.com/gpu'],
    });
    return live!;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) throw error;
    const live = await world.cluster.get(clusterQueueRef(name));
    const covered: string[] = (live?.spec?.resourceGroups ?? []).flatMap((rg: KObject) => rg.coveredResources ?? []);
    const missing = QUOTA_RESOURCES.filter((r) => !covered.includes(r));
    const owners = specOwners(live, ['resourceGroups', 'namespaceSelector']);
    const coverage = missing.length
      ? `covers ${covered.join(', ') || 'nothing'} (not ${missing.join(', ')})`
      : `covers ${covered.join(', ')} with other quotas`;
    throw new Error(
      `ClusterQueue ${name} already exists, set up by ${owners.join(', ') || 'another field manager'}, and ${coverage}; the install does not take fields another manager owns (${error.message}). ` +
        `Give it the resource group of §13.2 (cpu, memory and nvidia.com/gpu of ${flavor}) or delete it, or set RHOAI_CLUSTER_QUEUE_CPU, RHOAI_CLUSTER_QUEUE_MEMORY and RHOAI_CLUSTER_QUEUE_GPU to the quotas it has now`,
      { cause: error },
    );
  }
}

/**
 * The live ClusterQueue is what §13.2 asks for: every namespace may use it (namespaceSelector {},
 * not absent: Kueue reads an absent selector as "no namespace"), one resource group covering cpu,
 * memory and nvidia.com/gpu with the flavor, the quotas given, and Kueue has taken charge of it.
 */
export async function assertClusterQueue(world: RhoaiWorld, name: string, flavor: string): Promise<void> {
  const cq = (await world.cluster.waitFor(clusterQueueRef(name), (o) => (o?.metadata.finalizers ?? []).includes(RESOURCE_IN_USE), {
    describe: `Kueue to take charge of ClusterQueue ${name} (finalizer ${RESOURCE_IN_USE})`,
    timeoutMs: kueueReactionMs(world),
  }))!;
  const selector = cq.spec?.namespaceSelector;
  expectOk(
    selector &&
      Object.keys(selector).every((k) =>
        Array.isArray(selector[k]) ? selector[k].length === 0 : Object.keys(selector[k] ?? {}).length === 0,
      ),
    `ClusterQueue ${name} has namespaceSelector ${JSON.stringify(selector)}: it must be {} so that every data science project may submit workloads (absent means none)`,
  );
  const groups: KObject[] = cq.spec?.resourceGroups ?? [];
  expect(groups.length, `ClusterQueue ${name} has ${groups.length} resource groups, expected one`).to.equal(1);
  expect(groups[0]!.coveredResources, `ClusterQueue ${name} covers ${JSON.stringify(groups[0]!.coveredResources)}`).to.deep.equal([
    ...QUOTA_RESOURCES,
  ]);
  const flavors: KObject[] = groups[0]!.flavors ?? [];
  expect(
    flavors.map((f) => f.name),
    `ClusterQueue ${name} names the flavors ${JSON.stringify(flavors.map((f) => f.name))}, expected only ${flavor}`,
  ).to.deep.equal([flavor]);
  const expected = world.facts.clusterQueueQuotas ?? (await clusterQueueQuotas(world));
  const lines: string[] = [];
  for (const r of QUOTA_RESOURCES) {
    const quota = (flavors[0]!.resources ?? []).find((x: KObject) => x.name === r)?.nominalQuota;
    expectOk(quota !== undefined, `ClusterQueue ${name} gives flavor ${flavor} no quota of ${r}`);
    expect(parseQuantity(String(quota)), `ClusterQueue ${name}: nominalQuota of ${r} is ${quota}, expected ${expected[r]}`).to.equal(
      parseQuantity(expected[r]),
    );
    lines.push(`${r}: ${formatQuantity(r, parseQuantity(String(quota)))}`);
  }
  world.report.text(`ClusterQueue ${name}`, `namespaceSelector {} (every namespace)\nflavor ${flavor}\n${lines.join('\n')}`);
}

// ---- LocalQueues (DW-Q-03, DW-Q-04) ----

function pointsTo(lq: KObject, clusterQueue: string): boolean {
  return lq.spec?.clusterQueue === clusterQueue;
}

function isDefaultQueue(lq: KObject): boolean {
  return lq.metadata.annotations?.[DEFAULT_QUEUE_ANNOTATION] === 'true';
}

/**
 * Applies the install's LocalQueue in a project, backed by the cluster queue; it is marked as the
 * project's default queue unless another LocalQueue there already is.
 */
export async function createLocalQueue(world: RhoaiWorld, namespace: string, clusterQueue: string): Promise<KObject> {
  await waitForComponentCrds(world, 'kueue');
  const name = world.settings.localQueueName;
  const others = (await world.cluster.list({ apiVersion: KUEUE_API, kind: 'LocalQueue', namespace })).filter(
    (lq) => lq.metadata.name !== name,
  );
  const annotations = others.some(isDefaultQueue) ? {} : { [DEFAULT_QUEUE_ANNOTATION]: 'true' };
  const [live] = await world.applyFixture('kueue/local-queue', { name, namespace, clusterQueue, annotations });
  return live!;
}

/**
 * `oc get -n <project> localqueues`: the install's queue, backed by the cluster queue, and Kueue
 * has resolved that ClusterQueue (its Active condition, whatever its status, is not
 * ClusterQueueDoesNotExist; whether it is active is DW-Q-05's question). The project's default
 * queue — the one the CodeFlare SDK submits to when ClusterConfiguration names no local_queue —
 * must be exactly one queue backed by the cluster queue.
 */
export async function assertLocalQueue(world: RhoaiWorld, namespace: string, clusterQueue: string): Promise<void> {
  const name = world.settings.localQueueName;
  const lq = await world.cluster.waitFor(
    localQueueRef(name, namespace),
    (o) => {
      if (!o) return { fail: `project ${namespace} has no LocalQueue ${name}` };
      if (o.spec?.clusterQueue !== clusterQueue)
        return { fail: `LocalQueue ${namespace}/${name} is backed by ${JSON.stringify(o.spec?.clusterQueue)}, expected ${clusterQueue}` };
      const active = (o.status?.conditions ?? []).find((c: KObject) => c.type === 'Active');
      if (active?.reason === 'ClusterQueueDoesNotExist')
        return { fail: `Kueue does not find ClusterQueue ${clusterQueue} for LocalQueue ${namespace}/${name}: ${conditionText(active)}` };
      return !!active || (typeof o.status?.pendingWorkloads === 'number' && !(o.status?.conditions ?? []).length);
    },
    {
      describe: `Kueue to reconcile LocalQueue ${namespace}/${name} (a status with its Active condition)`,
      timeoutMs: kueueReactionMs(world),
    },
  );
  const queues = await world.cluster.list({ apiVersion: KUEUE_API, kind: 'LocalQueue', namespace });
  const describeQueue = (q: KObject) =>
    `"${q.metadata.name}", backed by ClusterQueue "${q.spec?.clusterQueue}" (Kueue: ${conditionText((q.status?.conditions ?? []).find((c: KObject) => c.type === 'Active'))})`;
  const defaults = queues.filter(isDefaultQueue);
  world.report.text(
    `local queues in ${namespace}`,
    queues.map((q) => `${q.metadata.name}\tclusterQueue=${q.spec?.clusterQueue}${isDefaultQueue(q) ? '\t(default queue)' : ''}`).join('\n'),
  );
  expectOk(
    defaults.length <= 1,
    `project ${namespace} has ${defaults.length} LocalQueues annotated ${DEFAULT_QUEUE_ANNOTATION}=true (${defaults.map(describeQueue).join('; ')}): the CodeFlare SDK needs exactly one when ClusterConfiguration names no local_queue`,
  );
  const [def] = defaults;
  expectOk(
    def,
    `project ${namespace} has no LocalQueue annotated ${DEFAULT_QUEUE_ANNOTATION}=true: the CodeFlare SDK fails when ClusterConfiguration names no local_queue`,
  );
  expectOk(
    def.spec?.clusterQueue === clusterQueue,
    `the default queue of the project is ${describeQueue(def)}, not one backed by ${clusterQueue}: the CodeFlare SDK submits there when ClusterConfiguration names no local_queue. ` +
      `The install does not take over a queue it did not create (${lq?.metadata.name} stays unmarked): remove the annotation ${DEFAULT_QUEUE_ANNOTATION} from "${def.metadata.name}" or point it to ${clusterQueue}`,
  );
}

/** DW-Q-04: a LocalQueue backed by the cluster queue in every data science project that has none. */
export async function coverDataScienceProjects(world: RhoaiWorld, clusterQueue: string): Promise<void> {
  await waitForComponentCrds(world, 'kueue');
  const projects = await dataScienceProjects(world);
  const created: string[] = [];
  const kept: string[] = [];
  for (const namespace of projects) {
    const queues = await world.cluster.list({ apiVersion: KUEUE_API, kind: 'LocalQueue', namespace });
    if (queues.some((q) => pointsTo(q, clusterQueue))) kept.push(namespace);
    else {
      try {
        await createLocalQueue(world, namespace, clusterQueue);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 409)) throw error;
        const name = world.settings.localQueueName;
        const theirs = queues.find((q) => q.metadata.name === name);
        const owners = specOwners(theirs, ['clusterQueue']);
        throw new Error(
          `data science project ${namespace} already has a LocalQueue ${name} backed by ${theirs?.spec?.clusterQueue ?? '?'} (set by ${owners.join(', ') || 'another field manager'}), so it cannot get the install's queue of that name backed by ${clusterQueue} ` +
            `(spec.clusterQueue belongs to that manager and Kueue does not let it change): choose another RHOAI_LOCAL_QUEUE_NAME, or give that project a queue backed by ${clusterQueue} (${error.message})`,
          { cause: error },
        );
      }
      created.push(namespace);
    }
  }
  world.facts.localQueueCoverage = { created, kept };
  world.report.text(
    'local queue coverage',
    `data science projects: ${projects.length}\ngot a local queue now: ${created.join(', ') || 'none'}\nalready had one backed by ${clusterQueue}: ${kept.join(', ') || 'none'}`,
  );
}

/** Every data science project (at least the install's own) has a LocalQueue backed by the cluster queue, and at most one default queue. */
export async function assertEveryProjectCovered(world: RhoaiWorld, clusterQueue: string): Promise<void> {
  const projects = await dataScienceProjects(world);
  expectOk(
    projects.includes(world.settings.dwProject),
    `the data science project ${world.settings.dwProject} (RHOAI_DW_PROJECT) is missing from the data science projects (${projects.join(', ') || 'none'})`,
  );
  const uncovered: string[] = [];
  const ambiguous: string[] = [];
  for (const namespace of projects) {
    const queues = await world.cluster.list({ apiVersion: KUEUE_API, kind: 'LocalQueue', namespace });
    if (!queues.some((q) => pointsTo(q, clusterQueue))) uncovered.push(namespace);
    if (queues.filter(isDefaultQueue).length > 1)
      ambiguous.push(
        `${namespace} (${queues
          .filter(isDefaultQueue)
          .map((q) => q.metadata.name)
          .join(', ')})`,
      );
  }
  expect(uncovered, `data science projects without a LocalQueue backed by ${clusterQueue}: ${uncovered.join(', ')}`).to.deep.equal([]);
  expect(ambiguous, `data science projects with more than one default LocalQueue: ${ambiguous.join('; ')}`).to.deep.equal([]);
}

// ---- status (DW-Q-05) ----

/**
 * The ClusterQueue's Active condition is True (Kueue 0.6: reason Ready); Stopped fails at once. A
 * queue that stays inactive is explained: FlavorNotFound while its flavors exist means Kueue itself
 * does not see them.
 */
export async function assertClusterQueueActive(world: RhoaiWorld, name: string): Promise<void> {
  let cq: KObject | undefined;
  try {
    cq = await world.cluster.waitFor(
      clusterQueueRef(name),
      (o) => {
        const active = (o?.status?.conditions ?? []).find((c: KObject) => c.type === 'Active');
        if (active?.status === 'False' && active.reason === 'Stopped')
          return { fail: `ClusterQueue ${name} is stopped (spec.stopPolicy ${o?.spec?.stopPolicy}): ${active.message}` };
        return active?.status === 'True';
      },
      { describe: `ClusterQueue ${name} to be Active (status.conditions Active=True)`, timeoutMs: kueueReactionMs(world) },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    throw new WaitTimeoutError(
      `${await explainInactive(world, error.lastObserved as KObject | undefined, name)}\n${error.message}`,
      error.lastObserved,
    );
  }
  const active = (cq?.status?.conditions ?? []).find((c: KObject) => c.type === 'Active');
  world.report.text(
    `ClusterQueue ${name} status`,
    `${conditionText(active)}\npendingWorkloads=${cq?.status?.pendingWorkloads ?? 0} admittedWorkloads=${cq?.status?.admittedWorkloads ?? 0}`,
  );
}

async function explainInactive(world: RhoaiWorld, cq: KObject | undefined, name: string): Promise<string> {
  if (!cq) return `ClusterQueue ${name} does not exist`;
  const active = (cq.status?.conditions ?? []).find((c: KObject) => c.type === 'Active');
  if (!active) return `Kueue has not reported on ClusterQueue ${name} (no Active condition): is kueue-controller-manager running?`;
  const flavors: string[] = (cq.spec?.resourceGroups ?? []).flatMap((rg: KObject) => (rg.flavors ?? []).map((f: KObject) => f.name));
  const present = await Promise.all(flavors.map(async (f) => [f, !!(await world.cluster.get(flavorRef(f)))] as const));
  const missing = present.filter(([, ok]) => !ok).map(([f]) => f);
  const cause =
    active.reason === 'FlavorNotFound' && !missing.length
      ? `; its ResourceFlavors (${flavors.join(', ')}) exist, so Kueue's cache does not see them (check the kueue-controller-manager pod and its logs)`
      : missing.length
        ? `; missing ResourceFlavors: ${missing.join(', ')}`
        : '';
  return `ClusterQueue ${name} stays inactive: ${conditionText(active)}${cause}`;
}

/**
 * The LocalQueue's status: with an Active condition (Kueue 0.6 sets one), it must be True; a Kueue
 * whose LocalQueue has no conditions is judged by the status it does report (the workload counts,
 * present once Kueue has reconciled the queue). The report says which.
 */
export async function assertLocalQueueActive(world: RhoaiWorld, namespace: string, name = world.settings.localQueueName): Promise<void> {
  const lq = (await world.cluster.waitFor(
    localQueueRef(name, namespace),
    (o) => {
      if (!o) return false;
      const active = (o.status?.conditions ?? []).find((c: KObject) => c.type === 'Active');
      if (active) return active.status === 'True';
      return (
        typeof o.status?.pendingWorkloads === 'number' &&
        typeof o.status?.admittedWorkloads === 'number' &&
        !(o.status?.conditions ?? []).length
      );
    },
    {
      describe: `LocalQueue ${namespace}/${name} to be Active (condition Active=True, or for a Kueue without LocalQueue conditions its workload counts)`,
      timeoutMs: kueueReactionMs(world),
    },
  ))!;
  const active = (lq.status?.conditions ?? []).find((c: KObject) => c.type === 'Active');
  const counts = `pendingWorkloads=${lq.status?.pendingWorkloads ?? '-'} reservingWorkloads=${lq.status?.reservingWorkloads ?? '-'} admittedWorkloads=${lq.status?.admittedWorkloads ?? '-'}`;
  world.report.text(
    `LocalQueue ${namespace}/${name} status`,
    active
      ? `judged by the Active condition: ${conditionText(active)}\n${counts}`
      : `this Kueue's LocalQueue has no conditions: judged by its reconciled status and its ClusterQueue's Active condition\n${counts}`,
  );
}

// ---- everything at once, for the Givens of later scenarios ----

export interface QuotaSetup {
  flavor: string;
  clusterQueue: string;
  project: string;
}

/**
 * For the Givens of later scenarios: the flavor, the cluster queue and the install's project with
 * its local queue, each created only when missing (what exists, with the quotas someone chose, is
 * left as it is).
 */
export async function ensureQuotaManagement(
  world: RhoaiWorld,
  flavor = 'default-flavor',
  clusterQueue = 'cluster-queue',
): Promise<QuotaSetup> {
  await waitForComponentCrds(world, 'kueue');
  if (!(await world.cluster.get(flavorRef(flavor)))) await createResourceFlavor(world, flavor);
  if (!(await world.cluster.get(clusterQueueRef(clusterQueue)))) await createClusterQueue(world, clusterQueue, flavor);
  const project = await ensureDistributedWorkloadsProject(world);
  if (!(await world.cluster.get(localQueueRef(world.settings.localQueueName, project))))
    await createLocalQueue(world, project, clusterQueue);
  world.report.text(
    'quota management',
    `ResourceFlavor ${flavor}, ClusterQueue ${clusterQueue}, LocalQueue ${project}/${world.settings.localQueueName}`,
  );
  return { flavor, clusterQueue, project };
}
