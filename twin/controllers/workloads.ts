// The parts of kube-controller-manager, the scheduler and the kubelet that make workloads real
// enough: namespaces get their default service accounts and CA config maps, Deployments roll out
// ReplicaSets, ReplicaSets keep their Pods, the scheduler places Pods by requests, node selectors
// and taints, and the kubelet runs them (Running/Ready, or crash-looping under a fault).
// Upstream they follow (kubernetes/kubernetes release-1.28, OpenShift 4.15): the deployment and
// replicaset controllers (pkg/controller/deployment, pkg/controller/replicaset: Available and
// Progressing conditions), the scheduler's filters in their default order (pkg/scheduler/framework/
// plugins: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodeResourcesFit — so a node
// whose taint the pod does not tolerate is reported for the taint even when it is also full: "had
// untolerated taint {key: value}"), and the kubelet's CrashLoopBackOff ("Back-off restarting failed
// container", pkg/kubelet/kuberuntime).
import { createHash } from 'node:crypto';
import type { TwinClient } from '../api/client';
import { ownerReference, randomSuffix, timestamp } from '../api/meta';
import { formatCpu, parseQuantity } from '../api/quantity';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import {
  conditionOf,
  keyOf,
  setCondition,
  splitKey,
  WorkQueue,
  type Condition,
  type Controller,
  type ControllerContext,
  type ImagePullFailure,
  type InitProgress,
} from './runtime';

export const WORKLOAD_FAULTS: FaultDefinition[] = [
  {
    name: 'rhoai-operator-crashloop',
    description:
      'The RHOAI operator pod (rhods-operator) crash-loops, so its Deployment never becomes available and the CSV never succeeds',
    caughtBy: '@req.INS-OP-03',
    expectMessage: 'Back-off restarting failed container',
  },
  {
    name: 'serverless-operator-webhook-crashloop',
    description:
      "The Serverless operator's knative-operator-webhook pod crash-loops (its image serverless-kn-operator-rhel8), so its Deployment never becomes available and the serverless-operator CSV never succeeds",
    caughtBy: '@req.INS-SL-04',
    expectMessage: 'Back-off restarting failed container',
  },
];

/** Images (by substring) whose containers crash under a fault. */
const CRASHING: Record<string, string> = {
  'rhoai-operator-crashloop': 'odh-rhel8-operator',
  'serverless-operator-webhook-crashloop': 'serverless-kn-operator-rhel8',
};

