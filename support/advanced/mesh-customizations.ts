// ADV-04, Service Mesh control-plane customizations. RHOAI 2.9's serving guide gives the
// ServiceMeshControlPlane `minimal` as the documented starting point; OSSM 2.5's SMCP v2 reference
// ("Customizing the control plane"; maistra/istio-operator maistra-2.5 pkg/apis/maistra/v2) names
// the fields a cluster owner may add: gateway replicas and autoscaling, container resources of the
// gateways (spec.gateways.<gw>.runtime.container.resources) and of istiod
// (spec.runtime.components.pilot.container.resources), tracing and the addons off. The scenario adds
// them by server-side apply over the documented SMCP, waits for OSSM to reconcile that generation,
// reads the result in the Deployments it renders, checks that what RHOAI serves through the mesh
// still works, and then re-applies the documented SMCP (the install's own apply), so the cluster is
// as the installer left it.
import { expect } from 'chai';
import type { KObject } from '../core/cluster';
import { waitForObjectExplained } from '../core/cluster/explained-wait';
import { applyAlongsideOwnedFields } from '../core/cluster/owned-fields';
import { createControlPlane, waitForControlPlaneReady } from '../install/mesh';
import type { RhoaiWorld } from '../core/world';

export const CUSTOM = {
  ingressReplicas: 2,
  ingressResources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  pilotResources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
} as const;

const deploymentRef = (name: string, namespace: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace });

/** Applies the customizations to the SMCP and waits until OSSM reports it ready for that generation. */
export async function customize(world: RhoaiWorld, name: string, namespace: string): Promise<KObject> {
  const [desired] = world.render('advanced/smcp-customizations', { name, namespace, ...CUSTOM });
  const applied = await applyAlongsideOwnedFields(world.cluster, desired!);
  expect(
    applied.spec?.gateways?.ingress?.runtime?.container?.resources?.limits?.memory,
    `the API server dropped spec.gateways.ingress.runtime.container.resources of ServiceMeshControlPlane ${namespace}/${name}: the CRD on the cluster does not know the field`,
  ).to.equal(CUSTOM.ingressResources.limits.memory);
  return waitForControlPlaneReady(world, name, namespace);
}

function sameQuantities(a: Record<string, unknown> | undefined, b: Record<string, unknown>): boolean {
  return Object.entries(b).every(([k, v]) => String(a?.[k]) === String(v)) && Object.keys(a ?? {}).length === Object.keys(b).length;
}

function resourcesProblem(
  d: KObject | undefined,
  container: string,
  want: { requests: object; limits: object },
  field: string,
): string | undefined {
  const c = (d?.spec?.template?.spec?.containers ?? []).find((x: KObject) => x.name === container);
  if (!c) return `Deployment ${d?.metadata.namespace}/${d?.metadata.name} has no container ${container}`;
  const got = c.resources ?? {};
  if (
    !sameQuantities(got.requests, want.requests as Record<string, unknown>) ||
    !sameQuantities(got.limits, want.limits as Record<string, unknown>)
  )
    return `the Service Mesh operator did not apply ${field} to Deployment ${d!.metadata.namespace}/${d!.metadata.name}: container ${container} has resources ${JSON.stringify(got)}, not ${JSON.stringify(want)}`;
  return undefined;
}

/** The ingress gateway runs two ready replicas with the resources asked for, and istiod has its resources. */
export async function assertCustomizationsObserved(world: RhoaiWorld, name: string, namespace: string): Promise<void> {
  // The SMCP is ready for the customized generation: what it renders must already carry the change.
  const gateway = await waitForObjectExplained(
    world.cluster,
    deploymentRef('istio-ingressgateway', namespace),
    (d) => {
      const problem = resourcesProblem(d, 'istio-proxy', CUSTOM.ingressResources, 'spec.gateways.ingress.runtime.container.resources');
      if (problem) return { fail: problem };
      if (d!.spec?.replicas !== CUSTOM.ingressReplicas)
        return {
          fail: `the Service Mesh operator did not apply spec.gateways.ingress.runtime.deployment.replicas: Deployment ${namespace}/istio-ingressgateway has spec.replicas ${d!.spec?.replicas}, not ${CUSTOM.ingressReplicas}`,
        };
      if ((d!.status?.readyReplicas ?? 0) < CUSTOM.ingressReplicas)
        return `${d!.status?.readyReplicas ?? 0} of ${CUSTOM.ingressReplicas} ingress gateway pods ready`;
      return undefined;
    },
    `the ingress gateway to run ${CUSTOM.ingressReplicas} ready replicas with the customized resources`,
  );
  const istiod = await waitForObjectExplained(
    world.cluster,
    deploymentRef(`istiod-${name}`, namespace),
    (d) => {
      const problem = resourcesProblem(d, 'discovery', CUSTOM.pilotResources, 'spec.runtime.components.pilot.container.resources');
      return problem ? { fail: problem } : undefined;
    },
    `istiod-${name} to run with the customized resources`,
  );
  world.report.text(
    'control plane customizations in effect',
    [
      `Deployment ${namespace}/istio-ingressgateway: ${gateway!.status.readyReplicas}/${gateway!.spec.replicas} ready, istio-proxy resources ${JSON.stringify(CUSTOM.ingressResources)}`,
      `Deployment ${namespace}/istiod-${name}: discovery resources ${JSON.stringify(istiod!.spec.template.spec.containers[0].resources)}`,
    ].join('\n'),
  );
}

/** Tracing and the addons are off: OSSM deploys no Jaeger, Kiali, Grafana or Prometheus for the control plane. */
export async function assertTelemetryOff(world: RhoaiWorld, namespace: string): Promise<void> {
  const deployments = await world.cluster.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace });
  const addons = deployments.map((d) => d.metadata.name!).filter((n) => /^(jaeger|kiali|grafana|prometheus)/.test(n));
  expect(addons, `tracing and the addons are off in the SMCP, yet ${namespace} runs ${addons.join(', ')}`).to.deep.equal([]);
}

/** Re-applies the documented SMCP (the installer's apply): the customizations are gone, and it is ready again. */
export async function restoreDocumented(world: RhoaiWorld, name: string, namespace: string): Promise<void> {
  await createControlPlane(world, name, namespace);
  const smcp = await waitForControlPlaneReady(world, name, namespace);
  expect(
    smcp.spec?.runtime?.components?.pilot,
    `ServiceMeshControlPlane ${namespace}/${name} still has spec.runtime.components.pilot after the documented SMCP was applied again`,
  ).to.equal(undefined);
}
