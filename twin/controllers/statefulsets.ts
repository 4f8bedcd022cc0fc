// The StatefulSet controller of kube-controller-manager, as far as the workloads on the twin need it
// (the notebook controller runs each workbench as a StatefulSet of one pod): pods named
// <set>-<ordinal> with the labels statefulset.kubernetes.io/pod-name and controller-revision-hash,
// hostname/subdomain from the set, created in ordinal order (OrderedReady: the next ordinal only once
// the ones before it are Running and Ready), removed from the highest ordinal down when the set
// scales in (to 0 when a workbench stops), replaced from the highest ordinal down when the template
// changes (RollingUpdate), PersistentVolumeClaims from volumeClaimTemplates (<template>-<pod>, kept
// when the pod goes, as the retention policy Retain does), and the status kubectl and the notebook
// controller read: replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas,
// currentRevision, updateRevision, observedGeneration.
// Upstream followed: kubernetes pkg/controller/statefulset (stateful_set_control.go: OrderedReady;
// stateful_pod_control.go: SuccessfulCreate / FailedCreate events).
import { createHash } from 'node:crypto';
import type { TwinClient } from '../api/client';
import { ownerReference } from '../api/meta';
import { ApiError, type KObject } from '../api/types';
import { conditionOf, keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from './runtime';

const API = 'apps/v1';
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
const REVISION_LABEL = 'controller-revision-hash';

export class StatefulSetController implements Controller {
  readonly name = 'statefulset-controller';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('kube-controller-manager');
    // A core controller: it reacts at once (operator latency applies to operators only).
    this.queue = new WorkQueue('statefulset-controller', 0, (key) => this.reconcile(key), ctx.settings.log);
  }

  start(): void {
    this.client.watch(API, 'StatefulSet', (type, set) => type !== 'DELETED' && this.queue.enqueue(keyOf(set)));
    this.client.watch('v1', 'Pod', (_type, pod) => {
      const owner = pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'StatefulSet');
      if (owner) this.queue.enqueue(`${pod.metadata.namespace}/${owner.name}`);
    });
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const set = this.client.get(API, 'StatefulSet', name, namespace);
    if (!set || set.metadata.deletionTimestamp) return;
    const revision = `${name}-${revisionHash(set.spec.template)}`;
    const desired = set.spec.replicas ?? 1;
    const owned = this.client
      .list('v1', 'Pod', namespace)
      .filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === set.metadata.uid));
    const byOrdinal = new Map<number, KObject>();
    for (const p of owned) {
      const ordinal = ordinalOf(name, p.metadata.name!);
      if (ordinal !== undefined) byOrdinal.set(ordinal, p);
    }
    const live = (p: KObject | undefined) => !!p && !p.metadata.deletionTimestamp;
    const ready = (p: KObject | undefined) => live(p) && p!.status?.phase === 'Running' && conditionOf(p, 'Ready')?.status === 'True';

    // Scale in: the highest ordinal first, one at a time as OrderedReady does.
    const surplus = [...byOrdinal.keys()].filter((o) => o >= desired && live(byOrdinal.get(o))).sort((a, b) => b - a);
    if (surplus.length) {
      this.client.delete('v1', 'Pod', byOrdinal.get(surplus[0])!.metadata.name!, namespace);
    } else {
      // Scale out: the lowest missing ordinal, once every lower one is ready.
      for (let o = 0; o < desired; o++) {
        const pod = byOrdinal.get(o);
        if (!pod) {
          this.createPod(set, o, revision);
          break;
        }
        if (!ready(pod)) break;
      }
      // Rolling update: the highest ordinal that runs an old revision, while the others are ready.
      const stale = [...byOrdinal.entries()]
        .filter(([o, p]) => o < desired && live(p) && p.metadata.labels?.[REVISION_LABEL] !== revision)
        .sort((a, b) => b[0] - a[0]);
      const othersReady = [...byOrdinal.entries()]
        .filter(([o]) => o < desired)
        .every(([, p]) => ready(p) || p.metadata.labels?.[REVISION_LABEL] !== revision);
      if (stale.length && othersReady && (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        this.client.delete('v1', 'Pod', stale[0][1].metadata.name!, namespace);
      }
    }

    const pods = [...byOrdinal.values()].filter(live);
    const readyCount = pods.filter(ready).length;
    const updated = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision).length;
    const status = {
      observedGeneration: set.metadata.generation,
      replicas: pods.length,
      readyReplicas: readyCount,
      availableReplicas: readyCount,
      currentReplicas: updated,
      updatedReplicas: updated,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    };
    if (Object.entries(status).some(([k, v]) => set.status?.[k] !== v))
      this.client.patchStatus(API, 'StatefulSet', name, namespace, status);
  }

  private createPod(set: KObject, ordinal: number, revision: string): void {
    const namespace = set.metadata.namespace!;
    const podName = `${set.metadata.name}-${ordinal}`;
    const template = set.spec.template ?? {};
    const volumes: Record<string, unknown>[] = [...(template.spec?.volumes ?? [])];
    for (const claim of set.spec.volumeClaimTemplates ?? []) {
      const claimName = `${claim.metadata.name}-${podName}`;
      if (!this.client.get('v1', 'PersistentVolumeClaim', claimName, namespace)) {
        this.client.create({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: claimName, namespace, labels: { ...(set.spec.selector?.matchLabels ?? {}) } },
          spec: claim.spec,
          status: { phase: 'Pending' },
        });
      }
      if (!volumes.some((v) => v.name === claim.metadata.name))
        volumes.push({ name: claim.metadata.name, persistentVolumeClaim: { claimName } });
    }
    // As the StatefulSet controller (pkg/controller/statefulset/stateful_pod_control.go
    // recordPodEvent): a refused create is a Warning FailedCreate event, then a retry with backoff.
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        namespace,
        labels: {
          ...(template.metadata?.labels ?? {}),
          [POD_NAME_LABEL]: podName,
          [REVISION_LABEL]: revision,
          'apps.kubernetes.io/pod-index': String(ordinal),
        },
        annotations: template.metadata?.annotations,
        ownerReferences: [ownerReference(set)],
      },
      spec: { ...template.spec, volumes, hostname: podName, ...(set.spec.serviceName ? { subdomain: set.spec.serviceName } : {}) },
    };
    try {
      this.client.create(pod);
    } catch (err) {
      if (err instanceof ApiError && err.code !== 409)
        this.client
          .as('statefulset-controller')
          .event(set, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${err.message}`);
      throw err;
    }
    this.client
      .as('statefulset-controller')
      .event(set, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} successful`);
  }
}

function ordinalOf(setName: string, podName: string): number | undefined {
  const m = new RegExp(`^${setName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(podName);
  return m ? Number(m[1]) : undefined;
}

/** The revision of a pod template, as the controller-revision-hash label carries it. */
export function revisionHash(template: unknown): string {
  const h = createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest();
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from(h.subarray(0, 10), (b) => chars[b % chars.length]).join('');
}
