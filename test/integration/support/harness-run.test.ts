// The harness end to end, against a fake API server posing as a real cluster: cucumber-js runs in a
// copy of the project (copied-project.ts), and the test checks the target line, the reports, the
// diagnostics of a failed scenario, redaction everywhere, and that a wrong setting stops the run
// before any request. (The same on the embedded twin: harness-run-twin.test.ts.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeKubeApi } from '../../unit/support/helpers/fake-kube-api';
import { allFiles, buildProject, copyProject, cucumber } from './copied-project';

const PASSWORD = 'SuperSecret-Passw0rd-42';

const LEAK_FEATURE = `@leak
Feature: secrets never reach a report
  Scenario: a step that fails while handling secrets
    Given a scratch namespace "leaky"
    When a step handles the admin password and the cluster token
`;

const LEAK_STEPS = `import { When } from '@cucumber/cucumber';
import type { RhoaiWorld } from '../support/core/world';

When('a step handles the admin password and the cluster token', async function (this: RhoaiWorld) {
  const password = await this.adminPassword();
  const token = (await this.target()).kubeConfig.getCurrentUser()!.token!;
  await this.cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'htpass-secret', namespace: 'leaky' }, stringData: { htpasswd: 'admin:' + password } });
  console.log('logging in with', password, 'and', token);
  this.attach('password=' + password + ' token=' + token, 'text/plain');
  this.log('Authorization: Bearer ' + token);
  throw new Error('login failed with password ' + password + ' and token ' + token);
});
`;

