// The installer is idempotent: a second `@install` run against the same cluster passes, deletes
// nothing, recreates nothing, and leaves alone the fields it does not own. The first install is the
// installed cluster of this `npm test` (installed-cluster.ts: `@install` on standalone twins, from a
// fresh cluster), restored into a twin of its own. And the run leaks no secret into a report or the
// console (the embedded twin's run is checked in faults.test.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { assertNoSecrets, runHarness, scratch, type HarnessRun } from './harness-run';
import { installedCluster } from './installed-cluster';
import { auditEvents, startStandaloneTwin, type StandaloneTwin } from './standalone-twin';

function kubectl(kubeconfig: string, ...args: string[]): string {
  return execFileSync('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: 'utf8' });
}

/** uid of every object the install leaves, by kind/namespace/name. */
function inventory(kubeconfig: string): Map<string, string> {
  const kinds =
    'namespaces,operatorgroups.operators.coreos.com,subscriptions.operators.coreos.com,installplans.operators.coreos.com,clusterserviceversions.operators.coreos.com,deployments.apps,dscinitializations.dscinitialization.opendatahub.io,datascienceclusters.datasciencecluster.opendatahub.io';
  const list = JSON.parse(kubectl(kubeconfig, 'get', kinds, '-A', '-o', 'json', '--ignore-not-found')) as {
    items: { kind: string; metadata: { namespace?: string; name: string; uid: string } }[];
  };
  return new Map(list.items.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.uid]));
}

describe('the installer against a standalone twin', () => {
  let twin: StandaloneTwin;
  let second: HarnessRun;
  let password: string;
  let before2: Map<string, string>;
  let auditMark = 0;
  const env = () => ({ KUBECONFIG: twin.kubeconfig, RHOAI_TARGET: 'cluster', RHOAI_ADMIN_PASSWORD: password, RHOAI_RESOLVE: twin.resolve });

  before(async () => {
    const cluster = await installedCluster();
    password = cluster.password;
    twin = await startStandaloneTwin(scratch('twin'), ['--restore', cluster.snapshot]);
    // Someone else owns these fields; a re-run must leave them as they are.
    kubectl(twin.kubeconfig, 'label', 'namespace', 'redhat-ods-operator', 'owner=platform-team');
    kubectl(
      twin.kubeconfig,
      'patch',
      'subscription.operators.coreos.com',
      'rhods-operator',
      '-n',
      'redhat-ods-operator',
      '--type',
      'merge',
      '-p',
      '{"spec":{"config":{"env":[{"name":"DISABLE_DSC_CONFIG","value":"false"}]}}}',
    );
    before2 = inventory(twin.kubeconfig);
    auditMark = auditEvents(twin.auditLog).length;
    second = await runHarness(['--tags', '@install'], env());
  });

  after(async () => twin?.stop());

  test('the second run passes', () => {
    assert.equal(
      second.code,
      0,
      `the second install failed:\n${second.scenarios
        .filter((s) => s.status !== 'passed')
        .map((s) => `${s.name}: ${s.error}`)
        .join('\n')}`,
    );
    assert.ok(second.scenarios.length > 0 && second.scenarios.every((s) => s.status === 'passed'));
  });

  test('the second run deletes nothing and creates nothing', () => {
    const events = auditEvents(twin.auditLog).slice(auditMark);
    assert.ok(events.length > 0, 'the second run made no API requests');
    const deletes = events.filter((e) => e.verb === 'delete' || e.verb === 'deletecollection');
    assert.deepEqual(
      deletes.map((e) => e.requestURI),
      [],
      'the second run deleted objects',
    );
    // Reviews (SelfSubjectAccessReview, TokenReview, ...) are questions, not objects: they store nothing.
    const stores = (e: (typeof events)[number]) => !e.objectRef?.resource?.endsWith('reviews') && e.objectRef?.subresource !== 'token';
    const creates = events.filter((e) => e.responseStatus.code === 201 && stores(e));
    assert.deepEqual(
      creates.map((e) => `${e.verb} ${e.requestURI}`),
      [],
      'the second run created objects',
    );
  });

  test('every object keeps its identity (same uid)', () => {
    const after2 = inventory(twin.kubeconfig);
    for (const [key, uid] of before2) assert.equal(after2.get(key), uid, `${key} was recreated`);
  });

  test('fields the harness does not own are left untouched', () => {
    const ns = JSON.parse(kubectl(twin.kubeconfig, 'get', 'namespace', 'redhat-ods-operator', '-o', 'json'));
    assert.equal(ns.metadata.labels.owner, 'platform-team');
    const sub = JSON.parse(
      kubectl(twin.kubeconfig, 'get', 'subscription.operators.coreos.com', 'rhods-operator', '-n', 'redhat-ods-operator', '-o', 'json'),
    );
    assert.deepEqual(sub.spec.config, { env: [{ name: 'DISABLE_DSC_CONFIG', value: 'false' }] });
  });

  test('no secret value reaches a report or the console', () => {
    const secrets = [password, twin.adminToken];
    assertNoSecrets(second, secrets, 'second run');
    const audit = readFileSync(twin.auditLog, 'utf8');
    assert.ok(!audit.includes(twin.adminToken), 'the twin audit log holds the admin token');
  });
});
