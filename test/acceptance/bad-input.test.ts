// Bad input, as a matrix: every class of wrong input a user can give the harness stops the run with
// an error that names the input and what is allowed, exits non-zero, and writes nothing to the
// cluster — proved against a standalone twin through its audit log (reads and access reviews are
// allowed; no create, update, patch or delete may succeed). Each run in a warm Cucumber process
// (runHarnessWarm: the exit code, output and reports of a new process, warm-run.test.ts shows it;
// measured 38 → 17 CPU-s for the matrix).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runHarnessWarm, scratch, type HarnessRun } from './harness-run';
import { auditEvents, startStandaloneTwin, successfulWrites, type StandaloneTwin } from './standalone-twin';

interface BadInput {
  what: string;
  env?: Record<string, string>;
  args?: string[];
  /** Words the error must contain: the input's name and what is allowed or what is wrong. */
  says: (string | RegExp)[];
}

describe('bad input stops the run, says why and writes nothing', { concurrency: 4 }, () => {
  let twin: StandaloneTwin;
  let dir: string;
  let plainKubeconfig: string;
  let expiredKubeconfig: string;
  let unreachableKubeconfig: string;
  const files: Record<string, string> = {};

  before(async () => {
    dir = scratch('bad-input');
    twin = await startStandaloneTwin(dir);
    const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', twin.kubeconfig, ...args], { encoding: 'utf8' }).trim();
    // A user who is not a cluster-admin: a service account's token, as `oc create token` gives it.
    kubectl('create', 'serviceaccount', 'plain-user', '-n', 'default');
    const plainToken = kubectl('create', 'token', 'plain-user', '-n', 'default');
    const config = readFileSync(twin.kubeconfig, 'utf8');
    plainKubeconfig = join(dir, 'plain-kubeconfig');
    writeFileSync(plainKubeconfig, config.replace(twin.adminToken, plainToken), { mode: 0o600 });
    expiredKubeconfig = join(dir, 'expired-kubeconfig');
    writeFileSync(expiredKubeconfig, config.replace(twin.adminToken, 'sha256~expired-token-of-an-old-login-aaaaaaaaaaaaaaaaaaa'), {
      mode: 0o600,
    });
    unreachableKubeconfig = join(dir, 'unreachable-kubeconfig');
    writeFileSync(unreachableKubeconfig, config.replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'), {
      mode: 0o600,
    });
    files.malformed = join(dir, 'malformed-kubeconfig');
    writeFileSync(files.malformed, 'apiVersion: v1\nclusters: [ {name: "x", cluster: {server: \n', { mode: 0o600 });
    files.ghost = join(dir, 'ghost-kubeconfig');
    writeFileSync(files.ghost, config.replace(/current-context: .*/, 'current-context: ghost'), { mode: 0o600 });
    files.notPem = join(dir, 'not-a-ca.pem');
    writeFileSync(files.notPem, 'this is not a certificate\n');
    files.badPem = join(dir, 'broken-ca.pem');
    writeFileSync(files.badPem, '-----BEGIN CERTIFICATE-----\nMIIBroken\n-----END CERTIFICATE-----\n');
  });
  after(() => twin?.stop());

  const onTwin = () => ({
    KUBECONFIG: twin.kubeconfig,
    RHOAI_TARGET: 'cluster',
    RHOAI_RESOLVE: twin.resolve,
    RHOAI_ADMIN_PASSWORD: 'a-Passw0rd-for-bad-input',
  });

  const matrix: (() => BadInput)[] = [
    () => ({
      what: 'a profile that does not exist',
      env: { ...onTwin(), RHOAI_PROFILE: 'everything' },
      says: ['RHOAI_PROFILE="everything" is not valid', 'all | train-only | infer-only'],
    }),
    () => ({
      what: 'a keep policy that does not exist',
      env: { ...onTwin(), RHOAI_KEEP: 'sometimes' },
      says: ['RHOAI_KEEP="sometimes" is not valid', 'never | on-failure | always'],
    }),
    () => ({ what: 'a wait timeout of 0', env: { ...onTwin(), RHOAI_WAIT_TIMEOUT: '0' }, says: ['RHOAI_WAIT_TIMEOUT="0" is not valid'] }),
    () => ({
      what: 'kubeadmin as the admin user',
      env: { ...onTwin(), RHOAI_ADMIN_USER: 'kubeadmin' },
      says: ['RHOAI_ADMIN_USER="kubeadmin" is not valid', 'not kubeadmin'],
    }),
    () => ({
      what: 'an admin password too short (never shown)',
      env: { ...onTwin(), RHOAI_ADMIN_PASSWORD: 'short' },
      says: ['RHOAI_ADMIN_PASSWORD=(secret value not shown) is not valid', 'at least 8 characters'],
    }),
    () => ({
      what: 'a cluster queue of no CPU',
      env: { ...onTwin(), RHOAI_CLUSTER_QUEUE_CPU: '0' },
      says: ['RHOAI_CLUSTER_QUEUE_CPU="0" is not valid', 'greater than 0'],
    }),
    () => ({
      what: 'a wrong RHOAI_RESOLVE',
      env: { ...onTwin(), RHOAI_RESOLVE: 'apps.example.com' },
      says: ['RHOAI_RESOLVE="apps.example.com" is not valid', 'HOSTPATTERN=IP:PORT'],
    }),
    () => ({
      what: 'a custom CA file that does not exist',
      env: { ...onTwin(), RHOAI_CUSTOM_CA_FILE: join(dir, 'missing.pem') },
      says: ['RHOAI_CUSTOM_CA_FILE=', 'does not exist', 'an existing PEM file'],
    }),
    () => ({
      what: 'a custom CA file without a certificate',
      env: { ...onTwin(), RHOAI_CUSTOM_CA_FILE: files.notPem! },
      says: ['RHOAI_CUSTOM_CA_FILE=', 'holds no PEM certificate'],
    }),
    () => ({
      what: 'a custom CA file whose certificate does not parse',
      env: { ...onTwin(), RHOAI_CUSTOM_CA_FILE: files.badPem! },
      says: ['RHOAI_CUSTOM_CA_FILE=', 'certificate 1 of', 'does not parse'],
    }),
    () => ({
      what: 'a reports directory that cannot be written',
      env: { ...onTwin(), RHOAI_REPORTS_DIR: '/dev/null/reports' },
      says: ['RHOAI_REPORTS_DIR="/dev/null/reports" is not valid', '/dev/null is not a directory'],
    }),
    () => ({
      what: 'a work directory inside reports/',
      env: { ...onTwin(), RHOAI_REPORTS_DIR: join(dir, 'r'), RHOAI_WORK_DIR: join(dir, 'r', 'work') },
      says: ['RHOAI_WORK_DIR=', 'outside reports/'],
    }),
    () => ({
      what: 'a fault name that is not a name',
      env: { RHOAI_TARGET: 'twin', RHOAI_TWIN_FAULTS: 'Not A Fault' },
      says: ['RHOAI_TWIN_FAULTS="Not A Fault" is not valid'],
    }),
    () => ({
      what: 'a fault the twin does not know',
      env: { RHOAI_TARGET: 'twin', RHOAI_TWIN_FAULTS: 'no-such-fault' },
      says: ['unknown fault: no-such-fault', 'npx rhoai-twin faults --json'],
    }),
    () => ({
      what: 'a tag that selects no scenario',
      env: onTwin(),
      args: ['--tags', '@no-such-area'],
      says: ['--tags "@no-such-area" selects no scenario', '@install'],
    }),
    () => ({
      what: 'a tag expression that does not parse',
      env: onTwin(),
      args: ['--tags', '@install and'],
      says: ['--tags "@install and" is not a tag expression'],
    }),
    () => ({ what: 'a malformed kubeconfig', env: { ...onTwin(), KUBECONFIG: files.malformed! }, says: [`kubeconfig ${files.malformed}`] }),
    () => ({
      what: 'a kubeconfig whose current context is not defined',
      env: { ...onTwin(), KUBECONFIG: files.ghost! },
      says: [`kubeconfig ${files.ghost}: current-context "ghost" is not defined under contexts`],
    }),
    () => ({
      what: 'an unreachable server',
      env: { ...onTwin(), KUBECONFIG: unreachableKubeconfig },
      says: ['the cluster at https://127.0.0.1:1 cannot be reached'],
    }),
    () => ({
      what: 'an expired token',
      env: { ...onTwin(), KUBECONFIG: expiredKubeconfig },
      says: [/the cluster at https:\/\/127\.0\.0\.1:\d+ refused the harness/, 'HTTP 401', 'log in again'],
    }),
    () => ({
      what: 'a user who is not a cluster-admin',
      env: { ...onTwin(), KUBECONFIG: plainKubeconfig },
      says: ['the user system:serviceaccount:default:plain-user is not a cluster-admin', 'log in as a cluster-admin'],
    }),
    () => ({
      what: 'no admin password on a real cluster',
      env: { ...onTwin(), RHOAI_ADMIN_PASSWORD: '' },
      args: ['--tags', '@install'],
      says: ['RHOAI_ADMIN_PASSWORD is not set', 'log in as the admin user', 'at least 8 characters'],
    }),
    () => ({
      what: 'an RHOAI version the catalog does not carry (checked before the first scenario, not at INS-OP-01)',
      env: { ...onTwin(), RHOAI_EXPECTED_VERSION: '2.99' },
      says: ['catalog redhat-operators offers no rhods-operator 2.99', 'its channels offer fast (', 'set RHOAI_EXPECTED_VERSION'],
    }),
    () => ({
      what: 'a Service Mesh version the catalog does not carry',
      env: { ...onTwin(), RHOAI_SERVICEMESH_VERSION: '9.1' },
      says: ['offers no servicemeshoperator 9.1', 'set RHOAI_SERVICEMESH_VERSION'],
    }),
  ];

  for (const [i, make] of matrix.entries()) {
    test(`bad input ${i + 1}`, async (t) => {
      const input = make();
      t.diagnostic(input.what);
      const written = auditEvents(twin.auditLog).length;
      // --fail-fast: the first scenario shows the error; the rest would repeat it.
      const run: HarnessRun = await runHarnessWarm([...(input.args ?? ['--tags', '@install']), '--fail-fast'], {
        RHOAI_TWIN_FAULTS: undefined,
        RHOAI_KEEP: undefined,
        ...input.env,
      });
      const output = `${run.stderr}\n${run.stdout}`;
      assert.notEqual(run.code, 0, `${input.what}: the run exited 0\n${output.slice(-1500)}`);
      for (const words of input.says) {
        if (typeof words === 'string')
          assert.ok(output.includes(words), `${input.what}: the error does not say "${words}":\n${output.slice(-2000)}`);
        else assert.match(output, words, `${input.what}: the error does not say ${words}`);
      }
      assert.deepEqual(successfulWrites(auditEvents(twin.auditLog).slice(written)), [], `${input.what}: the run wrote to the cluster`);
      assert.ok(!run.scenarios.some((s) => s.status === 'passed'), `${input.what}: a scenario passed`);
    });
  }
});
