// How the twin's controllers run: each watches the kinds it cares about and reconciles keys from a
// de-duplicating work queue, after a configurable latency, requeueing with backoff on errors —
// event-driven like controller-runtime, never on a fixed polling interval.
import { TWIN_SYSTEM, type Authenticator, type UserInfo } from '../api/auth';
import { TwinClient } from '../api/client';
import type { ApiServer } from '../api/apiserver';
import { ApiError, type KObject } from '../api/types';
import type { FaultSet } from '../fault-set';
import type { IngressRouter } from '../ingress/router';

export interface TwinSettings {
  appsDomain: string;
  clusterDomain: string;
  /** Delay before a controller acts on a change (simulates a real operator's reconcile time). */
  latencyMs: number;
  /** The ingress (router) CA, published as default-ingress-cert. */
  ingressCaPem: string;
  /** The API server's CA (kube-root-ca.crt in every namespace). */
  apiCaPem: string;
  /** Where the twin's own CRD files live. */
  crdDir: string;
  catalogDir: string;
  log: (line: string) => void;
}

export interface ControllerContext {
  api: ApiServer;
  authn: Authenticator;
  faults: FaultSet;
  settings: TwinSettings;
  /** The HTTPS ingress of route hosts: serve a host, present a certificate for it. */
  ingress: IngressRouter;
  /** How scheduled pods run: the kubelet asks each runtime in turn (image emulators, sidecars, faults). */
  podRuntimes: PodRuntime[];
  /** A client acting as the named controller (its field manager and a service-account identity). */
  clientFor(manager: string, serviceAccount?: string): TwinClient;
}

/** Decides how the kubelet runs a scheduled pod; undefined leaves it to the next runtime (default: containers start and are ready). */
export interface PodRuntime {
  behaviour(pod: KObject): { crash?: string } | undefined;
  /** Asked before any container starts: an image of the pod that cannot be pulled (the pod stays Pending in ImagePullBackOff). */
  imagePull?(pod: KObject): ImagePullFailure | undefined;
  /**
   * Runs the pod's init containers, in order, before its containers start: asked while the pod
   * initialises; undefined leaves them to the next runtime (none: they complete at once). `wake`
   * asks the kubelet to look at the pod again (an init container finished or backed off).
   */
  initContainers?(pod: KObject, wake: () => void): InitProgress | undefined;
}

/** Where a pod's init containers are, as the kubelet reports them. */
export interface InitProgress {
  /** Every init container exited 0: the pod's containers may start. */
  done: boolean;
  /** status.initContainerStatuses. */
  statuses: Record<string, unknown>[];
  /** The init container that failed and is backing off (a Warning BackOff event says so). */
  failed?: { container: string; message: string; restartCount: number };
}

/** Why the kubelet cannot pull a container's image (the registry's answer, as in the Failed event). */
export interface ImagePullFailure {
  container: string;
  image: string;
  message: string;
}

export interface Controller {
  readonly name: string;
  start(): void;
}

export function createContext(
  api: ApiServer,
  authn: Authenticator,
  faults: FaultSet,
  settings: TwinSettings,
  ingress: IngressRouter,
): ControllerContext {
  return {
    api,
    authn,
    faults,
    settings,
    ingress,
    podRuntimes: [],
    clientFor(manager: string, serviceAccount?: string): TwinClient {
      const user: UserInfo = serviceAccount
        ? {
            username: `system:serviceaccount:${serviceAccount}`,
            groups: ['system:masters', 'system:serviceaccounts', 'system:authenticated'],
          }
        : TWIN_SYSTEM;
      return new TwinClient(api, manager, user);
    },
  };
}

/**
 * A work queue of object keys. `enqueue` is idempotent while a key waits; `reconcile` runs once per
 * wake-up with the latest state. Errors requeue the key with exponential backoff (capped at 5 s).
 */
export class WorkQueue {
  private readonly waiting = new Set<string>();
  private readonly failures = new Map<string, number>();
  private running = false;
  private readonly ready: string[] = [];

  constructor(
    private readonly name: string,
    private readonly latencyMs: number,
    private readonly reconcile: (key: string) => void,
    private readonly log: (line: string) => void,
  ) {}

  enqueue(key: string, afterMs = this.latencyMs): void {
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    const wake = () => {
      this.waiting.delete(key);
      this.ready.push(key);
      this.drain();
    };
    if (afterMs > 0) setTimeout(wake, afterMs).unref();
    else setImmediate(wake);
  }

  private drain(): void {
    if (this.running) return;
    this.running = true;
    try {
      while (this.ready.length) {
        const key = this.ready.shift()!;
        try {
          this.reconcile(key);
          this.failures.delete(key);
        } catch (err) {
          const n = (this.failures.get(key) ?? 0) + 1;
          this.failures.set(key, n);
          const conflict = err instanceof ApiError && err.code === 409;
          if (!conflict) this.log(`${this.name}: reconcile ${key} failed (attempt ${n}): ${(err as Error).message}`);
          this.enqueue(key, Math.min(5000, (conflict ? 10 : 100) * 2 ** Math.min(n, 6)));
        }
      }
    } finally {
      this.running = false;
    }
  }
}

export function keyOf(obj: KObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export type Condition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  [k: string]: unknown;
};

/** Sets a condition, keeping lastTransitionTime when the status does not change (as apimachinery's SetStatusCondition). */
export function setCondition(conditions: Condition[] | undefined, next: Condition, now: string): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) list.push({ ...next, lastTransitionTime: now });
  else {
    const prev = list[i];
    list[i] = { ...prev, ...next, lastTransitionTime: prev.status === next.status ? prev.lastTransitionTime : now };
  }
  return list;
}

export function conditionOf(obj: KObject | undefined, type: string): Condition | undefined {
  return (obj?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}
