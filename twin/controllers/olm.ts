// Operator Lifecycle Manager as OpenShift 4.15 runs it: PackageManifests from the catalogs,
// Subscription → InstallPlan (Manual approval honoured) → CRDs + ClusterServiceVersion →
// operator Deployments → CSV Succeeded, with OLM's own failure reasons for missing or duplicate
// OperatorGroups, unsupported install modes and unresolvable subscriptions; and, once a CSV is
// installed, the upgrade OLM resolves along the subscription's channel.
//
// Upstream it follows (operator-framework/operator-lifecycle-manager, master):
// - pkg/controller/registry/resolver/resolver.go, getSubscriptionVariables: with nothing installed
//   a subscription resolves to its spec.startingCSV (CSVNamePredicate) or else the channel head;
//   with a CSV installed, to the channel entries that replace it or whose skipRange holds its
//   version (Or(SkipRangeIncludesPredicate, ReplacesPredicate)), preferring the one nearest the
//   head (sortChannel); the ResolutionFailed messages ("no operators found with name X in
//   channel Y of package Z ...") are its NewInvalidSubscriptionVariable texts.
// - pkg/controller/operators/catalog/operator.go: createInstallPlan sets
//   spec.approved = (installPlanApproval == Automatic), so a Manual subscription gets each plan
//   unapproved, the upgrade plan included; ensureSubscriptionCSVState sets state AtLatestKnown and
//   installedCSV once status.currentCSV exists, and a new plan makes the state UpgradePending with
//   installPlanRef and currentCSV naming the upgrade while installedCSV stays.
// - operator-framework/api pkg/operators/v1alpha1/subscription_types.go and
//   installplan_types.go: Subscription spec.startingCSV/installPlanApproval, status.currentCSV,
//   installedCSV, installPlanRef, state; InstallPlan spec.clusterServiceVersionNames, approval,
//   approved, status.phase RequiresApproval/Installing/Complete/Failed.
// - The PackageManifest (packages.operators.coreos.com/v1, operator-framework/operator-lifecycle-
//   manager pkg/package-server/apis/operators/v1/packagemanifest_types.go): status.catalogSource,
//   defaultChannel, channels[].name, currentCSV, currentCSVDesc, entries[] {name, version}.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import type { TwinClient } from '../api/client';
import { ownerReference, randomSuffix, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import { loadYamlObjects } from '../bootstrap';
import type { FaultDefinition } from '../fault-definition';
import { conditionOf, keyOf, setCondition, splitKey, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';

export const OLM_FAULTS: FaultDefinition[] = [
  {
    name: 'olm-authorino-own-namespace-only',
    description:
      "The catalog's authorino-operator bundle does not support the AllNamespaces install mode (its CSV marks it unsupported, as a bundle built for OwnNamespace): the Subscription in openshift-operators resolves and its InstallPlan completes, but OLM fails the CSV with UnsupportedOperatorGroup (operator-lifecycle-manager pkg/controller/operators/olm/operator.go, syncClusterServiceVersion: the install-mode check sets phase Failed, reason UnsupportedOperatorGroup)",
    caughtBy: '@req.INS-AUTH-01',
    expectMessage: 'is Failed (UnsupportedOperatorGroup)',
  },
  {
    name: 'olm-csv-failed',
    description:
      "The RHOAI operator's ClusterServiceVersion ends in phase Failed (InstallComponentFailed), as when its install strategy cannot be applied",
    caughtBy: '@req.INS-OP-03',
    expectMessage: 'InstallComponentFailed',
  },
  {
    name: 'olm-installplan-stuck',
    description: "The RHOAI operator's InstallPlan never completes: it stays Installing with its bundle unpack job pending",
    caughtBy: '@req.INS-OP-03',
    expectMessage: 'Installing',
  },
  {
    name: 'olm-catalog-missing-package',
    description:
      'The redhat-operators catalog does not offer the rhods-operator package at all (a disconnected mirror without it): no PackageManifest, and a subscription to it cannot be resolved',
    caughtBy: '@req.INS-OP-01',
    expectMessage: 'offers no package rhods-operator',
  },
  {
    name: 'olm-catalog-lacks-version',
    description:
      'The redhat-operators catalog no longer carries any rhods-operator 2.9.x bundle (Red Hat prunes old releases from the index of newer OpenShift versions): every channel offers only other releases',
    caughtBy: '@req.INS-OP-01',
    expectMessage: 'offers no rhods-operator 2.9',
  },
  {
    name: 'olm-upgrade-bundled-into-install-plan',
    description:
      "OLM's first InstallPlan for the pinned rhods-operator subscription lists the next CSV of the channel (rhods-operator.2.10.0) besides the startingCSV, so approving it would install past 2.9",
    caughtBy: '@req.INS-OP-03',
    expectMessage: 'not approving an InstallPlan that installs more than rhods-operator.2.9.1',
  },
  {
    name: 'olm-upgrade-plan-approved',
    description:
      'After rhods-operator.2.9.1 is installed, the InstallPlan OLM creates for the next CSV of the channel (rhods-operator.2.10.0) comes approved although the subscription is Manual, so the cluster upgrades past 2.9',
    caughtBy: '@req.INS-OP-03',
    expectMessage: 'is approved although the install is pinned at rhods-operator.2.9.1',
  },
  {
    name: 'olm-operator-group-own-namespace',
    description:
      'A previous console install left the OperatorGroup "redhat-ods-operator-x7k2p" in redhat-ods-operator targeting only that namespace (OwnNamespace mode), which the RHOAI CSV does not support',
    caughtBy: '@req.INS-OP-02',
    expectMessage: 'supports only the AllNamespaces install mode',
  },
  {
    name: 'olm-bundle-unresolvable',
    description:
      "The catalog lists rhods-operator but its channel heads' bundles are missing from the index, so OLM reports ResolutionFailed on the subscription",
    caughtBy: '@req.INS-OP-03',
    expectMessage: 'ResolutionFailed',
  },
];

const OLM = 'operators.coreos.com';
const MARKETPLACE = 'openshift-marketplace';

export interface CatalogCsv {
  name: string;
  version: string;
  replaces?: string;
  installModes: Record<'OwnNamespace' | 'SingleNamespace' | 'MultiNamespace' | 'AllNamespaces', boolean>;
  crdFiles: string[];
  deployments: { name: string; image: string; labels: Record<string, string>; cpu: string; memory: string }[];
  annotations?: Record<string, string>;
  /** spec.relatedImages of the bundle's CSV: every image the operator deploys (what a disconnected install mirrors). */
  relatedImages?: { name: string; image: string }[];
}

/** A channel entry of a file-based catalog (olm.channel): the bundle and its place in the upgrade graph. */
export interface CatalogEntry {
  name: string;
  version: string;
  replaces?: string;
  skips?: string[];
  skipRange?: string;
}

export interface CatalogChannel {
  name: string;
  currentCSV: string;
  /** Head first. */
  entries: CatalogEntry[];
}

export interface CatalogPackage {
  package: string;
  catalogSource: string;
  displayName: string;
  provider: string;
  defaultChannel: string;
  channels: CatalogChannel[];
  csvs: CatalogCsv[];
}

interface CatalogFile {
  package: string;
  catalogSource: string;
  displayName: string;
  provider: string;
  defaultChannel: string;
  bundle: Omit<CatalogCsv, 'name' | 'version' | 'replaces'>;
  channels: { name: string; entries: CatalogEntry[] }[];
}

/** Reads twin/catalog/*.yaml: every package's channels (entries head first) and the CSVs they name. */
export function loadCatalog(dir: string): CatalogPackage[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = yaml.load(readFileSync(join(dir, f), 'utf8')) as CatalogFile;
      const csvs = new Map<string, CatalogCsv>();
      for (const ch of file.channels)
        for (const e of ch.entries)
          if (!csvs.has(e.name))
            csvs.set(e.name, { ...file.bundle, name: e.name, version: e.version, ...(e.replaces ? { replaces: e.replaces } : {}) });
      return {
        package: file.package,
        catalogSource: file.catalogSource,
        displayName: file.displayName,
        provider: file.provider,
        defaultChannel: file.defaultChannel,
        channels: file.channels.map((ch) => ({ name: ch.name, currentCSV: ch.entries[0]!.name, entries: ch.entries })),
        csvs: [...csvs.values()],
      };
    });
}

