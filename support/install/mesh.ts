// OpenShift Service Mesh as the RHOAI 2.9 manual install sets it up: the ServiceMeshControlPlane
// `minimal` in istio-system and its readiness (Ready=True and status.readiness.components with no
// pending or unready component, which is what the 2.9 operator checks), the control plane's
// deployments; namespaces joining the mesh through their ServiceMeshMember `default` (configured
// members of the ServiceMeshMemberRoll `default`); and pods running with the istio-proxy sidecar.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { hasCondition, type KObject, type ObjectRef } from '../core/cluster';
import { waitForListExplained, waitForObjectExplained, type Problem } from '../core/cluster/explained-wait';
import type { RhoaiWorld } from '../core/world';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The ServiceMeshControlPlane the scenario created or waited for. */
    controlPlane?: { name: string; namespace: string };
  }
}

export const SMCP_API = 'maistra.io/v2';
export const MEMBER_API = 'maistra.io/v1';
export const MEMBER_OF = 'maistra.io/member-of';
export const SIDECAR = 'istio-proxy';

export const controlPlaneRef = (name: string, namespace: string): ObjectRef => ({
  apiVersion: SMCP_API,
  kind: 'ServiceMeshControlPlane',
  name,
  namespace,
});
const memberRollRef = (namespace: string): ObjectRef => ({
  apiVersion: MEMBER_API,
  kind: 'ServiceMeshMemberRoll',
  name: 'default',
  namespace,
});
const memberRef = (namespace: string): ObjectRef => ({ apiVersion: MEMBER_API, kind: 'ServiceMeshMember', name: 'default', namespace });

// The waits of this module say what was still wrong when they time out (support/core/cluster/explained-wait).
export type { Problem };

export function waitExplained(
  world: RhoaiWorld,
  ref: ObjectRef,
  problem: (obj: KObject | undefined) => Problem,
  describe: string,
): Promise<KObject | undefined> {
  return waitForObjectExplained(world.cluster, ref, problem, describe);
}

export function waitListExplained(
  world: RhoaiWorld,
  ref: ObjectRef,
  problem: (objs: KObject[]) => Problem,
  describe: string,
  selectors: { labelSelector?: string } = {},
): Promise<KObject[]> {
  return waitForListExplained(world.cluster, ref, problem, describe, selectors);
}

export function conditionText(obj: KObject | undefined, type: string): string {
  const c = obj?.status?.conditions?.find((x: KObject) => x.type === type);
  if (!c) return `${type} not reported`;
  return `${type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : c.message ? ` (${c.message})` : ''}`;
}

/** Waits until a CRD the operator's bundle brings is served (its kinds can be applied and watched). */
export async function waitForCrd(world: RhoaiWorld, name: string, operator: string): Promise<void> {
  await world.cluster.waitFor(
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name },
    (crd) => crd?.status?.conditions?.some((c: KObject) => c.type === 'Established' && c.status === 'True') ?? false,
    { describe: `the CRD ${name} (installed with the ${operator} operator) to be established` },
  );
}

// ---- the control plane ----

/** Applies the documented ServiceMeshControlPlane; spec.version only when RHOAI_SMCP_VERSION sets it. */
export async function createControlPlane(world: RhoaiWorld, name: string, namespace: string): Promise<KObject> {
  await waitForCrd(world, 'servicemeshcontrolplanes.maistra.io', 'servicemeshoperator');
  const [smcp] = world.render('mesh/service-mesh-control-plane', { name, namespace });
  const version = world.settings.smcpVersion;
  if (version) smcp!.spec.version = version;
  world.report.text(
    'control plane version',
    version
      ? `spec.version ${version} (RHOAI_SMCP_VERSION)`
      : 'no spec.version, as the docs: the Service Mesh operator installs its newest control plane version',
  );
  world.facts.controlPlane = { name, namespace };
  return world.cluster.apply(smcp!);
}

