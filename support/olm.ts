// Installing operators through OLM, as the 2.9 install guide does it from the CLI: a project, one
// OperatorGroup, a Subscription to a package of redhat-operators; then the InstallPlan (approved
// when approval is Manual), the ClusterServiceVersion reaching Succeeded and the operator's
// Deployments becoming available.
import assert from 'node:assert/strict';
import { hasCondition, type KObject, type ObjectRef } from './cluster';
import type { RhoaiWorld } from './world';

declare module './world' {
  interface ScenarioFacts {
    /** The subscription the scenario created or found, by package name. */
    subscriptions?: Record<string, KObject>;
  }
}

const OLM = 'operators.coreos.com';
export const MARKETPLACE = 'openshift-marketplace';

/** The operators of the checklist: package, the namespace the docs install it into, the channel setting. */
export interface OperatorPackage {
  package: string;
  namespace: string;
  channel: (world: RhoaiWorld) => string | undefined;
}

export const OPERATORS: Record<string, OperatorPackage> = {
  'rhods-operator': { package: 'rhods-operator', namespace: 'redhat-ods-operator', channel: (w) => w.settings.operatorChannel },
  servicemeshoperator: { package: 'servicemeshoperator', namespace: 'openshift-operators', channel: (w) => w.settings.serviceMeshChannel },
  'serverless-operator': { package: 'serverless-operator', namespace: 'openshift-serverless', channel: (w) => w.settings.serverlessChannel },
  'authorino-operator': { package: 'authorino-operator', namespace: 'openshift-operators', channel: (w) => w.settings.authorinoChannel },
};

export function operator(pkg: string): OperatorPackage {
  const op = OPERATORS[pkg];
  if (!op) throw new Error(`unknown operator package "${pkg}"; the checklist installs: ${Object.keys(OPERATORS).join(', ')}`);
  return op;
}

const namespaceRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Namespace', name });
const subscriptionRef = (name: string, namespace: string): ObjectRef => ({ apiVersion: `${OLM}/v1alpha1`, kind: 'Subscription', name, namespace });
const csvRef = (name: string, namespace: string): ObjectRef => ({ apiVersion: `${OLM}/v1alpha1`, kind: 'ClusterServiceVersion', name, namespace });

// ---- projects ----

/** Creates (or keeps) a namespace, as `oc create ns`; a previous run's namespace still terminating is waited out. */
export async function createProject(world: RhoaiWorld, name: string): Promise<KObject> {
  const existing = await world.cluster.get(namespaceRef(name));
  if (existing?.metadata.deletionTimestamp) await world.cluster.waitForDeletion(namespaceRef(name), { describe: `namespace ${name} to finish terminating` });
  if (existing && !existing.metadata.deletionTimestamp) {
    world.report.text(`project ${name}`, `namespace ${name} already exists (created ${existing.metadata.creationTimestamp}); kept as it is`);
    return existing;
  }
  const [live] = await world.applyFixture('core/namespace', { name });
  return live!;
}

export async function assertProjectActive(world: RhoaiWorld, name: string): Promise<void> {
  await world.cluster.waitFor(namespaceRef(name), (ns) => (ns?.metadata.deletionTimestamp ? { fail: `namespace ${name} is being deleted` } : ns?.status?.phase === 'Active'), {
    describe: `namespace ${name} to be Active`,
  });
}

// ---- operator groups ----

/** Creates the OperatorGroup unless the namespace already has one (a second one would make OLM fail every CSV there). */
export async function createOperatorGroup(world: RhoaiWorld, namespace: string, name: string): Promise<KObject> {
  const groups = await world.cluster.list({ apiVersion: `${OLM}/v1`, kind: 'OperatorGroup', namespace });
  const other = groups.find((g) => g.metadata.name !== name);
  if (other) {
    world.report.text('operator group', `${namespace} already has the OperatorGroup ${other.metadata.name}; not creating ${name} (OLM allows one per namespace)`);
    return other;
  }
  const [live] = await world.applyFixture('olm/operator-group', { name, namespace });
  return live!;
}

