// The twin's trusted CA bundle (rhods-operator 2.9 pkg/trustedcabundle + certconfigmapgenerator)
// and the Cluster Network Operator's injection it relies on: which namespaces get
// odh-trusted-ca-bundle, what it holds, how it follows the DSCI, the opt-out annotation, the three
// management states, and the faults. The operator is installed the way the harness installs it
// (a Subscription), so that it acts only once its CSV has succeeded.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KObject } from '../../../twin/api/types';
import {
  CA_CONFIG_MAP,
  CLUSTER_CA_KEY,
  CUSTOM_CA_KEY,
  OPT_OUT_ANNOTATION,
  optedOut,
  shouldInject,
} from '../../../twin/controllers/trusted-ca-bundle';
import { uniqueName } from './helpers';
import { APPS, clusterWithOperator, DSCI, waitFor, type Cluster } from './rhoai-operator.helpers';

const PEM_A = '-----BEGIN CERTIFICATE-----\nMIIBcustomA\n-----END CERTIFICATE-----\n';
const PEM_B = '-----BEGIN CERTIFICATE-----\nMIIBcustomB\n-----END CERTIFICATE-----\n';

/** A twin with the RHOAI operator subscribed, default-dsci created by it, and the bundle in the applications namespace. */
async function clusterWithBundle(faults: string[] = []): Promise<Cluster> {
  const cluster = await clusterWithOperator(faults, 'created');
  await waitFor(`${CA_CONFIG_MAP} in ${APPS}`, () => cluster.client.get('v1', 'ConfigMap', CA_CONFIG_MAP, APPS));
  return cluster;
}

function bundle(c: Cluster, ns: string): KObject | undefined {
  return c.client.get('v1', 'ConfigMap', CA_CONFIG_MAP, ns);
}

function setTrustedCa(c: Cluster, trustedCABundle: Record<string, string>): void {
  c.client.patch(DSCI, 'DSCInitialization', 'default-dsci', undefined, { spec: { trustedCABundle } });
}

function namespace(c: Cluster, name: string, annotations?: Record<string, string>): void {
  c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(annotations ? { annotations } : {}) } });
}

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('which namespaces the operator gives the bundle (ShouldInjectTrustedBundle)', () => {
  test('all but openshift-*, kube-*, default and openshift, and those opted out with a false annotation', () => {
    const ns = (name: string, value?: string): KObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, ...(value !== undefined ? { annotations: { [OPT_OUT_ANNOTATION]: value } } : {}) },
    });
    assert.deepEqual(
      ['openshift-config', 'kube-system', 'default', 'openshift', 'openshifty', 'kube', 'team-a'].map((n) => shouldInject(ns(n))),
      [false, false, false, false, true, true, true],
    );
    assert.deepEqual(
      ['false', 'False', 'FALSE', '0', 'f', 'F', 'true', 'no', ''].map((v) => optedOut(ns('x', v))),
      [true, true, true, true, true, true, false, false, false],
    );
  });
});

