// Preflight: does the cluster have the CPU and memory the chosen components need? The needs are the
// component resource table of the RHOAI 2.9 docs as the seed transcribes it (distributed workloads
// 1.6 vCPU and 2 GiB; KServe, and with it OpenShift Service Mesh and Serverless, 4 CPUs and 16 GB
// each); what is free is the allocatable CPU and memory of the nodes the components' pods can land
// on (Ready, schedulable, no NoSchedule/NoExecute taint) minus what pods already request there —
// except pods of the components themselves, so that a re-run over an installed platform judges the
// same way as the first run. The check fails early, before anything is applied, with the numbers.
import assert from 'node:assert/strict';
import { conditionOf, type KObject } from './cluster';
import { PROFILES, type ComponentKey, type Profile } from './components';
import { podRequests } from './distributed-workloads/capacity';
import { GIB, parseQuantity } from './distributed-workloads/quantity';
import type { RhoaiWorld } from './world';

type Resources = { cpu: number; memory: number };

/** One row of the component resource table. */
export interface Need {
  what: string;
  /** As the table says it. */
  says: string;
  cpu: number;
  memory: number;
  /** Namespaces where what it installs runs (not counted as already requested on a re-run). */
  namespaces: string[];
}

/** The table's rows (seed "Components": Resources column), with the components that need them. */
export const RESOURCE_TABLE: { needs: Need; when: (components: ComponentKey[]) => boolean }[] = [
  {
    needs: { what: 'distributed workloads (CodeFlare, KubeRay, Kueue)', says: '1.6 vCPU and 2 GiB', cpu: 1.6, memory: 2 * GIB, namespaces: [] },
    when: (c) => c.includes('codeflare') || c.includes('ray') || c.includes('kueue'),
  },
  { needs: { what: 'KServe', says: '4 CPUs and 16 GB', cpu: 4, memory: 16e9, namespaces: [] }, when: (c) => c.includes('kserve') },
  { needs: { what: 'OpenShift Service Mesh (for KServe)', says: '4 CPUs and 16 GB', cpu: 4, memory: 16e9, namespaces: ['istio-system'] }, when: (c) => c.includes('kserve') },
  { needs: { what: 'OpenShift Serverless (for KServe)', says: '4 CPUs and 16 GB', cpu: 4, memory: 16e9, namespaces: ['knative-serving', 'openshift-serverless'] }, when: (c) => c.includes('kserve') },
];

export function needsOf(components: ComponentKey[]): Need[] {
  return RESOURCE_TABLE.filter((row) => row.when(components)).map((row) => row.needs);
}