/** What keeps a control plane from being ready, in OSSM's terms; undefined when it is ready. */
export function controlPlaneProblem(smcp: KObject | undefined, name: string, namespace: string): Problem {
  if (!smcp) return `ServiceMeshControlPlane ${namespace}/${name} does not exist`;
  const reconciled = smcp.status?.conditions?.find((c: KObject) => c.type === 'Reconciled');
  if (reconciled?.status === 'False' && ['ValidationError', 'DependencyMissingError'].includes(reconciled.reason)) {
    return { fail: `the Service Mesh operator refuses ServiceMeshControlPlane ${namespace}/${name}: ${conditionText(smcp, 'Reconciled')}` };
  }
  const components = smcp.status?.readiness?.components ?? {};
  const unready: string[] = components.unready ?? [];
  const pending: string[] = components.pending ?? [];
  const ready: string[] = components.ready ?? [];
  if (conditionOf(smcp, 'Ready') !== 'True' || unready.length || pending.length || !ready.length) {
    return `ServiceMeshControlPlane ${namespace}/${name} is not ready: components unready: [${unready.join(', ')}], pending: [${pending.join(', ')}], ready: [${ready.join(', ')}]; ${conditionText(smcp, 'Ready')}; ${conditionText(smcp, 'Reconciled')}`;
  }
  const generation = smcp.metadata.generation ?? 0;
  if ((smcp.status?.observedGeneration ?? 0) < generation)
    return `the Service Mesh operator has not reconciled generation ${generation} of ServiceMeshControlPlane ${namespace}/${name} yet (observed ${smcp.status?.observedGeneration ?? 'none'}); ${conditionText(smcp, 'Reconciled')}`;
  return undefined;
}

function conditionOf(obj: KObject | undefined, type: string): string | undefined {
  return obj?.status?.conditions?.find((c: KObject) => c.type === type)?.status;
}

/** Ready=True (STATUS ComponentsReady, READY n/n) and no pending or unready component, for the current generation. */
export async function waitForControlPlaneReady(world: RhoaiWorld, name: string, namespace: string): Promise<KObject> {
  await waitForCrd(world, 'servicemeshcontrolplanes.maistra.io', 'servicemeshoperator');
  const smcp = (await waitExplained(
    world,
    controlPlaneRef(name, namespace),
    (s) => controlPlaneProblem(s, name, namespace),
    `ServiceMeshControlPlane ${namespace}/${name} to be ready (Ready=True, status.readiness.components: none pending or unready)`,
  ))!;
  world.facts.controlPlane = { name, namespace };
  const ready: string[] = smcp.status.readiness.components.ready;
  world.report.text(
    `control plane ${name}`,
    `ServiceMeshControlPlane ${namespace}/${name}: READY ${smcp.status.annotations?.readyComponentCount ?? `${ready.length}/${ready.length}`}, STATUS ${smcp.status.conditions.find((c: KObject) => c.type === 'Ready')?.reason}, version ${smcp.status.chartVersion ?? '?'}; ready components: ${ready.join(', ')}`,
  );
  return smcp;
}

/** The control plane the scenario works with (created or awaited in an earlier step). */
export function currentControlPlane(world: RhoaiWorld): { name: string; namespace: string } {
  const cp = world.facts.controlPlane;
  if (!cp)
    throw new Error('no ServiceMeshControlPlane in this scenario: a step that creates it or waits for it to be ready must come first');
  return cp;
}

/** Each named deployment of the control plane namespace is Available and its pods are all ready. */
export async function assertDeploymentsAvailable(world: RhoaiWorld, namespace: string, names: string[]): Promise<void> {
  for (const name of names) {
    const d = (await world.cluster.waitFor({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace }, hasCondition('Available'), {
      describe: `Deployment ${namespace}/${name} to be Available`,
    }))!;
    const selector = Object.entries(d.spec.selector?.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    await waitListExplained(
      world,
      { apiVersion: 'v1', kind: 'Pod', namespace },
      (pods) => podsProblem(pods, `${name} pods`, []),
      `the pods of Deployment ${namespace}/${name} (${selector}) to be Running with every container ready`,
      { labelSelector: selector },
    );
  }
}

/** The ingress gateway's pods carry a label (the Knative gateways select their pods by it). */
export async function assertIngressGatewayLabel(world: RhoaiWorld, label: string): Promise<void> {
  const { namespace } = currentControlPlane(world);
  const [key, value] = label.split('=');
  const pods = await world.cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace }, { labelSelector: 'app=istio-ingressgateway' });
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  expectOk(live.length, `no istio-ingressgateway pod in ${namespace}`);
  for (const p of live)
    expect(
      p.metadata.labels?.[key!],
      `pod ${namespace}/${p.metadata.name} of the ingress gateway lacks the label ${label} (labels: ${JSON.stringify(p.metadata.labels)}): the Knative gateways (selector ${label}) would not select it`,
    ).to.equal(value);
  const svc = await world.cluster.get({ apiVersion: 'v1', kind: 'Service', name: 'istio-ingressgateway', namespace });
  expect(svc?.metadata.labels?.[key!], `Service ${namespace}/istio-ingressgateway lacks the label ${label}`).to.equal(value);
}