describe('a harness run against a cluster', () => {
  let api: FakeKubeApi;
  let project: string;
  let kubeconfig: string;

  before(async () => {
    project = copyProject('harness-run', { twin: true });
    fs.mkdirSync(path.join(project, 'features', '99-leak'), { recursive: true });
    fs.writeFileSync(path.join(project, 'features', '99-leak', 'leak.feature'), LEAK_FEATURE);
    fs.writeFileSync(path.join(project, 'step-definitions', 'leak.steps.ts'), LEAK_STEPS);
    await buildProject(project);
    api = await FakeKubeApi.start();
    kubeconfig = api.writeKubeconfig(project);
  });
  after(async () => {
    await api.close();
    fs.rmSync(project, { recursive: true, force: true });
  });

  it('runs the smoke feature, names the target once and writes every report', async () => {
    const result = await cucumber(project, ['--tags', '@smoke', '--parallel', '2'], { KUBECONFIG: kubeconfig });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const banners = result.stderr.split('\n').filter((l) => l.startsWith('rhoai-harness: target = '));
    assert.deepEqual(banners, [`rhoai-harness: target = cluster ${api.url} (context admin)`]);
    for (const file of ['cucumber.json', 'cucumber.html', 'junit.xml']) assert.ok(fs.existsSync(path.join(project, 'reports', file)), file);
    const results = allFiles(path.join(project, 'reports', 'allure-results'));
    assert.ok(
      results.some((f) => f.endsWith('-result.json')),
      'allure results',
    );
    const environment = fs.readFileSync(path.join(project, 'reports', 'allure-results', 'environment.properties'), 'utf8');
    assert.match(environment, /^Target=cluster$/m);
    assert.match(environment, /^API\\ server=https\\:\/\/127.0.0.1\\:\d+$/m);
    assert.match(environment, /^OpenShift=/m);
    assert.match(environment, /^RHOAI=not installed/m);
    const json = JSON.parse(fs.readFileSync(path.join(project, 'reports', 'cucumber.json'), 'utf8')) as {
      elements: { steps: { embeddings?: { mime_type: string; data: string }[] }[] }[];
    }[];
    const attachments = json.flatMap((f) => f.elements.flatMap((e) => e.steps.flatMap((s) => s.embeddings ?? [])));
    const decoded = attachments.map((a) => Buffer.from(a.data, 'base64').toString('utf8'));
    assert.ok(
      decoded.some((t) => t.includes('kind: ConfigMap') && t.includes('hello from the harness')),
      'the applied YAML is attached',
    );
  });

  it('attaches diagnostics to a failed scenario and lets no secret reach a report or the console', async () => {
    const result = await cucumber(project, ['--tags', '@leak'], {
      KUBECONFIG: kubeconfig,
      RHOAI_ADMIN_PASSWORD: PASSWORD,
      RHOAI_WORK_DIR: path.join(project, 'work'),
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /login failed with password \[redacted\] and token sha256~\[redacted\]|login failed with password \[redacted\] and token \[redacted\]/,
    );
    const leaks = [PASSWORD, api.token, Buffer.from(PASSWORD).toString('base64'), api.token.slice('sha256~'.length)];
    for (const secret of leaks) {
      assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `console leaks ${secret.slice(0, 6)}…`);
      for (const file of allFiles(path.join(project, 'reports'))) {
        const text = fs.readFileSync(file);
        assert.ok(
          !text.includes(secret) && !text.includes(Buffer.from(secret).toString('base64')),
          `${path.relative(project, file)} leaks ${secret.slice(0, 6)}…`,
        );
      }
    }
    const json = fs.readFileSync(path.join(project, 'reports', 'cucumber.json'), 'utf8');
    const decoded = (JSON.parse(json) as { elements: { steps: { embeddings?: { data: string }[] }[] }[] }[]).flatMap((f) =>
      f.elements.flatMap((e) => e.steps.flatMap((s) => (s.embeddings ?? []).map((a) => Buffer.from(a.data, 'base64').toString('utf8')))),
    );
    const diagnostics = decoded.find((t) => t.includes('== events in namespace leaky'));
    assert.ok(diagnostics, 'diagnostics attached');
    assert.match(diagnostics!, /== objects touched by the scenario ==\nNamespace leaky/);
    assert.match(diagnostics!, /Secret leaky\/htpass-secret/);
    assert.ok(
      decoded.some((t) => /htpasswd: '\[redacted\]'/.test(t)),
      'the applied Secret is attached with its values redacted',
    );
  });

  it('stops before any request when a setting is wrong', async () => {
    const before = api.requests.length;
    const result = await cucumber(project, ['--tags', '@smoke'], {
      KUBECONFIG: kubeconfig,
      RHOAI_TARGET: 'moon',
      RHOAI_WAIT_TIMEOUT: 'soon',
    });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /rhoai-harness: invalid configuration:\n {2}- RHOAI_TARGET="moon" is not valid: allowed: auto \| twin \| cluster \| in-cluster\n {2}- RHOAI_WAIT_TIMEOUT="soon" is not valid/,
    );
    assert.equal(api.requests.length, before, 'no request reached the cluster');
  });

  it('fails every scenario with a clear error when the cluster cannot be reached', async () => {
    const unreachable = path.join(project, 'unreachable-kubeconfig');
    fs.writeFileSync(unreachable, fs.readFileSync(kubeconfig, 'utf8').replace(api.url, 'https://127.0.0.1:1'));
    const result = await cucumber(project, ['--tags', '@smoke'], { KUBECONFIG: unreachable });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /the cluster at https:\/\/127.0.0.1:1 cannot be reached \(GET \/version: ECONNREFUSED\)/);
    assert.doesNotMatch(result.stderr, /rhoai-harness: target = /, 'no target line for a target that failed its check');
  });

  it('names the kubeconfig file and what is wrong with it', async () => {
    const broken = path.join(project, 'broken-kubeconfig');
    fs.writeFileSync(broken, fs.readFileSync(kubeconfig, 'utf8').replace('current-context: admin', 'current-context: ghost'));
    const result = await cucumber(project, ['--tags', '@smoke'], { KUBECONFIG: broken });
    assert.equal(result.code, 1);
    assert.match(result.stdout, new RegExp(`kubeconfig ${broken}: current-context "ghost" is not defined under contexts`));
  });
});
