// The components of RHOAI 2.9 (checklist "install the components"): the DataScienceCluster
// default-dsc for a profile (all, train-only, infer-only), checked by the cluster in a server-side
// dry run, applied for the profile RHOAI_PROFILE chooses, and judged ready as install.md §4.4 says
// — ReconcileComplete with reason ReconcileCompleted (phase Ready alone is no proof in 2.9), one
// <component>Ready=True per Managed component, and the components' Deployments available. KServe
// waits for its manual dependency mode (§8.2): two merge patches of default-dsc, applied after
// Service Mesh and Serverless are installed.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { conditionOf, WaitTimeoutError, type KObject, type ObjectRef } from '../core/cluster';
import { renderPatch } from './dsci';
import type { RhoaiWorld } from '../core/world';
import { DEFAULT_DSC, DSC_API } from '../rhoai/names';

export type Profile = 'all' | 'train-only' | 'infer-only';

export type ComponentKey =
  'dashboard' | 'workbenches' | 'datasciencepipelines' | 'modelmeshserving' | 'kserve' | 'codeflare' | 'ray' | 'kueue' | 'trustyai';

export interface ComponentInfo {
  key: ComponentKey;
  /** The 2.9 operator's name of the component: its condition `<name>Ready`, its key in status.installedComponents. */
  name: string;
  /**
   * Its Deployments in the applications namespace (install.md §4.4: the distributed-workloads names
   * are documented; the others come from the 2.9 manifests and are partly unverified).
   */
  deployments: string[];
}

export const COMPONENTS: Record<ComponentKey, ComponentInfo> = {
  dashboard: { key: 'dashboard', name: 'dashboard', deployments: ['rhods-dashboard'] },
  workbenches: {
    key: 'workbenches',
    name: 'workbenches',
    deployments: ['notebook-controller-deployment', 'odh-notebook-controller-manager'],
  },
  datasciencepipelines: {
    key: 'datasciencepipelines',
    name: 'data-science-pipelines-operator',
    deployments: ['data-science-pipelines-operator-controller-manager'],
  },
  modelmeshserving: { key: 'modelmeshserving', name: 'model-mesh', deployments: ['modelmesh-controller', 'odh-model-controller'] },
  kserve: { key: 'kserve', name: 'kserve', deployments: ['kserve-controller-manager', 'odh-model-controller'] },
  codeflare: { key: 'codeflare', name: 'codeflare', deployments: ['codeflare-operator-manager'] },
  ray: { key: 'ray', name: 'ray', deployments: ['kuberay-operator'] },
  kueue: { key: 'kueue', name: 'kueue', deployments: ['kueue-controller-manager'] },
  trustyai: { key: 'trustyai', name: 'trustyai', deployments: [] },
};

/** The keys of default-dsc's fixture (every component but KServe, which has its own patches, and TrustyAI, always Removed). */
const FIXTURE_KEYS: ComponentKey[] = ['dashboard', 'workbenches', 'datasciencepipelines', 'modelmeshserving', 'codeflare', 'ray', 'kueue'];

/**
 * The profiles of install.md §4.3 (derived from the components' purposes; not a documented table):
 * train-only is the docs' distributed-workloads "both" column plus the dashboard; infer-only serves
 * models on both platforms and leaves workbenches out.
 */
export const PROFILES: Record<Profile, ComponentKey[]> = {
  all: ['dashboard', 'workbenches', 'datasciencepipelines', 'codeflare', 'ray', 'kueue', 'modelmeshserving', 'kserve'],
  'train-only': ['dashboard', 'workbenches', 'datasciencepipelines', 'codeflare', 'ray', 'kueue'],
  'infer-only': ['dashboard', 'modelmeshserving', 'kserve'],
};

export { DSC_API };
export const DSC_NAME = DEFAULT_DSC;
export const dscRef: ObjectRef = { apiVersion: DSC_API, kind: 'DataScienceCluster', name: DSC_NAME };
/** The KnativeServing the serverless section makes by hand, which KServe then uses (install.md §6.6). */
export const KNATIVE_SERVING = 'knative-serving';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The profile a step chose, and default-dsc as rendered for it (KServe in its manual mode included). */
    profile?: Profile;
    chosenDsc?: KObject;
  }
}

