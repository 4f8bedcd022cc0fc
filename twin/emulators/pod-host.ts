// The part of the kubelet that runs containers: when the twin's kubelet starts a pod, each
// container whose image an emulator plays starts serving its ports on loopback listeners (the
// pod's "IP" for the cluster network), gets its environment and volumes, and keeps a log; exec runs
// commands in it. When the pod is deleted its containers stop and its ephemeral files go; a
// PersistentVolumeClaim's files stay until the claim is deleted.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import type { ControllerContext, PodRuntime } from '../controllers/runtime';
import { containerArgv, containerEnvironment } from './env';
import { ContainerLog } from './logs';
import type { EmulatorRegistry } from './registry';
import { runCommand, type ExecIO } from './shell';
import { ContainerExit, type CommandHandler, type ContainerEmulator, type EmulatedPort } from './types';
import { PodFilesystem, type VolumeStore } from './volumes';

export interface PortAddress {
  host: string;
  port: number;
  /** The container port speaks TLS itself. */
  tls: boolean;
  /** The port's own certificate and key, when it has one fixed certificate (a passthrough route presents it). */
  identity?: { certPem: string; keyPem: string };
}

export interface RunningContainer {
  readonly name: string;
  readonly image: string;
  /** The emulator playing the image, when one does. */
  readonly emulatorName?: string;
  readonly env: Record<string, string>;
  readonly fs: PodFilesystem;
  readonly workingDir: string;
  readonly log: ContainerLog;
  readonly commands: Readonly<Record<string, CommandHandler>>;
  /** Loopback listeners by container port (resolved once listening). */
  readonly listeners: Map<number, Promise<PortAddress>>;
  readonly emulator?: ContainerEmulator;
}

export interface RunningPod {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly containers: Map<string, RunningContainer>;
  /** Aborted when the pod stops: commands and followers end. */
  readonly stopped: AbortSignal;
  /** Why the containers exited at once (the pod crash-loops); its log says the same. */
  readonly crashed?: string;
}

export class PodHost implements PodRuntime {
  private readonly pods = new Map<
    string,
    RunningPod & { abort: AbortController; servers: (http.Server | https.Server)[]; crashed?: string }
  >();
  private readonly client: TwinClient;
  /** The twin is shutting down: no container starts any more (the controllers may still reconcile). */
  private shuttingDown = false;

  constructor(
    private readonly ctx: ControllerContext,
    readonly registry: EmulatorRegistry,
    readonly volumes: VolumeStore,
  ) {
    this.client = ctx.clientFor('kubelet');
  }

  start(): void {
    this.client.watch('v1', 'Pod', (type, pod) => {
      if (type === 'DELETED' || pod.metadata.deletionTimestamp) void this.stopPod(pod.metadata.uid!);
    });
    this.client.watch('v1', 'PersistentVolumeClaim', (type, pvc) => {
      if (type === 'DELETED') this.volumes.removeClaim(pvc.metadata.uid!);
    });
  }

  /** Asked by the kubelet when it starts a scheduled pod: starts its containers' emulators. */
  behaviour(pod: KObject): { crash?: string } | undefined {
    const uid = pod.metadata.uid!;
    if (this.shuttingDown) return undefined;
    if (!this.pods.has(uid)) this.startPod(pod);
    const crash = this.pods.get(uid)?.crashed;
    return crash ? { crash } : undefined;
  }

  /** The running pod (by namespace and name), if its containers run here. */
  running(namespace: string, name: string): RunningPod | undefined {
    for (const p of this.pods.values()) if (p.namespace === namespace && p.name === name) return p;
    return undefined;
  }

  byUid(uid: string): RunningPod | undefined {
    return this.pods.get(uid);
  }

  /** Where a container port of a pod listens, or undefined when nothing listens there (connection refused). */
  async address(podUid: string, containerPort: number): Promise<PortAddress | undefined> {
    const pod = this.pods.get(podUid);
    if (!pod || pod.crashed) return undefined;
    for (const c of pod.containers.values()) {
      const l = c.listeners.get(containerPort);
      if (l) return l;
    }
    return undefined;
  }

