// OpenShift Serverless for KServe, as the RHOAI 2.9 manual install sets it up: the KnativeServing
// `knative-serving` with the Istio ingress and the sidecar on the activator and the autoscaler, and
// its readiness as the Serverless docs check it (DependenciesInstalled, DeploymentsAvailable,
// InstallSucceeded and Ready all True; activator and autoscaler pods 2/2 with istio-proxy; the
// other Serving deployments available). Which deployments a release ships changes: domain-mapping
// and domainmapping-webhook exist only up to Serverless 1.31 (serverless-operator release-1.31
// kodata/knative-serving/1.10/2-serving-core.yaml; release-1.32's 1.11 and later ship neither), so
// the check takes the ones every release ships plus whatever else the operator deployed there.
import { expect } from 'chai';
import { type KObject, type ObjectRef } from '../core/cluster';
import { assertDeploymentsAvailable, conditionText, waitExplained, waitForCrd, waitForPodsWithSidecar, type Problem } from './mesh';
import type { RhoaiWorld } from '../core/world';

export const KNATIVE_SERVING_API = 'operator.knative.dev/v1beta1';
const READINESS = ['DependenciesInstalled', 'DeploymentsAvailable', 'InstallSucceeded', 'Ready'];
/** The Serving deployments besides the activator and the autoscaler that every Serverless release 1.31+ ships (2-serving-core, 3-serving-hpa, net-istio-core). */
export const CORE_SERVING_DEPLOYMENTS = ['autoscaler-hpa', 'controller', 'net-istio-controller', 'net-istio-webhook', 'webhook'];
const SIDECAR_DEPLOYMENTS = ['activator', 'autoscaler'];

/** The deployments to check: the core ones and every other one that exists in the namespace (e.g. domain-mapping up to 1.31). */
export function otherServingDeployments(existing: KObject[]): string[] {
  const live = existing.filter((d) => !d.metadata.deletionTimestamp).map((d) => d.metadata.name!);
  return [...new Set([...CORE_SERVING_DEPLOYMENTS, ...live])].filter((n) => !SIDECAR_DEPLOYMENTS.includes(n)).sort();
}

const knativeServingRef = (name: string, namespace: string): ObjectRef => ({
  apiVersion: KNATIVE_SERVING_API,
  kind: 'KnativeServing',
  name,
  namespace,
});

export async function createKnativeServing(world: RhoaiWorld, name: string, namespace: string): Promise<KObject> {
  await waitForCrd(world, 'knativeservings.operator.knative.dev', 'serverless-operator');
  const [live] = await world.applyFixture('serverless/knative-serving', { name, namespace });
  return live!;
}

/** What keeps a KnativeServing from being ready: the first of its readiness conditions not True. */
export function knativeServingProblem(ks: KObject | undefined, name: string, namespace: string): Problem {
  if (!ks) return `KnativeServing ${namespace}/${name} does not exist`;
  if ((ks.status?.observedGeneration ?? 0) < (ks.metadata.generation ?? 0))
    return `the Serverless operator has not reconciled generation ${ks.metadata.generation} of KnativeServing ${namespace}/${name} yet`;
  const install = ks.status?.conditions?.find((c: KObject) => c.type === 'InstallSucceeded');
  if (install?.status === 'False' && /^Install failed/.test(install.message ?? ''))
    return { fail: `the Serverless operator refuses KnativeServing ${namespace}/${name}: ${conditionText(ks, 'InstallSucceeded')}` };
  const notTrue = READINESS.filter((t) => ks.status?.conditions?.find((c: KObject) => c.type === t)?.status !== 'True');
  if (!notTrue.length) return undefined;
  return `KnativeServing ${namespace}/${name} is not ready: ${notTrue.map((t) => conditionText(ks, t)).join('; ')}`;
}

export async function waitForKnativeServingReady(world: RhoaiWorld, name: string, namespace: string): Promise<KObject> {
  const ks = (await waitExplained(
    world,
    knativeServingRef(name, namespace),
    (o) => knativeServingProblem(o, name, namespace),
    `KnativeServing ${namespace}/${name} to be ready (${READINESS.map((t) => `${t}=True`).join(', ')})`,
  ))!;
  world.report.text(
    `KnativeServing ${name}`,
    `KnativeServing ${namespace}/${name} version ${ks.status.version ?? '?'}: ${READINESS.map((t) => `${t}=True`).join(', ')}`,
  );
  return ks;
}

/** The annotations spec.workloads asks for that the Deployment's pod template lacks (the operator applies spec.workloads there). */
export function missingWorkloadAnnotations(ks: KObject | undefined, deployment: KObject): string[] {
  const wanted: Record<string, string> =
    (ks?.spec?.workloads ?? []).find((w: KObject) => w.name === deployment.metadata.name)?.annotations ?? {};
  const has: Record<string, string> = deployment.spec?.template?.metadata?.annotations ?? {};
  return Object.entries(wanted)
    .filter(([k, v]) => has[k] !== v)
    .map(([k, v]) => `${k}=${v}`);
}

/**
 * The activator and autoscaler pods run with the istio-proxy sidecar (2/2): they are inside the mesh.
 * First, their Deployments carry the annotations of spec.workloads (sidecar.istio.io/inject): without
 * them no sidecar is ever injected, and waiting for one would only time out.
 */
export async function assertSidecars(world: RhoaiWorld, namespace: string, deployments: string[]): Promise<void> {
  const [ks] = await world.cluster.list({ apiVersion: KNATIVE_SERVING_API, kind: 'KnativeServing', namespace });
  for (const app of deployments) {
    const d = await world.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: app, namespace });
    const missing = d ? missingWorkloadAnnotations(ks, d) : [];
    expect(
      !missing.length,
      `the pod template of Deployment ${namespace}/${app} lacks ${missing.join(', ')}, which KnativeServing ${namespace}/${ks?.metadata.name} sets for it in spec.workloads: the Serverless operator did not apply spec.workloads, so its pods start without the Istio sidecar`,
    ).to.equal(true);
    await waitForPodsWithSidecar(world, namespace, `app=${app}`, app);
  }
}

export async function assertOtherDeploymentsAvailable(world: RhoaiWorld, namespace: string): Promise<void> {
  const names = otherServingDeployments(await world.cluster.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace }));
  world.report.text(`Serving deployments of ${namespace}`, names.join('\n'));
  return assertDeploymentsAvailable(world, namespace, names);
}