export function isProfile(value: string): value is Profile {
  return Object.prototype.hasOwnProperty.call(PROFILES, value);
}

function profileOf(world: RhoaiWorld): Profile {
  return world.facts.profile ?? world.settings.profile;
}

const state = (managed: boolean) => (managed ? 'Managed' : 'Removed');

/** Recursive merge of plain objects (a merge patch on a rendered object). */
function merged(base: unknown, patch: unknown): unknown {
  if (!base || typeof base !== 'object' || Array.isArray(base) || !patch || typeof patch !== 'object' || Array.isArray(patch))
    return structuredClone(patch);
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = k in out ? merged(out[k], v) : structuredClone(v);
  return out;
}

/** The merge patches that put KServe into its manual dependency mode (install.md §8.2). */
export function kserveManagedPatch(): Record<string, unknown> {
  return renderPatch('rhoai/dsc-kserve-managed');
}

export function kserveServingUnmanagedPatch(): Record<string, unknown> {
  return renderPatch('rhoai/dsc-kserve-serving-unmanaged', { knativeServing: KNATIVE_SERVING });
}

/** default-dsc as the install applies it for `profile`: every component but KServe. */
export function installedDsc(world: RhoaiWorld, profile: Profile): KObject {
  const chosen = PROFILES[profile];
  const vars = Object.fromEntries(FIXTURE_KEYS.map((k) => [k, state(chosen.includes(k))]));
  const [dsc] = world.render('rhoai/default-dsc', vars);
  return dsc!;
}

/** The whole of default-dsc for `profile`: KServe Managed with serving Unmanaged when chosen, else Removed. */
export function profileDsc(world: RhoaiWorld, profile: Profile): KObject {
  const dsc = installedDsc(world, profile);
  if (!PROFILES[profile].includes('kserve'))
    return merged(dsc, { spec: { components: { kserve: { managementState: 'Removed' } } } }) as KObject;
  return merged(merged(dsc, kserveManagedPatch()), kserveServingUnmanagedPatch()) as KObject;
}

/** Components whose managementState is Managed in a DataScienceCluster. */
export function managedIn(dsc: KObject): ComponentKey[] {
  const components: Record<string, { managementState?: string }> = dsc.spec?.components ?? {};
  return (Object.keys(COMPONENTS) as ComponentKey[]).filter((k) => components[k]?.managementState === 'Managed');
}

// ---- identify the components ----

export function chooseProfile(world: RhoaiWorld, profile: string): KObject {
  if (!isProfile(profile)) expect.fail(`unknown profile "${profile}"; the profiles are: ${Object.keys(PROFILES).join(', ')}`);
  world.facts.profile = profile;
  world.facts.chosenDsc = profileDsc(world, profile);
  world.report.yaml(`default-dsc for profile ${profile}`, world.facts.chosenDsc);
  return world.facts.chosenDsc;
}

function chosenDsc(world: RhoaiWorld): KObject {
  expectOk(
    world.facts.chosenDsc,
    'no profile chosen in this scenario: a step "I choose the components of the ... profile" must come first',
  );
  return world.facts.chosenDsc;
}

/** The profile's default-dsc manages exactly the listed components ("a, b, c"). */
export function assertManagesExactly(world: RhoaiWorld, list: string): void {
  const expected = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .sort();
  const unknown = expected.filter((k) => !(k in COMPONENTS));
  expect(
    unknown,
    `not components of a DataScienceCluster: ${unknown.join(', ')} (the components are: ${Object.keys(COMPONENTS).join(', ')})`,
  ).to.deep.equal([]);
  const actual = managedIn(chosenDsc(world)).sort();
  expect(
    actual,
    `default-dsc for profile ${world.facts.profile} manages ${actual.join(', ') || 'nothing'}, not ${expected.join(', ')}`,
  ).to.deep.equal(expected);
}