describe('the twin trusted CA bundle', () => {
  let c: Cluster;
  before(async () => {
    c = await clusterWithBundle();
  });
  after(() => c.twin.stop());

  test('a fresh install puts the bundle, labelled, into the applications namespace and the cluster-wide bundle into ca-bundle.crt', async () => {
    const cm = await waitFor('ca-bundle.crt injected', () => (bundle(c, APPS)?.data?.[CLUSTER_CA_KEY] ? bundle(c, APPS) : undefined));
    assert.deepEqual(cm.metadata.labels, {
      'app.kubernetes.io/part-of': 'opendatahub-operator',
      'config.openshift.io/inject-trusted-cabundle': 'true',
    });
    assert.equal(cm.data[CUSTOM_CA_KEY], '', 'default-dsci is created with an empty customCABundle');
    const published = c.client.get('v1', 'ConfigMap', 'trusted-ca-bundle', 'openshift-config-managed');
    assert.equal(cm.data[CLUSTER_CA_KEY], published?.data?.[CLUSTER_CA_KEY]);
    assert.ok(
      cm.data[CLUSTER_CA_KEY].includes(c.twin.ingressCaPem.trim()) && cm.data[CLUSTER_CA_KEY].includes(c.twin.caPem.trim()),
      'the cluster bundle holds the ingress and API server CAs',
    );
    for (const ns of ['default', 'openshift', 'kube-system', 'openshift-config', 'openshift-operators'])
      assert.equal(bundle(c, ns), undefined, `${ns} is reserved`);
    assert.ok(bundle(c, 'redhat-ods-operator'), 'the operator namespace is not reserved');
  });

  test('a custom CA in the DSCI reaches every bundle', async () => {
    setTrustedCa(c, { managementState: 'Managed', customCABundle: PEM_A });
    for (const ns of [APPS, 'redhat-ods-monitoring', 'redhat-ods-operator'])
      await waitFor(`${ns} updated`, () => bundle(c, ns)?.data?.[CUSTOM_CA_KEY] === PEM_A);
    assert.ok(bundle(c, APPS)!.data[CLUSTER_CA_KEY], 'the update keeps the injected cluster bundle');
  });

  // rhods-operator rhoai-2.9 certconfigmapgenerator: annotating an existing namespace false starts no
  // reconcile (watchNamespaceResource maps only namespaces that should get the bundle); the next
  // change of its ConfigMap does, and that reconcile deletes it.
  test('a new namespace gets the bundle; one created opted out does not; opting out later removes it at the next change of the ConfigMap', async () => {
    const fresh = uniqueName('team');
    const quiet = uniqueName('quiet');
    namespace(c, fresh);
    namespace(c, quiet, { [OPT_OUT_ANNOTATION]: 'false' });
    await waitFor('the new namespace gets the bundle', () => bundle(c, fresh)?.data?.[CUSTOM_CA_KEY] === PEM_A);
    await waitFor('and the cluster bundle', () => bundle(c, fresh)?.data?.[CLUSTER_CA_KEY]);
    assert.equal(bundle(c, quiet), undefined);
    // The cluster bundle's injection changed the ConfigMap, which queues one more reconcile of it: let
    // that run first, or it (rightly) sees the opt-out below and deletes the bundle. Seen under load.
    await settle();
    c.client.patch('v1', 'Namespace', fresh, undefined, { metadata: { annotations: { [OPT_OUT_ANNOTATION]: 'false' } } });
    await settle();
    assert.equal(bundle(c, fresh)?.data?.[CUSTOM_CA_KEY], PEM_A, 'opting out alone starts no reconcile: the bundle stays');
    c.client.patch('v1', 'ConfigMap', CA_CONFIG_MAP, fresh, { data: { [CUSTOM_CA_KEY]: 'edited' } });
    await waitFor('the change of the ConfigMap removes it from the opted-out namespace', () => !bundle(c, fresh));
    c.client.patch('v1', 'Namespace', quiet, undefined, { metadata: { annotations: { [OPT_OUT_ANNOTATION]: 'true' } } });
    await waitFor('opting back in brings it', () => bundle(c, quiet)?.data?.[CUSTOM_CA_KEY] === PEM_A);
  });

  test('an edited custom CA is put back, a deleted bundle comes back', async () => {
    c.client.patch('v1', 'ConfigMap', CA_CONFIG_MAP, APPS, { data: { [CUSTOM_CA_KEY]: 'tampered' } });
    await waitFor('restored', () => bundle(c, APPS)?.data?.[CUSTOM_CA_KEY] === PEM_A);
    c.client.delete('v1', 'ConfigMap', CA_CONFIG_MAP, 'redhat-ods-monitoring');
    await waitFor('recreated', () => bundle(c, 'redhat-ods-monitoring')?.data?.[CUSTOM_CA_KEY] === PEM_A);
  });

  test('Unmanaged keeps the bundles as they are; Removed deletes them everywhere', async () => {
    setTrustedCa(c, { managementState: 'Unmanaged', customCABundle: PEM_B });
    await settle();
    assert.equal(bundle(c, APPS)?.data?.[CUSTOM_CA_KEY], PEM_A, 'Unmanaged: not updated');
    const team = uniqueName('unmanaged');
    namespace(c, team);
    await settle();
    assert.equal(bundle(c, team), undefined, 'Unmanaged: no bundle for a new namespace');
    setTrustedCa(c, { managementState: 'Removed', customCABundle: PEM_B });
    await waitFor('all deleted', () => c.client.list('v1', 'ConfigMap').every((cm) => cm.metadata.name !== CA_CONFIG_MAP));
    setTrustedCa(c, { managementState: 'Managed', customCABundle: PEM_B });
    await waitFor(
      'back with the new CA',
      () => bundle(c, APPS)?.data?.[CUSTOM_CA_KEY] === PEM_B && bundle(c, team)?.data?.[CUSTOM_CA_KEY] === PEM_B,
    );
  });
});

describe('the twin trusted CA bundle faults', () => {
  test('trusted-ca-bundle-stale: existing bundles keep the CA they were created with', async () => {
    const c = await clusterWithBundle(['trusted-ca-bundle-stale']);
    try {
      setTrustedCa(c, { managementState: 'Managed', customCABundle: PEM_A });
      const fresh = uniqueName('after');
      namespace(c, fresh);
      await waitFor('a new namespace still gets the current CA', () => bundle(c, fresh)?.data?.[CUSTOM_CA_KEY] === PEM_A);
      assert.equal(bundle(c, APPS)?.data?.[CUSTOM_CA_KEY], '', 'the existing bundle is stale');
    } finally {
      await c.twin.stop();
    }
  });

  test('trusted-ca-bundle-ignores-opt-out: an opted-out namespace gets the bundle', async () => {
    const c = await clusterWithBundle(['trusted-ca-bundle-ignores-opt-out']);
    try {
      const quiet = uniqueName('quiet');
      namespace(c, quiet, { [OPT_OUT_ANNOTATION]: 'false' });
      await waitFor('the opted-out namespace gets it anyway', () => bundle(c, quiet));
      assert.equal(bundle(c, 'openshift-config'), undefined, 'reserved namespaces are still left out');
    } finally {
      await c.twin.stop();
    }
  });
});
