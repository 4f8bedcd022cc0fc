// The twin's workload runtime, started once per twin: the kubelet's container side (image emulators,
// volumes, exec and logs), the cluster network (endpoints, DNS, kube-proxy) and the default router
// (Route admission and serving). Other controllers reach it through `workloadRuntimeOf(ctx)`:
// register an image emulator, resolve an in-cluster name, get HTTP agents for in-cluster calls.
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { UserInfo } from '../api/auth';
import type { ResourceTarget } from '../api/http';
import type { ControllerContext } from '../controllers/runtime';
import { minioEmulator } from '../emulators/minio/index';
import { PodHost } from '../emulators/pod-host';
import { EmulatorRegistry } from '../emulators/registry';
import { VolumeStore } from '../emulators/volumes';
import { ClusterNetwork } from './cluster-network';
import { EndpointsController } from './endpoints';
import { RouteController } from './routes';

export type SubresourceHandler = (req: IncomingMessage, res: ServerResponse, target: ResourceTarget, user: UserInfo) => boolean;

export interface WorkloadRuntime {
  /** Which emulator plays which image; `emulators.register(...)` adds one. */
  readonly emulators: EmulatorRegistry;
  /** The running pods' containers: addresses, exec, logs. */
  readonly pods: PodHost;
  readonly network: ClusterNetwork;
  /** The API server's handlers of pod subresources (pods/exec, pods/log), by `plural/subresource`. */
  readonly subresourceHandlers: Map<string, SubresourceHandler>;
  stop(): Promise<void>;
}

export interface WorkloadRuntimeOptions {
  /** Where volumes live; a fresh temporary directory (removed at stop) when absent. */
  dataDir?: string;
  /** The map the API server's HTTP layer consults for pods/exec and pods/log. */
  subresourceHandlers: Map<string, SubresourceHandler>;
}

const runtimes = new WeakMap<ControllerContext, WorkloadRuntime>();

/** The workload runtime of the twin this controller context belongs to. */
export function workloadRuntimeOf(ctx: ControllerContext): WorkloadRuntime {
  const r = runtimes.get(ctx);
  if (!r) throw new Error('the workload runtime has not been started for this twin (startWorkloadRuntime in twin/server.ts)');
  return r;
}

/** Starts the runtime: call before the kubelet runs pods, so that every pod gets its emulators. */
export function startWorkloadRuntime(ctx: ControllerContext, opts: WorkloadRuntimeOptions): WorkloadRuntime {
  const owned = !opts.dataDir;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-twin-data-'));
  const emulators = new EmulatorRegistry();
  emulators.register(minioEmulator);
  const pods = new PodHost(ctx, emulators, new VolumeStore(path.join(dataDir, 'volumes')));
  const network = new ClusterNetwork(ctx, pods);
  ctx.podRuntimes.push(pods);
  pods.start();
  new EndpointsController(ctx).start();
  new RouteController(ctx, network).start();
  const runtime: WorkloadRuntime = {
    emulators,
    pods,
    network,
    subresourceHandlers: opts.subresourceHandlers,
    async stop() {
      await pods.stop();
      if (owned) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  runtimes.set(ctx, runtime);
  return runtime;
}