// ---- members ----

/** Creates the ServiceMeshMember default of a namespace, pointing at the control plane. */
export async function createMember(
  world: RhoaiWorld,
  namespace: string,
  controlPlane: string,
  controlPlaneNamespace: string,
): Promise<KObject> {
  await waitForCrd(world, 'servicemeshmembers.maistra.io', 'servicemeshoperator');
  const [live] = await world.applyFixture('mesh/service-mesh-member', { namespace, controlPlane, controlPlaneNamespace });
  world.facts.controlPlane ??= { name: controlPlane, namespace: controlPlaneNamespace };
  return live!;
}

/** What keeps a namespace from being a configured member of the mesh, as the member roll reports it. */
export function memberProblem(roll: KObject | undefined, namespace: string, meshNamespace: string): Problem {
  if (!roll) return `there is no ServiceMeshMemberRoll ${meshNamespace}/default (OSSM creates it for the first ServiceMeshMember)`;
  if ((roll.status?.configuredMembers ?? []).includes(namespace)) return undefined;
  const member = (roll.status?.memberStatuses ?? []).find((s: KObject) => s.namespace === namespace);
  const memberText = member
    ? `; its member status: ${(member.conditions ?? []).map((c: KObject) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`).join('; ') || 'no conditions'}`
    : '';
  return `${namespace} is not in status.configuredMembers of ServiceMeshMemberRoll ${meshNamespace}/default (members: [${(roll.status?.members ?? roll.spec?.members ?? []).join(', ')}], configured: [${(roll.status?.configuredMembers ?? []).join(', ')}], pending: [${(roll.status?.pendingMembers ?? []).join(', ')}]); ${conditionText(roll, 'Ready')}${memberText}`;
}

/** The namespace is configured by the member roll, its member is Ready and the namespace carries maistra.io/member-of. */
export async function waitForMember(world: RhoaiWorld, namespace: string, meshNamespace: string): Promise<void> {
  try {
    await waitExplained(
      world,
      memberRollRef(meshNamespace),
      (roll) => memberProblem(roll, namespace, meshNamespace),
      `${namespace} to be a configured member of the mesh (ServiceMeshMemberRoll ${meshNamespace}/default status.configuredMembers)`,
    );
  } catch (error) {
    // A namespace can be a member of one mesh only: the label OSSM puts on its members says which.
    const other = (await world.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace }))?.metadata.labels?.[MEMBER_OF];
    if (other && other !== meshNamespace) {
      expect.fail(
        `namespace ${namespace} carries ${MEMBER_OF}=${other}: it belongs to the mesh in ${other}, so the member roll of ${meshNamespace} cannot take it (remove it from that mesh's ServiceMeshMemberRoll first). ${(error as Error).message}`,
      );
    }
    throw error;
  }
  await waitExplained(
    world,
    memberRef(namespace),
    (smm) =>
      conditionOf(smm, 'Ready') === 'True'
        ? undefined
        : `ServiceMeshMember ${namespace}/default is not Ready: ${conditionText(smm, 'Ready')}`,
    `ServiceMeshMember ${namespace}/default to be Ready`,
  );
  const ns = await world.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  expect(
    ns?.metadata.labels?.[MEMBER_OF],
    `namespace ${namespace} is a configured member, but lacks the label ${MEMBER_OF}=${meshNamespace} (labels: ${JSON.stringify(ns?.metadata.labels ?? {})})`,
  ).to.equal(meshNamespace);
}

