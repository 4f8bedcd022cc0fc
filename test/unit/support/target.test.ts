// Target selection, the twin launcher (against a stand-in CLI that plays the twin's contract), the
// run-wide election of one starter, and preflight.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient } from '../../../support/core/cluster';
import { loadSettings } from '../../../support/core/config';
import { chooseTarget, describeTarget } from '../../../support/core/target/connect';
import { preflight } from '../../../support/core/target/preflight';
import { oncePerRun, runDirectory } from '../../../support/core/target/run-coordination';
import { parseReadyLine, startTwinProcess, twinArguments, type TwinLaunch } from '../../../support/core/target/twin-process';
import { FakeKubeApi } from './helpers/fake-kube-api';

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'target-test-'));
const FAKE_CLI = path.join(__dirname, 'helpers', 'fake-twin-cli.ts');
const started: number[] = [];
after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function launch(overrides: Partial<TwinLaunch> = {}): TwinLaunch {
  const workDir = fs.mkdtempSync(path.join(dir, 'work-'));
  return {
    cli: FAKE_CLI,
    cwd: process.cwd(),
    workDir,
    auditLog: path.join(workDir, 'audit.jsonl'),
    faults: [],
    latencyMs: 0,
    exitWithPid: process.pid,
    timeoutMs: 30_000,
    ...overrides,
  };
}

const CONTEXT_KUBECONFIG =
  'clusters: [{name: c, cluster: {server: "https://api.x:6443"}}]\nusers: [{name: u, user: {token: t0ken-value}}]\ncontexts: [{name: admin, context: {cluster: c, user: u}}]\ncurrent-context: admin\n';

describe('target selection', () => {
  const withContext = path.join(dir, 'with-context');
  const withoutContext = path.join(dir, 'without-context');
  const malformed = path.join(dir, 'malformed');
  fs.writeFileSync(withContext, CONTEXT_KUBECONFIG);
  fs.writeFileSync(withoutContext, 'clusters: []\n');
  fs.writeFileSync(malformed, 'clusters: [\n');
  const emptyHome = fs.mkdtempSync(path.join(dir, 'home-'));

  it('twin ignores the kubeconfig', () => {
    assert.deepEqual(chooseTarget(loadSettings({ RHOAI_TARGET: 'twin', KUBECONFIG: withContext }), emptyHome), { kind: 'twin' });
  });
  it('auto chooses a cluster when a kubeconfig has a current context, else the twin', () => {
    assert.deepEqual(chooseTarget(loadSettings({ KUBECONFIG: withContext }), emptyHome), { kind: 'cluster', files: [withContext] });
    assert.deepEqual(chooseTarget(loadSettings({ KUBECONFIG: withoutContext }), emptyHome), { kind: 'twin' });
    assert.deepEqual(chooseTarget(loadSettings({}), emptyHome), { kind: 'twin' });
  });
  it('auto does not fall back to the twin on a malformed kubeconfig', () => {
    assert.throws(
      () => chooseTarget(loadSettings({ KUBECONFIG: malformed }), emptyHome),
      new RegExp(`kubeconfig ${malformed}: is not valid YAML`),
    );
  });
  it('cluster needs a kubeconfig', () => {
    assert.throws(
      () => chooseTarget(loadSettings({ RHOAI_TARGET: 'cluster' }), emptyHome),
      /RHOAI_TARGET=cluster, but there is no kubeconfig/,
    );
  });
  it('names the target in one line', () => {
    assert.equal(
      describeTarget({ kind: 'twin', server: 'https://127.0.0.1:41234', context: 'twin' }),
      'rhoai-harness: target = embedded twin (simulated OpenShift + RHOAI) at https://127.0.0.1:41234',
    );
    assert.equal(
      describeTarget({ kind: 'cluster', server: 'https://api.x:6443', context: 'admin' }),
      'rhoai-harness: target = cluster https://api.x:6443 (context admin)',
    );
  });
});

