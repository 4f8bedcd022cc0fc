// Issue 15 item 3: the end state of a kept tutorial run. After the installer and the tutorials with
// RHOAI_KEEP=always, every model the tutorials protected (the dashboard's token objects: a
// ServiceAccount <isvc>-sa owned by the InferenceService) still asks for token authentication and,
// over the twin's HTTPS ingress at the host of its status.url, refuses a request without a token
// (401/403): no later scenario re-applied it without its protection (one intended state per object).
// To stay cheap the run starts from the installed cluster of this `npm test` (installed-cluster.ts,
// restored into a twin of its own) and runs the serving tutorials only (the fraud model is stored by
// them when the training did not run).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { runHarness, type HarnessRun } from './harness-run';
import { installedCluster, runDirFrom } from './installed-cluster';
import { startStandaloneTwin, type StandaloneTwin } from './standalone-twin';

interface Item {
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  status?: { url?: string };
}

function kubectlJson(kubeconfig: string, ...args: string[]): Item[] {
  return (
    JSON.parse(execFileSync('kubectl', [...args, '-o', 'json'], { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: 'utf8' })) as {
      items: Item[];
    }
  ).items;
}

/** POST an inference request without a token to the host through the twin's ingress (RHOAI_RESOLVE host=ip:port). */
function inferWithoutToken(resolve: string, url: string, model: string): Promise<number> {
  const [, target] = resolve.split('=');
  const [ip, port] = target!.split(':');
  const host = new URL(url).hostname;
  const body = JSON.stringify({ inputs: [{ name: 'dense_input', shape: [1, 5], datatype: 'FP32', data: [0, 0, 0, 0, 0] }] });
  return new Promise((done, fail) => {
    const req = request(
      {
        host: ip,
        port: Number(port),
        servername: host,
        method: 'POST',
        path: `/v2/models/${model}/infer`,
        headers: { host, 'content-type': 'application/json' },
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

describe('a kept tutorial run leaves every model it protected protected', () => {
  let twin: StandaloneTwin;
  let run: HarnessRun;

  before(async () => {
    const cluster = await installedCluster();
    const dir = runDirFrom(cluster.work, 'serving-rerun');
    twin = await startStandaloneTwin(dir, ['--restore', cluster.snapshot]);
    const env = {
      KUBECONFIG: twin.kubeconfig,
      RHOAI_TARGET: 'cluster',
      RHOAI_ADMIN_PASSWORD: cluster.password,
      RHOAI_RESOLVE: twin.resolve,
      RHOAI_KEEP: 'always',
    };
    run = await runHarness(['--tags', '@tutorial and @serving'], env, dir);
  });
  after(async () => twin?.stop());

  it('the run passes', () => {
    assert.equal(
      run.code,
      0,
      `the run failed:\n${run.scenarios
        .filter((s) => s.status !== 'passed')
        .map((s) => `${s.name}: ${s.error}`)
        .join('\n')}\n${run.stderr.slice(-1500)}`,
    );
  });

  it('every protected model asks for a token and refuses a request without one', async () => {
    const accounts = kubectlJson(twin.kubeconfig, 'get', 'serviceaccounts', '-A');
    const isvcs = kubectlJson(twin.kubeconfig, 'get', 'inferenceservices.serving.kserve.io', '-A');
    const protectedOnes = isvcs.filter((i) =>
      accounts.some(
        (sa) =>
          sa.metadata.namespace === i.metadata.namespace &&
          sa.metadata.name === `${i.metadata.name}-sa` &&
          (sa.metadata.ownerReferences ?? []).some((o) => o.kind === 'InferenceService' && o.name === i.metadata.name),
      ),
    );
    assert.ok(
      protectedOnes.length,
      `the tutorials protected no model (InferenceServices: ${isvcs.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).join(', ')})`,
    );
    for (const isvc of protectedOnes) {
      const where = `${isvc.metadata.namespace}/${isvc.metadata.name}`;
      assert.equal(
        isvc.metadata.annotations?.['security.opendatahub.io/enable-auth'],
        'true',
        `${where} has the dashboard's token objects but no longer asks for token authentication: a later scenario re-applied it without it`,
      );
      assert.ok(isvc.status?.url, `${where} has no status.url`);
      const status = await inferWithoutToken(twin.resolve, isvc.status!.url!, isvc.metadata.name);
      assert.ok([401, 403].includes(status), `${where} answered a request without a token with HTTP ${status}, not 401/403`);
    }
  });
});