/** Exactly one OperatorGroup, in AllNamespaces mode (no target namespaces, no selector), and OLM has seen it. */
export async function assertSingleAllNamespacesGroup(world: RhoaiWorld, namespace: string): Promise<void> {
  const [group, ...more] = await world.cluster.list({ apiVersion: `${OLM}/v1`, kind: 'OperatorGroup', namespace });
  assert.ok(group, `namespace ${namespace} has no OperatorGroup: OLM would fail the operator's CSV with NoOperatorGroup`);
  assert.equal(more.length, 0, `namespace ${namespace} has ${more.length + 1} OperatorGroups (${[group, ...more].map((g) => g.metadata.name).join(', ')}): OLM fails CSVs there with TooManyOperatorGroups`);
  const targets: string[] = group.spec?.targetNamespaces ?? [];
  assert.ok(!targets.length && !group.spec?.selector, `OperatorGroup ${namespace}/${group.metadata.name} targets ${JSON.stringify(targets)}: the RHOAI operator supports only the AllNamespaces install mode`);
  await world.cluster.waitFor({ apiVersion: `${OLM}/v1`, kind: 'OperatorGroup', name: group.metadata.name, namespace }, (og) => JSON.stringify(og?.status?.namespaces) === JSON.stringify(['']), {
    describe: `OLM to report OperatorGroup ${namespace}/${group.metadata.name} as watching all namespaces (status.namespaces [""])`,
  });
}

// ---- subscriptions ----

/** The channel to subscribe on: the setting, or the PackageManifest's defaultChannel (`@default`). */
export async function resolveChannel(world: RhoaiWorld, op: OperatorPackage): Promise<string> {
  const manifest = await world.cluster.get({ apiVersion: 'packages.operators.coreos.com/v1', kind: 'PackageManifest', name: op.package, namespace: MARKETPLACE });
  assert.ok(manifest, `the catalog offers no package ${op.package} (no PackageManifest ${MARKETPLACE}/${op.package}): is the redhat-operators catalog available, or mirrored with it?`);
  const channels: string[] = (manifest.status?.channels ?? []).map((c: { name: string }) => c.name);
  const wanted = op.channel(world) ?? manifest.status?.defaultChannel;
  assert.ok(channels.includes(wanted), `package ${op.package} has no channel "${wanted}"; its channels are: ${channels.join(', ')} (default ${manifest.status?.defaultChannel})`);
  const head = manifest.status.channels.find((c: { name: string }) => c.name === wanted)?.currentCSV;
  world.report.text(`channel of ${op.package}`, `subscribing to ${op.package} on channel ${wanted} (head ${head}); catalog default: ${manifest.status?.defaultChannel}`);
  return wanted;
}

export async function subscribe(world: RhoaiWorld, pkg: string, namespace = operator(pkg).namespace): Promise<KObject> {
  const op = operator(pkg);
  const channel = await resolveChannel(world, op);
  const [live] = await world.applyFixture('olm/subscription', { name: op.package, namespace, package: op.package, channel, source: 'redhat-operators', approval: world.settings.installPlanApproval });
  (world.facts.subscriptions ??= {})[pkg] = live!;
  return live!;
}

/** The scenario's subscription to a package, or the one on the cluster (a later scenario of the same install). */
async function subscriptionOf(world: RhoaiWorld, pkg: string): Promise<KObject> {
  const known = world.facts.subscriptions?.[pkg];
  if (known) return known;
  const op = operator(pkg);
  const live = await world.cluster.get(subscriptionRef(op.package, op.namespace));
  assert.ok(live, `there is no Subscription ${op.namespace}/${op.package}: subscribe to the ${pkg} operator first`);
  (world.facts.subscriptions ??= {})[pkg] = live;
  return live;
}

/** Waits until OLM has resolved the subscription into an InstallPlan; ResolutionFailed fails at once with OLM's message. */
async function installPlanOf(world: RhoaiWorld, pkg: string): Promise<KObject> {
  const sub = await subscriptionOf(world, pkg);
  const ns = sub.metadata.namespace!;
  const resolved = await world.cluster.waitFor(
    subscriptionRef(sub.metadata.name!, ns),
    (s) => {
      const failed = s?.status?.conditions?.find((c: KObject) => c.type === 'ResolutionFailed' && c.status === 'True');
      if (failed) return { fail: `Subscription ${ns}/${sub.metadata.name} cannot be resolved (ResolutionFailed, ${failed.reason}): ${failed.message}` };
      return !!s?.status?.installPlanRef?.name;
    },
    { describe: `OLM to resolve Subscription ${ns}/${sub.metadata.name} into an InstallPlan` },
  );
  const ref = { apiVersion: `${OLM}/v1alpha1`, kind: 'InstallPlan', name: resolved!.status.installPlanRef.name, namespace: ns };
  const plan = await world.cluster.get(ref);
  assert.ok(plan, `the InstallPlan ${ns}/${ref.name} named by the subscription does not exist`);
  return plan;
}

