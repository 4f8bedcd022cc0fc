// The RHOAI 2.9 components behind distributed workloads (§13.1): codeflare, ray and kueue in the
// DataScienceCluster default-dsc, the operator each deploys in the applications namespace, the
// `<component>Ready` condition the 2.9 operator reports for it, and the CRDs it brings.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { KObject, ObjectRef } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { applicationsNamespace } from '../rhoai/names';

export const DSC_API = 'datasciencecluster.opendatahub.io/v1';
export const DSC_NAME = 'default-dsc';

export interface DwComponent {
  component: 'codeflare' | 'ray' | 'kueue';
  deployment: string;
  condition: string;
  crds: string[];
}

export const DW_COMPONENTS: readonly DwComponent[] = [
  { component: 'codeflare', deployment: 'codeflare-operator-manager', condition: 'codeflareReady', crds: [] },
  { component: 'ray', deployment: 'kuberay-operator', condition: 'rayReady', crds: ['rayclusters.ray.io', 'rayjobs.ray.io'] },
  {
    component: 'kueue',
    deployment: 'kueue-controller-manager',
    condition: 'kueueReady',
    crds: ['resourceflavors.kueue.x-k8s.io', 'clusterqueues.kueue.x-k8s.io', 'localqueues.kueue.x-k8s.io', 'workloads.kueue.x-k8s.io'],
  },
];

/** Profiles of RHOAI_PROFILE that manage codeflare, ray and kueue (§4.3). */
const PROFILES_WITH_DW = ['all', 'train-only'];

export const dscRef = (name = DSC_NAME): ObjectRef => ({ apiVersion: DSC_API, kind: 'DataScienceCluster', name });

export function componentOf(name: string): DwComponent {
  const found = DW_COMPONENTS.find((c) => c.deployment === name || c.component === name);
  if (!found)
    throw new Error(`"${name}" is not one of the distributed workloads operators (${DW_COMPONENTS.map((c) => c.deployment).join(', ')})`);
  return found;
}

/**
 * The chosen profile manages codeflare, ray and kueue, and default-dsc says Managed for each.
 * Fails at once (no waiting) with what to change: these scenarios cannot pass otherwise.
 */
export async function assertDistributedWorkloadsManaged(
  world: RhoaiWorld,
  dscName = DSC_NAME,
  components: readonly DwComponent[] = DW_COMPONENTS,
): Promise<KObject> {
  const names = components.map((c) => c.component).join(', ');
  expectOk(
    PROFILES_WITH_DW.includes(world.settings.profile),
    `RHOAI_PROFILE=${world.settings.profile} does not manage the distributed workloads components (${names}): the infer-only profile installs model serving only. ` +
      `Distributed workloads need RHOAI_PROFILE=all or train-only (or leave these scenarios out with --tags 'not @distributed').`,
  );
  const crd = await world.cluster.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: 'datascienceclusters.datasciencecluster.opendatahub.io',
  });
  expectOk(crd, 'the cluster serves no DataScienceCluster kind: the RHOAI operator is not installed (features/10-install installs it)');
  const dsc = await world.cluster.get(dscRef(dscName));
  expectOk(
    dsc,
    `there is no DataScienceCluster ${dscName}: install the components first (checklist "install the components", profile ${world.settings.profile})`,
  );
  const unmanaged = components.filter((c) => dsc.spec?.components?.[c.component]?.managementState !== 'Managed');
  expect(
    unmanaged.length,
    `DataScienceCluster ${dscName} does not manage ${unmanaged.map((c) => `${c.component} (managementState ${dsc.spec?.components?.[c.component]?.managementState ?? 'unset'})`).join(', ')}: distributed workloads need codeflare, ray and kueue Managed`,
  ).to.equal(0);
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

interface OtherOperator {
  /** OLM package names (Subscription spec.name; CSV names start with "<package>."). */
  packages: string[];
  /** The Deployment name the operator runs under (an OLM or Helm install elsewhere keeps it). */
  deployment: string;
}

