// The kubelet's init containers: run one after the other before the pod's containers start, each
// played by the init program registered for its image (KServe's storage initializer...) or, for an
// image no program plays, completing at once. A container that exits non-zero is restarted after
// the kubelet's back-off (10 s, doubling, at most 5 minutes; the pod shows Init:CrashLoopBackOff
// meanwhile) with its termination message taken from the end of its output, as
// terminationMessagePolicy FallbackToLogsOnError does. A missing Secret or ConfigMap of its
// environment leaves it waiting in CreateContainerConfigError and is tried again after the same
// back-off. Files are written into the pod's volumes (an emptyDir shared with the containers).
// Not modelled: `kubectl logs -c <init container>` (the termination message carries the end of the output).
import type { TwinClient } from '../api/client';
import { timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import type { ControllerContext, InitProgress, PodRuntime } from '../controllers/runtime';
import { containerArgv, containerEnvironment } from './env';
import { ContainerExit, type ContainerContext } from './types';
import type { PodFilesystem, VolumeStore } from './volumes';

/** What an init program gets: what a container's emulator gets (but the apps domain), and a signal. */
export interface InitContext extends Omit<ContainerContext, 'appsDomain'> {
  /** Aborted when the pod is deleted. */
  signal: AbortSignal;
}

/** Plays an image that runs to completion; resolves with its exit code. */
export interface InitProgram {
  readonly name: string;
  matches(image: string): boolean;
  run(ctx: InitContext): Promise<number>;
}

const BACKOFF_MS = 10_000;
const BACKOFF_CAP_MS = 300_000;
const MESSAGE_BYTES = 2048;

interface Attempt {
  state: 'waiting' | 'running' | 'completed' | 'failed' | 'config-error';
  restartCount: number;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  message?: string;
  last?: Record<string, unknown>;
}

/** One pod's init containers. */
class PodInit {
  readonly abort = new AbortController();
  private index = 0;
  private readonly attempts: Attempt[];
  private timer: NodeJS.Timeout | undefined;
  private failed: InitProgress['failed'];

  constructor(
    private readonly pod: KObject,
    private readonly runner: InitContainerRunner,
    private readonly wake: () => void,
  ) {
    this.attempts = (pod.spec.initContainers ?? []).map(() => ({ state: 'waiting', restartCount: 0 }));
  }

  start(): void {
    void this.runCurrent();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.abort.abort(new Error(`pod ${this.pod.metadata.namespace}/${this.pod.metadata.name} deleted`));
  }

  progress(): InitProgress {
    const containers: KObject[] = this.pod.spec.initContainers ?? [];
    const statuses = containers.map((c, i) => this.status(c, this.attempts[i]));
    return { done: this.attempts.every((a) => a.state === 'completed'), statuses, ...(this.failed ? { failed: this.failed } : {}) };
  }

  private status(c: KObject, a: Attempt): Record<string, unknown> {
    const base = {
      name: c.name,
      image: c.image,
      imageID: a.state === 'waiting' ? '' : `${String(c.image).replace(/[:@].*$/, '')}@sha256:${'0'.repeat(64)}`,
      restartCount: a.restartCount,
      ready: a.state === 'completed',
      started: a.state === 'running',
      ...(a.last ? { lastState: { terminated: a.last } } : {}),
    };
    switch (a.state) {
      case 'waiting':
        return { ...base, state: { waiting: { reason: 'PodInitializing' } } };
      case 'running':
        return { ...base, state: { running: { startedAt: a.startedAt } } };
      case 'completed':
        return { ...base, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: a.startedAt, finishedAt: a.finishedAt } } };
      case 'config-error':
        return { ...base, state: { waiting: { reason: 'CreateContainerConfigError', message: a.message } } };
      case 'failed':
        return {
          ...base,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${Math.round(this.backoff(a) / 1000)}s restarting failed container=${c.name} pod=${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.pod.metadata.uid})`,
            },
          },
        };
    }
  }

  private backoff(a: Attempt): number {
    return Math.min(BACKOFF_CAP_MS, BACKOFF_MS * 2 ** Math.max(0, a.restartCount));
  }

  private async runCurrent(): Promise<void> {
    const containers: KObject[] = this.pod.spec.initContainers ?? [];
    while (this.index < containers.length && !this.abort.signal.aborted) {
      const container = containers[this.index];
      const attempt = this.attempts[this.index];
      const output: string[] = [];
      let env: Record<string, string>;
      let fsys: PodFilesystem;
      try {
        env = containerEnvironment(this.pod, container, this.runner.lookup);
        fsys = this.runner.volumes.filesystemFor(this.pod, container, this.runner.lookup);
      } catch (err) {
        if (!(err instanceof ContainerExit)) throw err;
        Object.assign(attempt, { state: 'config-error', message: err.message });
        this.failed = { container: container.name, message: err.message, restartCount: attempt.restartCount };
        return this.retryLater(attempt);
      }
      Object.assign(attempt, { state: 'running', startedAt: timestamp(), message: undefined });
      this.failed = undefined;
      this.wake();
      const program = this.runner.programFor(String(container.image));
      let exitCode = 0;
      if (program) {
        try {
          exitCode = await program.run({
            pod: this.pod,
            container,
            argv: containerArgv(container),
            env,
            fs: fsys,
            log: (line) => output.push(line),
            signal: this.abort.signal,
          });
        } catch (err) {
          output.push(`${(err as Error).stack ?? err}`);
          exitCode = 1;
        }
      }
      if (this.abort.signal.aborted) return;
      attempt.finishedAt = timestamp();
      if (exitCode === 0) {
        attempt.state = 'completed';
        this.index += 1;
        continue;
      }
      const message = tail(output.join('\n'));
      attempt.last = { exitCode, reason: 'Error', message, startedAt: attempt.startedAt, finishedAt: attempt.finishedAt };
      attempt.state = 'failed';
      this.failed = { container: container.name, message, restartCount: attempt.restartCount };
      return this.retryLater(attempt);
    }
    this.wake();
  }

  private retryLater(attempt: Attempt): void {
    this.wake();
    this.timer = setTimeout(() => {
      attempt.restartCount += 1;
      void this.runCurrent();
    }, this.backoff(attempt));
    this.timer.unref();
  }
}

/** The kubelet's init-container side (a PodRuntime): one PodInit per pod, forgotten when the pod goes. */
export class InitContainerRunner implements PodRuntime {
  private readonly programs: InitProgram[] = [];
  private readonly pods = new Map<string, PodInit>();
  private readonly client: TwinClient;
  readonly lookup = (apiVersion: string, kind: string, name: string, namespace: string): KObject | undefined =>
    this.client.get(apiVersion, kind, name, namespace);

  constructor(
    ctx: ControllerContext,
    readonly volumes: VolumeStore,
  ) {
    this.client = ctx.clientFor('kubelet');
  }

  start(): void {
    this.client.watch('v1', 'Pod', (type, pod) => {
      if (type !== 'DELETED' && !pod.metadata.deletionTimestamp) return;
      const run = this.pods.get(pod.metadata.uid!);
      run?.stop();
      this.pods.delete(pod.metadata.uid!);
    });
  }

  /** Plays an image that runs to completion; returns a function that removes it. */
  register(program: InitProgram): () => void {
    this.programs.unshift(program);
    return () => {
      const i = this.programs.indexOf(program);
      if (i >= 0) this.programs.splice(i, 1);
    };
  }

  programFor(image: string): InitProgram | undefined {
    return this.programs.find((p) => p.matches(image));
  }

  behaviour(): undefined {
    return undefined;
  }

  initContainers(pod: KObject, wake: () => void): InitProgress | undefined {
    if (!(pod.spec.initContainers ?? []).length) return undefined;
    let run = this.pods.get(pod.metadata.uid!);
    if (!run) {
      run = new PodInit(pod, this, wake);
      this.pods.set(pod.metadata.uid!, run);
      run.start();
    }
    return run.progress();
  }
}

/** The end of a container's output, as the kubelet keeps it for the termination message. */
function tail(text: string): string {
  const bytes = Buffer.from(text);
  return bytes.length <= MESSAGE_BYTES ? text : bytes.subarray(bytes.length - MESSAGE_BYTES).toString('utf8');
}
