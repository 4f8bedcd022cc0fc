// Installing operators through OLM, as the 2.9 install guide does it from the CLI: a project, one
// OperatorGroup, a Subscription to a package of redhat-operators; then the InstallPlan, the
// ClusterServiceVersion reaching Succeeded and the operator's Deployments becoming available.
//
// The install is pinned. A redhat-operators catalog of today heads its channels at releases far
// past the ones the 2.9 docs were written for, and OLM upgrades an Automatic subscription along its
// channel whenever the catalog moves. So the harness reads the PackageManifest, picks the CSV of the
// version the settings ask for (the latest z-stream of a minor, or an exact version) in a channel
// that carries it, subscribes with spec.startingCSV and installPlanApproval Manual, approves exactly
// the InstallPlan that installs that CSV, and leaves every later InstallPlan (the upgrades OLM
// resolves once the CSV is installed) unapproved and reported. A catalog without the version is
// refused before anything is written, naming what it offers.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { hasCondition, type ClusterClient, type KObject, type ObjectRef } from '../core/cluster';
import { SETTINGS, type SettingKey, type Settings } from '../core/config';
import type { RhoaiWorld } from '../core/world';
import { ensureNamespace, waitForActiveNamespace } from '../core/namespaces';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The subscription the scenario created or found, by package name. */
    subscriptions?: Record<string, KObject>;
  }
}

const OLM = 'operators.coreos.com';
export const MARKETPLACE = 'openshift-marketplace';
const SOURCE = 'redhat-operators';

/** The operators of the checklist: package, the namespace the docs install it into, the channel and version settings. */
export interface OperatorPackage {
  package: string;
  namespace: string;
  channel: (settings: Settings) => string | undefined;
  channelSetting: string;
  /** A version or minor to pin; undefined accepts the channel head (and pins that). */
  version: (settings: Settings) => string | undefined;
  versionSetting: string;
}

/** The settings that hold a channel or a version (a string, or undefined for "the default"). */
type StringSetting = { [K in SettingKey]: Settings[K] extends string | undefined ? K : never }[SettingKey];

/** An operator installed from `namespace`, its channel and version read from the two settings named. */
function configuredBy(pkg: string, namespace: string, channel: StringSetting, version: StringSetting): OperatorPackage {
  return {
    package: pkg,
    namespace,
    channel: (s) => s[channel],
    channelSetting: SETTINGS[channel].name,
    version: (s) => s[version],
    versionSetting: SETTINGS[version].name,
  };
}

export const OPERATORS: Record<string, OperatorPackage> = {
  'rhods-operator': configuredBy('rhods-operator', 'redhat-ods-operator', 'operatorChannel', 'expectedVersion'),
  servicemeshoperator: configuredBy('servicemeshoperator', 'openshift-operators', 'serviceMeshChannel', 'serviceMeshVersion'),
  'serverless-operator': configuredBy('serverless-operator', 'openshift-serverless', 'serverlessChannel', 'serverlessVersion'),
  'authorino-operator': configuredBy('authorino-operator', 'openshift-operators', 'authorinoChannel', 'authorinoVersion'),
};

export function operator(pkg: string): OperatorPackage {
  const op = OPERATORS[pkg];
  if (!op) throw new Error(`unknown operator package "${pkg}"; the checklist installs: ${Object.keys(OPERATORS).join(', ')}`);
  return op;
}

const subscriptionRef = (name: string, namespace: string): ObjectRef => ({
  apiVersion: `${OLM}/v1alpha1`,
  kind: 'Subscription',
  name,
  namespace,
});
const csvRef = (name: string, namespace: string): ObjectRef => ({
  apiVersion: `${OLM}/v1alpha1`,
  kind: 'ClusterServiceVersion',
  name,
  namespace,
});

// ---- projects ----

/** Creates (or keeps) a namespace, as `oc create ns`; a previous run's namespace still terminating is waited out. */
export async function createProject(world: RhoaiWorld, name: string): Promise<KObject> {
  const { namespace, created } = await ensureNamespace(world, name);
  if (!created)
    world.report.text(
      `project ${name}`,
      `namespace ${name} already exists (created ${namespace.metadata.creationTimestamp}); kept as it is`,
    );
  return namespace;
}