/** With Manual approval, approves the plan (only if it installs the CSV the subscription asked for); then waits for it to complete. */
export async function approveAndCompleteInstallPlan(world: RhoaiWorld, pkg: string): Promise<KObject> {
  const sub = await subscriptionOf(world, pkg);
  const plan = await installPlanOf(world, pkg);
  const ns = plan.metadata.namespace!;
  const ref = { apiVersion: `${OLM}/v1alpha1`, kind: 'InstallPlan', name: plan.metadata.name, namespace: ns };
  if (!plan.spec.approved) {
    const live = await world.cluster.get(subscriptionRef(sub.metadata.name!, ns));
    const expected = live?.status?.currentCSV;
    assert.ok(plan.spec.clusterServiceVersionNames.includes(expected), `InstallPlan ${ns}/${plan.metadata.name} installs ${plan.spec.clusterServiceVersionNames.join(', ')}, not the subscription's ${expected}: not approving it`);
    await world.cluster.patch(ref, { spec: { approved: true } }, 'merge');
  }
  return (await world.cluster.waitFor(
    ref,
    (ip) => {
      if (ip?.status?.phase === 'Failed') return { fail: `InstallPlan ${ns}/${plan.metadata.name} failed: ${ip.status.message ?? JSON.stringify(ip.status.conditions)}` };
      return ip?.status?.phase === 'Complete';
    },
    { describe: `InstallPlan ${ns}/${plan.metadata.name} (${plan.spec.clusterServiceVersionNames.join(', ')}) to complete` },
  ))!;
}

/** Waits for the subscription's CSV to reach Succeeded; phase Failed fails at once with OLM's reason and message. */
export async function waitForCsvSucceeded(world: RhoaiWorld, pkg: string): Promise<KObject> {
  const sub = await subscriptionOf(world, pkg);
  const ns = sub.metadata.namespace!;
  const live = await world.cluster.waitFor(subscriptionRef(sub.metadata.name!, ns), (s) => !!s?.status?.currentCSV, { describe: `Subscription ${ns}/${sub.metadata.name} to name its CSV` });
  const name: string = live!.status.currentCSV;
  const csv = await world.cluster.waitFor(
    csvRef(name, ns),
    (c) => {
      if (c?.status?.phase === 'Failed') return { fail: `ClusterServiceVersion ${ns}/${name} is Failed (${c.status.reason}): ${c.status.message}` };
      return c?.status?.phase === 'Succeeded';
    },
    { describe: `ClusterServiceVersion ${ns}/${name} to reach phase Succeeded` },
  );
  world.report.text(`installed ${pkg}`, `${name} (${csv!.spec.displayName} ${csv!.spec.version}) Succeeded in ${ns}`);
  return csv!;
}

/** Every Deployment of the CSV's install strategy has Available=True. */
export async function assertOperatorDeploymentsAvailable(world: RhoaiWorld, pkg: string): Promise<void> {
  const csv = await waitForCsvSucceeded(world, pkg);
  const deployments: { name: string }[] = csv.spec.install?.spec?.deployments ?? [];
  assert.ok(deployments.length, `ClusterServiceVersion ${csv.metadata.name} declares no deployments`);
  for (const d of deployments) {
    await world.cluster.waitFor({ apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, namespace: csv.metadata.namespace }, hasCondition('Available'), {
      describe: `operator Deployment ${csv.metadata.namespace}/${d.name} to be Available`,
    });
  }
}

/** The installed CSV reports the version the run expects (RHOAI_EXPECTED_VERSION, a prefix). */
export async function assertInstalledVersion(world: RhoaiWorld, pkg: string, expected: string | undefined): Promise<void> {
  const csv = await waitForCsvSucceeded(world, pkg);
  if (expected === undefined) {
    world.report.text('version', `${csv.metadata.name} reports version ${csv.spec.version}; any version accepted (RHOAI_EXPECTED_VERSION=any)`);
    return;
  }
  const version: string = csv.spec.version ?? '';
  assert.ok(version === expected || version.startsWith(`${expected}.`), `${csv.metadata.name} is version ${version}, not ${expected}.x: the channel "${(await subscriptionOf(world, pkg)).spec.channel}" delivers another release (set RHOAI_OPERATOR_CHANNEL, or RHOAI_EXPECTED_VERSION=any)`);
}
