// DW-POD-01..03 (§13.1): the codeflare-operator-manager, kuberay-operator and
// kueue-controller-manager pods Running and Ready in the applications namespace, their Deployments
// available (`oc get deploy ... ` AVAILABLE 1), and default-dsc's `<component>Ready` conditions.
import { expectOk } from '../core/expect';
import type { KObject } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { componentOf, DSC_NAME, dscRef } from './components';

/** Container states that do not heal by waiting. */
const STUCK = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'InvalidImageName',
  'CreateContainerError',
];

const deploymentRef = (name: string, namespace: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace });

function selectorOf(deployment: KObject): string {
  const labels: Record<string, string> = deployment.spec?.selector?.matchLabels ?? {};
  const expressions: KObject[] = deployment.spec?.selector?.matchExpressions ?? [];
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  for (const e of expressions) {
    if (e.operator === 'In') parts.push(`${e.key} in (${e.values.join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${e.values.join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  expectOk(parts.length, `Deployment ${deployment.metadata.namespace}/${deployment.metadata.name} has an empty selector`);
  return parts.join(',');
}

function isReady(pod: KObject): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True');
}

/** A pod's container that is stuck (crash-looping, image not pullable), as a sentence; undefined when none is. */
export function stuckContainer(pod: KObject): string | undefined {
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])] as KObject[]) {
    const waiting = s.state?.waiting;
    if (!waiting || !STUCK.includes(waiting.reason)) continue;
    const last = s.lastState?.terminated;
    const lastText = last
      ? `; last exit ${last.exitCode} (${last.reason ?? 'terminated'})${last.message ? `: ${String(last.message).trim()}` : ''}`
      : '';
    return `pod ${pod.metadata.name} container ${s.name}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}, ${s.restartCount ?? 0} restarts${lastText}`;
  }
  return undefined;
}

/**
 * Waits for the operator's Deployment to exist, then for its pods (by the Deployment's selector) to
 * be Running and Ready — as many as it wants replicas. A crash-looping or unpullable container fails
 * at once, naming the Deployment, the pod and the container's last words.
 */
export async function assertOperatorPodsRunning(world: RhoaiWorld, name: string, namespace: string): Promise<KObject[]> {
  const component = componentOf(name);
  const deployment = (await world.cluster.waitFor(deploymentRef(name, namespace), (d) => d !== undefined, {
    describe: `the rhods-operator to deploy ${name} in ${namespace} (component ${component.component} Managed in ${DSC_NAME})`,
  }))!;
  const wanted = deployment.spec?.replicas ?? 1;
  const pods = await world.cluster.waitForList(
    { apiVersion: 'v1', kind: 'Pod', namespace },
    (list) => {
      const live = list.filter((p) => !p.metadata.deletionTimestamp);
      for (const pod of live) {
        const stuck = stuckContainer(pod);
        if (stuck) return { fail: `${name} is crash-looping: ${stuck}` };
      }
      return live.filter(isReady).length >= Math.max(1, wanted);
    },
    { labelSelector: selectorOf(deployment), describe: `${wanted} ${name} pod(s) in ${namespace} to be Running and Ready` },
  );
  const ready = pods.filter(isReady);
  world.report.text(
    `${name} pods`,
    ready.map((p) => `${p.metadata.name}: ${p.status.phase}, Ready (node ${p.spec?.nodeName ?? '?'})`).join('\n'),
  );
  return ready;
}

/** The Deployment reports Available=True with all its replicas available (AVAILABLE in `oc get deploy`). */
export async function assertDeploymentAvailable(world: RhoaiWorld, name: string, namespace: string): Promise<void> {
  await world.cluster.waitFor(
    deploymentRef(name, namespace),
    (d) => {
      if (!d) return false;
      const available = (d.status?.conditions ?? []).find((c: KObject) => c.type === 'Available');
      const progressing = (d.status?.conditions ?? []).find((c: KObject) => c.type === 'Progressing');
      if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
        return { fail: `Deployment ${namespace}/${name} exceeded its progress deadline: ${progressing.message}` };
      return available?.status === 'True' && (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1);
    },
    { describe: `Deployment ${namespace}/${name} to be available (Available=True, availableReplicas = replicas)` },
  );
}

/** default-dsc reports `<component>Ready` True; the 2.9 operator's ReconcileFailed fails at once with its message. */
export async function assertComponentReady(world: RhoaiWorld, conditionType: string, dscName = DSC_NAME): Promise<void> {
  const condition = await world.cluster.waitFor(
    dscRef(dscName),
    (dsc) => {
      const c = (dsc?.status?.conditions ?? []).find((x: KObject) => x.type === conditionType);
      if (c?.status === 'False' && c.reason === 'ReconcileFailed')
        return { fail: `${dscName} reports ${conditionType}=False (ReconcileFailed): ${c.message ?? ''}` };
      return c?.status === 'True';
    },
    { describe: `DataScienceCluster ${dscName} to report ${conditionType}=True` },
  );
  const c = (condition?.status?.conditions ?? []).find((x: KObject) => x.type === conditionType);
  world.report.text(
    conditionType,
    `${dscName}: ${conditionType}=${c?.status}${c?.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`,
  );
}
