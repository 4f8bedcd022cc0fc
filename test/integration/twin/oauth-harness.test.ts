// The access scenarios (oc login, the htpasswd cluster-admin) run as a user runs them, against a
// standalone twin treated as a real cluster (RHOAI_RESOLVE from its ready line) and against the
// embedded twin: a second run changes nothing (no object created or deleted, the htpasswd entry
// and the generated password kept), and no password or access token reaches a report or the console.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { filesUnder, runHarness, scratch, type HarnessRun } from '../../acceptance/harness-run';
import { auditEvents, startStandaloneTwin, type StandaloneTwin } from '../../acceptance/standalone-twin';

const ACCESS = ['INS-LOGIN-01', 'INS-ADM-01', 'INS-ADM-02', 'INS-ADM-03', 'INS-ADM-04', 'INS-ADM-05', 'INS-ADM-06']
  .map((id) => `@req.${id}`)
  .join(' or ');
const PASSWORD = `Pw-${process.pid}-harness-access`;
/** An OpenShift access token (or the name of its OAuthAccessToken object): never in a report. */
const TOKEN = /sha256~[A-Za-z0-9_-]{43}/;

function htpasswdData(kubeconfig: string): string {
  return execFileSync('kubectl', ['get', 'secret', 'htpass-secret', '-n', 'openshift-config', '-o', 'jsonpath={.data.htpasswd}'], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    encoding: 'utf8',
  });
}

function assertNothingLeaks(run: HarnessRun, secrets: string[]): void {
  for (const file of filesUnder(run.reports)) {
    if (file.endsWith('audit.jsonl')) continue; // the twin's own log, checked by the idempotent-install test
    const text = readFileSync(file).toString('latin1');
    for (const s of secrets) assert.ok(!text.includes(s), `a secret value appears in ${file}`);
    assert.doesNotMatch(text, TOKEN, `an access token appears in ${file}`);
  }
  for (const s of secrets) assert.ok(!run.stdout.includes(s) && !run.stderr.includes(s), 'a secret value appears on the console');
  assert.doesNotMatch(run.stdout + run.stderr, TOKEN, 'an access token appears on the console');
}

function failures(run: HarnessRun): string {
  return `${run.scenarios
    .filter((s) => s.status !== 'passed')
    .map((s) => `${s.name}: ${s.error}`)
    .join('\n')}\n${run.stderr.slice(-1500)}`;
}

describe('the access scenarios against a standalone twin', () => {
  let twin: StandaloneTwin;
  let first: HarnessRun;
  let second: HarnessRun;
  let entriesAfterFirst = '';
  let mark = 0;
  const env = () => ({ KUBECONFIG: twin.kubeconfig, RHOAI_TARGET: 'cluster', RHOAI_ADMIN_PASSWORD: PASSWORD, RHOAI_RESOLVE: twin.resolve });

  before(async () => {
    twin = await startStandaloneTwin(scratch('twin'));
    first = await runHarness(['--tags', ACCESS], env());
    assert.equal(first.code, 0, `the first run failed:\n${failures(first)}`);
    entriesAfterFirst = htpasswdData(twin.kubeconfig);
    mark = auditEvents(twin.auditLog).length;
    second = await runHarness(['--tags', ACCESS], env()); // a fresh work directory: the entry comes from the cluster
  });

  after(async () => twin?.stop());

  test('every access scenario passes, twice', () => {
    assert.equal(first.scenarios.length, 7);
    assert.equal(second.code, 0, `the second run failed:\n${failures(second)}`);
    assert.ok(second.scenarios.every((s) => s.status === 'passed'));
  });

  test('the second run creates nothing, deletes nothing and keeps the htpasswd entry', () => {
    const events = auditEvents(twin.auditLog).slice(mark);
    const writes = events.filter((e) => !['get', 'list', 'watch'].includes(e.verb) && !e.objectRef?.resource?.endsWith('reviews'));
    assert.deepEqual(
      writes.filter((e) => e.verb === 'delete' || e.responseStatus.code === 201).map((e) => `${e.verb} ${e.requestURI}`),
      [],
    );
    assert.deepEqual(
      writes.filter((e) => /secrets|oauths/.test(e.requestURI)).map((e) => `${e.verb} ${e.requestURI}`),
      [],
      'neither the Secret nor OAuth cluster is written again',
    );
    assert.equal(htpasswdData(twin.kubeconfig), entriesAfterFirst);
  });

  test('no password or access token reaches a report or the console', () => {
    assertNothingLeaks(first, [PASSWORD, twin.adminToken]);
    assertNothingLeaks(second, [PASSWORD, twin.adminToken]);
  });
});

test('on the embedded twin the generated admin password is kept in RHOAI_WORK_DIR and reused by the next run', async () => {
  const dir = scratch('embedded-access');
  const env = { RHOAI_TARGET: 'twin', RHOAI_ADMIN_PASSWORD: undefined };
  const run1 = await runHarness(['--tags', ACCESS], env, dir);
  assert.equal(run1.code, 0, failures(run1));
  const file = join(run1.work, 'admin-password');
  const password = readFileSync(file, 'utf8').trim();
  assert.ok(password.length >= 16);
  const run2 = await runHarness(['--tags', ACCESS], env, dir);
  assert.equal(run2.code, 0, failures(run2));
  assert.equal(readFileSync(file, 'utf8').trim(), password, 'the second run reuses the password');
  assertNothingLeaks(run1, [password]);
  assertNothingLeaks(run2, [password]);
});