/** Every component not Managed is explicitly Removed, and TrustyAI (deprecated in 2.9) is Removed. */
export function assertOthersRemoved(world: RhoaiWorld): void {
  const dsc = chosenDsc(world);
  const components: Record<string, { managementState?: string }> = dsc.spec.components;
  const unset = (Object.keys(COMPONENTS) as ComponentKey[]).filter(
    (k) => !['Managed', 'Removed'].includes(components[k]?.managementState ?? ''),
  );
  expect(
    unset,
    `default-dsc for profile ${world.facts.profile} leaves ${unset.join(', ')} without managementState Managed or Removed`,
  ).to.deep.equal([]);
  expect(components.trustyai?.managementState, 'TrustyAI is deprecated in RHOAI 2.9: default-dsc must set it Removed').to.equal('Removed');
}

/** Where KServe is chosen, its serving (Knative Serving) is Unmanaged: the manual dependency mode. */
export function assertKserveManualMode(world: RhoaiWorld): void {
  const kserve = chosenDsc(world).spec.components.kserve;
  if (kserve?.managementState !== 'Managed') {
    world.report.text('KServe', `profile ${world.facts.profile} does not serve models with KServe: kserve is ${kserve?.managementState}`);
    return;
  }
  expect(
    kserve.serving?.managementState,
    `KServe is Managed but its serving is ${kserve.serving?.managementState}: on the manual path the operator must leave Knative Serving alone (serving Unmanaged)`,
  ).to.equal('Unmanaged');
  expect(kserve.serving?.name, `KServe serving names the KnativeServing ${kserve.serving?.name}, not ${KNATIVE_SERVING}`).to.equal(
    KNATIVE_SERVING,
  );
}

/** The cluster validates the profile's default-dsc (schema, enums) without storing it: a server-side apply with dryRun=All. */
export async function dryRunDsc(world: RhoaiWorld): Promise<KObject> {
  const dsc = chosenDsc(world);
  // force: on a re-run the live default-dsc has KServe set by the merge patches of the manual mode.
  const answer = await world.cluster.apply(dsc, { dryRun: true, force: true });
  const accepted = managedIn(answer).sort();
  expect(
    accepted,
    `the API server answered the dry run of default-dsc with managed components ${accepted.join(', ')}, not ${managedIn(dsc).sort().join(', ')}: it pruned or changed fields`,
  ).to.deep.equal(managedIn(dsc).sort());
  world.report.yaml(`dry run of default-dsc for profile ${world.facts.profile}: accepted`, { spec: answer.spec });
  return answer;
}

// ---- install the chosen components ----

export function useChosenProfile(world: RhoaiWorld): Profile {
  world.facts.profile = world.settings.profile;
  world.report.text('profile', `RHOAI_PROFILE=${world.settings.profile}: ${PROFILES[world.settings.profile].join(', ')}`);
  return world.facts.profile;
}

/** Server-side applies default-dsc with the profile's components (KServe aside); a re-run changes nothing. */
export async function applyDefaultDsc(world: RhoaiWorld): Promise<KObject> {
  await world.cluster.waitFor(
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'datascienceclusters.datasciencecluster.opendatahub.io',
    },
    (crd) => crd?.status?.conditions?.some((c: KObject) => c.type === 'Established' && c.status === 'True') ?? false,
    { describe: 'the DataScienceCluster CRD (installed with the RHOAI operator) to be established' },
  );
  const others = (await world.cluster.list({ apiVersion: DSC_API, kind: 'DataScienceCluster' })).filter(
    (d) => d.metadata.name !== DSC_NAME,
  );
  expect(
    others.map((d) => d.metadata.name),
    `the cluster already has a DataScienceCluster other than ${DSC_NAME}: RHOAI allows only one; update or remove it first`,
  ).to.deep.equal([]);
  return world.cluster.apply(installedDsc(world, profileOf(world)));
}