describe('twin launcher', () => {
  it('parses the ready line', () => {
    assert.deepEqual(
      parseReadyLine(
        'rhoai-twin ready api=https://127.0.0.1:41234 kubeconfig=/w/twin/kubeconfig RHOAI_RESOLVE=*.apps.twin.local=127.0.0.1:41235 audit=reports/twin/audit.jsonl',
        7,
      ),
      {
        api: 'https://127.0.0.1:41234',
        kubeconfig: '/w/twin/kubeconfig',
        resolve: '*.apps.twin.local=127.0.0.1:41235',
        audit: 'reports/twin/audit.jsonl',
        pid: 7,
      },
    );
    assert.equal(parseReadyLine('listening...'), undefined);
  });

  it('passes kubeconfig, audit log, faults, latency and the coordinator pid', () => {
    const args = twinArguments(launch({ faults: ['a', 'b'], latencyMs: 50, exitWithPid: 42, workDir: '/w', auditLog: '/r/audit.jsonl' }));
    assert.deepEqual(args.slice(3), [
      'serve',
      '--kubeconfig',
      '/w/twin/kubeconfig',
      '--audit-log',
      '/r/audit.jsonl',
      '--faults',
      'a,b',
      '--latency-ms',
      '50',
      '--exit-with-pid',
      '42',
    ]);
    assert.deepEqual(args.slice(0, 2), ['--import', 'tsx']);
  });

  it('runs a compiled twin (RHOAI_BUILD_DIR) without tsx', () => {
    const args = twinArguments(launch({ cli: '/b/twin.cjs', exitWithPid: 42, workDir: '/w', auditLog: '/r/audit.jsonl' }));
    assert.deepEqual(args.slice(0, 2), ['/b/twin.cjs', 'serve']);
  });

  it('starts the twin, reads its ready line, and stops it with SIGTERM', async () => {
    const { ready, child } = await startTwinProcess(launch());
    started.push(child.pid!);
    assert.match(ready.api, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(fs.existsSync(ready.kubeconfig));
    assert.equal(ready.resolve, '*.apps.twin.local=127.0.0.1:9');
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    child.ref(); // the launcher unrefs the twin so that a run never waits for it; this test does
    child.kill('SIGTERM');
    assert.ok([0, 'SIGTERM'].includes((await exited) as number | string), 'the twin stopped');
  });

  it("surfaces the twin's own error verbatim when it exits", async () => {
    await assert.rejects(startTwinProcess(launch({ faults: ['no-such-fault'] })), (error: Error) => {
      assert.match(
        error.message,
        /the embedded twin exited before it was ready \(exit code 2\):\nrhoai-twin: unknown fault "no-such-fault" \(known: api-drop-watches, api-transient-errors\)/,
      );
      return true;
    });
  });

  it('says when the twin CLI does not exist', async () => {
    await assert.rejects(
      startTwinProcess(launch({ cli: path.join(dir, 'missing-cli.ts') })),
      /the embedded twin is not available: .*missing-cli.ts does not exist/,
    );
  });

  it('elects exactly one starter among parallel workers; the others wait for its ready file', async () => {
    const workDir = fs.mkdtempSync(path.join(dir, 'shared-'));
    const runDir = runDirectory(workDir, `${process.pid}-sharedtest`);
    const starts = path.join(workDir, 'starts');
    const env = { ...process.env, FAKE_TWIN_STARTS: starts, FAKE_TWIN_DELAY_MS: '300', COORDINATOR_PID: String(process.pid) };
    const helper = path.join(__dirname, 'helpers', 'share-twin.ts');
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        run(process.execPath, ['--import', 'tsx', helper, runDir, workDir, FAKE_CLI], { env }).then(
          (r) => JSON.parse(r.stdout) as { api: string; ranHere: boolean; pid: number },
        ),
      ),
    );
    const pids = fs.readFileSync(starts, 'utf8').trim().split('\n');
    started.push(...pids.map(Number));
    assert.equal(pids.length, 1, 'one twin started');
    assert.equal(results.filter((r) => r.ranHere).length, 1, 'one starter');
    assert.equal(new Set(results.map((r) => r.api)).size, 1, 'all share its API URL');
  });

  it('gives every waiter the error of a failed start', async () => {
    const workDir = fs.mkdtempSync(path.join(dir, 'failing-'));
    const runDir = runDirectory(workDir, `${process.pid}-failtest`);
    await assert.rejects(
      oncePerRun(runDir, 'twin', 5_000, async () => {
        throw new Error('boom: unknown fault');
      }),
      /boom/,
    );
    await assert.rejects(
      oncePerRun(runDir, 'twin', 5_000, async () => 'never runs'),
      /boom: unknown fault/,
    );
  });

  it('removes the state of runs whose coordinator is gone', () => {
    const workDir = fs.mkdtempSync(path.join(dir, 'stale-'));
    fs.mkdirSync(path.join(workDir, 'runs', '999999999-old'), { recursive: true });
    fs.mkdirSync(path.join(workDir, 'runs', `${process.pid}-previous`), { recursive: true });
    runDirectory(workDir, `${process.pid}-current`);
    assert.deepEqual(fs.readdirSync(path.join(workDir, 'runs')), [`${process.pid}-current`]);
  });
});

describe('preflight', () => {
  const FAST_RETRY = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 };
  let api: FakeKubeApi;
  before(async () => {
    api = await FakeKubeApi.start();
  });
  after(() => api.close());
  const client = (yaml: string) => {
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    return ClusterClient.fromKubeConfig(kc, { retry: FAST_RETRY });
  };

  it('accepts a reachable cluster and reports cluster-admin', async () => {
    assert.deepEqual(await preflight(client(api.kubeconfigYaml()), api.url), { kubernetesVersion: 'v1.28.0-fake', clusterAdmin: true });
  });

  it('names the server and the HTTP status when the credentials are refused', async () => {
    await assert.rejects(preflight(client(api.kubeconfigYaml('sha256~expired-token-000000')), api.url), (error: Error) => {
      assert.match(error.message, new RegExp(`the cluster at ${api.url} refused the harness \\(GET /version: HTTP 401 Unauthorized\\)`));
      assert.match(error.message, /log in again/);
      return true;
    });
  });

  it('names the server and the network error when it cannot be reached', async () => {
    const unreachable = api.kubeconfigYaml().replace(api.url, 'https://127.0.0.1:1');
    await assert.rejects(
      preflight(client(unreachable), 'https://127.0.0.1:1'),
      /the cluster at https:\/\/127.0.0.1:1 cannot be reached \(GET \/version: ECONNREFUSED\)/,
    );
  });
});
