// Choosing and connecting to the target: a real cluster from the kubeconfig, or the embedded twin
// started as a separate process. Either way the result is checked (preflight) before anything is
// applied.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient, ClusterConnection } from '../cluster';
import type { Settings } from '../config';
import { formatResolveRules, parseResolveRules, type ResolveRule } from '../http/resolve-rules';
import { PROJECT_ROOT, TWIN_CLI } from '../paths';
import { loadInCluster } from './in-cluster';
import { credentialsOf, currentContextOf, kubeconfigFiles, KubeconfigError, loadKubeconfig } from './kubeconfig';
import { preflight, type PreflightResult } from './preflight';
import { coordinatorPid, isParallelWorker, oncePerRun, runDirectory } from './run-coordination';
import { startTwinProcess, type TwinReady } from './twin-process';

export type TargetKind = 'twin' | 'cluster';

export type TargetPlan = { kind: 'twin' } | { kind: 'cluster'; files: string[]; inCluster?: boolean };

export interface Target {
  readonly kind: TargetKind;
  readonly server: string;
  readonly context: string;
  readonly kubeconfigFiles: readonly string[];
  readonly kubeConfig: KubeConfig;
  readonly connection: ClusterConnection;
  /** Host overrides for HTTP clients (RHOAI_RESOLVE, plus the twin's ingress). */
  readonly resolve: readonly ResolveRule[];
  readonly auditLog?: string;
  readonly preflight: PreflightResult;
  /** Credentials read from the kubeconfig, for the redactor. */
  readonly credentials: readonly string[];
  /** The twin process when this process started it and must stop it. */
  readonly ownedTwin?: ChildProcess;
}

/** How long the twin may take to print its ready line (a cold tsx cache compiles the whole twin). */
export const TWIN_START_TIMEOUT_MS = 180_000;

/** RHOAI_TARGET and the kubeconfig decide where the run goes. */
export function chooseTarget(settings: Settings, home?: string): TargetPlan {
  if (settings.target === 'twin') return { kind: 'twin' };
  if (settings.target === 'in-cluster') return { kind: 'cluster', files: [], inCluster: true };
  const files = kubeconfigFiles(settings.kubeconfig, home);
  if (settings.target === 'cluster') {
    if (files.length === 0)
      throw new KubeconfigError('RHOAI_TARGET=cluster, but there is no kubeconfig: KUBECONFIG is unset and ~/.kube/config does not exist');
    return { kind: 'cluster', files };
  }
  // auto: a kubeconfig with a current context means a cluster; a malformed one is an error, not the twin.
  // auto never picks the pod's service account on its own: a CI job that happens to run in a pod
  // would otherwise aim the whole suite at the cluster hosting it instead of the twin.
  return files.length > 0 && currentContextOf(files) ? { kind: 'cluster', files } : { kind: 'twin' };
}

/** The one line that says where the run goes. */
export function describeTarget(target: Pick<Target, 'kind' | 'server' | 'context'>): string {
  return target.kind === 'twin'
    ? `rhoai-harness: target = embedded twin (simulated OpenShift + RHOAI) at ${target.server}`
    : `rhoai-harness: target = cluster ${target.server} (context ${target.context})`;
}

/** Creates RHOAI_WORK_DIR with mode 0700 (and tightens it if it exists). */
export function ensureWorkDir(workDir: string): string {
  fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(workDir, 0o700);
  return workDir;
}

async function startSharedTwin(settings: Settings): Promise<{ ready: TwinReady; child?: ChildProcess }> {
  const runDir = runDirectory(ensureWorkDir(settings.workDir));
  let child: ChildProcess | undefined;
  const { value: ready } = await oncePerRun(runDir, 'twin', TWIN_START_TIMEOUT_MS, async () => {
    const started = await startTwinProcess({
      // The compiled twin of RHOAI_BUILD_DIR when there is one (scripts/build.mjs), else its sources through tsx.
      cli: settings.buildDir ? path.join(settings.buildDir, 'twin.cjs') : TWIN_CLI,
      cwd: PROJECT_ROOT,
      workDir: settings.workDir,
      auditLog: settings.twinAuditLog,
      faults: settings.twinFaults,
      latencyMs: settings.twinLatencyMs,
      profile: settings.twinProfile,
      nodes: settings.twinNodes,
      restore: settings.twinRestore,
      exitWithPid: coordinatorPid(),
      timeoutMs: TWIN_START_TIMEOUT_MS,
    });
    child = started.child;
    return started.ready;
  });
  // A parallel worker must not stop the twin its siblings still use: it exits with the coordinator.
  return { ready, child: isParallelWorker() ? undefined : child };
}

export async function connectTarget(settings: Settings): Promise<Target> {
  const plan = chooseTarget(settings);
  let files: string[];
  let resolve = [...settings.resolve];
  let auditLog: string | undefined;
  let ownedTwin: ChildProcess | undefined;
  if (plan.kind === 'twin') {
    const { ready, child } = await startSharedTwin(settings);
    ownedTwin = child;
    files = [ready.kubeconfig];
    auditLog = ready.audit || settings.twinAuditLog;
    if (ready.resolve) {
      const twinRules = parseResolveRules(ready.resolve);
      resolve = [...twinRules, ...resolve.filter((r) => !twinRules.some((t) => t.pattern === r.pattern))];
    }
    // Child processes (a browser, kubectl) see the twin's ingress too.
    process.env.RHOAI_RESOLVE = formatResolveRules(resolve);
  } else {
    files = plan.files;
  }
  try {
    const inCluster = plan.kind === 'cluster' && plan.inCluster ? loadInCluster(settings.serviceAccountDir) : undefined;
    const loaded = inCluster ?? loadKubeconfig(files);
    const connection = new ClusterConnection(loaded.kubeConfig);
    const checked = await preflight(new ClusterClient(connection), loaded.server);
    return {
      kind: plan.kind,
      server: loaded.server,
      context: loaded.context,
      kubeconfigFiles: files,
      kubeConfig: loaded.kubeConfig,
      connection,
      resolve,
      auditLog,
      preflight: checked,
      credentials: inCluster ? [inCluster.token] : credentialsOf(loaded.kubeConfig),
      ownedTwin,
    };
  } catch (error) {
    stopTwin(ownedTwin);
    throw error;
  }
}

/** Stops a twin this process started (SIGTERM). */
export function stopTwin(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}