/** Where another install of an operator shows: Subscriptions, CSVs (not OLM's copies) and its Deployment outside the applications namespace. */
async function otherInstalls(world: RhoaiWorld, op: OtherOperator): Promise<string[]> {
  const applications = await applicationsNamespace(world);
  const [subscriptions, csvs, deployments] = await Promise.all([
    world.cluster.list({ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription' }),
    world.cluster.list({ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'ClusterServiceVersion' }),
    world.cluster.list({ apiVersion: 'apps/v1', kind: 'Deployment' }),
  ]);
  const found: string[] = [];
  for (const s of subscriptions.filter((x) => op.packages.includes(x.spec?.name)))
    found.push(
      `Subscription ${s.metadata.namespace}/${s.metadata.name} (package ${s.spec?.name}, ${s.status?.installedCSV ?? 'no CSV yet'})`,
    );
  for (const c of csvs.filter(
    (x) =>
      op.packages.some((p) => x.metadata.name?.startsWith(`${p}.`)) &&
      x.status?.reason !== 'Copied' &&
      !x.metadata.labels?.['olm.copiedFrom'],
  )) {
    found.push(`ClusterServiceVersion ${c.metadata.namespace}/${c.metadata.name} (phase ${c.status?.phase ?? 'none'})`);
  }
  for (const d of deployments.filter((x) => x.metadata.name === op.deployment && x.metadata.namespace !== applications)) {
    const by = d.metadata.labels?.['olm.owner']
      ? `OLM, CSV ${d.metadata.labels['olm.owner']}`
      : (d.metadata.labels?.['app.kubernetes.io/managed-by'] ?? 'unknown installer');
    found.push(`Deployment ${d.metadata.namespace}/${d.metadata.name} (${by}, ${d.status?.availableReplicas ?? 0} available)`);
  }
  return found;
}

/**
 * §13.1: "Any separately installed CodeFlare Operator must be removed first". The 2.9 codeflare
 * component refuses to deploy only next to an operator named rhods-codeflare-operator* (rhods-operator
 * rhoai-2.9 components/codeflare/codeflare.go, deploy.OperatorExists); a community codeflare-operator
 * — or a CSV left behind after its Subscription was deleted — goes unnoticed there, so the check
 * looks for Subscriptions, CSVs and a codeflare-operator-manager Deployment anywhere else.
 */
export async function assertNoSeparateCodeFlareOperator(world: RhoaiWorld): Promise<void> {
  const found = await otherInstalls(world, {
    packages: ['codeflare-operator', 'rhods-codeflare-operator'],
    deployment: 'codeflare-operator-manager',
  });
  expectOk(
    !found.length,
    `a separately installed CodeFlare operator is on the cluster (${found.join('; ')}): remove it (its Subscription and its CSV) before using the RHOAI codeflare component — two CodeFlare operators both mutate and reconcile every RayCluster`,
  );
  world.report.text(
    'separately installed CodeFlare operators',
    'none (no codeflare-operator or rhods-codeflare-operator Subscription or CSV, no codeflare-operator-manager Deployment outside the applications namespace)',
  );
}

/**
 * The kuberay-operator of the ray component is the only KubeRay operator: the 2.9 ray component does
 * not look for another one (rhods-operator rhoai-2.9 components/ray/ray.go), and two KubeRay
 * operators (an OperatorHub kuberay-operator, or a Helm release) reconcile every RayCluster twice.
 */
export async function assertNoOtherKubeRayOperator(world: RhoaiWorld): Promise<void> {
  const found = await otherInstalls(world, { packages: ['kuberay-operator'], deployment: 'kuberay-operator' });
  expectOk(
    !found.length,
    `another KubeRay operator runs on the cluster: ${found.join('; ')}. Remove it (helm uninstall, or its Subscription and CSV): it reconciles the same RayClusters as the RHOAI ray component's kuberay-operator`,
  );
  world.report.text(
    'other KubeRay operators',
    'none (no kuberay-operator Subscription or CSV, no kuberay-operator Deployment outside the applications namespace)',
  );
}

/**
 * The kueue-controller-manager of the kueue component is the only Kueue: the 2.9 kueue component does
 * not look for another one (rhods-operator rhoai-2.9 components/kueue/kueue.go), and two Kueue
 * managers (an upstream `kubectl apply` install in kueue-system, or an OperatorHub one) admit the
 * same workloads against the same ClusterQueues.
 */
export async function assertNoOtherKueue(world: RhoaiWorld): Promise<void> {
  const found = await otherInstalls(world, { packages: ['kueue-operator', 'kueue'], deployment: 'kueue-controller-manager' });
  expectOk(
    !found.length,
    `another Kueue runs on the cluster: ${found.join('; ')}. Remove it: it admits the same workloads, against the same ClusterQueues, as the RHOAI kueue component's kueue-controller-manager`,
  );
  world.report.text(
    'other Kueue installs',
    'none (no Kueue Subscription or CSV, no kueue-controller-manager Deployment outside the applications namespace)',
  );
}