/** The catalog without the entries a fault removes; channels left empty disappear, as from a pruned index. */
function withoutEntries(pkg: CatalogPackage, drop: (e: CatalogEntry) => boolean): CatalogPackage {
  const channels = pkg.channels
    .map((ch) => ({ ...ch, entries: ch.entries.filter((e) => !drop(e)) }))
    .filter((ch) => ch.entries.length)
    .map((ch) => ({ ...ch, currentCSV: ch.entries[0]!.name }));
  const names = new Set(channels.flatMap((ch) => ch.entries.map((e) => e.name)));
  return {
    ...pkg,
    channels,
    csvs: pkg.csvs.filter((c) => names.has(c.name)),
    defaultChannel: channels.some((c) => c.name === pkg.defaultChannel) ? pkg.defaultChannel : channels[0]!.name,
  };
}

/** Numeric parts of a version, without a pre-release or build suffix (2.5.1-0 → [2, 5, 1]). */
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

/** Whether a version satisfies an olm.skipRange such as ">=2.8.0 <2.10.0" (space-separated comparators, all must hold). */
export function inSkipRange(version: string, range: string): boolean {
  return range
    .trim()
    .split(/\s+/)
    .every((term) => {
      const m = /^(>=|<=|>|<|=)?v?(\d[\w.-]*)$/.exec(term);
      if (!m) return false;
      const c = compareVersions(version, m[2]!);
      switch (m[1]) {
        case '>=':
          return c >= 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '<':
          return c < 0;
        default:
          return c === 0;
      }
    });
}

/**
 * The entry OLM upgrades an installed CSV to: among the channel's entries that replace it, list it
 * in skips or hold its version in their skipRange, the one nearest the head (resolver.go,
 * getSubscriptionVariables with a current entry, then sortChannel).
 */
