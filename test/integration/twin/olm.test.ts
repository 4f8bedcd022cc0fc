// The twin's OLM against a catalog of today: PackageManifest entries, a Manual subscription pinned
// with startingCSV, the upgrade InstallPlan OLM creates (unapproved) once the pinned CSV is
// installed, an Automatic subscription following its channel, and the resolution failure of a
// startingCSV the channel does not carry (operator-lifecycle-manager resolver.go,
// getSubscriptionVariables; catalog/operator.go, createInstallPlan).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TWIN_SYSTEM } from '../../../twin/api/auth';
import { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { inSkipRange, loadCatalog, upgradeFor } from '../../../twin/controllers/olm';
import { PROJECT_ROOT, startLocalTwin, waitFor, type LocalTwin } from './helpers';

const OLM = 'operators.coreos.com/v1alpha1';
const catalog = loadCatalog(join(PROJECT_ROOT, 'twin', 'catalog'));
const channel = (pkg: string, name: string) => catalog.find((p) => p.package === pkg)!.channels.find((c) => c.name === name)!;

describe('the twin catalog and its upgrade graph', () => {
  test('rhods-operator channels are headed past 2.9, and 2.9 is deep in fast only', () => {
    const rhods = catalog.find((p) => p.package === 'rhods-operator')!;
    assert.equal(channel('rhods-operator', 'fast').currentCSV, 'rhods-operator.2.19.0');
    assert.ok(channel('rhods-operator', 'fast').entries.some((e) => e.name === 'rhods-operator.2.9.1'));
    assert.deepEqual(
      rhods.channels.filter((c) => c.entries.some((e) => e.version.startsWith('2.9.'))).map((c) => c.name),
      ['fast'],
    );
  });

  test('skipRange and replaces decide the upgrade, nearest the head first', () => {
    assert.ok(inSkipRange('2.9.1', '>=2.8.0 <2.10.0'));
    assert.ok(!inSkipRange('2.10.0', '>=2.8.0 <2.10.0'));
    assert.ok(inSkipRange('2.5.1-0', '>=2.5.0 <2.6.0'));
    assert.equal(
      upgradeFor(channel('rhods-operator', 'fast'), { name: 'rhods-operator.2.9.1', version: '2.9.1' })?.name,
      'rhods-operator.2.10.0',
    );
    // On stable, 2.10.0 skips 2.9.x by range although nothing replaces 2.9.1 there.
    assert.equal(
      upgradeFor(channel('rhods-operator', 'stable'), { name: 'rhods-operator.2.9.1', version: '2.9.1' })?.name,
      'rhods-operator.2.10.0',
    );
    assert.equal(upgradeFor(channel('rhods-operator', 'fast'), { name: 'rhods-operator.2.19.0', version: '2.19.0' }), undefined);
  });
});

describe('twin OLM with a pinned subscription', () => {
  let t: LocalTwin;
  let client: TwinClient;
  before(async () => {
    t = await startLocalTwin();
    client = new TwinClient(t.twin.api, 'test', TWIN_SYSTEM);
  });
  after(() => t.stop());

  const subscribe = (ns: string, pkg: string, spec: Record<string, unknown>) => {
    if (!client.get('v1', 'Namespace', ns)) client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if (!client.list('operators.coreos.com/v1', 'OperatorGroup', ns).length)
      client.create({ apiVersion: 'operators.coreos.com/v1', kind: 'OperatorGroup', metadata: { name: 'og', namespace: ns }, spec: {} });
    client.create({
      apiVersion: OLM,
      kind: 'Subscription',
      metadata: { name: pkg, namespace: ns },
      spec: { name: pkg, source: 'redhat-operators', sourceNamespace: 'openshift-marketplace', ...spec },
    });
  };
  const plans = (ns: string) => client.list(OLM, 'InstallPlan', ns);
  const planFor = (ns: string, csv: string) => plans(ns).find((ip) => ip.spec.clusterServiceVersionNames.includes(csv));
  const sub = (ns: string, name: string) => client.get(OLM, 'Subscription', name, ns)!;

  test('the PackageManifest lists every channel entry with its version', () => {
    const pm = client.get('packages.operators.coreos.com/v1', 'PackageManifest', 'rhods-operator', 'openshift-marketplace')!;
    assert.equal(pm.status.catalogSource, 'redhat-operators');
    const fast = pm.status.channels.find((c: KObject) => c.name === 'fast');
    assert.equal(fast.currentCSV, 'rhods-operator.2.19.0');
    assert.deepEqual(
      fast.entries.find((e: KObject) => e.name === 'rhods-operator.2.9.1'),
      { name: 'rhods-operator.2.9.1', version: '2.9.1' },
    );
  });

  test('Manual at startingCSV: one plan for it; once installed, an unapproved plan for the next CSV of the channel', async () => {
    const ns = 'pinned-rhoai';
    subscribe(ns, 'rhods-operator', { channel: 'fast', startingCSV: 'rhods-operator.2.9.1', installPlanApproval: 'Manual' });
    const first = await waitFor('the first InstallPlan', () => planFor(ns, 'rhods-operator.2.9.1'));
    assert.deepEqual(first.spec.clusterServiceVersionNames, ['rhods-operator.2.9.1']);
    assert.equal(first.spec.approved, false);
    await waitFor('RequiresApproval', () => client.get(OLM, 'InstallPlan', first.metadata.name!, ns)?.status?.phase === 'RequiresApproval');
    assert.equal(client.get(OLM, 'ClusterServiceVersion', 'rhods-operator.2.9.1', ns), undefined, 'nothing installed before approval');

    client.patch(OLM, 'InstallPlan', first.metadata.name!, ns, { spec: { approved: true } });
    const upgrade = await waitFor('the upgrade InstallPlan', () => planFor(ns, 'rhods-operator.2.10.0'));
    assert.equal(upgrade.spec.approved, false, 'Manual: the upgrade waits for approval');
    const s = await waitFor(
      'the subscription to name the upgrade',
      () => sub(ns, 'rhods-operator').status?.currentCSV === 'rhods-operator.2.10.0' && sub(ns, 'rhods-operator'),
    );
    assert.equal(s.status.installedCSV, 'rhods-operator.2.9.1');
    assert.equal(s.status.state, 'UpgradePending');
    assert.equal(s.status.installPlanRef.name, upgrade.metadata.name);
    await waitFor(
      'the pinned CSV to succeed',
      () => client.get(OLM, 'ClusterServiceVersion', 'rhods-operator.2.9.1', ns)?.status?.phase === 'Succeeded',
      15_000,
    );
    assert.equal(client.get(OLM, 'ClusterServiceVersion', 'rhods-operator.2.10.0', ns), undefined, 'the upgrade is not installed');
    assert.equal(plans(ns).length, 2);
  });

  test('Automatic follows the channel: the next CSV replaces the installed one', async () => {
    const ns = 'auto-mesh';
    subscribe(ns, 'servicemeshoperator', {
      channel: 'candidate',
      startingCSV: 'servicemeshoperator.v2.6.0',
      installPlanApproval: 'Automatic',
    });
    await waitFor(
      'the upgrade to v2.6.1 to succeed',
      () => client.get(OLM, 'ClusterServiceVersion', 'servicemeshoperator.v2.6.1', ns)?.status?.phase === 'Succeeded',
      15_000,
    );
    await waitFor('the replaced CSV to go', () => !client.get(OLM, 'ClusterServiceVersion', 'servicemeshoperator.v2.6.0', ns));
    assert.equal(client.get('apps/v1', 'Deployment', 'istio-operator', ns)?.metadata.labels?.['olm.owner'], 'servicemeshoperator.v2.6.1');
    await waitFor(
      'AtLatestKnown at v2.6.1',
      () =>
        sub(ns, 'servicemeshoperator').status?.state === 'AtLatestKnown' &&
        sub(ns, 'servicemeshoperator').status?.installedCSV === 'servicemeshoperator.v2.6.1',
    );
  });

  test('a startingCSV the channel does not carry fails resolution with OLM message', async () => {
    const ns = 'wrong-channel';
    subscribe(ns, 'rhods-operator', { channel: 'stable', startingCSV: 'rhods-operator.2.9.1', installPlanApproval: 'Manual' });
    const failed = await waitFor('ResolutionFailed', () =>
      sub(ns, 'rhods-operator').status?.conditions?.find((c: KObject) => c.type === 'ResolutionFailed'),
    );
    assert.match(failed.message, /no operators found with name rhods-operator\.2\.9\.1 in channel stable of package rhods-operator/);
    assert.equal(plans(ns).length, 0);
  });
});

describe('twin OLM faults of the pinned install', () => {
  test('olm-catalog-lacks-version: no channel offers 2.9; olm-upgrade-bundled-into-install-plan: the first plan carries 2.10.0 too', async () => {
    const t = await startLocalTwin({ faults: ['olm-catalog-lacks-version'] });
    try {
      const client = new TwinClient(t.twin.api, 'test', TWIN_SYSTEM);
      const pm = client.get('packages.operators.coreos.com/v1', 'PackageManifest', 'rhods-operator', 'openshift-marketplace')!;
      assert.ok(pm.status.channels.every((c: KObject) => c.entries.every((e: KObject) => !e.version.startsWith('2.9.'))));
    } finally {
      await t.stop();
    }
    const u = await startLocalTwin({ faults: ['olm-upgrade-bundled-into-install-plan'] });
    try {
      const client = new TwinClient(u.twin.api, 'test', TWIN_SYSTEM);
      client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } });
      client.create({
        apiVersion: OLM,
        kind: 'Subscription',
        metadata: { name: 'rhods-operator', namespace: 'b' },
        spec: {
          name: 'rhods-operator',
          channel: 'fast',
          startingCSV: 'rhods-operator.2.9.1',
          installPlanApproval: 'Manual',
          source: 'redhat-operators',
          sourceNamespace: 'openshift-marketplace',
        },
      });
      const ip = await waitFor('the plan', () => client.list(OLM, 'InstallPlan', 'b')[0]);
      assert.deepEqual(ip.spec.clusterServiceVersionNames, ['rhods-operator.2.9.1', 'rhods-operator.2.10.0']);
    } finally {
      await u.stop();
    }
  });
});