  /** Runs a command in a container, as the container runtime's exec does; resolves with the exit code. */
  exec(
    pod: RunningPod,
    containerName: string,
    argv: string[],
    io: Pick<ExecIO, 'stdin' | 'stdout' | 'stderr' | 'signal'>,
  ): Promise<number> {
    const c = pod.containers.get(containerName);
    if (!c || pod.crashed) throw new Error(`container ${containerName} is not running in pod ${pod.namespace}/${pod.name}`);
    const signal = AbortSignal.any([io.signal, pod.stopped]);
    return runCommand(c.commands, argv, { ...io, signal, env: { ...c.env }, cwd: c.workingDir, fs: c.fs });
  }

  /** Stops every container (the twin is shutting down). */
  async stop(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.pods.keys()].map((uid) => this.stopPod(uid, false)));
  }

  private startPod(pod: KObject): void {
    const uid = pod.metadata.uid!;
    const abort = new AbortController();
    const running: RunningPod & { abort: AbortController; servers: (http.Server | https.Server)[]; crashed?: string } = {
      uid,
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name!,
      containers: new Map<string, RunningContainer>(),
      stopped: abort.signal,
      abort,
      servers: [],
    };
    this.pods.set(uid, running);
    const lookup = (apiVersion: string, kind: string, name: string, namespace: string) =>
      this.client.get(apiVersion, kind, name, namespace);
    let current: { name: string; log: ContainerLog } | undefined;
    try {
      for (const container of pod.spec.containers ?? []) {
        const log = new ContainerLog();
        current = { name: container.name, log };
        const emulator = this.registry.forImage(String(container.image));
        const env = containerEnvironment(pod, container, lookup);
        const fs = this.volumes.filesystemFor(pod, container, lookup);
        const played = emulator?.start({
          pod,
          container,
          argv: containerArgv(container),
          env,
          fs,
          log: (line) => log.append(line),
          appsDomain: this.ctx.settings.appsDomain,
        });
        const listeners = new Map<number, Promise<PortAddress>>();
        for (const port of played?.ports ?? []) listeners.set(port.port, this.listen(port, running.servers, abort.signal));
        running.containers.set(container.name, {
          name: container.name,
          image: String(container.image),
          emulatorName: emulator?.name,
          env,
          fs,
          workingDir: container.workingDir ?? '/',
          log,
          commands: played?.commands ?? {},
          listeners,
          emulator: played,
        });
      }
    } catch (err) {
      for (const s of running.servers) s.close();
      running.crashed = err instanceof ContainerExit ? err.message : `emulator failed: ${(err as Error).message}`;
      // The failing container's log says why, as `kubectl logs` shows a crashed container's output.
      if (current && !running.containers.has(current.name)) {
        current.log.append(running.crashed);
        running.containers.set(current.name, {
          name: current.name,
          image: '',
          env: {},
          fs: new PodFilesystem(this.volumes.podDir(uid), []),
          workingDir: '/',
          log: current.log,
          commands: {},
          listeners: new Map(),
        });
      }
      if (!(err instanceof ContainerExit))
        this.ctx.settings.log(`kubelet: pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).stack ?? err}`);
    }
  }

  /** Listens for one container port; a pod stopped before the listener is up closes it as soon as it is (else it would outlive the pod). */
  private listen(port: EmulatedPort, servers: (http.Server | https.Server)[], stopped: AbortSignal): Promise<PortAddress> {
    const server = port.tls ? https.createServer(port.tls, port.handler) : http.createServer(port.handler);
    if (port.upgrade) server.on('upgrade', port.upgrade);
    servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      const { cert, key } = port.tls ?? {};
      const identity = typeof cert === 'string' && typeof key === 'string' ? { certPem: cert, keyPem: key } : undefined;
      server.listen(0, '127.0.0.1', () => {
        const address = {
          host: '127.0.0.1',
          port: (server.address() as AddressInfo).port,
          tls: !!port.tls,
          ...(identity ? { identity } : {}),
        };
        if (stopped.aborted) server.close();
        resolve(address);
      });
    });
  }

  private async stopPod(uid: string, removeFiles = true): Promise<void> {
    const pod = this.pods.get(uid);
    if (pod) {
      this.pods.delete(uid);
      pod.abort.abort(new Error(`pod ${pod.namespace}/${pod.name} stopped`));
      for (const c of pod.containers.values()) {
        c.log.close();
        try {
          await c.emulator?.stop?.();
        } catch (err) {
          this.ctx.settings.log(`kubelet: stopping ${c.name} of ${pod.namespace}/${pod.name}: ${(err as Error).message}`);
        }
      }
      await Promise.all(
        pod.servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    }
    if (removeFiles) this.volumes.removePod(uid);
  }
}