export async function assertProjectActive(world: RhoaiWorld, name: string): Promise<void> {
  await waitForActiveNamespace(world, name);
}

// ---- operator groups ----

/** Creates the OperatorGroup unless the namespace already has one (a second one would make OLM fail every CSV there). */
export async function createOperatorGroup(world: RhoaiWorld, namespace: string, name: string): Promise<KObject> {
  const groups = await world.cluster.list({ apiVersion: `${OLM}/v1`, kind: 'OperatorGroup', namespace });
  const other = groups.find((g) => g.metadata.name !== name);
  if (other) {
    world.report.text(
      'operator group',
      `${namespace} already has the OperatorGroup ${other.metadata.name}; not creating ${name} (OLM allows one per namespace)`,
    );
    return other;
  }
  const [live] = await world.applyFixture('olm/operator-group', { name, namespace });
  return live!;
}

/** Exactly one OperatorGroup, in AllNamespaces mode (no target namespaces, no selector), and OLM has seen it. */
export async function assertSingleAllNamespacesGroup(world: RhoaiWorld, namespace: string): Promise<void> {
  const [group, ...more] = await world.cluster.list({ apiVersion: `${OLM}/v1`, kind: 'OperatorGroup', namespace });
  expectOk(group, `namespace ${namespace} has no OperatorGroup: OLM would fail the operator's CSV with NoOperatorGroup`);
  expect(
    more.length,
    `namespace ${namespace} has ${more.length + 1} OperatorGroups (${[group, ...more].map((g) => g.metadata.name).join(', ')}): OLM fails CSVs there with TooManyOperatorGroups`,
  ).to.equal(0);
  const targets: string[] = group.spec?.targetNamespaces ?? [];
  expect(
    !targets.length && !group.spec?.selector,
    `OperatorGroup ${namespace}/${group.metadata.name} targets ${JSON.stringify(targets)}: the RHOAI operator supports only the AllNamespaces install mode`,
  ).to.equal(true);
  await world.cluster.waitFor(
    { apiVersion: `${OLM}/v1`, kind: 'OperatorGroup', name: group.metadata.name, namespace },
    (og) => JSON.stringify(og?.status?.namespaces) === JSON.stringify(['']),
    {
      describe: `OLM to report OperatorGroup ${namespace}/${group.metadata.name} as watching all namespaces (status.namespaces [""])`,
    },
  );
}

// ---- the pinned install ----

/** A channel of a PackageManifest (packages.operators.coreos.com/v1 status.channels[]). */
interface ManifestChannel {
  name: string;
  currentCSV: string;
  currentCSVDesc?: { version?: string };
  entries?: { name: string; version: string }[];
}

/** What the install subscribes to: the channel and the CSV it pins. */
export interface InstallPin {
  package: string;
  catalog: string;
  channel: string;
  csv: string;
  version: string;
  /** The channel's head, for the report: what OLM would move to if it were let. */
  head: string;
}

/** A channel's entries (head first); a PackageManifest without entries offers its head only. */
function entriesOf(ch: ManifestChannel): { name: string; version: string }[] {
  return ch.entries?.length ? ch.entries : [{ name: ch.currentCSV, version: ch.currentCSVDesc?.version ?? '' }];
}

function versionParts(v: string): number[] {
  return v
    .split(/[-+]/)[0]!
    .split('.')
    .map((n) => Number(n) || 0);
}

