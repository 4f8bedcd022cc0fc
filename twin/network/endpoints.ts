// The endpoints controller of kube-controller-manager: for every Service with a selector, an
// Endpoints object of the same name listing the pods it selects — ready pods under `addresses`,
// running but unready ones under `notReadyAddresses` — with each service port resolved to the pod's
// container port (a named targetPort is looked up in the pod's container ports; pods that lack it
// are left out of that port's subset). Services without a selector keep hand-made Endpoints.
import type { TwinClient } from '../api/client';
import { deepEqual } from '../api/meta';
import type { KObject } from '../api/types';
import { conditionOf, keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from '../controllers/runtime';

interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
}

export class EndpointsController implements Controller {
  readonly name = 'endpoint-controller';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(ctx: ControllerContext) {
    this.client = ctx.clientFor('kube-controller-manager').as('endpoint-controller');
    this.queue = new WorkQueue('endpoint-controller', 0, (key) => this.reconcile(key), ctx.settings.log);
  }

  start(): void {
    this.client.watch('v1', 'Service', (_type, svc) => this.queue.enqueue(keyOf(svc)));
    this.client.watch('v1', 'Pod', (_type, pod, old) => {
      const ns = pod.metadata.namespace!;
      for (const svc of this.client.list('v1', 'Service', ns)) {
        const sel = svc.spec?.selector;
        if (sel && (matchesSelector(sel, pod.metadata.labels) || (old && matchesSelector(sel, old.metadata.labels))))
          this.queue.enqueue(keyOf(svc));
      }
    });
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const svc = this.client.get('v1', 'Service', name, namespace);
    const current = this.client.get('v1', 'Endpoints', name, namespace);
    if (!svc) {
      if (current) this.client.delete('v1', 'Endpoints', name, namespace);
      return;
    }
    if (svc.metadata.deletionTimestamp) return;
    if (!svc.spec?.selector || !Object.keys(svc.spec.selector).length || svc.spec.type === 'ExternalName') return;
    const subsets = this.subsets(svc);
    const labels = { ...(svc.metadata.labels ?? {}), ...(svc.spec.clusterIP === 'None' ? { 'service.kubernetes.io/headless': '' } : {}) };
    if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels)) return;
    const body: KObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name,
        namespace,
        labels,
        annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
      },
      ...(subsets.length ? { subsets } : {}),
    };
    if (!current) this.client.create(body);
    else
      this.client.update({
        ...body,
        metadata: { ...current.metadata, labels, annotations: { ...(current.metadata.annotations ?? {}), ...body.metadata.annotations } },
        subsets: subsets.length ? subsets : undefined,
      });
  }

  private subsets(svc: KObject): Record<string, unknown>[] {
    const pods = this.client
      .list('v1', 'Pod', svc.metadata.namespace)
      .filter(
        (p) =>
          matchesSelector(svc.spec.selector, p.metadata.labels) &&
          !p.metadata.deletionTimestamp &&
          p.status?.podIP &&
          !['Succeeded', 'Failed'].includes(p.status?.phase),
      );
    // Pods with the same resolved ports share a subset, as the real controller repacks them.
    const groups = new Map<string, { ports: EndpointPort[]; ready: KObject[]; notReady: KObject[] }>();
    for (const pod of pods) {
      const ports: EndpointPort[] = [];
      for (const sp of svc.spec.ports ?? []) {
        const port = resolveTargetPort(pod, sp.targetPort ?? sp.port);
        if (port !== undefined) ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
      }
      if (!ports.length && (svc.spec.ports ?? []).length) continue;
      const groupKey = JSON.stringify(ports);
      let g = groups.get(groupKey);
      if (!g) groups.set(groupKey, (g = { ports, ready: [], notReady: [] }));
      const ready = conditionOf(pod, 'Ready')?.status === 'True' || svc.spec.publishNotReadyAddresses === true;
      (ready ? g.ready : g.notReady).push(pod);
    }
    const address = (p: KObject) => ({
      ip: p.status.podIP,
      ...(p.spec.nodeName ? { nodeName: p.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
    });
    const byIp = (a: { ip: string }, b: { ip: string }) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
    return [...groups.values()].map((g) => ({
      ...(g.ready.length ? { addresses: g.ready.map(address).sort(byIp) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.map(address).sort(byIp) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }));
  }
}

/** A service targetPort as a container port number of this pod (named ports looked up), or undefined. */
export function resolveTargetPort(pod: KObject, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    const p = (c.ports ?? []).find((x: KObject) => x.name === target);
    if (p) return p.containerPort;
  }
  return undefined;
}

/** A Service selector (a plain label map) against a pod's labels; an empty selector selects nothing. */
export function matchesSelector(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}
