// batch/v1 Jobs, as kube-controller-manager's job controller runs them (kubernetes
// pkg/controller/job/job_controller.go, the Kubernetes 1.27 of OpenShift 4.14): one Pod
// `<job>-<5 chars>` from spec.template (labels controller-uid, job-name, batch.kubernetes.io/*;
// controlled by the Job); the Job's status counts active, succeeded and failed pods; the first pod
// that succeeds completes the Job (condition Complete, completionTime); a failed pod is replaced
// until spec.backoffLimit (default 6) failures, then the Job fails with BackoffLimitExceeded.
// Only completions 1 / parallelism 1 Jobs. A container ends when its image emulator reports an
// exit through containerExitsOf (an emulator that never exits keeps the pod Running); the pod's
// status is then written as the kubelet does for a terminated container (state.terminated with the
// exit code and message, phase Succeeded or Failed under restartPolicy Never/OnFailure).
// Jobs that already carry a status when first seen (the KubeRay submitter Job, kuberay.ts) belong to
// whoever wrote it and are left alone.
import type { TwinClient } from '../api/client';
import { randomSuffix, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import { keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from './runtime';

/** The condition the Job controller sets when failed pods exceed spec.backoffLimit (job_controller.go). */
export function backoffLimitExceeded(now: string): Record<string, string> {
  return {
    type: 'Failed',
    status: 'True',
    reason: 'BackoffLimitExceeded',
    message: 'Job has reached the specified backoff limit',
    lastProbeTime: now,
    lastTransitionTime: now,
  };
}

/** How a container ended: its exit code and the message of its terminated state (the end of its log). */
export interface ContainerExit {
  exitCode: number;
  message: string;
}

/** Where image emulators report that a container ran to its end. */
export class ContainerExits {
  private readonly exits = new Map<string, ContainerExit>();
  private readonly listeners: ((podUid: string, container: string) => void)[] = [];

  report(podUid: string, container: string, exit: ContainerExit): void {
    this.exits.set(`${podUid}/${container}`, exit);
    for (const l of this.listeners) l(podUid, container);
  }

  of(podUid: string, container: string): ContainerExit | undefined {
    return this.exits.get(`${podUid}/${container}`);
  }

  onExit(listener: (podUid: string, container: string) => void): void {
    this.listeners.push(listener);
  }
}

const registries = new WeakMap<ControllerContext, ContainerExits>();

/** The container exits of the twin this controller context belongs to. */
export function containerExitsOf(ctx: ControllerContext): ContainerExits {
  let r = registries.get(ctx);
  if (!r) registries.set(ctx, (r = new ContainerExits()));
  return r;
}

const JOB_API = 'batch/v1';

interface JobStatus {
  startTime: string;
  active: number;
  succeeded: number;
  failed: number;
  completionTime?: string;
  conditions?: Record<string, string>[];
}

export class JobController implements Controller {
  readonly name = 'job-controller';
  private readonly client: TwinClient;
  private readonly kubelet: TwinClient;
  private readonly jobs: WorkQueue;
  private readonly exits: ContainerExits;
  /** Jobs this controller runs (uid), decided when first seen. */
  private readonly owned = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('job-controller');
    this.kubelet = ctx.clientFor('kubelet');
    this.exits = containerExitsOf(ctx);
    this.jobs = new WorkQueue('job-controller', 0, (k) => this.reconcile(k), ctx.settings.log);
  }

  start(): void {
    this.client.watch(JOB_API, 'Job', (type, job) => {
      if (type === 'DELETED') return void this.owned.delete(job.metadata.uid!);
      if (type === 'ADDED' && !job.status?.startTime && !job.status?.conditions?.length) this.owned.add(job.metadata.uid!);
      if (this.owned.has(job.metadata.uid!)) this.jobs.enqueue(keyOf(job));
    });
    this.client.watch('v1', 'Pod', (type, pod) => {
      const owner = pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Job');
      if (owner && type !== 'DELETED') this.jobs.enqueue(`${pod.metadata.namespace}/${owner.name}`);
    });
    this.exits.onExit((uid) => {
      const pod = this.client.list('v1', 'Pod').find((p) => p.metadata.uid === uid);
      if (pod) this.terminate(pod);
    });
  }

  /** Writes a pod's terminated containers as the kubelet does, once every container has exited. */
  private terminate(pod: KObject): void {
    if (['Succeeded', 'Failed'].includes(pod.status?.phase)) return;
    const containers: KObject[] = pod.spec.containers ?? [];
    const exits = containers.map((c) => this.exits.of(pod.metadata.uid!, c.name));
    if (exits.some((e) => !e)) return;
    const now = timestamp();
    const failed = exits.some((e) => e!.exitCode !== 0);
    const previous: KObject[] = pod.status?.containerStatuses ?? [];
    this.kubelet.patchStatus('v1', 'Pod', pod.metadata.name!, pod.metadata.namespace, {
      phase: failed ? 'Failed' : 'Succeeded',
      conditions: ['Ready', 'ContainersReady'].map((type) => ({
        type,
        status: 'False',
        reason: 'PodCompleted',
        lastTransitionTime: now,
      })),
      containerStatuses: containers.map((c, i) => {
        const e = exits[i]!;
        const before: Record<string, any> = previous.find((s) => s.name === c.name) ?? {}; // eslint-disable-line @typescript-eslint/no-explicit-any
        return {
          ...before,
          name: c.name,
          image: c.image,
          ready: false,
          started: false,
          state: {
            terminated: {
              exitCode: e.exitCode,
              reason: e.exitCode === 0 ? 'Completed' : 'Error',
              message: e.message,
              startedAt: before.state?.running?.startedAt ?? now,
              finishedAt: now,
            },
          },
        };
      }),
    });
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const job = this.client.get(JOB_API, 'Job', name, namespace);
    if (!job || job.metadata.deletionTimestamp || !this.owned.has(job.metadata.uid!)) return;
    if ((job.status?.conditions ?? []).some((c: KObject) => ['Complete', 'Failed'].includes(c.type) && c.status === 'True')) return;
    const pods = this.client
      .list('v1', 'Pod', namespace)
      .filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === job.metadata.uid));
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    const active = pods.length - succeeded - failed;
    const now = timestamp();
    const backoffLimit = job.spec.backoffLimit ?? 6;
    const status: JobStatus = {
      startTime: job.status?.startTime ?? now,
      active,
      succeeded,
      failed,
    };
    if (succeeded > 0) {
      status.active = 0;
      status.completionTime = now;
      status.conditions = [{ type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now }];
      this.client.event(job, 'Normal', 'Completed', 'Job completed');
    } else if (failed > backoffLimit) {
      status.conditions = [backoffLimitExceeded(now)];
      this.client.event(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    } else if (active === 0) {
      const podName = `${name}-${randomSuffix(5)}`;
      const labels = {
        ...(job.spec.template?.metadata?.labels ?? {}),
        'controller-uid': job.metadata.uid,
        'batch.kubernetes.io/controller-uid': job.metadata.uid,
        'job-name': name,
        'batch.kubernetes.io/job-name': name,
      };
      this.client.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace,
          labels,
          annotations: job.spec.template?.metadata?.annotations,
          ownerReferences: [{ apiVersion: JOB_API, kind: 'Job', name, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        spec: { restartPolicy: 'Never', ...job.spec.template?.spec },
      });
      this.client.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${podName}`);
      status.active = 1;
    }
    const old = job.status ?? {};
    const same =
      (['active', 'succeeded', 'failed'] as const).every((k) => (old[k] ?? 0) === status[k]) && !status.conditions && old.startTime;
    if (!same) this.client.patchStatus(JOB_API, 'Job', name, namespace, status);
  }
}
