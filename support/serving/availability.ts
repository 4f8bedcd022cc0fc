// What model serving needs from the installed platform (checked before a serving scenario starts),
// and the checklist's "model serving with ModelMesh and KServe available" (CMP-05): default-dsc
// manages kserve and modelmeshserving and reports them ready (kserveReady, model-meshReady), their
// controllers run in the applications namespace (kserve-controller-manager, modelmesh-controller and
// odh-model-controller, which both share), the serving.kserve.io kinds are served, and the dashboard
// offers the runtimes and both platforms.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { hasCondition, type KObject } from '../core/cluster';
import { assertServingPlatformsEnabled, componentState, dashboardNamespace, requireDashboard } from '../install/dashboard-config';
import type { RhoaiWorld } from '../core/world';
import { offeredTemplates } from './runtimes';

const HOW =
  'model serving runs on an installed platform: run the serving scenarios after the installer (--tags "@install or @tutorial") or against a cluster where RHOAI is installed with kserve and modelmeshserving Managed';

export const SERVING_CONTROLLERS = ['kserve-controller-manager', 'odh-model-controller', 'modelmesh-controller'];

/** default-dsc manages both serving components and their controllers are available. */
export async function requireServingPlatform(world: RhoaiWorld): Promise<void> {
  try {
    await requireDashboard(world, 'default-dsc');
  } catch (error) {
    throw new Error(`${(error as Error).message}; ${HOW}`, { cause: error });
  }
  for (const component of ['kserve', 'modelmeshserving']) {
    const state = componentState(world, component);
    expect(
      state,
      `default-dsc has the ${component} component ${state ?? 'unset'}, not Managed (RHOAI_PROFILE=train-only leaves serving out); ${HOW}`,
    ).to.equal('Managed');
  }
  await waitForControllers(world, SERVING_CONTROLLERS);
}

export async function waitForControllers(world: RhoaiWorld, names: string[]): Promise<void> {
  const namespace = dashboardNamespace(world);
  for (const name of names) {
    await world.cluster.waitFor({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace }, hasCondition('Available'), {
      describe: `the controller Deployment ${namespace}/${name} to be Available`,
    });
  }
}

/** The DataScienceCluster reports the components ready (<name>Ready True). */
export async function assertComponentsReady(world: RhoaiWorld, components: string[]): Promise<void> {
  const conditionName: Record<string, string> = { kserve: 'kserveReady', modelmeshserving: 'model-meshReady' };
  await world.cluster.waitFor(
    { apiVersion: 'datasciencecluster.opendatahub.io/v1', kind: 'DataScienceCluster', name: 'default-dsc' },
    (dsc) => {
      if (!dsc) return { fail: 'DataScienceCluster default-dsc does not exist' };
      const missing = components.filter(
        (c) => !(dsc.status?.conditions ?? []).some((x: KObject) => x.type === (conditionName[c] ?? `${c}Ready`) && x.status === 'True'),
      );
      return missing.length === 0;
    },
    { describe: `default-dsc to report ${components.map((c) => conditionName[c] ?? `${c}Ready`).join(' and ')} True` },
  );
}

/** The API serves the kind at the version: its CRD is established and lists the version as served. */
export async function assertKindServed(world: RhoaiWorld, kind: string, apiVersion: string): Promise<void> {
  const [group, version] = apiVersion.split('/');
  const crds = await world.cluster.list({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' });
  const crd = crds.find((c) => c.spec?.group === group && c.spec?.names?.kind === kind);
  expectOk(crd, `no CRD serves ${kind} in ${group}: the serving components installed no ${kind}`);
  expect(
    (crd.spec.versions as KObject[]).some((v) => v.name === version && v.served),
    `CRD ${crd.metadata.name} does not serve ${version} (it serves ${(crd.spec.versions as KObject[])
      .filter((v) => v.served)
      .map((v) => v.name)
      .join(', ')})`,
  ).to.equal(true);
  expect(
    (crd.status?.conditions ?? []).some((c: KObject) => c.type === 'Established' && c.status === 'True'),
    `CRD ${crd.metadata.name} is not Established`,
  ).to.equal(true);
  const live = await world.cluster.list({ apiVersion, kind });
  world.report.text(`${kind} ${apiVersion}`, `CRD ${crd.metadata.name}: served, established; ${live.length} object(s) on the cluster`);
}

/** The dashboard offers the runtime for both platforms and has both platforms switched on. */
export async function assertRuntimeOfferedOnBothPlatforms(world: RhoaiWorld, runtimeDisplayName: string): Promise<void> {
  for (const platform of ['single', 'multi'] as const) {
    const offered = await offeredTemplates(world, platform);
    const names = offered.map((t) => t.objects[0]?.metadata?.annotations?.['openshift.io/display-name'] ?? t.metadata.name);
    expect(
      names.includes(runtimeDisplayName),
      `the dashboard offers no "${runtimeDisplayName}" for the ${platform}-model platform; it offers: ${names.join(', ') || 'none'}`,
    ).to.equal(true);
    world.report.text(`${platform}-model serving runtimes`, names.join('\n'));
  }
  await assertServingPlatformsEnabled(world);
}