export function upgradeFor(channel: CatalogChannel, installed: { name: string; version: string }): CatalogEntry | undefined {
  return channel.entries.find(
    (e) =>
      e.name !== installed.name &&
      (e.replaces === installed.name ||
        e.skips?.includes(installed.name) ||
        (!!e.skipRange && inSkipRange(installed.version, e.skipRange))),
  );
}

export class OlmController implements Controller {
  readonly name = 'olm-operator';
  private readonly client: TwinClient;
  private readonly catalog: CatalogPackage[];
  private readonly subscriptions: WorkQueue;
  private readonly installPlans: WorkQueue;
  private readonly csvs: WorkQueue;
  private readonly operatorGroups: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('olm', 'openshift-operator-lifecycle-manager:olm-operator-serviceaccount');
    this.catalog = loadCatalog(ctx.settings.catalogDir)
      .filter((p) => !(ctx.faults.has('olm-catalog-missing-package') && p.package === 'rhods-operator'))
      .map((p) =>
        ctx.faults.has('olm-catalog-lacks-version') && p.package === 'rhods-operator'
          ? withoutEntries(p, (e) => e.version.startsWith('2.9.'))
          : p,
      );
    const { latencyMs, log } = ctx.settings;
    this.subscriptions = new WorkQueue('olm/subscriptions', latencyMs, (k) => this.reconcileSubscription(k), log);
    this.installPlans = new WorkQueue('olm/installplans', latencyMs, (k) => this.reconcileInstallPlan(k), log);
    this.csvs = new WorkQueue('olm/csvs', latencyMs, (k) => this.reconcileCsv(k), log);
    this.operatorGroups = new WorkQueue('olm/operatorgroups', latencyMs, (k) => this.reconcileOperatorGroup(k), log);
  }

  start(): void {
    this.publishPackageManifests();
    if (this.ctx.faults.has('olm-operator-group-own-namespace')) this.leaveConsoleOperatorGroup();
    this.client.watch(`${OLM}/v1alpha1`, 'Subscription', (type, s) => type !== 'DELETED' && this.subscriptions.enqueue(keyOf(s)));
    this.client.watch(`${OLM}/v1alpha1`, 'InstallPlan', (type, ip) => {
      if (type !== 'DELETED') this.installPlans.enqueue(keyOf(ip));
      this.subscriptionsIn(ip.metadata.namespace!);
    });
    this.client.watch(`${OLM}/v1alpha1`, 'ClusterServiceVersion', (type, csv) => {
      if (type !== 'DELETED') this.csvs.enqueue(keyOf(csv));
      this.subscriptionsIn(csv.metadata.namespace!);
    });
    this.client.watch(`${OLM}/v1`, 'OperatorGroup', (type, og) => {
      if (type !== 'DELETED') this.operatorGroups.enqueue(keyOf(og));
      for (const csv of this.client.list(`${OLM}/v1alpha1`, 'ClusterServiceVersion', og.metadata.namespace)) this.csvs.enqueue(keyOf(csv));
    });
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      const owner = d.metadata.labels?.['olm.owner'];
      if (owner) this.csvs.enqueue(`${d.metadata.labels?.['olm.owner.namespace'] ?? d.metadata.namespace}/${owner}`);
    });
  }

  /** Fault: what a console install in "A specific namespace" mode leaves behind in redhat-ods-operator. */
  private leaveConsoleOperatorGroup(): void {
    const ns = 'redhat-ods-operator';
    if (!this.client.get('v1', 'Namespace', ns)) this.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if (!this.client.get(`${OLM}/v1`, 'OperatorGroup', 'redhat-ods-operator-x7k2p', ns)) {
      this.client.create({
        apiVersion: `${OLM}/v1`,
        kind: 'OperatorGroup',
        metadata: { name: 'redhat-ods-operator-x7k2p', namespace: ns, annotations: { 'olm.providedAPIs': '' } },
        spec: { targetNamespaces: [ns], upgradeStrategy: 'Default' },
      });
    }
  }

  private subscriptionsIn(namespace: string): void {
    for (const s of this.client.list(`${OLM}/v1alpha1`, 'Subscription', namespace)) this.subscriptions.enqueue(keyOf(s));
  }

  // ---- catalog ----

  private publishPackageManifests(): void {
    for (const p of this.catalog) {
      const csvDesc = (name: string) => {
        const csv = p.csvs.find((c) => c.name === name)!;
        return {
          displayName: p.displayName,
          version: csv.version,
          provider: { name: p.provider },
          installModes: installModes(csv),
          annotations: csv.annotations ?? {},
        };
      };
      const manifest = {
        apiVersion: 'packages.operators.coreos.com/v1',
        kind: 'PackageManifest',
        metadata: {
          name: p.package,
          namespace: MARKETPLACE,
          labels: {
            catalog: p.catalogSource,
            'catalog-namespace': MARKETPLACE,
            'operatorframework.io/arch.amd64': 'supported',
            'operatorframework.io/os.linux': 'supported',
          },
        },
        spec: {},
        status: {
          catalogSource: p.catalogSource,
          catalogSourceDisplayName: 'Red Hat Operators',
          catalogSourceNamespace: MARKETPLACE,
          catalogSourcePublisher: 'Red Hat',
          packageName: p.package,
          provider: { name: p.provider },
          defaultChannel: p.defaultChannel,
          channels: p.channels.map((c) => ({
            name: c.name,
            currentCSV: c.currentCSV,
            currentCSVDesc: csvDesc(c.currentCSV),
            entries: c.entries.map((e) => ({ name: e.name, version: e.version })),
          })),
        },
      };
      if (!this.client.get('packages.operators.coreos.com/v1', 'PackageManifest', p.package, MARKETPLACE)) this.client.create(manifest);
    }
  }

  /** Finds what a subscription asks for, or says why it cannot, in OLM's words (resolver.go, getSubscriptionVariables). */
  private resolve(sub: KObject): { pkg: CatalogPackage; csv: CatalogCsv; channel: CatalogChannel } | { error: string; reason: string } {
    const { name: pkgName, source, sourceNamespace } = sub.spec;
    const subName = sub.metadata.name;
    if (!this.client.get(`${OLM}/v1alpha1`, 'CatalogSource', source, sourceNamespace)) {
      return {
        reason: 'ConstraintsNotSatisfiable',
        error: `constraints not satisfiable: no operators found from catalog ${source} in namespace ${sourceNamespace} referenced by subscription ${subName}, subscription ${subName} exists`,
      };
    }
    const pkg = this.catalog.find((p) => p.package === pkgName && p.catalogSource === source);
    if (!pkg)
      return {
        reason: 'ConstraintsNotSatisfiable',
        error: `constraints not satisfiable: no operators found in package ${pkgName} in the catalog referenced by subscription ${subName}, subscription ${subName} exists`,
      };
    const channel = sub.spec.channel || pkg.defaultChannel;
    const ch = pkg.channels.find((c) => c.name === channel);
    if (!ch)
      return {
        reason: 'ConstraintsNotSatisfiable',
        error: `constraints not satisfiable: no operators found in channel ${channel} of package ${pkgName} in the catalog referenced by subscription ${subName}, subscription ${subName} exists`,
      };
    const wanted = sub.spec.startingCSV || ch.currentCSV;
    const bundleMissing = this.ctx.faults.has('olm-bundle-unresolvable') && pkg.package === 'rhods-operator';
    const csv = bundleMissing ? undefined : pkg.csvs.find((c) => c.name === wanted);
    if (!csv || !ch.entries.some((e) => e.name === wanted)) {
      return {
        reason: 'ConstraintsNotSatisfiable',
        error: `constraints not satisfiable: no operators found with name ${wanted} in channel ${channel} of package ${pkgName} in the catalog referenced by subscription ${subName}, subscription ${subName} exists`,
      };
    }
    return { pkg, csv, channel: ch };
  }

  // ---- subscriptions ----

  private reconcileSubscription(key: string): void {
    const { namespace, name } = splitKey(key);
    const sub = this.client.get(`${OLM}/v1alpha1`, 'Subscription', name, namespace);
    if (!sub || sub.metadata.deletionTimestamp) return;
    const now = timestamp();
    let conditions: Condition[] = sub.status?.conditions ?? [];
    const catalogHealth = this.catalogHealth(now);
    let ip = sub.status?.installPlanRef && this.client.get(`${OLM}/v1alpha1`, 'InstallPlan', sub.status.installPlanRef.name, namespace);
    const resolved = this.resolve(sub);
    if ('error' in resolved) {
      if (!ip) {
        conditions = setCondition(
          conditions,
          { type: 'ResolutionFailed', status: 'True', reason: resolved.reason, message: resolved.error },
          now,
        );
        return this.writeSubscription(sub, { conditions, catalogHealth, lastUpdated: now });
      }
    }
    conditions = setCondition(
      conditions,
      {
        type: 'CatalogSourcesUnhealthy',
        status: 'False',
        reason: 'AllCatalogSourcesHealthy',
        message: 'all available catalogsources are healthy',
      },
      now,
    );
    conditions = conditions.filter((c) => c.type !== 'ResolutionFailed');
    if (!ip) {
      if ('error' in resolved) return;
      // Nothing installed yet: the startingCSV (or the head); a fault bundles the next CSV of the channel into the same plan.
      const names = [resolved.csv.name];
      if (this.ctx.faults.has('olm-upgrade-bundled-into-install-plan') && resolved.pkg.package === 'rhods-operator') {
        const next = upgradeFor(resolved.channel, resolved.csv);
        if (next) names.push(next.name);
      }
      ip = this.createInstallPlan(sub, names, resolved.pkg.package);
    }
    // The plan's first CSV is what the subscription is moving to (status.currentCSV).
    const target: string = ip.spec.clusterServiceVersionNames[0];
    const csv = this.client.get(`${OLM}/v1alpha1`, 'ClusterServiceVersion', target, namespace);
    const phase = ip.status?.phase;
    // OLM takes a CSV as installed as soon as it exists, whatever its phase (operator.go,
    // ensureSubscriptionCSVState: AtLatestKnown and installedCSV once currentCSV can be read).
    const exists = !!csv;
    let installed: string | undefined = sub.status?.installedCSV;
    if (exists) installed = target;
    // With the target installed, OLM resolves the upgrade along the channel and creates its plan
    // (approved only when the subscription's approval is Automatic: operator.go createInstallPlan).
    if (exists && phase === 'Complete' && !('error' in resolved)) {
      const entry = resolved.channel.entries.find((e) => e.name === target) ?? { name: target, version: csv!.spec.version };
      const next = upgradeFor(resolved.channel, entry);
      const already = (ip.spec.clusterServiceVersionNames as string[]).includes(next?.name ?? '');
      if (next && !already && resolved.pkg.csvs.some((c) => c.name === next.name)) {
        const upgrade = this.createInstallPlan(sub, [next.name], resolved.pkg.package);
        conditions = setCondition(
          conditions,
          { type: 'InstallPlanPending', status: 'True', reason: 'RequiresApproval', message: 'install plan requires approval' },
          now,
        );
        return this.writeSubscription(sub, {
          state: 'UpgradePending',
          currentCSV: next.name,
          installedCSV: installed,
          installPlanRef: this.planRef(upgrade),
          installplan: { apiVersion: `${OLM}/v1alpha1`, kind: 'InstallPlan', name: upgrade.metadata.name, uuid: upgrade.metadata.uid },
          installPlanGeneration: (sub.status?.installPlanGeneration ?? 1) + 1,
          conditions,
          catalogHealth,
          lastUpdated: now,
        });
      }
    }
    if (phase === 'RequiresApproval' || phase === 'Installing' || !phase) {
      conditions = setCondition(
        conditions,
        {
          type: 'InstallPlanPending',
          status: 'True',
          reason: phase ?? 'Installing',
          message: phase === 'RequiresApproval' ? 'install plan requires approval' : 'install plan is installing',
        },
        now,
      );
    } else conditions = conditions.filter((c) => c.type !== 'InstallPlanPending');
    if (phase === 'Failed')
      conditions = setCondition(
        conditions,
        {
          type: 'InstallPlanFailed',
          status: 'True',
          reason: 'InstallComponentFailed',
          message: ip.status?.message ?? 'install plan failed',
        },
        now,
      );
    this.writeSubscription(sub, {
      state: exists ? 'AtLatestKnown' : 'UpgradePending',
      currentCSV: target,
      ...(installed ? { installedCSV: installed } : {}),
      installPlanRef: this.planRef(ip),
      installplan: { apiVersion: `${OLM}/v1alpha1`, kind: 'InstallPlan', name: ip.metadata.name, uuid: ip.metadata.uid },
      installPlanGeneration: sub.status?.installPlanGeneration ?? 1,
      conditions,
      catalogHealth,
      lastUpdated: now,
    });
  }

  private planRef(ip: KObject): object {
    return {
      apiVersion: `${OLM}/v1alpha1`,
      kind: 'InstallPlan',
      name: ip.metadata.name,
      namespace: ip.metadata.namespace,
      uid: ip.metadata.uid,
      resourceVersion: ip.metadata.resourceVersion,
    };
  }

  private writeSubscription(sub: KObject, status: Record<string, unknown>): void {
    const { lastUpdated: _a, catalogHealth: _b, ...meaningful } = status;
    const { lastUpdated: _c, catalogHealth: _d, ...before } = (sub.status ?? {}) as Record<string, unknown>;
    const strip = (o: Record<string, unknown>) => JSON.stringify({ ...o, installPlanRef: (o.installPlanRef as KObject | undefined)?.name });
    if (strip(meaningful) === strip(before)) return;
    this.client.patchStatus(`${OLM}/v1alpha1`, 'Subscription', sub.metadata.name!, sub.metadata.namespace, status);
  }

  private catalogHealth(now: string): object[] {
    return this.client.list(`${OLM}/v1alpha1`, 'CatalogSource', MARKETPLACE).map((cs) => ({
      catalogSourceRef: {
        apiVersion: `${OLM}/v1alpha1`,
        kind: 'CatalogSource',
        name: cs.metadata.name,
        namespace: MARKETPLACE,
        uid: cs.metadata.uid,
        resourceVersion: cs.metadata.resourceVersion,
      },
      healthy: true,
      lastUpdated: now,
    }));
  }

  private createInstallPlan(sub: KObject, csvNames: string[], pkg: string): KObject {
    const approval = sub.spec.installPlanApproval === 'Manual' ? 'Manual' : 'Automatic';
    // Fault: an upgrade plan (a plan while a CSV is installed) comes approved despite Manual approval.
    const forced = this.ctx.faults.has('olm-upgrade-plan-approved') && pkg === 'rhods-operator' && !!sub.status?.installPlanRef;
    return this.client.create({
      apiVersion: `${OLM}/v1alpha1`,
      kind: 'InstallPlan',
      metadata: {
        name: `install-${randomSuffix()}`,
        namespace: sub.metadata.namespace,
        labels: { [`operators.coreos.com/${sub.spec.name}.${sub.metadata.namespace}`]: '' },
        ownerReferences: [{ ...ownerReference(sub, false), blockOwnerDeletion: false }],
      },
      spec: {
        approval,
        approved: approval === 'Automatic' || forced,
        clusterServiceVersionNames: csvNames,
        generation: (sub.status?.installPlanGeneration ?? 0) + 1,
      },
    });
  }

  // ---- install plans ----

  private reconcileInstallPlan(key: string): void {
    const { namespace, name } = splitKey(key);
    const ip = this.client.get(`${OLM}/v1alpha1`, 'InstallPlan', name, namespace);
    if (!ip || ip.metadata.deletionTimestamp || ip.status?.phase === 'Complete' || ip.status?.phase === 'Failed') return;
    const now = timestamp();
    const found = (ip.spec.clusterServiceVersionNames as string[]).map((n) => this.findCsv(n));
    if (!found.length || found.some((f) => !f)) return;
    const { pkg, csv } = found[0]!;
    const plan = found.flatMap((f) => this.planSteps(f!.pkg, f!.csv));
    if (!ip.spec.approved) {
      if (ip.status?.phase !== 'RequiresApproval') {
        this.client.patchStatus(`${OLM}/v1alpha1`, 'InstallPlan', name, namespace, {
          phase: 'RequiresApproval',
          catalogSources: [pkg.catalogSource],
          plan,
          conditions: [{ type: 'Installed', status: 'False', reason: 'RequiresApproval', lastTransitionTime: now, lastUpdateTime: now }],
        });
      }
      return;
    }
    if (this.ctx.faults.has('olm-installplan-stuck') && pkg.package === 'rhods-operator') {
      if (ip.status?.phase !== 'Installing') {
        this.client.patchStatus(`${OLM}/v1alpha1`, 'InstallPlan', name, namespace, {
          phase: 'Installing',
          catalogSources: [pkg.catalogSource],
          plan,
          bundleLookups: [
            {
              path: `registry.redhat.io/rhoai/odh-operator-bundle:v${csv.version}`,
              identifier: csv.name,
              catalogSourceRef: { name: pkg.catalogSource, namespace: MARKETPLACE },
              conditions: [
                {
                  type: 'BundleLookupPending',
                  status: 'True',
                  reason: 'JobIncomplete',
                  message: 'unpack job not completed',
                  lastTransitionTime: now,
                },
              ],
            },
          ],
          conditions: [
            {
              type: 'Installed',
              status: 'Unknown',
              reason: 'InstallComponentPending',
              message: 'bundle unpacking is pending',
              lastTransitionTime: now,
              lastUpdateTime: now,
            },
          ],
        });
      }
      return;
    }
    for (const f of found) {
      for (const file of f!.csv.crdFiles) this.installCrds(file);
      this.ensureCsv(namespace!, f!.pkg, f!.csv);
    }
    this.client.patchStatus(`${OLM}/v1alpha1`, 'InstallPlan', name, namespace, {
      phase: 'Complete',
      catalogSources: [pkg.catalogSource],
      plan: plan.map((s) => ({ ...s, status: 'Created' })),
      conditions: [{ type: 'Installed', status: 'True', lastTransitionTime: now, lastUpdateTime: now }],
      startTime: now,
    });
  }

  private planSteps(pkg: CatalogPackage, csv: CatalogCsv): object[] {
    const crdSteps = csv.crdFiles
      .flatMap((f) => loadYamlObjects(join(this.ctx.settings.crdDir, f)))
      .map((crd) => ({
        resolving: csv.name,
        resource: {
          group: 'apiextensions.k8s.io',
          version: 'v1',
          kind: 'CustomResourceDefinition',
          name: crd.metadata.name,
          sourceName: pkg.catalogSource,
          sourceNamespace: MARKETPLACE,
        },
        status: 'Unknown',
      }));
    return [
      {
        resolving: csv.name,
        resource: {
          group: OLM,
          version: 'v1alpha1',
          kind: 'ClusterServiceVersion',
          name: csv.name,
          sourceName: pkg.catalogSource,
          sourceNamespace: MARKETPLACE,
        },
        status: 'Unknown',
      },
      ...crdSteps,
    ];
  }

  private findCsv(name: string): { pkg: CatalogPackage; csv: CatalogCsv } | undefined {
    for (const pkg of this.catalog) {
      const csv = pkg.csvs.find((c) => c.name === name);
      if (csv) return { pkg, csv };
    }
    return undefined;
  }

  private installCrds(file: string): void {
    for (const crd of loadYamlObjects(join(this.ctx.settings.crdDir, file))) {
      const existing = this.client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name!);
      if (!existing) this.client.create(crd);
      else this.client.update({ ...crd, metadata: { ...existing.metadata, labels: crd.metadata.labels } });
    }
  }

  private ensureCsv(namespace: string, pkg: CatalogPackage, csv: CatalogCsv): void {
    if (this.client.get(`${OLM}/v1alpha1`, 'ClusterServiceVersion', csv.name, namespace)) return;
    const crds = csv.crdFiles.flatMap((f) => loadYamlObjects(join(this.ctx.settings.crdDir, f)));
    this.client.create({
      apiVersion: `${OLM}/v1alpha1`,
      kind: 'ClusterServiceVersion',
      metadata: {
        name: csv.name,
        namespace,
        annotations: { ...(csv.annotations ?? {}), 'olm.operatorNamespace': namespace },
        labels: { [`operators.coreos.com/${pkg.package}.${namespace}`]: '' },
      },
      spec: {
        displayName: pkg.displayName,
        version: csv.version,
        ...(csv.replaces ? { replaces: csv.replaces } : {}),
        provider: { name: pkg.provider },
        installModes: installModes(csv).map((m) =>
          m.type === 'AllNamespaces' && pkg.package === 'authorino-operator' && this.ctx.faults.has('olm-authorino-own-namespace-only')
            ? { ...m, supported: false }
            : m,
        ),
        customresourcedefinitions: {
          owned: crds.map((c) => ({ name: c.metadata.name, kind: c.spec.names.kind, version: c.spec.versions[0].name })),
        },
        ...(csv.relatedImages ? { relatedImages: csv.relatedImages } : {}),
        install: {
          strategy: 'deployment',
          spec: {
            deployments: csv.deployments.map((d) => ({ name: d.name, spec: this.deploymentSpec(d) })),
          },
        },
      },
    });
  }

  private deploymentSpec(d: CatalogCsv['deployments'][number]): KObject['spec'] {
    return {
      replicas: 1,
      selector: { matchLabels: d.labels },
      template: {
        metadata: { labels: d.labels },
        spec: {
          serviceAccountName: d.name,
          containers: [
            { name: 'manager', image: d.image, resources: { requests: { cpu: d.cpu, memory: d.memory }, limits: { memory: d.memory } } },
          ],
        },
      },
    };
  }

  // ---- cluster service versions ----

  private reconcileCsv(key: string): void {
    const { namespace, name } = splitKey(key);
    const csv = this.client.get(`${OLM}/v1alpha1`, 'ClusterServiceVersion', name, namespace);
    if (!csv || csv.metadata.deletionTimestamp) return;
    const groups = this.client.list(`${OLM}/v1`, 'OperatorGroup', namespace);
    if (!groups.length) return this.setPhase(csv, 'Failed', 'NoOperatorGroup', 'csv in namespace with no operatorgroups');
    if (groups.length > 1)
      return this.setPhase(
        csv,
        'Failed',
        'TooManyOperatorGroups',
        "csv created in namespace with multiple operatorgroups, can't pick one automatically",
      );
    const mode = installModeOf(groups[0], namespace!);
    const supported = (csv.spec.installModes ?? []).find((m: { type: string }) => m.type === mode)?.supported;
    if (!supported)
      return this.setPhase(
        csv,
        'Failed',
        'UnsupportedOperatorGroup',
        `${mode} InstallModeType not supported, cannot configure to watch ${MODE_TEXT[mode]}`,
      );
    if (this.ctx.faults.has('olm-csv-failed') && name!.startsWith('rhods-operator.')) {
      return this.setPhase(
        csv,
        'Failed',
        'InstallComponentFailed',
        'install strategy failed: Deployment.apps "rhods-operator" is invalid: spec.template.spec.containers[0].image: Required value',
      );
    }
    if (csv.status?.phase === 'Failed' || csv.status?.phase === 'Replacing') return;
    if (this.client.list(`${OLM}/v1alpha1`, 'ClusterServiceVersion', namespace).some((c) => c.spec?.replaces === name)) return; // its replacement owns the deployments now
    if (!csv.status?.phase || csv.status.phase === 'Pending') {
      this.setPhase(csv, 'Pending', 'RequirementsUnknown', 'requirements not yet checked');
      return this.setPhase(this.reload(csv), 'InstallReady', 'AllRequirementsMet', 'all requirements found, attempting install');
    }
    const deployments: { name: string; spec: KObject['spec'] }[] = csv.spec.install?.spec?.deployments ?? [];
    for (const d of deployments) this.ensureDeployment(csv, d);
    const waiting = deployments
      .map((d) => this.client.get('apps/v1', 'Deployment', d.name, namespace))
      .find((d) => conditionOf(d, 'Available')?.status !== 'True');
    if (waiting) {
      const msg = `installing: waiting for deployment ${waiting.metadata.name} to become ready: deployment "${waiting.metadata.name}" not available: Deployment does not have minimum availability.`;
      if (csv.status.phase === 'InstallReady')
        this.setPhase(csv, 'Installing', 'InstallSucceeded', 'waiting for install components to report healthy');
      return this.setPhase(this.reload(csv), 'Installing', 'InstallWaiting', msg);
    }
    if (csv.status.phase !== 'Succeeded') {
      this.setPhase(csv, 'Succeeded', 'InstallSucceeded', 'install strategy completed with no errors');
      this.ensureOperatorCondition(csv);
    }
    // The CSV it replaces goes once this one has succeeded (OLM: Replacing, then Deleting and collected).
    const replaced = csv.spec.replaces && this.client.get(`${OLM}/v1alpha1`, 'ClusterServiceVersion', csv.spec.replaces, namespace);
    if (replaced && !replaced.metadata.deletionTimestamp) {
      this.setPhase(replaced, 'Replacing', 'BeingReplaced', `being replaced by csv: ${csv.metadata.name}`);
      this.client.delete(`${OLM}/v1alpha1`, 'ClusterServiceVersion', replaced.metadata.name!, namespace);
    }
  }

  private reload(csv: KObject): KObject {
    return this.client.get(`${OLM}/v1alpha1`, 'ClusterServiceVersion', csv.metadata.name!, csv.metadata.namespace)!;
  }

  private ensureDeployment(csv: KObject, d: { name: string; spec: KObject['spec'] }): void {
    const ns = csv.metadata.namespace!;
    const sa = this.client.get('v1', 'ServiceAccount', d.name, ns);
    if (!sa) {
      this.client.create({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: d.name, namespace: ns, ownerReferences: [ownerReference(csv, false)] },
      });
    } else if (!(sa.metadata.ownerReferences ?? []).some((o) => o.uid === csv.metadata.uid)) {
      this.client.update({
        ...sa,
        metadata: { ...sa.metadata, ownerReferences: [...(sa.metadata.ownerReferences ?? []), ownerReference(csv, false)] },
      });
    }
    const existing = this.client.get('apps/v1', 'Deployment', d.name, ns);
    if (existing && existing.metadata.labels?.['olm.owner'] !== csv.metadata.name) {
      // An upgrade: the replacing CSV takes over the deployment of the same name (OLM's install strategy updates it in place).
      this.client.update({
        ...existing,
        metadata: {
          ...existing.metadata,
          labels: { ...existing.metadata.labels, 'olm.owner': csv.metadata.name! },
          ownerReferences: [ownerReference(csv, false)],
        },
        spec: d.spec,
      });
      return;
    }
    if (existing) return;
    this.client.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: d.name,
        namespace: ns,
        labels: {
          'olm.owner': csv.metadata.name!,
          'olm.owner.kind': 'ClusterServiceVersion',
          'olm.owner.namespace': ns,
          'olm.deployment-spec-hash': randomSuffix(10),
        },
        ownerReferences: [ownerReference(csv, false)],
      },
      spec: d.spec,
    });
  }

  private ensureOperatorCondition(csv: KObject): void {
    const ns = csv.metadata.namespace!;
    if (this.client.get(`${OLM}/v2`, 'OperatorCondition', csv.metadata.name!, ns)) return;
    this.client.create({
      apiVersion: `${OLM}/v2`,
      kind: 'OperatorCondition',
      metadata: { name: csv.metadata.name, namespace: ns, ownerReferences: [ownerReference(csv, false)] },
      spec: { deployments: (csv.spec.install?.spec?.deployments ?? []).map((d: { name: string }) => d.name), serviceAccounts: [] },
    });
  }

  private setPhase(csv: KObject, phase: string, reason: string, message: string): void {
    const s = csv.status ?? {};
    if (s.phase === phase && s.reason === reason && s.message === message) return;
    const now = timestamp();
    const history = [...(s.conditions ?? []), { phase, reason, message, lastTransitionTime: now, lastUpdateTime: now }].slice(-20);
    this.client.patchStatus(`${OLM}/v1alpha1`, 'ClusterServiceVersion', csv.metadata.name!, csv.metadata.namespace, {
      phase,
      reason,
      message,
      lastTransitionTime: now,
      lastUpdateTime: now,
      conditions: history,
      ...(phase === 'Succeeded'
        ? {
            requirementStatus: [
              {
                group: OLM,
                kind: 'ClusterServiceVersion',
                name: csv.metadata.name,
                status: 'Present',
                version: 'v1alpha1',
                message: 'CSV minKubeVersion (1.25.0) less than server version (v1.28.11+add48d0)',
              },
            ],
          }
        : {}),
    });
    if (phase === 'Failed') this.client.event(csv, 'Warning', reason, message);
  }

  // ---- operator groups ----

  private reconcileOperatorGroup(key: string): void {
    const { namespace, name } = splitKey(key);
    const og = this.client.get(`${OLM}/v1`, 'OperatorGroup', name, namespace);
    if (!og || og.metadata.deletionTimestamp) return;
    const targets: string[] = og.spec?.targetNamespaces ?? [];
    const namespaces = targets.length ? targets : [''];
    if (JSON.stringify(og.status?.namespaces) === JSON.stringify(namespaces)) return;
    this.client.patchStatus(`${OLM}/v1`, 'OperatorGroup', name!, namespace, { namespaces, lastUpdated: timestamp() });
  }
}

const MODE_TEXT: Record<string, string> = {
  AllNamespaces: 'all namespaces',
  OwnNamespace: 'own namespace',
  SingleNamespace: 'one namespace',
  MultiNamespace: 'multiple namespaces',
};

function installModes(csv: CatalogCsv): { type: string; supported: boolean }[] {
  return (['OwnNamespace', 'SingleNamespace', 'MultiNamespace', 'AllNamespaces'] as const).map((type) => ({
    type,
    supported: !!csv.installModes[type],
  }));
}

/** The install mode an OperatorGroup asks for, from its target namespaces. */
export function installModeOf(og: KObject, namespace: string): string {
  const targets: string[] = og.spec?.targetNamespaces ?? [];
  if (!targets.length && !og.spec?.selector) return 'AllNamespaces';
  if (targets.length === 1) return targets[0] === namespace ? 'OwnNamespace' : 'SingleNamespace';
  return 'MultiNamespace';
}
