// The RHOAI 2.9 components behind distributed workloads (§13.1): codeflare, ray and kueue in the
// DataScienceCluster default-dsc, the operator each deploys in the applications namespace, the
// `<component>Ready` condition the 2.9 operator reports for it, and the CRDs it brings.
import assert from 'node:assert/strict';
import type { KObject, ObjectRef } from '../cluster';
import type { RhoaiWorld } from '../world';

export const DSC_API = 'datasciencecluster.opendatahub.io/v1';
export const DSC_NAME = 'default-dsc';
export const APPLICATIONS_NAMESPACE = 'redhat-ods-applications';

export interface DwComponent {
  component: 'codeflare' | 'ray' | 'kueue';
  deployment: string;
  condition: string;
  crds: string[];
}

export const DW_COMPONENTS: readonly DwComponent[] = [
  { component: 'codeflare', deployment: 'codeflare-operator-manager', condition: 'codeflareReady', crds: [] },
  { component: 'ray', deployment: 'kuberay-operator', condition: 'rayReady', crds: ['rayclusters.ray.io', 'rayjobs.ray.io'] },
  { component: 'kueue', deployment: 'kueue-controller-manager', condition: 'kueueReady', crds: ['resourceflavors.kueue.x-k8s.io', 'clusterqueues.kueue.x-k8s.io', 'localqueues.kueue.x-k8s.io', 'workloads.kueue.x-k8s.io'] },
];

/** Profiles of RHOAI_PROFILE that manage codeflare, ray and kueue (§4.3). */
const PROFILES_WITH_DW = ['all', 'train-only'];

export const dscRef = (name = DSC_NAME): ObjectRef => ({ apiVersion: DSC_API, kind: 'DataScienceCluster', name });

export function componentOf(name: string): DwComponent {
  const found = DW_COMPONENTS.find((c) => c.deployment === name || c.component === name);
  if (!found) throw new Error(`"${name}" is not one of the distributed workloads operators (${DW_COMPONENTS.map((c) => c.deployment).join(', ')})`);
  return found;
}

/**
 * The chosen profile manages codeflare, ray and kueue, and default-dsc says Managed for each.
 * Fails at once (no waiting) with what to change: these scenarios cannot pass otherwise.
 */
export async function assertDistributedWorkloadsManaged(world: RhoaiWorld, dscName = DSC_NAME, components: readonly DwComponent[] = DW_COMPONENTS): Promise<KObject> {
  const names = components.map((c) => c.component).join(', ');
  assert.ok(
    PROFILES_WITH_DW.includes(world.settings.profile),
    `RHOAI_PROFILE=${world.settings.profile} does not manage the distributed workloads components (${names}): the infer-only profile installs model serving only. ` +
      `Distributed workloads need RHOAI_PROFILE=all or train-only (or leave these scenarios out with --tags 'not @distributed').`,
  );
  const crd = await world.cluster.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'datascienceclusters.datasciencecluster.opendatahub.io' });
  assert.ok(crd, 'the cluster serves no DataScienceCluster kind: the RHOAI operator is not installed (features/10-install installs it)');
  const dsc = await world.cluster.get(dscRef(dscName));
  assert.ok(dsc, `there is no DataScienceCluster ${dscName}: install the components first (checklist "install the components", profile ${world.settings.profile})`);
  const unmanaged = components.filter((c) => dsc.spec?.components?.[c.component]?.managementState !== 'Managed');
  assert.equal(
    unmanaged.length,
    0,
    `DataScienceCluster ${dscName} does not manage ${unmanaged.map((c) => `${c.component} (managementState ${dsc.spec?.components?.[c.component]?.managementState ?? 'unset'})`).join(', ')}: distributed workloads need codeflare, ray and kueue Managed`,
  );
  return dsc;
}

/** Waits for a component's CRDs to be Established (the rhods-operator applies them with the component). */
export async function waitForComponentCrds(world: RhoaiWorld, component: DwComponent['component']): Promise<void> {
  const c = componentOf(component);
  await assertDistributedWorkloadsManaged(world, DSC_NAME, [c]);
  for (const name of c.crds) {
    await world.cluster.waitFor(
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name },
      (crd) => crd?.status?.conditions?.some((cond: KObject) => cond.type === 'Established' && cond.status === 'True') ?? false,
      { describe: `the CRD ${name} to be established (the rhods-operator installs it with the ${component} component)` },
    );
  }
}

/**
 * §13.1: "Any separately installed CodeFlare Operator must be removed first" — no OLM Subscription
 * to the community codeflare-operator package may exist next to the component (the 2.9 codeflare
 * component refuses to deploy beside it).
 */
export async function assertNoSeparateCodeFlareOperator(world: RhoaiWorld): Promise<void> {
  const subscriptions = await world.cluster.list({ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription' });
  const separate = subscriptions.filter((s) => s.spec?.name === 'codeflare-operator');
  assert.deepEqual(
    separate.map((s) => `${s.metadata.namespace}/${s.metadata.name} (${s.status?.installedCSV ?? 'no CSV yet'})`),
    [],
    'a separately installed CodeFlare operator is on the cluster: remove it (its Subscription and CSV) before using the RHOAI codeflare component',
  );
}
