// "Adjust the values per cluster" (§13.2): the quotas of the ClusterQueue cluster-queue, sized from
// what the cluster can still give distributed workloads, unless settings name them.
//
// The rule, per resource (cpu, memory, nvidia.com/gpu):
//   nodes     = worker nodes (label node-role.kubernetes.io/worker) that are Ready and schedulable
//               (not cordoned); taints are not held against them, since GPU nodes are tainted on
//               purpose (nvidia-gpu-only) and their GPUs are what the quota is for;
//   free      = Σ status.allocatable of those nodes
//             − Σ requests of the pods bound to them that are not finished, except the pods of
//               distributed workloads themselves (labels ray.io/cluster or kueue.x-k8s.io/queue-name),
//               whose use the quota governs (a pod's request: max(Σ containers, any init container),
//               a container's limit where it has no request, plus the pod overhead);
//   quota     = free rounded down: cpu to whole cores, memory to whole GiB, GPUs to whole devices
//               (never below 0).
import type { KObject } from '../core/cluster';
import { formatQuantity, GIB, parseQuantity } from '../core/cluster/quantity';

export const QUOTA_RESOURCES = ['cpu', 'memory', 'nvidia.com/gpu'] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];
export type Quotas = Record<QuotaResource, string>;

export interface CapacityReport {
  nodes: string[];
  skipped: { node: string; why: string }[];
  allocatable: Record<QuotaResource, number>;
  requested: Record<QuotaResource, number>;
  /** Pods whose requests were subtracted. */
  pods: number;
  quotas: Quotas;
}

const DW_POD_LABELS = ['ray.io/cluster', 'kueue.x-k8s.io/queue-name'];

function zero(): Record<QuotaResource, number> {
  return { cpu: 0, memory: 0, 'nvidia.com/gpu': 0 };
}

function quantityOf(map: Record<string, string> | undefined, resource: string): number {
  const raw = map?.[resource];
  return raw === undefined ? 0 : parseQuantity(raw);
}

/** Why a node does not count, or undefined when it does. */
export function excludedBecause(node: KObject): string | undefined {
  const labels = node.metadata.labels ?? {};
  if (!('node-role.kubernetes.io/worker' in labels)) return 'not a worker node';
  if (node.spec?.unschedulable) return 'cordoned (spec.unschedulable)';
  const ready = (node.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready');
  if (ready?.status !== 'True') return `not Ready (${ready ? `Ready=${ready.status}` : 'no Ready condition'})`;
  return undefined;
}

/** What the scheduler counts for a pod: max(Σ containers, each init container) plus overhead; limits stand in for missing requests. */
export function podRequests(pod: KObject): Record<QuotaResource, number> {
  const of = (c: KObject, r: string) =>
    c.resources?.requests?.[r] !== undefined ? quantityOf(c.resources.requests, r) : quantityOf(c.resources?.limits, r);
  const out = zero();
  for (const r of QUOTA_RESOURCES) {
    const containers = (pod.spec?.containers ?? []).reduce((n: number, c: KObject) => n + of(c, r), 0);
    const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map((c: KObject) => of(c, r)));
    out[r] = Math.max(containers, init) + quantityOf(pod.spec?.overhead, r);
  }
  return out;
}

function isDistributedWorkloadPod(pod: KObject): boolean {
  return DW_POD_LABELS.some((l) => l in (pod.metadata.labels ?? {}));
}

/** Sizes the quotas from nodes and pods (pure: the caller lists them). */
export function sizeQuotas(nodes: KObject[], pods: KObject[]): CapacityReport {
  const counted: string[] = [];
  const skipped: { node: string; why: string }[] = [];
  const allocatable = zero();
  for (const node of nodes) {
    const why = excludedBecause(node);
    if (why) {
      skipped.push({ node: node.metadata.name!, why });
      continue;
    }
    counted.push(node.metadata.name!);
    for (const r of QUOTA_RESOURCES) allocatable[r] += quantityOf(node.status?.allocatable, r);
  }
  const requested = zero();
  let subtracted = 0;
  for (const pod of pods) {
    if (!counted.includes(pod.spec?.nodeName) || ['Succeeded', 'Failed'].includes(pod.status?.phase) || isDistributedWorkloadPod(pod))
      continue;
    subtracted++;
    const req = podRequests(pod);
    for (const r of QUOTA_RESOURCES) requested[r] += req[r];
  }
  const free = (r: QuotaResource) => Math.max(0, allocatable[r] - requested[r]);
  const quotas: Quotas = {
    cpu: formatQuantity('cpu', Math.floor(free('cpu') + 1e-9)),
    memory: formatQuantity('memory', Math.floor(free('memory') / GIB) * GIB) || '0',
    'nvidia.com/gpu': formatQuantity('nvidia.com/gpu', Math.floor(free('nvidia.com/gpu') + 1e-9)),
  };
  return { nodes: counted, skipped, allocatable, requested, pods: subtracted, quotas };
}

/** The report as text for the Allure attachment: the rule's inputs and its result. */
export function describeCapacity(report: CapacityReport, overridden: Partial<Quotas>): string {
  const lines = [
    `worker nodes counted (${report.nodes.length}): ${report.nodes.join(', ') || 'none'}`,
    ...report.skipped.map((s) => `  not counted: ${s.node}: ${s.why}`),
    `pods whose requests were subtracted: ${report.pods}`,
  ];
  for (const r of QUOTA_RESOURCES) {
    const sized = `allocatable ${formatQuantity(r, report.allocatable[r])} − requested ${formatQuantity(r, report.requested[r])} → ${report.quotas[r]}`;
    lines.push(`${r}: ${overridden[r] !== undefined ? `${overridden[r]} (from settings; the cluster would give ${sized})` : sized}`);
  }
  return lines.join('\n');
}
