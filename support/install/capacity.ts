// Preflight: does the cluster meet what the RHOAI 2.9 docs require for the chosen components? It
// checks what the docs check, no more:
// - "Requirements for OpenShift AI Self-Managed" (2.9): at least 2 worker nodes with at least 8 CPUs
//   and 32 GiB RAM available for OpenShift AI (a node's size: status.capacity);
// - KServe, single-model serving ("Installing KServe", prerequisites; the seed's component table
//   "4 CPUs and 16 GB"): a node with 4 CPUs and 16 GB memory. The seed lists the same numbers for
//   Service Mesh and Serverless, but the docs state one node prerequisite, not three sums;
// - distributed workloads (CodeFlare, KubeRay, Kueue; install.md §12 "Extra resources needed"):
//   1.6 vCPU and 2 GiB memory beyond what is in use, i.e. free on the nodes pods can land on
//   (allocatable minus what pods already request, except the components' own pods, so that a
//   re-run over an installed platform judges the same way as the first run).
// Nodes counted: those an ordinary pod can land on (Ready, schedulable, no NoSchedule/NoExecute
// taint), so tainted GPU or control-plane nodes do not count. The check fails early, before
// anything is applied, with the numbers.
import { expect } from 'chai';
import { conditionOf, type KObject } from '../core/cluster';
import { PROFILES, type ComponentKey, type Profile } from './components';
import { podRequests } from '../distributed-workloads/capacity';
import { GIB, parseQuantity } from '../core/cluster/quantity';
import type { RhoaiWorld } from '../core/world';
import { applicationsNamespace } from '../rhoai/names';

type Resources = { cpu: number; memory: number };

/** The documented minimum of OpenShift AI itself. */
export const MINIMUM_WORKERS = {
  count: 2,
  cpu: 8,
  memory: 32 * GIB,
  says: 'at least 2 worker nodes with 8 CPUs and 32 GiB each (RHOAI 2.9 "Requirements for OpenShift AI Self-Managed")',
};
/** The documented node prerequisite of single-model serving (KServe). */
export const KSERVE_NODE = {
  cpu: 4,
  memory: 16e9,
  says: 'a node with 4 CPUs and 16 GB memory (RHOAI 2.9 "Installing KServe": single-model serving)',
};
/** The documented extra of distributed workloads. */
export const DISTRIBUTED_WORKLOADS_EXTRA = {
  cpu: 1.6,
  memory: 2 * GIB,
  says: '1.6 vCPU and 2 GiB memory free for distributed workloads (CodeFlare, KubeRay, Kueue)',
};

const usesKserve = (c: ComponentKey[]) => c.includes('kserve');
const usesDistributedWorkloads = (c: ComponentKey[]) => c.includes('codeflare') || c.includes('ray') || c.includes('kueue');

/** The documented requirements that apply to these components, in words. */
export function requirementsOf(components: ComponentKey[]): string[] {
  return [
    MINIMUM_WORKERS.says,
    ...(usesKserve(components) ? [KSERVE_NODE.says] : []),
    ...(usesDistributedWorkloads(components) ? [DISTRIBUTED_WORKLOADS_EXTRA.says] : []),
  ];
}