export function compareVersions(a: string, b: string): number {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** Whether a CSV version is the one asked for: 2.9 matches 2.9.x, 2.5.1 matches 2.5.1 and 2.5.1-0. */
export function versionMatches(version: string, wanted: string): boolean {
  return version === wanted || version.startsWith(`${wanted}.`) || version.startsWith(`${wanted}-`);
}

/** "fast (2.8.3, 2.8.4, 2.9.0, ...)": what a channel offers, oldest first. */
function offer(ch: ManifestChannel): string {
  const versions = [...new Set(entriesOf(ch).map((e) => e.version))].sort(compareVersions);
  return `${ch.name} (${versions.join(', ')})`;
}

/**
 * Chooses the channel and the CSV to pin from the package's PackageManifest, or refuses naming the
 * catalog, its channels and the versions they offer. Reads only: nothing is applied.
 */
export function choosePin(
  manifest: KObject,
  op: Pick<OperatorPackage, 'package' | 'channelSetting' | 'versionSetting'>,
  wantedChannel: string | undefined,
  wantedVersion: string | undefined,
): InstallPin {
  const status = manifest.status ?? {};
  const catalog: string = status.catalogSource ?? manifest.metadata?.labels?.catalog ?? SOURCE;
  const channels: ManifestChannel[] = status.channels ?? [];
  const holds = (ch: ManifestChannel) => wantedVersion === undefined || entriesOf(ch).some((e) => versionMatches(e.version, wantedVersion));
  const holders = channels.filter(holds);
  expectOk(
    holders.length,
    `catalog ${catalog} offers no ${op.package} ${wantedVersion}: its channels offer ${channels.map(offer).join('; ')}. Nothing was applied; set ${op.versionSetting} to a version the catalog carries, or use a catalog (mirror) that carries ${wantedVersion}`,
  );
  let channel: ManifestChannel | undefined;
  if (wantedChannel !== undefined) {
    channel = channels.find((c) => c.name === wantedChannel);
    expectOk(
      channel,
      `catalog ${catalog}: package ${op.package} has no channel "${wantedChannel}"; its channels are: ${channels.map((c) => c.name).join(', ')} (default ${status.defaultChannel}). Set ${op.channelSetting}`,
    );
    expect(
      holds(channel),
      `catalog ${catalog}: channel ${wantedChannel} of ${op.package} offers no ${wantedVersion}, only ${offer(channel).replace(/^\S+ /, '')}; the channels that carry ${wantedVersion}: ${holders.map(offer).join('; ')}. Nothing was applied; set ${op.channelSetting} to one of them (or @default)`,
    ).to.equal(true);
  } else {
    channel = holders.find((c) => c.name === status.defaultChannel) ?? holders[0]!;
  }
  const entries = entriesOf(channel);
  const pick =
    wantedVersion === undefined
      ? (entries.find((e) => e.name === channel!.currentCSV) ?? entries[0]!)
      : entries.filter((e) => versionMatches(e.version, wantedVersion)).sort((a, b) => compareVersions(b.version, a.version))[0]!;
  return { package: op.package, catalog, channel: channel.name, csv: pick.name, version: pick.version, head: channel.currentCSV };
}

/**
 * Reads the package's PackageManifest and chooses what to pin (see choosePin); refuses before
 * anything is applied. Reads only.
 */
export async function readPin(cluster: ClusterClient, settings: Settings, pkg: string): Promise<InstallPin> {
  const op = operator(pkg);
  const manifest = await cluster.get({
    apiVersion: 'packages.operators.coreos.com/v1',
    kind: 'PackageManifest',
    name: op.package,
    namespace: MARKETPLACE,
  });
  expectOk(
    manifest,
    `the catalog offers no package ${op.package} (no PackageManifest ${MARKETPLACE}/${op.package}): is the redhat-operators catalog available, or mirrored with it?`,
  );
  return choosePin(manifest, op, op.channel(settings), op.version(settings));
}

/** readPin, and what it chose in the report. */
export async function pinFor(world: RhoaiWorld, pkg: string): Promise<InstallPin> {
  const op = operator(pkg);
  const pin = await readPin(world.cluster, world.settings, pkg);
  const wanted = op.version(world.settings);
  const asked = wanted === undefined ? `the channel head (${op.versionSetting}=any)` : `${wanted} (${op.versionSetting})`;
  world.report.text(
    `pinned install of ${op.package}`,
    `${op.package}: asked for ${asked}; catalog ${pin.catalog}, channel ${pin.channel} (head ${pin.head}); pinning ${pin.csv} (version ${pin.version}) with startingCSV` +
      (pin.head !== pin.csv ? `; OLM will offer upgrades towards ${pin.head}, which the harness leaves unapproved` : ''),
  );
  return pin;
}

/** The refusal before any write: the catalog must carry the RHOAI version the run pins. */
export async function assertCatalogOffersPinnedVersion(world: RhoaiWorld, pkg: string): Promise<void> {
  await pinFor(world, pkg);
}

/**
 * The run's check before its first scenario: every operator the selected scenarios subscribe to
 * has the version its setting asks for in the catalog. A version missing from the catalog stops
 * the run here, before any scenario has written anything (see support/install/pinned-catalog.ts).
 */
export async function assertCatalogsOfferPins(
  cluster: ClusterClient,
  settings: Settings,
  packages: readonly string[],
): Promise<InstallPin[]> {
  const pins: InstallPin[] = [];
  const problems: string[] = [];
  for (const pkg of packages) {
    try {
      pins.push(await readPin(cluster, settings, pkg));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length) {
    const refusal = new Error(`the run stops before its first scenario, nothing was applied:\n  - ${problems.join('\n  - ')}`);
    refusal.stack = refusal.message; // what the user must change, without our stack trace under it
    throw refusal;
  }
  return pins;
}

// ---- subscriptions ----

/**
 * Subscribes to the pinned CSV (startingCSV, approval from RHOAI_INSTALL_PLAN_APPROVAL, Manual by
 * default). A subscription already in place is left alone: the pinned CSV installed is recognised,
 * another installed version is reported and not changed.
 */
export async function subscribe(world: RhoaiWorld, pkg: string, namespace = operator(pkg).namespace): Promise<KObject> {
  const op = operator(pkg);
  const pin = await pinFor(world, pkg);
  const existing = await world.cluster.get(subscriptionRef(op.package, namespace));
  const installed: string | undefined = existing?.status?.installedCSV;
  if (existing && installed) {
    world.report.text(
      `subscription ${op.package}`,
      installed === pin.csv
        ? `Subscription ${namespace}/${op.package} already installed ${installed}, the pinned CSV: left as it is`
        : `Subscription ${namespace}/${op.package} already installed ${installed}, not the ${pin.csv} this run pins: reported, not changed (the harness does not move an installed operator)`,
    );
    (world.facts.subscriptions ??= {})[pkg] = existing;
    return existing;
  }
  const approval = world.settings.installPlanApproval;
  if (approval === 'Automatic') {
    world.report.text(
      `approval of ${op.package}`,
      `WARNING: RHOAI_INSTALL_PLAN_APPROVAL=Automatic: OLM installs ${pin.csv} and then follows channel ${pin.channel} on its own, upgrading towards ${pin.head} whenever the catalog offers a newer CSV; the install is not pinned`,
    );
  }
  const [live] = await world.applyFixture('olm/subscription', {
    name: op.package,
    namespace,
    package: op.package,
    channel: pin.channel,
    source: SOURCE,
    approval,
    startingCSV: pin.csv,
  });
  (world.facts.subscriptions ??= {})[pkg] = live!;
  return live!;
}

/** The scenario's subscription to a package, or the one on the cluster (a later scenario of the same install). */
async function subscriptionOf(world: RhoaiWorld, pkg: string): Promise<KObject> {
  const known = world.facts.subscriptions?.[pkg];
  if (known) return known;
  const op = operator(pkg);
  const live = await world.cluster.get(subscriptionRef(op.package, op.namespace));
  expectOk(live, `there is no Subscription ${op.namespace}/${op.package}: subscribe to the ${pkg} operator first`);
  (world.facts.subscriptions ??= {})[pkg] = live;
  return live;
}

/** The CSV the subscription is pinned at: its startingCSV, or (a subscription the harness did not write) what it installed. */
function pinnedCsv(sub: KObject): string | undefined {
  return sub.spec?.startingCSV ?? sub.status?.installedCSV;
}

const planNames = (ip: KObject): string[] => ip.spec?.clusterServiceVersionNames ?? [];

/** Waits until OLM has an InstallPlan for the pinned CSV; ResolutionFailed on the subscription fails at once with OLM's message. */
async function pinnedInstallPlan(world: RhoaiWorld, sub: KObject, pinned: string): Promise<KObject> {
  const ns = sub.metadata.namespace!;
  await world.cluster.waitFor(
    subscriptionRef(sub.metadata.name!, ns),
    (s) => {
      const failed = s?.status?.conditions?.find((c: KObject) => c.type === 'ResolutionFailed' && c.status === 'True');
      if (failed)
        return {
          fail: `Subscription ${ns}/${sub.metadata.name} cannot be resolved (ResolutionFailed, ${failed.reason}): ${failed.message}`,
        };
      return !!s?.status?.installPlanRef?.name;
    },
    { describe: `OLM to resolve Subscription ${ns}/${sub.metadata.name} into an InstallPlan` },
  );
  const plans = await world.cluster.waitForList(
    { apiVersion: `${OLM}/v1alpha1`, kind: 'InstallPlan', namespace: ns },
    (all) => all.some((ip) => planNames(ip).includes(pinned)),
    {
      describe: `an InstallPlan in ${ns} that installs ${pinned}`,
    },
  );
  return plans.find((ip) => planNames(ip).includes(pinned))!;
}

/**
 * Approves exactly the InstallPlan that installs the pinned CSV (and nothing else), waits for it to
 * complete and for OLM to settle on the pinned CSV; later InstallPlans (upgrades) stay unapproved
 * and are reported. One that is approved fails the step: the cluster would move past the pin.
 */
export async function approveAndCompleteInstallPlan(world: RhoaiWorld, pkg: string): Promise<KObject> {
  const sub = await subscriptionOf(world, pkg);
  const ns = sub.metadata.namespace!;
  const pinned = pinnedCsv(sub);
  expectOk(
    pinned,
    `Subscription ${ns}/${sub.metadata.name} has no spec.startingCSV and has installed nothing: the harness cannot tell which InstallPlan to approve`,
  );
  const plan = await pinnedInstallPlan(world, sub, pinned);
  const ref = { apiVersion: `${OLM}/v1alpha1`, kind: 'InstallPlan', name: plan.metadata.name, namespace: ns };
  const others = planNames(plan).filter((n) => n !== pinned);
  expect(
    others.length,
    `InstallPlan ${ns}/${plan.metadata.name} installs ${planNames(plan).join(', ')}: not approving an InstallPlan that installs more than ${pinned} (approving it would install ${others.join(', ')} past the pinned version)`,
  ).to.equal(0);
  if (!plan.spec.approved) {
    await world.cluster.patch(ref, { spec: { approved: true } }, 'merge');
    world.report.text(`approved ${pkg}`, `approved InstallPlan ${ns}/${plan.metadata.name}, which installs ${pinned} only`);
  }
  const done = (await world.cluster.waitFor(
    ref,
    (ip) => {
      if (ip?.status?.phase === 'Failed')
        return { fail: `InstallPlan ${ns}/${plan.metadata.name} failed: ${ip.status.message ?? JSON.stringify(ip.status.conditions)}` };
      return ip?.status?.phase === 'Complete';
    },
    { describe: `InstallPlan ${ns}/${plan.metadata.name} (${pinned}) to complete` },
  ))!;
  await assertStaysPinned(world, pkg);
  return done;
}

/**
 * Once OLM has settled on the pinned CSV (installedCSV, and either AtLatestKnown or an upgrade
 * pending), no InstallPlan for another CSV may be approved; the pending ones are reported.
 */
export async function assertStaysPinned(world: RhoaiWorld, pkg: string): Promise<void> {
  const sub = await subscriptionOf(world, pkg);
  const ns = sub.metadata.namespace!;
  const pinned = pinnedCsv(sub)!;
  const live = await world.cluster.get(subscriptionRef(sub.metadata.name!, ns));
  if (live?.spec?.installPlanApproval !== 'Manual') {
    world.report.text(
      `upgrades of ${pkg}`,
      `WARNING: Subscription ${ns}/${sub.metadata.name} approves InstallPlans automatically: the cluster follows channel ${live?.spec?.channel} past ${pinned}`,
    );
    return;
  }
  const settled = await world.cluster.waitFor(
    subscriptionRef(sub.metadata.name!, ns),
    (s) => {
      const st = s?.status ?? {};
      if (st.installedCSV && st.installedCSV !== pinned) {
        return {
          fail: `Subscription ${ns}/${sub.metadata.name} installed ${st.installedCSV}: an InstallPlan for it is approved although the install is pinned at ${pinned}`,
        };
      }
      return st.installedCSV === pinned && (st.state === 'AtLatestKnown' || (st.state === 'UpgradePending' && st.currentCSV !== pinned));
    },
    {
      describe: `OLM to settle Subscription ${ns}/${sub.metadata.name} on ${pinned} (installedCSV, and AtLatestKnown or an upgrade pending)`,
    },
  );
  const plans = await world.cluster.list({ apiVersion: `${OLM}/v1alpha1`, kind: 'InstallPlan', namespace: ns });
  // The subscription's plans (OLM makes each InstallPlan owned by the subscriptions it resolves) other than the pinned one.
  const later = plans.filter(
    (ip) => ip.metadata.ownerReferences?.some((o: { uid?: string }) => o.uid === settled!.metadata.uid) && !planNames(ip).includes(pinned),
  );
  const approved = later.filter((ip) => ip.spec?.approved);
  expect(
    approved.length,
    approved
      .map(
        (ip) =>
          `InstallPlan ${ns}/${ip.metadata.name} for ${planNames(ip).join(', ')} is approved although the install is pinned at ${pinned}: OLM upgrades the operator past it`,
      )
      .join('; '),
  ).to.equal(0);
  world.report.text(
    `upgrades of ${pkg}`,
    later.length
      ? `left unapproved (the install is pinned at ${pinned}): ${later.map((ip) => `InstallPlan ${ns}/${ip.metadata.name} for ${planNames(ip).join(', ')} (${ip.status?.phase ?? 'pending'})`).join('; ')}`
      : `no upgrade offered past ${pinned} (Subscription ${settled!.status.state})`,
  );
}

/** Waits for the subscription's installed CSV (the pinned one) to reach Succeeded; phase Failed fails at once with OLM's reason and message. */
export async function waitForCsvSucceeded(world: RhoaiWorld, pkg: string): Promise<KObject> {
  const sub = await subscriptionOf(world, pkg);
  const ns = sub.metadata.namespace!;
  const live = await world.cluster.waitFor(
    subscriptionRef(sub.metadata.name!, ns),
    (s) => !!(s?.status?.installedCSV || s?.status?.currentCSV),
    { describe: `Subscription ${ns}/${sub.metadata.name} to name its CSV` },
  );
  // status.currentCSV names a pending upgrade once OLM has resolved one: the installed CSV is installedCSV (or, before that, the startingCSV).
  const installed: string | undefined = live!.status.installedCSV;
  const name: string = installed ?? live!.spec.startingCSV ?? live!.status.currentCSV;
  const csv = await world.cluster.waitFor(
    csvRef(name, ns),
    (c) => {
      if (c?.status?.phase === 'Failed')
        return { fail: `ClusterServiceVersion ${ns}/${name} is Failed (${c.status.reason}): ${c.status.message}` };
      // installedCSV is set once the CSV exists: gone means OLM replaced it with a newer CSV of the channel.
      if (!c && installed)
        return {
          fail: `ClusterServiceVersion ${ns}/${name}, installed by Subscription ${ns}/${sub.metadata.name}, is gone: OLM replaced it with a newer CSV of channel ${live!.spec.channel} (installPlanApproval ${live!.spec.installPlanApproval})`,
        };
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
  expectOk(deployments.length, `ClusterServiceVersion ${csv.metadata.name} declares no deployments`);
  for (const d of deployments) {
    await world.cluster.waitFor(
      { apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, namespace: csv.metadata.namespace },
      hasCondition('Available'),
      {
        describe: `operator Deployment ${csv.metadata.namespace}/${d.name} to be Available`,
      },
    );
  }
}

/** The installed CSV reports the version the run pinned (RHOAI_EXPECTED_VERSION, a minor or a full version). */
export async function assertInstalledVersion(world: RhoaiWorld, pkg: string, expected: string | undefined): Promise<void> {
  const csv = await waitForCsvSucceeded(world, pkg);
  if (expected === undefined) {
    world.report.text(
      'version',
      `${csv.metadata.name} reports version ${csv.spec.version}; the channel head was pinned (${operator(pkg).versionSetting}=any)`,
    );
    return;
  }
  const version: string = csv.spec.version ?? '';
  const sub = await subscriptionOf(world, pkg);
  expect(
    versionMatches(version, expected),
    `${csv.metadata.name} is version ${version}, not ${expected}: Subscription ${sub.metadata.namespace}/${sub.metadata.name} (channel ${sub.spec.channel}, startingCSV ${sub.spec.startingCSV ?? 'none'}, installPlanApproval ${sub.spec.installPlanApproval}) has another release installed, which the harness reports and does not change` +
      (sub.spec.installPlanApproval === 'Automatic'
        ? '; with Automatic approval OLM follows the channel past the pinned version (RHOAI_INSTALL_PLAN_APPROVAL=Manual keeps it)'
        : ''),
  ).to.equal(true);
}
