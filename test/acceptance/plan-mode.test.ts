// Plan mode (RHOAI_PLAN=1) writes nothing: against a fresh standalone twin and against one after a
// normal install (the installed cluster of this `npm test`, installed-cluster.ts, restored into a
// twin of its own), every write request of the plan run carries dryRun=All (the twin's audit log),
// the cluster is as it was, and the plan lists the right objects — would-create on the fresh twin,
// unchanged after the install. Steps that need a listed change are skipped, never passed. The plan
// runs are read for their reports and output only: warm Cucumber processes (runHarnessWarm).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runHarnessWarm, scratch, type HarnessRun } from './harness-run';
import { installedCluster } from './installed-cluster';
import { auditEvents, startStandaloneTwin, type AuditEvent, type StandaloneTwin, WRITES } from './standalone-twin';

/** Creates that only ask a question (access and token reviews, token requests) and store nothing. */
const stores = (e: AuditEvent) => !e.objectRef?.resource?.endsWith('reviews') && e.objectRef?.subresource !== 'token';
const password = `Pw-${randomBytes(12).toString('hex')}`;

interface PlanJson {
  wouldCreate: { kind: string; namespace?: string; name: string }[];
  wouldChange: { kind: string; namespace?: string; name: string; changes: unknown[] }[];
  wouldDelete: unknown[];
  unchanged: { kind: string; namespace?: string; name: string }[];
  notRun: { scenario: string; reason: string }[];
}

const names = (list: { kind: string; namespace?: string; name: string }[]) =>
  list.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`);
const planOf = (run: HarnessRun) => JSON.parse(readFileSync(join(run.reports, 'plan.json'), 'utf8')) as PlanJson;

/** The writes of the harness (the kubeconfig's user) that were not dry runs and store something. */
function realWrites(events: AuditEvent[]): string[] {
  return events
    .filter((e) => WRITES.has(e.verb) && stores(e) && !/[?&]dryRun=All(&|$)/.test(e.requestURI))
    .map((e) => `${e.verb} ${e.requestURI} → ${e.responseStatus.code}`);
}

describe('plan mode writes nothing and lists what a run would do', () => {
  let twin: StandaloneTwin;
  let installedTwin: StandaloneTwin;
  let fresh: HarnessRun;
  let freshEvents: AuditEvent[];
  let freshNamespaces: string;
  let installed: HarnessRun;
  let installedEvents: AuditEvent[];
  const env = (on: StandaloneTwin, adminPassword: string) => ({
    KUBECONFIG: on.kubeconfig,
    RHOAI_TARGET: 'cluster',
    RHOAI_ADMIN_PASSWORD: adminPassword,
    RHOAI_RESOLVE: on.resolve,
    RHOAI_PLAN: '1',
  });

  before(async () => {
    twin = await startStandaloneTwin(scratch('plan-twin'));
    fresh = await runHarnessWarm(['--tags', '@install'], env(twin, password));
    freshEvents = auditEvents(twin.auditLog);
    freshNamespaces = execFileSync('kubectl', ['--kubeconfig', twin.kubeconfig, 'get', 'namespaces', '-o', 'name'], { encoding: 'utf8' });
    // After a normal install: the installed cluster, restored; the plan run from a machine that kept nothing.
    const cluster = await installedCluster();
    installedTwin = await startStandaloneTwin(scratch('plan-installed-twin'), ['--restore', cluster.snapshot]);
    const mark = auditEvents(installedTwin.auditLog).length;
    installed = await runHarnessWarm(['--tags', '@install'], env(installedTwin, cluster.password));
    installedEvents = auditEvents(installedTwin.auditLog).slice(mark);
  });

  after(async () => {
    await twin?.stop();
    await installedTwin?.stop();
  });

  test('on a fresh twin: every write was a dry run, and nothing was created', () => {
    assert.equal(fresh.code, 0, fresh.stderr.slice(-1500));
    assert.ok(
      freshEvents.some((e) => WRITES.has(e.verb) && e.requestURI.includes('dryRun=All')),
      'the plan run sent no dry run at all',
    );
    assert.deepEqual(realWrites(freshEvents), [], 'the plan run wrote to the cluster');
    for (const ns of ['redhat-ods-operator', 'istio-system', 'knative-serving', 'distributed-workloads'])
      assert.ok(!freshNamespaces.includes(`namespace/${ns}\n`), `the plan run left namespace ${ns}`);
  });

  test('on a fresh twin: the plan lists what the installer would create, and judges nothing that needs it', () => {
    const plan = planOf(fresh);
    const created = names(plan.wouldCreate);
    for (const expected of [
      'Namespace redhat-ods-operator',
      'Secret openshift-config/htpass-secret',
      'Subscription openshift-operators/servicemeshoperator',
      'Namespace istio-system',
    ])
      assert.ok(created.includes(expected), `would-create lacks ${expected}: ${created.join(', ')}`);
    assert.ok(names(plan.wouldChange).includes('OAuth cluster'), 'the htpasswd provider would change OAuth cluster');
    assert.deepEqual(plan.unchanged, []);
    assert.ok(plan.notRun.length > 0);
    // A scenario whose checks need the change is never reported as passed.
    const operator = fresh.scenarios.find((s) => s.name === 'Subscribe to the rhods-operator and wait for its CSV to succeed');
    assert.equal(operator?.status, 'skipped');
    assert.ok(!fresh.scenarios.some((s) => s.status === 'failed'));
    assert.match(fresh.stderr, /would create: \d+/, 'the plan is printed');
  });

  test('after a normal install: every write was a dry run, the plan is all unchanged, and the checks ran', () => {
    assert.equal(installed.code, 0, installed.stderr.slice(-1500));
    assert.deepEqual(realWrites(installedEvents), [], 'the plan run wrote to the cluster');
    const plan = planOf(installed);
    assert.deepEqual(names(plan.wouldCreate), [], 'nothing is left to create after an install');
    assert.deepEqual(plan.wouldChange, [], 'nothing is left to change after an install');
    const unchanged = names(plan.unchanged);
    for (const expected of [
      'OperatorGroup redhat-ods-operator/rhods-operator',
      'ClusterRoleBinding rhoai-admin-cluster-admin',
      'DataScienceCluster default-dsc',
      'ClusterQueue cluster-queue',
    ])
      assert.ok(unchanged.includes(expected), `unchanged lacks ${expected}: ${unchanged.join(', ')}`);
    assert.deepEqual(plan.notRun, []);
    assert.ok(installed.scenarios.length > 0 && installed.scenarios.every((s) => s.status !== 'failed'));
  });
});
