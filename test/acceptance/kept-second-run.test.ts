// Runs as users really make them (issue 15): `--tags "@install or @tutorial"` twice with
// RHOAI_KEEP=always on one standalone twin, restored from the installed cluster of this `npm test`
// (installed-cluster.ts: the first install from a fresh cluster is the features run's, so here
// both runs meet a cluster in use, the first one's kept projects the second's). The second run converges (it passes: generated values
// kept in the cluster are reused, not replaced under a running workbench); the end state is the
// one the tutorials intend: every model they protected (the dashboard's token objects, a
// ServiceAccount <isvc>-sa owned by the InferenceService) still asks for token authentication and,
// over the twin's HTTPS ingress at the host of its status.url, refuses a request without a token
// (401/403) — no later scenario re-applied it without its protection; and no value any Secret
// on the twin holds, read as cluster-admin after the second run, appears in either run's console
// output or under its reports/.
//
// Excluded from the scan, because they cannot be secrets and would match ordinary text: values
// shorter than 4 characters (the redactor's MIN_SECRET_LENGTH; e.g. "1", "us"), the literal
// words "true" and "false", and a value that is the Secret's own namespace or name (a service-account
// token Secret's `namespace` key: metadata every report names), and a value written in the
// specification itself — the feature files or the README (e.g. the bucket "my-storage" of the
// tutorial's data connection, the default region "us-east-1" of RHOAI_S3_REGION): public text that
// the Gherkin source in cucumber.html carries anyway. Everything else (tokens, keys, passwords, certificates, bucket names,
// endpoints) is scanned.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { filesUnder, ROOT, runHarness, scratch, type HarnessRun } from './harness-run';
import { installedCluster } from './installed-cluster';
import { startStandaloneTwin, type StandaloneTwin } from './standalone-twin';

const NOT_SECRETS = new Set(['true', 'false']);

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

/** The specification's own text: the feature files and the README. */
function specificationText(): string {
  return [join(ROOT, 'README.md'), ...filesUnder(join(ROOT, 'features')).filter((f) => f.endsWith('.feature'))]
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

interface HeldValue {
  where: string;
  value: string;
}

/** Every value (decoded) of every Secret on the twin, read through its API as cluster-admin, and where it is held. */
function secretValues(kubeconfig: string): HeldValue[] {
  const spec = specificationText();
  const out = execFileSync('kubectl', ['get', 'secrets', '-A', '-o', 'json'], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const list = JSON.parse(out) as { items: { metadata: { name: string; namespace: string }; data?: Record<string, string> }[] };
  const values: HeldValue[] = [];
  for (const item of list.items) {
    for (const [key, encoded] of Object.entries(item.data ?? {})) {
      const value = Buffer.from(encoded, 'base64').toString('utf8');
      if (
        value.length < 4 ||
        NOT_SECRETS.has(value) ||
        value === item.metadata.namespace ||
        value === item.metadata.name ||
        spec.includes(value)
      )
        continue;
      values.push({ where: `Secret ${item.metadata.namespace}/${item.metadata.name} key ${key}`, value });
    }
  }
  return values;
}

/** Where a held value appears in a run's console or reports (never the value itself). */
function leaks(run: HarnessRun, held: HeldValue[], label: string): string[] {
  const found: string[] = [];
  const texts: [string, string][] = [
    ['the console output', run.stdout + run.stderr],
    ...filesUnder(run.reports).map((f): [string, string] => [f, readFileSync(f).toString('latin1')]),
  ];
  for (const { where, value } of held) {
    for (const [file, text] of texts) if (text.includes(value)) found.push(`${label}: the value of ${where} appears in ${file}`);
  }
  return found;
}

const failures = (run: HarnessRun) =>
  run.scenarios
    .filter((s) => s.status !== 'passed')
    .map((s) => `${s.name}: ${s.error}`)
    .join('\n');

describe('two kept runs of "@install or @tutorial" on one standalone twin', () => {
  let twin: StandaloneTwin;
  let first: HarnessRun;
  let second: HarnessRun;
  let password: string;
  const env = () => ({
    KUBECONFIG: twin.kubeconfig,
    RHOAI_TARGET: 'cluster',
    RHOAI_ADMIN_PASSWORD: password,
    RHOAI_RESOLVE: twin.resolve,
    RHOAI_KEEP: 'always',
  });

  before(async () => {
    const cluster = await installedCluster();
    password = cluster.password;
    // Each run from a work directory of its own (a machine that kept nothing): what they need comes from the cluster.
    twin = await startStandaloneTwin(scratch('twin'), ['--restore', cluster.snapshot]);
    first = await runHarness(['--tags', '@install or @tutorial'], env());
    second = await runHarness(['--tags', '@install or @tutorial'], env());
  });

  after(async () => twin?.stop());

  test('the first run passes', () => {
    assert.equal(first.code, 0, `the first run failed:\n${failures(first)}\n${first.stderr.slice(-1500)}`);
  });

  test('the second run passes too', () => {
    assert.equal(second.code, 0, `the second run failed:\n${failures(second)}\n${second.stderr.slice(-1500)}`);
    assert.ok(second.scenarios.length > 0 && second.scenarios.every((s) => s.status !== 'failed'));
  });

  test("no value of any Secret on the twin appears in either run's console or reports", () => {
    const held = secretValues(twin.kubeconfig);
    assert.ok(held.length > 0, 'the twin holds no Secret values: the scan would prove nothing');
    held.push({ where: 'RHOAI_ADMIN_PASSWORD', value: password });
    assert.deepEqual([...leaks(first, held, 'first run'), ...leaks(second, held, 'second run')], []);
  });

  test('after the second run, every model the tutorials protected asks for a token and refuses a request without one', async () => {
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