export class WorkloadControllers implements Controller {
  readonly name = 'kube-controller-manager';
  private readonly client: TwinClient;
  private readonly deployments: WorkQueue;
  private readonly replicaSets: WorkQueue;
  private readonly pods: WorkQueue;
  private readonly namespaces: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('kube-controller-manager');
    const log = ctx.settings.log;
    // The core controllers of a cluster react at once; operator latency applies to operators only.
    this.deployments = new WorkQueue('deployment-controller', 0, (k) => this.reconcileDeployment(k), log);
    this.replicaSets = new WorkQueue('replicaset-controller', 0, (k) => this.reconcileReplicaSet(k), log);
    this.pods = new WorkQueue('scheduler+kubelet', 0, (k) => this.reconcilePod(k), log);
    this.namespaces = new WorkQueue('namespace-defaults', 0, (k) => this.reconcileNamespace(k), log);
  }

  start(): void {
    this.client.watch('v1', 'Namespace', (type, ns) => type !== 'DELETED' && this.namespaces.enqueue(ns.metadata.name!));
    this.client.watch('apps/v1', 'Deployment', (type, d) => type !== 'DELETED' && this.deployments.enqueue(keyOf(d)));
    this.client.watch('apps/v1', 'ReplicaSet', (_type, rs) => {
      this.replicaSets.enqueue(keyOf(rs));
      const owner = controllerOf(rs, 'Deployment');
      if (owner) this.deployments.enqueue(`${rs.metadata.namespace}/${owner}`);
    });
    this.client.watch('v1', 'Pod', (type, pod) => {
      if (type !== 'DELETED') this.pods.enqueue(keyOf(pod));
      const owner = controllerOf(pod, 'ReplicaSet');
      if (owner) this.replicaSets.enqueue(`${pod.metadata.namespace}/${owner}`);
      if (type === 'DELETED' && pod.spec?.nodeName) this.requeueUnscheduled();
    });
    this.client.watch('v1', 'Node', () => this.requeueUnscheduled());
    this.client.watch(
      'v1',
      'Secret',
      (type, s) => type !== 'DELETED' && s.type === 'kubernetes.io/service-account-token' && !s.data?.token && this.fillToken(s),
    );
    this.client.watch(
      'v1',
      'PersistentVolumeClaim',
      (type, pvc) => type !== 'DELETED' && pvc.status?.phase === 'Pending' && this.bindClaim(pvc),
    );
  }

  // ---- namespaces: default service accounts and CA bundles ----

  private reconcileNamespace(name: string): void {
    const ns = this.client.get('v1', 'Namespace', name);
    if (!ns || ns.metadata.deletionTimestamp) return;
    for (const sa of ['default', 'builder', 'deployer']) {
      if (!this.client.get('v1', 'ServiceAccount', sa, name))
        this.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: name } });
    }
    if (!this.client.get('v1', 'ConfigMap', 'kube-root-ca.crt', name)) {
      this.client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: name },
        data: { 'ca.crt': this.ctx.settings.apiCaPem },
      });
    }
    if (!this.client.get('v1', 'ConfigMap', 'openshift-service-ca.crt', name)) {
      this.client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'openshift-service-ca.crt',
          namespace: name,
          annotations: { 'service.beta.openshift.io/inject-cabundle': 'true' },
        },
        data: { 'service-ca.crt': this.ctx.settings.apiCaPem },
      });
    }
  }

  private fillToken(secret: KObject): void {
    const ns = secret.metadata.namespace!;
    const saName = secret.metadata.annotations?.['kubernetes.io/service-account.name'];
    const sa = saName && this.client.get('v1', 'ServiceAccount', saName, ns);
    if (!sa) return;
    const { token } = this.ctx.authn.issueServiceAccountToken(sa, { legacySecret: secret.metadata.name });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    this.client.patch('v1', 'Secret', secret.metadata.name!, ns, {
      metadata: { annotations: { 'kubernetes.io/service-account.uid': sa.metadata.uid } },
      data: { token: b64(token), 'ca.crt': b64(this.ctx.settings.apiCaPem), namespace: b64(ns) },
    });
  }

  /**
   * The PV controller and a dynamic provisioner in one step: a claim of an existing StorageClass
   * (its own, else the cluster's default one) is bound at once; a claim without a class on a
   * cluster without a default stays Pending with the PV controller's FailedBinding event
   * (kubernetes pkg/controller/volume/persistentvolume/pv_controller.go).
   */
  private bindClaim(pvc: KObject): void {
    const named: string | undefined = pvc.spec?.storageClassName;
    const classes = this.client.list('storage.k8s.io/v1', 'StorageClass');
    const storageClass =
      named !== undefined
        ? classes.find((c) => c.metadata.name === named)
        : classes.find((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    if (!storageClass && named !== '') {
      const controller = this.client.as('persistentvolume-controller');
      if (named) controller.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${named}" not found`);
      else controller.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    this.client.patchStatus('v1', 'PersistentVolumeClaim', pvc.metadata.name!, pvc.metadata.namespace, {
      phase: 'Bound',
      accessModes: pvc.spec?.accessModes,
      capacity: { storage: pvc.spec?.resources?.requests?.storage },
    });
    this.requeueUnscheduled();
  }

  /** The scheduler's volume binding: claims of the pod that are missing or not bound (kubernetes pkg/scheduler/framework/plugins/volumebinding). */
  private unboundClaims(pod: KObject): string | undefined {
    for (const v of (pod.spec?.volumes ?? []) as KObject[]) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const pvc = this.client.get('v1', 'PersistentVolumeClaim', claim, pod.metadata.namespace);
      if (!pvc) return `persistentvolumeclaim "${claim}" not found`;
      if (pvc.status?.phase !== 'Bound') return 'pod has unbound immediate PersistentVolumeClaims';
    }
    return undefined;
  }

  // ---- deployments ----

  private reconcileDeployment(key: string): void {
    const { namespace, name } = splitKey(key);
    const d = this.client.get('apps/v1', 'Deployment', name, namespace);
    if (!d || d.metadata.deletionTimestamp) return;
    const hash = templateHash(d.spec.template);
    const rsName = `${name}-${hash}`;
    const owned = this.client.list('apps/v1', 'ReplicaSet', namespace).filter((rs) => controllerOf(rs, 'Deployment') === name);
    let current = owned.find((rs) => rs.metadata.name === rsName);
    const desired = d.spec.replicas ?? 1;
    if (!current) {
      const labels = { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
      current = this.client.create({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace,
          labels,
          annotations: {
            'deployment.kubernetes.io/revision': String(owned.length + 1),
            'deployment.kubernetes.io/desired-replicas': String(desired),
          },
          ownerReferences: [ownerReference(d)],
        },
        spec: {
          replicas: desired,
          selector: { matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
          template: { ...d.spec.template, metadata: { ...(d.spec.template.metadata ?? {}), labels } },
        },
      });
    } else if (current.spec.replicas !== desired) {
      current = this.client.patch('apps/v1', 'ReplicaSet', rsName, namespace, { spec: { replicas: desired } });
    }
    for (const old of owned) {
      if (old.metadata.name !== rsName && old.spec.replicas !== 0)
        this.client.patch('apps/v1', 'ReplicaSet', old.metadata.name!, namespace, { spec: { replicas: 0 } });
    }
    const all = this.client.list('apps/v1', 'ReplicaSet', namespace).filter((rs) => controllerOf(rs, 'Deployment') === name);
    const sum = (f: string) => all.reduce((n, rs) => n + (rs.status?.[f] ?? 0), 0);
    const available = current.status?.availableReplicas ?? 0;
    const now = timestamp();
    let conditions = setCondition(
      d.status?.conditions,
      available >= desired
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
            lastUpdateTime: now,
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
            lastUpdateTime: now,
          },
      now,
    );
    conditions = setCondition(
      conditions,
      available >= desired
        ? {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${rsName}" has successfully progressed.`,
            lastUpdateTime: now,
          }
        : {
            type: 'Progressing',
            status: 'True',
            reason: 'ReplicaSetUpdated',
            message: `ReplicaSet "${rsName}" is progressing.`,
            lastUpdateTime: now,
          },
      now,
    );
    const status = {
      observedGeneration: d.metadata.generation,
      replicas: sum('replicas'),
      updatedReplicas: current.status?.replicas ?? 0,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: sum('availableReplicas'),
      ...(desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
      conditions: keepUpdateTimes(d.status?.conditions, conditions),
    };
    if (!sameStatus(d.status, status))
      this.client.patchStatus('apps/v1', 'Deployment', name, namespace, {
        ...status,
        unavailableReplicas: status.unavailableReplicas ?? null,
      });
  }

  // ---- replica sets ----

  private reconcileReplicaSet(key: string): void {
    const { namespace, name } = splitKey(key);
    const rs = this.client.get('apps/v1', 'ReplicaSet', name, namespace);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = this.client
      .list('v1', 'Pod', namespace)
      .filter((p) => controllerOf(p, 'ReplicaSet') === name && !p.metadata.deletionTimestamp);
    const want = rs.spec.replicas ?? 1;
    for (let i = pods.length; i < want; i++) {
      const tpl = rs.spec.template;
      this.client.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${name}-${randomSuffix()}`,
          namespace,
          labels: tpl.metadata?.labels ?? {},
          annotations: tpl.metadata?.annotations,
          ownerReferences: [ownerReference(rs)],
        },
        spec: tpl.spec,
      });
    }
    for (const extra of pods.slice(want)) this.client.delete('v1', 'Pod', extra.metadata.name!, namespace);
    const live = pods.slice(0, want);
    const ready = live.filter((p) => conditionOf(p, 'Ready')?.status === 'True').length;
    const status = {
      observedGeneration: rs.metadata.generation,
      replicas: live.length,
      fullyLabeledReplicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
    };
    if (!sameStatus(rs.status, status)) this.client.patchStatus('apps/v1', 'ReplicaSet', name, namespace, status);
  }

  // ---- scheduler and kubelet ----

  private unschedulable(pod: KObject, message: string): void {
    if (conditionOf(pod, 'PodScheduled')?.message === message) return;
    this.client.patchStatus('v1', 'Pod', pod.metadata.name!, pod.metadata.namespace, {
      conditions: setCondition(
        pod.status?.conditions,
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message },
        timestamp(),
      ),
    });
    this.client.as('default-scheduler').event(pod, 'Warning', 'FailedScheduling', message);
  }

  private requeueUnscheduled(): void {
    for (const p of this.client.list('v1', 'Pod')) if (!p.spec?.nodeName && !p.metadata.deletionTimestamp) this.pods.enqueue(keyOf(p));
  }

  private reconcilePod(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.client.get('v1', 'Pod', name, namespace);
    if (!pod || pod.metadata.deletionTimestamp) return;
    if (!pod.spec.nodeName) return this.schedule(pod);
    if (pod.status?.phase === 'Pending' || !pod.status?.containerStatuses) this.run(pod);
  }

  private schedule(pod: KObject): void {
    const nodes = this.client.list('v1', 'Node');
    const unbound = this.unboundClaims(pod);
    if (unbound)
      return this.unschedulable(
        pod,
        `0/${nodes.length} nodes are available: ${unbound}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`,
      );
    const reasons = new Map<string, number>();
    const note = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const need = podRequests(pod);
    const placed = this.client.list('v1', 'Pod').filter((p) => p.spec?.nodeName && !['Succeeded', 'Failed'].includes(p.status?.phase));
    const fits = nodes.filter((node) => {
      const selector: Record<string, string> = pod.spec.nodeSelector ?? {};
      if (Object.entries(selector).some(([k, v]) => node.metadata.labels?.[k] !== v))
        return (note("node(s) didn't match Pod's node affinity/selector"), false);
      const untolerated = (node.spec?.taints ?? []).find(
        (t: Taint) => ['NoSchedule', 'NoExecute'].includes(t.effect) && !tolerates(pod.spec.tolerations ?? [], t),
      );
      if (untolerated) return (note(`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`), false);
      const used = new Map<string, number>();
      for (const p of placed.filter((p) => p.spec.nodeName === node.metadata.name))
        for (const [r, q] of podRequests(p)) used.set(r, (used.get(r) ?? 0) + q);
      for (const [r, q] of need) {
        const free = parseQuantity(node.status?.allocatable?.[r] ?? '0') - (used.get(r) ?? 0);
        if (q > free + 1e-9) return (note(`Insufficient ${r}`), false);
      }
      return true;
    });
    if (!fits.length)
      return this.unschedulable(
        pod,
        `0/${nodes.length} nodes are available: ${[...reasons]
          .map(([r, n]) => `${n} ${r}`)
          .sort()
          .join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`,
      );
    // Spread: the fitting node with the fewest pods.
    const count = (n: KObject) => placed.filter((p) => p.spec.nodeName === n.metadata.name).length;
    const node = fits.sort((a, b) => count(a) - count(b) || a.metadata.name!.localeCompare(b.metadata.name!))[0];
    this.client.patch('v1', 'Pod', pod.metadata.name!, pod.metadata.namespace, { spec: { nodeName: node.metadata.name } });
    this.client
      .as('default-scheduler')
      .event(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`);
  }

  private run(pod: KObject): void {
    const now = timestamp();
    const pull = this.ctx.podRuntimes.map((r) => r.imagePull?.(pod)).find(Boolean);
    if (pull) return this.pullBackOff(pod, pull, now);
    const init = (pod.spec.initContainers ?? []).length
      ? this.ctx.podRuntimes.map((r) => r.initContainers?.(pod, () => this.pods.enqueue(keyOf(pod)))).find(Boolean)
      : undefined;
    if (init && !init.done) return this.initializing(pod, init, now);
    const crash = this.crashReason(pod);
    const node = this.client.get('v1', 'Node', pod.spec.nodeName);
    const containerStatuses = (pod.spec.containers ?? []).map((c: KObject) => ({
      name: c.name,
      image: c.image,
      imageID: imageIdOf(String(c.image)),
      containerID: `cri-o://${createHash('sha256').update(`${pod.metadata.uid}/${c.name}`).digest('hex')}`,
      ready: !crash,
      started: !crash,
      restartCount: crash ? 5 : 0,
      state: crash
        ? {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off 5m0s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
            },
          }
        : { running: { startedAt: now } },
      ...(crash ? { lastState: { terminated: { exitCode: 1, reason: 'Error', message: crash, startedAt: now, finishedAt: now } } } : {}),
    }));
    const conditions = podConditions(pod, !crash, containerStatuses, now);
    this.client.patchStatus('v1', 'Pod', pod.metadata.name!, pod.metadata.namespace, {
      phase: 'Running',
      conditions,
      hostIP: node?.status?.addresses?.[0]?.address ?? '10.0.0.10',
      podIP: `10.128.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`,
      startTime: now,
      ...(init ? { initContainerStatuses: init.statuses } : {}),
      containerStatuses,
    });
    const kubelet = this.client.as('kubelet');
    for (const c of pod.spec.containers ?? []) {
      kubelet.event(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
      kubelet.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
      if (crash)
        kubelet.event(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        );
    }
  }

  /** An image that cannot be pulled: the pod stays Pending with ImagePullBackOff, as the kubelet reports it (no container starts). */
  private pullBackOff(pod: KObject, pull: ImagePullFailure, now: string): void {
    const failing = (c: KObject) => c.name === pull.container;
    const containerStatuses = (pod.spec.containers ?? []).map((c: KObject) =>
      notStarted(
        c,
        failing(c) ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } : { reason: 'ContainerCreating' },
      ),
    );
    if (JSON.stringify(pod.status?.containerStatuses) === JSON.stringify(containerStatuses)) return;
    const conditions = podConditions(pod, false, containerStatuses, now);
    this.client.patchStatus('v1', 'Pod', pod.metadata.name!, pod.metadata.namespace, {
      phase: 'Pending',
      conditions,
      hostIP: this.client.get('v1', 'Node', pod.spec.nodeName)?.status?.addresses?.[0]?.address ?? '10.0.0.10',
      startTime: now,
      containerStatuses,
    });
    const kubelet = this.client.as('kubelet');
    kubelet.event(pod, 'Normal', 'Pulling', `Pulling image "${pull.image}"`);
    kubelet.event(pod, 'Warning', 'Failed', `Failed to pull image "${pull.image}": ${pull.message}`);
    kubelet.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
    kubelet.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${pull.image}"`);
    kubelet.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
  }

  /** Init containers still running or backing off: the pod stays Pending (Init:N/M, or Init:CrashLoopBackOff), its containers waiting in PodInitializing. */
  private initializing(pod: KObject, init: InitProgress, now: string): void {
    const incomplete = init.statuses.filter((s) => (s as KObject).state?.terminated?.exitCode !== 0).map((s) => s.name);
    const containerStatuses = (pod.spec.containers ?? []).map((c: KObject) => notStarted(c, { reason: 'PodInitializing' }));
    if (JSON.stringify(pod.status?.initContainerStatuses) === JSON.stringify(init.statuses) && pod.status?.containerStatuses) return;
    let conditions: Condition[] = pod.status?.conditions ?? [];
    conditions = setCondition(conditions, { type: 'PodScheduled', status: 'True' }, now);
    conditions = setCondition(
      conditions,
      {
        type: 'Initialized',
        status: 'False',
        reason: 'ContainersNotInitialized',
        message: `containers with incomplete status: [${incomplete.join(' ')}]`,
      },
      now,
    );
    for (const type of ['ContainersReady', 'Ready']) {
      conditions = setCondition(
        conditions,
        {
          type,
          status: 'False',
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${containerStatuses.map((c: { name: string }) => c.name).join(' ')}]`,
        },
        now,
      );
    }
    this.client.patchStatus('v1', 'Pod', pod.metadata.name!, pod.metadata.namespace, {
      phase: 'Pending',
      conditions,
      hostIP: this.client.get('v1', 'Node', pod.spec.nodeName)?.status?.addresses?.[0]?.address ?? '10.0.0.10',
      startTime: pod.status?.startTime ?? now,
      initContainerStatuses: init.statuses,
      containerStatuses,
    });
    if (init.failed)
      this.client
        .as('kubelet')
        .event(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${init.failed.container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        );
  }

  private crashReason(pod: KObject): string | undefined {
    for (const [fault, image] of Object.entries(CRASHING)) {
      if (this.ctx.faults.has(fault) && (pod.spec.containers ?? []).some((c: KObject) => String(c.image).includes(image)))
        return `injected fault ${fault}: the container exits with status 1`;
    }
    for (const r of this.ctx.podRuntimes) {
      const b = r.behaviour(pod);
      if (b?.crash) return b.crash;
    }
    return undefined;
  }
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** The status of a container the kubelet has not started: not ready, never restarted, waiting for `waiting.reason`. */
function notStarted(c: KObject, waiting: { reason: string; message?: string }) {
  return { name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting } };
}

/**
 * A scheduled pod's conditions as the kubelet sets them (pkg/kubelet/status/generate.go): scheduled and
 * initialized; ContainersReady and Ready as `ready` says, else ContainersNotReady naming the containers.
 */
function podConditions(pod: KObject, ready: boolean, containerStatuses: { name: string }[], now: string): Condition[] {
  let conditions: Condition[] = pod.status?.conditions ?? [];
  for (const [type, ok] of [
    ['PodScheduled', true],
    ['Initialized', true],
    ['ContainersReady', ready],
    ['Ready', ready],
  ] as const) {
    conditions = setCondition(
      conditions,
      {
        type,
        status: ok ? 'True' : 'False',
        ...(ok
          ? {}
          : {
              reason: 'ContainersNotReady',
              message: `containers with unready status: [${containerStatuses.map((c) => c.name).join(' ')}]`,
            }),
      },
      now,
    );
  }
  return conditions;
}

function tolerates(tolerations: { key?: string; operator?: string; value?: string; effect?: string }[], t: Taint): boolean {
  return tolerations.some((tol) => {
    if (tol.effect && tol.effect !== t.effect) return false;
    if (tol.operator === 'Exists') return !tol.key || tol.key === t.key;
    return tol.key === t.key && (tol.value ?? '') === (t.value ?? '');
  });
}

/** Requests of a pod by resource; limits count as requests where requests are absent (extended resources always). */
function podRequests(pod: KObject): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of pod.spec?.containers ?? []) {
    const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    for (const [r, q] of Object.entries(req)) out.set(r, (out.get(r) ?? 0) + parseQuantity(q as string));
  }
  return out;
}

export function describeRequests(pod: KObject): string {
  return [...podRequests(pod)].map(([r, q]) => `${r}=${r === 'cpu' ? formatCpu(q) : q}`).join(', ');
}

/** The resolved image as the kubelet reports it: the digest an image pinned by digest already has, else one made up from its name. */
function imageIdOf(image: string): string {
  if (image.includes('@sha256:')) return image;
  const repository = image.replace(/:[^/:]+$/, '');
  return `${repository}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

function controllerOf(obj: KObject, kind: string): string | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller && r.kind === kind)?.name;
}

function templateHash(template: unknown): string {
  const h = createHash('sha256').update(JSON.stringify(template)).digest();
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from(h.subarray(0, 10), (b) => chars[b % chars.length]).join('');
}

function sameStatus(current: KObject['status'], next: Record<string, unknown>): boolean {
  return Object.entries(next).every(([k, v]) => JSON.stringify(current?.[k]) === JSON.stringify(v));
}

/** Keeps lastUpdateTime of conditions whose status, reason and message did not change. */
function keepUpdateTimes(prev: Condition[] | undefined, next: Condition[]): Condition[] {
  return next.map((c) => {
    const p = prev?.find((x) => x.type === c.type);
    return p && p.status === c.status && p.reason === c.reason && p.message === c.message ? { ...c, lastUpdateTime: p.lastUpdateTime } : c;
  });
}
