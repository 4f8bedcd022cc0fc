// The conformance gate as it runs inside a cluster: deploy/manifests validate against a standalone
// twin (`kubectl apply --dry-run=server`) and against the upstream schemas
// (../shared/tools/validate-manifests.mjs), and the harness, given only what a pod has — the service
// account's token and CA files (RHOAI_SERVICE_ACCOUNT_DIR) and KUBERNETES_SERVICE_HOST/PORT — finds
// the API server, acts as that service account, and its verdict comes out of scripts/gate-summary.mjs.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import { ROOT, runHarness, scratch } from './harness-run';
import { auditEvents, startStandaloneTwin, type StandaloneTwin } from './standalone-twin';

const MANIFESTS = join(ROOT, 'deploy', 'manifests');
const VALIDATOR = join(ROOT, '..', 'shared', 'tools', 'validate-manifests.mjs');
const SA = 'system:serviceaccount:rhoai-conformance:rhoai-conformance';

describe('the conformance gate inside a cluster', () => {
  let twin: StandaloneTwin;
  let dir: string;
  let saDir: string;
  let port: string;
  const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', twin.kubeconfig, ...args], { encoding: 'utf8' });
  const podEnv = (extra: Record<string, string> = {}) => ({
    KUBECONFIG: undefined,
    HOME: join(dir, 'home'),
    RHOAI_TARGET: 'in-cluster',
    RHOAI_SERVICE_ACCOUNT_DIR: saDir,
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: port,
    RHOAI_RESOLVE: twin.resolve,
    ...extra,
  });

  before(async () => {
    dir = scratch('in-cluster');
    mkdirSync(join(dir, 'home'));
    twin = await startStandaloneTwin(join(dir));
    const config = yaml.load(readFileSync(twin.kubeconfig, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    };
    port = new URL(config.clusters[0].cluster.server).port;
    // What the kubelet mounts into the pod: the token of the service account, the cluster's CA, the namespace.
    kubectl(
      'apply',
      '-f',
      join(MANIFESTS, '00-namespace.yaml'),
      '-f',
      join(MANIFESTS, '10-serviceaccount.yaml'),
      '-f',
      join(MANIFESTS, '20-rbac.yaml'),
    );
    saDir = join(dir, 'serviceaccount');
    mkdirSync(saDir);
    writeFileSync(join(saDir, 'token'), kubectl('create', 'token', 'rhoai-conformance', '-n', 'rhoai-conformance').trim(), { mode: 0o600 });
    writeFileSync(join(saDir, 'ca.crt'), Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64'));
    writeFileSync(join(saDir, 'namespace'), 'rhoai-conformance');
  });

  after(async () => twin?.stop());

  test('the manifests pass a server-side dry run on the twin', () => {
    const out = kubectl('apply', '--dry-run=server', '-f', MANIFESTS);
    for (const kind of [
      'namespace/rhoai-conformance',
      'serviceaccount/rhoai-conformance',
      'persistentvolumeclaim/rhoai-conformance-reports',
      'job.batch/rhoai-conformance',
    ])
      assert.match(out, new RegExp(`${kind.replace('.', '\\.')} .*\\(server dry run\\)`), out);
    assert.equal(kubectl('get', 'jobs', '-n', 'rhoai-conformance', '-o', 'name').trim(), '', 'the dry run created the Job');
  });

  test(
    'the manifests and the Tekton Task validate against the upstream schemas',
    { skip: !existsSync(VALIDATOR) && `${VALIDATOR} is not here` },
    () => {
      const files = [...readdirSync(MANIFESTS).map((f) => join(MANIFESTS, f)), join(ROOT, 'deploy', 'ci', 'tekton-task.yaml')];
      const run = spawnSync(process.execPath, [VALIDATOR, ...files], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    },
  );

  test('with the service account files and KUBERNETES_SERVICE_*, the harness acts as the service account', async () => {
    // The run's requests by when the twin received them: the twin appends to its audit log through a
    // stream, so the lines of the kubectl calls before the run may land after a count taken here.
    const started = new Date().toISOString();
    const run = await runHarness(['--tags', '@req.INS-LOGIN-01'], podEnv());
    assert.equal(run.code, 0, `${run.stderr.slice(-2000)}`);
    assert.match(run.stderr, new RegExp(`target = cluster https://127\\.0\\.0\\.1:${port} \\(context in-cluster\\)`));
    assert.deepEqual(
      run.scenarios.map((s) => `${s.status} ${s.name}`),
      ['passed oc login: the harness is logged in to the cluster'],
    );
    const users = new Set(
      (auditEvents(twin.auditLog) as unknown as { user: { username: string }; requestReceivedTimestamp: string }[])
        .filter((e) => e.requestReceivedTimestamp >= started)
        .map((e) => e.user.username),
    );
    assert.ok(users.size > 0, 'the twin recorded no request of the run');
    assert.deepEqual([...users], [SA], 'every request of the run came from the service account');
    const verdict = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gate-summary.mjs'), run.reports, String(run.code)], {
      encoding: 'utf8',
    });
    assert.match(verdict.stdout, /junit: 1 tests, 1 passed, 0 failed/);
    assert.match(verdict.stdout, /verdict: PASS/);
    assert.equal(verdict.status, 0);
  });

  test('a pod without the token file is told which setting names the directory', async () => {
    const run = await runHarness(
      ['--tags', '@req.INS-LOGIN-01'],
      podEnv({ RHOAI_TARGET: 'in-cluster', RHOAI_SERVICE_ACCOUNT_DIR: join(dir, 'home') }),
    );
    assert.notEqual(run.code, 0);
    assert.match(
      run.stdout + run.stderr,
      /service account's token .*token cannot be read \(ENOENT\); RHOAI_SERVICE_ACCOUNT_DIR names the directory/,
    );
  });
});