/** Nodes an ordinary pod (no tolerations) can land on. */
export function schedulable(node: KObject): boolean {
  if (node.spec?.unschedulable) return false;
  if (conditionOf(node, 'Ready')?.status !== 'True') return false;
  return !(node.spec?.taints ?? []).some((t: { effect?: string }) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
}

/** A node's size as the docs count it: its capacity (allocatable when capacity is not reported). */
export function nodeSize(node: KObject): Resources {
  const of = (r: 'cpu' | 'memory') => parseQuantity(node.status?.capacity?.[r] ?? node.status?.allocatable?.[r] ?? '0');
  return { cpu: of('cpu'), memory: of('memory') };
}

export interface Capacity {
  nodes: string[];
  /** Size of each schedulable node, by name. */
  sizes: Record<string, Resources>;
  allocatable: Resources;
  requested: Resources;
  free: Resources;
}

/** Sizes and allocatable of the schedulable nodes, minus the requests of the pods on them outside `excluded` namespaces. */
export function capacityOf(nodes: KObject[], pods: KObject[], excluded: string[]): Capacity {
  const usable = nodes.filter(schedulable);
  const names = new Set(usable.map((n) => n.metadata.name));
  const allocatable = usable.reduce(
    (a, n) => ({
      cpu: a.cpu + parseQuantity(n.status?.allocatable?.cpu ?? '0'),
      memory: a.memory + parseQuantity(n.status?.allocatable?.memory ?? '0'),
    }),
    { cpu: 0, memory: 0 },
  );
  const running = pods.filter(
    (p) => names.has(p.spec?.nodeName) && !['Succeeded', 'Failed'].includes(p.status?.phase) && !excluded.includes(p.metadata.namespace!),
  );
  const requested = running
    .map((p) => podRequests(p))
    .reduce((a: Resources, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
  return {
    nodes: [...names] as string[],
    sizes: Object.fromEntries(usable.map((n) => [n.metadata.name!, nodeSize(n)])),
    allocatable,
    requested,
    free: { cpu: allocatable.cpu - requested.cpu, memory: allocatable.memory - requested.memory },
  };
}

const cores = (n: number) => `${Number(n.toFixed(2))}`;
const gib = (n: number) => `${Number((n / GIB).toFixed(1))} GiB`;
const sized = (c: Capacity) => c.nodes.map((n) => `${n}: ${cores(c.sizes[n]!.cpu)} CPUs, ${gib(c.sizes[n]!.memory)}`).join('; ') || 'none';
const fits = (size: Resources, need: { cpu: number; memory: number }) => size.cpu + 1e-9 >= need.cpu && size.memory >= need.memory;

/** The verdict, in words: undefined when the documented requirements are met, else each one that is not, with the numbers. */
export function shortfall(profile: Profile, components: ComponentKey[], capacity: Capacity): string | undefined {
  const short: string[] = [];
  const big = capacity.nodes.filter((n) => fits(capacity.sizes[n]!, MINIMUM_WORKERS));
  if (big.length < MINIMUM_WORKERS.count) {
    short.push(`OpenShift AI needs ${MINIMUM_WORKERS.says}; it has ${big.length}${big.length ? ` (${big.join(', ')})` : ''} of that size`);
  }
  if (usesKserve(components) && !capacity.nodes.some((n) => fits(capacity.sizes[n]!, KSERVE_NODE))) {
    short.push(`KServe needs ${KSERVE_NODE.says}; no schedulable node has that size`);
  }
  const dw = DISTRIBUTED_WORKLOADS_EXTRA;
  if (usesDistributedWorkloads(components) && (capacity.free.cpu + 1e-9 < dw.cpu || capacity.free.memory < dw.memory)) {
    short.push(`distributed workloads need ${dw.says}; free: cpu ${cores(capacity.free.cpu)}, memory ${gib(capacity.free.memory)}`);
  }
  if (!short.length) return undefined;
  return [
    `the cluster does not meet the documented requirements of profile "${profile}" (RHOAI_PROFILE): ${short.join('; ')}.`,
    `Schedulable nodes (Ready, not cordoned, no NoSchedule/NoExecute taint), by capacity: ${sized(capacity)}.`,
    `Free = allocatable cpu ${cores(capacity.allocatable.cpu)}, memory ${gib(capacity.allocatable.memory)}; minus what pods already request there: cpu ${cores(capacity.requested.cpu)}, memory ${gib(capacity.requested.memory)}.`,
    'Add worker nodes (or larger ones), or choose a smaller profile.',
  ].join('\n');
}

function report(world: RhoaiWorld, profile: Profile, components: ComponentKey[], capacity: Capacity): void {
  world.report.text(
    `capacity for profile ${profile}`,
    [
      `documented requirements: ${requirementsOf(components).join('; ')}`,
      `schedulable nodes, by capacity: ${sized(capacity)}`,
      `allocatable: cpu ${cores(capacity.allocatable.cpu)}, memory ${gib(capacity.allocatable.memory)}`,
      `already requested by other pods: cpu ${cores(capacity.requested.cpu)}, memory ${gib(capacity.requested.memory)}`,
      `free: cpu ${cores(capacity.free.cpu)}, memory ${gib(capacity.free.memory)}`,
    ].join('\n'),
  );
}

/** Namespaces where what the components install runs (not counted as already requested on a re-run). */
const OWN_NAMESPACES = ['istio-system', 'knative-serving', 'openshift-serverless'];

/** Fails, with the numbers, when the cluster does not meet the documented requirements of the chosen profile. */
export async function assertCapacityFor(world: RhoaiWorld, profile: Profile): Promise<void> {
  const components = PROFILES[profile];
  const excluded = [await applicationsNamespace(world), ...OWN_NAMESPACES];
  const [nodes, pods] = await Promise.all([
    world.cluster.list({ apiVersion: 'v1', kind: 'Node' }),
    world.cluster.list({ apiVersion: 'v1', kind: 'Pod' }),
  ]);
  const capacity = capacityOf(nodes, pods, excluded);
  report(world, profile, components, capacity);
  const short = shortfall(profile, components, capacity);
  if (short) expect.fail(short);
}