/** Nodes an ordinary pod (no tolerations) can land on. */
export function schedulable(node: KObject): boolean {
  if (node.spec?.unschedulable) return false;
  if (conditionOf(node, 'Ready')?.status !== 'True') return false;
  return !(node.spec?.taints ?? []).some((t: { effect?: string }) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
}

export interface Capacity {
  nodes: string[];
  allocatable: Resources;
  requested: Resources;
  free: Resources;
}

/** Allocatable of the schedulable nodes, minus the requests of the pods on them outside `excluded` namespaces. */
export function capacityOf(nodes: KObject[], pods: KObject[], excluded: string[]): Capacity {
  const usable = nodes.filter(schedulable);
  const names = new Set(usable.map((n) => n.metadata.name));
  const allocatable = usable.reduce(
    (a, n) => ({ cpu: a.cpu + parseQuantity(n.status?.allocatable?.cpu ?? '0'), memory: a.memory + parseQuantity(n.status?.allocatable?.memory ?? '0') }),
    { cpu: 0, memory: 0 },
  );
  const running = pods.filter((p) => names.has(p.spec?.nodeName) && !['Succeeded', 'Failed'].includes(p.status?.phase) && !excluded.includes(p.metadata.namespace!));
  const requested = running.map((p) => podRequests(p)).reduce((a: Resources, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
  return { nodes: [...names] as string[], allocatable, requested, free: { cpu: allocatable.cpu - requested.cpu, memory: allocatable.memory - requested.memory } };
}

const cores = (n: number) => `${Number(n.toFixed(2))}`;
const gib = (n: number) => `${Number((n / GIB).toFixed(1))} GiB`;

/** The verdict, in words: undefined when everything fits, else what is short and by how much. */
export function shortfall(profile: Profile, needs: Need[], capacity: Capacity): string | undefined {
  const need = needs.reduce((a, n) => ({ cpu: a.cpu + n.cpu, memory: a.memory + n.memory }), { cpu: 0, memory: 0 });
  const short: string[] = [];
  if (need.cpu > capacity.free.cpu + 1e-9) short.push(`cpu: needed ${cores(need.cpu)}, free ${cores(capacity.free.cpu)} (short by ${cores(need.cpu - capacity.free.cpu)})`);
  if (need.memory > capacity.free.memory) short.push(`memory: needed ${gib(need.memory)}, free ${gib(capacity.free.memory)} (short by ${gib(need.memory - capacity.free.memory)})`);
  if (!short.length) return undefined;
  return [
    `the cluster is too small for the components of profile "${profile}" (RHOAI_PROFILE): ${short.join('; ')}.`,
    `Free = allocatable on ${capacity.nodes.length} schedulable node(s)${capacity.nodes.length ? ` (${capacity.nodes.join(', ')})` : ''}: cpu ${cores(capacity.allocatable.cpu)}, memory ${gib(capacity.allocatable.memory)}; minus what pods already request there: cpu ${cores(capacity.requested.cpu)}, memory ${gib(capacity.requested.memory)}.`,
    `Needed, from the component resource table of the RHOAI 2.9 docs: ${needs.map((n) => `${n.what} ${n.says}`).join('; ')}.`,
    'Add worker nodes (or larger ones), or choose a smaller profile.',
  ].join('\n');
}

function report(world: RhoaiWorld, profile: Profile, needs: Need[], capacity: Capacity): void {
  const need = needs.reduce((a, n) => ({ cpu: a.cpu + n.cpu, memory: a.memory + n.memory }), { cpu: 0, memory: 0 });
  world.report.text(
    `capacity for profile ${profile}`,
    [
      `needs (component resource table): ${needs.map((n) => `${n.what}: ${n.says}`).join('; ') || 'none listed'}`,
      `needed: cpu ${cores(need.cpu)}, memory ${gib(need.memory)}`,
      `schedulable nodes: ${capacity.nodes.join(', ') || 'none'}`,
      `allocatable: cpu ${cores(capacity.allocatable.cpu)}, memory ${gib(capacity.allocatable.memory)}`,
      `already requested by other pods: cpu ${cores(capacity.requested.cpu)}, memory ${gib(capacity.requested.memory)}`,
      `free: cpu ${cores(capacity.free.cpu)}, memory ${gib(capacity.free.memory)}`,
    ].join('\n'),
  );
}

/** Fails, with the numbers, when the schedulable nodes cannot hold what the chosen profile needs. */
export async function assertCapacityFor(world: RhoaiWorld, profile: Profile): Promise<void> {
  const needs = needsOf(PROFILES[profile]);
  const dsci = await world.cluster.get({ apiVersion: 'dscinitialization.opendatahub.io/v1', kind: 'DSCInitialization', name: 'default-dsci' });
  const excluded = [dsci?.spec?.applicationsNamespace ?? 'redhat-ods-applications', ...needs.flatMap((n) => n.namespaces)];
  const [nodes, pods] = await Promise.all([world.cluster.list({ apiVersion: 'v1', kind: 'Node' }), world.cluster.list({ apiVersion: 'v1', kind: 'Pod' })]);
  const capacity = capacityOf(nodes, pods, excluded);
  report(world, profile, needs, capacity);
  const short = shortfall(profile, needs, capacity);
  if (short) assert.fail(short);
}