/** Joins the namespace to the mesh (idempotent) and waits until it is a configured member. */
export async function joinMesh(world: RhoaiWorld, namespace: string, controlPlane: string, controlPlaneNamespace: string): Promise<void> {
  await createMember(world, namespace, controlPlane, controlPlaneNamespace);
  await waitForMember(world, namespace, controlPlaneNamespace);
}

// ---- pods with the sidecar ----

/** What is wrong with a set of pods that should run with `containers` (plus, when given, nothing else missing) and all be ready. */
export function podsProblem(pods: KObject[], what: string, containers: string[]): Problem {
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  if (!live.length) return `no ${what} exist yet`;
  for (const p of live) {
    const names: string[] = (p.spec?.containers ?? []).map((c: KObject) => c.name);
    const missing = containers.filter((c) => !names.includes(c));
    if (missing.length)
      return `pod ${p.metadata.name} runs the containers [${names.join(', ')}]: no ${missing.join(', ')}${missing.includes(SIDECAR) ? ' (the Istio sidecar was not injected)' : ''}`;
    if (p.status?.phase !== 'Running') return `pod ${p.metadata.name} is ${p.status?.phase ?? 'not yet scheduled'}`;
    const statuses: KObject[] = p.status?.containerStatuses ?? [];
    const ready = statuses.filter((s) => s.ready).length;
    if (ready < names.length) {
      const waiting = statuses
        .filter((s) => !s.ready)
        .map((s) => `${s.name}${s.state?.waiting?.reason ? ` ${s.state.waiting.reason}` : ''}`);
      return `pod ${p.metadata.name} is ${ready}/${names.length} ready (not ready: ${waiting.join(', ') || 'not reported'})`;
    }
  }
  return undefined;
}

/** Every pod of the selector runs the app container and the istio-proxy sidecar, all ready (e.g. 2/2). */
export async function waitForPodsWithSidecar(world: RhoaiWorld, namespace: string, labelSelector: string, app: string): Promise<KObject[]> {
  const pods = await waitListExplained(
    world,
    { apiVersion: 'v1', kind: 'Pod', namespace },
    (list) => podsProblem(list, `pods ${labelSelector}`, [app, SIDECAR]),
    `the pods ${labelSelector} in ${namespace} to run ${app} with the ${SIDECAR} sidecar, every container ready`,
    { labelSelector },
  );
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  world.report.text(
    `sidecars ${labelSelector}`,
    live
      .map(
        (p) =>
          `${p.metadata.name} ${p.status.phase} ${p.spec.containers.length}/${p.spec.containers.length}: ${p.spec.containers.map((c: KObject) => c.name).join(',')}`,
      )
      .join('\n'),
  );
  return live;
}

/**
 * The control plane the harness made is the only one on the cluster. The RHOAI 2.9 operator builds
 * its own (DSCI spec.serviceMesh.controlPlane, data-science-smcp in istio-system by default) while
 * default-dsci's serviceMesh is Managed and a servicemeshoperator Subscription exists
 * (controllers/dscinitialization/servicemesh_setup.go): the harness's order — Unmanaged before the
 * mesh operator — leaves exactly one.
 */
export async function assertOnlyControlPlane(world: RhoaiWorld, name: string, namespace: string): Promise<void> {
  const all = await world.cluster.list({ apiVersion: SMCP_API, kind: 'ServiceMeshControlPlane' });
  const others = all.filter((s) => !(s.metadata.name === name && s.metadata.namespace === namespace));
  expect(all.length > others.length, `there is no ServiceMeshControlPlane ${namespace}/${name}`).to.equal(true);
  expect(
    others.map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
    `${namespace}/${name} is not the only ServiceMeshControlPlane: ${others.map((s) => `${s.metadata.namespace}/${s.metadata.name} (created ${s.metadata.creationTimestamp})`).join(', ')} also stand(s) on the cluster — a second control plane, such as the one the RHOAI operator builds while default-dsci's serviceMesh is still Managed when the servicemeshoperator Subscription appears`,
  ).to.deep.equal([]);
}