/** The components this scenario expects Managed and reconciled: the profile's, KServe only once its manual mode is on. */
function expectedComponents(world: RhoaiWorld, withKserve: boolean): ComponentInfo[] {
  return PROFILES[profileOf(world)].filter((k) => withKserve || k !== 'kserve').map((k) => COMPONENTS[k]);
}

function conditionLine(dsc: KObject, type: string): string {
  const c = conditionOf(dsc, type);
  if (!c) return `${type} absent`;
  return `${type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message.trim().replace(/\s+/g, ' ')}` : ''}`;
}

/** What is still wrong with default-dsc for `expected`, or undefined when it is ready. */
export function dscProblems(dsc: KObject | undefined, expected: ComponentInfo[]): string[] {
  if (!dsc) return [`${DSC_NAME} does not exist`];
  const problems: string[] = [];
  const complete = conditionOf(dsc, 'ReconcileComplete');
  if (complete?.status !== 'True' || complete.reason !== 'ReconcileCompleted') {
    problems.push(
      `phase ${dsc.status?.phase ?? 'unset'}, but ${conditionLine(dsc, 'ReconcileComplete')} (ready means ReconcileComplete=True with reason ReconcileCompleted; phase Ready alone is no proof in 2.9)`,
    );
  }
  for (const c of expected) {
    const managed = dsc.spec?.components?.[c.key]?.managementState === 'Managed';
    if (!managed) problems.push(`${c.key} is ${dsc.spec?.components?.[c.key]?.managementState ?? 'unset'} in ${DSC_NAME}, not Managed`);
    else if (conditionOf(dsc, `${c.name}Ready`)?.status !== 'True') problems.push(conditionLine(dsc, `${c.name}Ready`));
    else if (dsc.status?.installedComponents?.[c.name] !== true)
      problems.push(`status.installedComponents.${c.name} is ${dsc.status?.installedComponents?.[c.name]}, not true`);
  }
  return problems;
}

/** Waits until default-dsc is ready for the expected components; a timeout starts with what was still wrong. */
export async function waitForDscReady(world: RhoaiWorld, withKserve: boolean): Promise<KObject> {
  const expected = expectedComponents(world, withKserve);
  let last: string[] = [];
  const describe = `${DSC_NAME} to be ready: ReconcileComplete=True (ReconcileCompleted), ${expected.map((c) => `${c.name}Ready=True`).join(', ')}`;
  try {
    return (await world.cluster.waitFor(
      dscRef,
      (dsc) => {
        if (dsc?.status?.phase === 'Error') return { fail: `${DSC_NAME} is in phase Error: ${conditionLine(dsc, 'ReconcileComplete')}` };
        last = dscProblems(dsc, expected);
        return last.length === 0;
      },
      { describe },
    ))!;
  } catch (error) {
    if (error instanceof WaitTimeoutError && last.length)
      throw new WaitTimeoutError(`${DSC_NAME} is not ready: ${last.join('; ')}\n${error.message}`, error.lastObserved);
    throw error;
  }
}

/** TrustyAI is not installed: RHOAI 2.9 deploys nothing for it. */
export async function assertTrustyAINotInstalled(world: RhoaiWorld): Promise<void> {
  const dsc = await world.cluster.get(dscRef);
  expectOk(dsc, `${DSC_NAME} does not exist`);
  expect(
    dsc.status?.installedComponents?.trustyai,
    `${DSC_NAME} reports TrustyAI installed, but it is deprecated in RHOAI 2.9 and must stay Removed`,
  ).to.not.equal(true);
}

// ---- deployments ----

/** How the pods of a Deployment stand, in words, for a Deployment that does not become available. */
async function podTrouble(world: RhoaiWorld, deployment: KObject | undefined, namespace: string, name: string): Promise<string> {
  if (!deployment) return `there is no Deployment ${namespace}/${name}`;
  const selector = Object.entries(deployment.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = selector ? await world.cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace }, { labelSelector: selector }) : [];
  if (!pods.length) return `${name} has no pods`;
  const troubles: string[] = [];
  for (const pod of pods) {
    const unscheduled = conditionOf(pod, 'PodScheduled');
    if (unscheduled?.status === 'False')
      troubles.push(`pod ${pod.metadata.name} cannot be scheduled: ${unscheduled.message ?? unscheduled.reason}`);
    for (const cs of pod.status?.containerStatuses ?? []) {
      const waiting = cs.state?.waiting;
      if (waiting?.reason === 'CrashLoopBackOff') {
        const exit = cs.lastState?.terminated;
        troubles.push(
          `${name} is crash-looping: pod ${pod.metadata.name} container ${cs.name} CrashLoopBackOff after ${cs.restartCount ?? 0} restarts${exit ? `, last exit ${exit.exitCode}: ${exit.message ?? exit.reason}` : ''}`,
        );
      } else if (waiting)
        troubles.push(
          `pod ${pod.metadata.name} container ${cs.name} is waiting: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`,
        );
    }
  }
  return troubles.length ? troubles.join('; ') : `${pods.length} pod(s) of ${name}, not ready`;
}

/** Each named Deployment reaches Available=True; a timeout says what its pods are doing. */
export async function assertDeploymentsAvailable(world: RhoaiWorld, namespace: string, names: string[]): Promise<void> {
  for (const name of names) {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace };
    try {
      await world.cluster.waitFor(ref, (d) => conditionOf(d, 'Available')?.status === 'True', {
        describe: `Deployment ${namespace}/${name} to be Available`,
      });
    } catch (error) {
      if (!(error instanceof WaitTimeoutError)) throw error;
      const trouble = await podTrouble(world, await world.cluster.get(ref), namespace, name);
      throw new WaitTimeoutError(`Deployment ${namespace}/${name} is not available: ${trouble}\n${error.message}`, error.lastObserved);
    }
  }
}

/** The Deployments of the chosen components (the profile's; KServe once its manual mode is on). */
export function chosenDeployments(world: RhoaiWorld, withKserve: boolean): string[] {
  return [...new Set(expectedComponents(world, withKserve).flatMap((c) => c.deployments))];
}

// ---- KServe's manual dependency mode ----

/** Whether the chosen profile serves models with KServe (the manual-mode scenarios are skipped otherwise). */
export function kserveChosen(world: RhoaiWorld): boolean {
  const chosen = PROFILES[profileOf(world)].includes('kserve');
  if (!chosen)
    world.report.text('KServe', `profile ${profileOf(world)} (RHOAI_PROFILE) does not serve models with KServe: nothing to configure`);
  return chosen;
}

/** A merge patch of default-dsc under the harness's field manager: only the fields it names change. */
async function patchDsc(world: RhoaiWorld, patch: Record<string, unknown>): Promise<KObject> {
  const live = await world.cluster.get(dscRef);
  expectOk(live, `${DSC_NAME} does not exist: the components must be installed first (02-components.feature)`);
  return world.cluster.patch(dscRef, patch, 'merge');
}

export function setKserveManaged(world: RhoaiWorld): Promise<KObject> {
  return patchDsc(world, kserveManagedPatch());
}

export function setKserveServingUnmanaged(world: RhoaiWorld): Promise<KObject> {
  return patchDsc(world, kserveServingUnmanagedPatch());
}

export async function assertKserveManaged(world: RhoaiWorld): Promise<void> {
  const kserve = (await world.cluster.get(dscRef))?.spec?.components?.kserve;
  expect(kserve?.managementState, `kserve is ${kserve?.managementState ?? 'unset'} in ${DSC_NAME}, not Managed`).to.equal('Managed');
}

export async function assertKserveServingUnmanaged(world: RhoaiWorld): Promise<void> {
  const serving = (await world.cluster.get(dscRef))?.spec?.components?.kserve?.serving;
  expect(
    serving?.managementState,
    `kserve serving is ${serving?.managementState ?? 'unset'} in ${DSC_NAME}, not Unmanaged: the operator would build its own Knative Serving`,
  ).to.equal('Unmanaged');
  expect(serving?.name, `kserve serving names the KnativeServing ${serving?.name}, not ${KNATIVE_SERVING}`).to.equal(KNATIVE_SERVING);
}
