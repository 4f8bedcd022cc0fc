// The harness end to end, against a fake API server posing as a real cluster: cucumber-js runs in a
// copy of the project (so its reports/ do not clash with the real run's), and the test checks the
// target line, the reports, the diagnostics of a failed scenario, redaction everywhere, and that a
// wrong setting stops the run before any request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../../support/core/paths';
import { FakeKubeApi } from '../../unit/support/helpers/fake-kube-api';

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

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cucumber(cwd: string, args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    const bin = path.join(PROJECT_ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('RHOAI_') && k !== 'KUBECONFIG' && !k.startsWith('NODE_TEST')),
    );
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...clean, HOME: cwd, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function allFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

describe('a harness run against a cluster', () => {
  let api: FakeKubeApi;
  let project: string;
  let kubeconfig: string;

  before(async () => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-run-'));
    for (const entry of ['support', 'step-definitions', 'features', 'fixtures', 'cucumber.js', 'package.json', 'tsconfig.json']) {
      fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(project, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(project, 'node_modules'));
    fs.mkdirSync(path.join(project, 'features', '99-leak'), { recursive: true });
    fs.writeFileSync(path.join(project, 'features', '99-leak', 'leak.feature'), LEAK_FEATURE);
    fs.writeFileSync(path.join(project, 'step-definitions', 'leak.steps.ts'), LEAK_STEPS);
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

describe(
  'a harness run on the embedded twin',
  { skip: fs.existsSync(path.join(PROJECT_ROOT, 'twin', 'cli.ts')) ? false : 'twin/cli.ts does not exist yet' },
  () => {
    let project: string;

    before(() => {
      project = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-twin-run-'));
      for (const entry of ['support', 'step-definitions', 'features', 'fixtures', 'cucumber.js', 'package.json', 'tsconfig.json']) {
        fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(project, entry), { recursive: true });
      }
      fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(project, 'node_modules'));
      fs.symlinkSync(path.join(PROJECT_ROOT, 'twin'), path.join(project, 'twin'));
    });
    after(() => fs.rmSync(project, { recursive: true, force: true }));

    function published(workDir: string): { api: string; pid: number }[] {
      const runs = path.join(workDir, 'runs');
      return fs.readdirSync(runs).flatMap((run) => {
        const file = path.join(runs, run, 'twin.json');
        return fs.existsSync(file) ? [(JSON.parse(fs.readFileSync(file, 'utf8')) as { value: { api: string; pid: number } }).value] : [];
      });
    }

    async function gone(pid: number, withinMs: number): Promise<boolean> {
      const deadline = Date.now() + withinMs;
      for (;;) {
        try {
          process.kill(pid, 0);
        } catch {
          return true;
        }
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 100)); // test-side check that a process has exited
      }
    }

    it('starts the twin lazily, says so, records its versions, and stops it at the end', async () => {
      const workDir = path.join(project, 'work-serial');
      const auditLog = path.join(project, 'reports', 'twin', 'audit.jsonl');
      fs.mkdirSync(path.dirname(auditLog), { recursive: true });
      fs.writeFileSync(auditLog, '{"note":"an earlier twin"}\n');
      const result = await cucumber(project, ['--tags', '@smoke'], {
        RHOAI_TARGET: 'twin',
        RHOAI_WORK_DIR: workDir,
        RHOAI_TWIN_AUDIT_LOG: auditLog,
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        /^rhoai-harness: target = embedded twin \(simulated OpenShift \+ RHOAI\) at https:\/\/127\.0\.0\.1:\d+$/m,
      );
      const environment = fs.readFileSync(path.join(project, 'reports', 'allure-results', 'environment.properties'), 'utf8');
      assert.match(environment, /^Target=embedded twin/m);
      assert.match(environment, /^OpenShift=4\.\d+/m);
      assert.ok(fs.statSync(auditLog).size > 0, 'the twin wrote its audit log');
      assert.ok(!fs.readFileSync(auditLog, 'utf8').includes('an earlier twin'), "the audit log still holds an earlier twin's lines");
      assert.equal(fs.statSync(workDir).mode & 0o777, 0o700, 'RHOAI_WORK_DIR is private');
      const [twin] = published(workDir);
      assert.ok(twin && (await gone(twin.pid, 10_000)), 'the twin was stopped');
    });

    it('shares one twin between parallel workers', async () => {
      const workDir = path.join(project, 'work-parallel');
      const result = await cucumber(project, ['--tags', '@smoke', '--parallel', '2'], { RHOAI_TARGET: 'twin', RHOAI_WORK_DIR: workDir });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(result.stderr.split('\n').filter((l) => l.startsWith('rhoai-harness: target = ')).length, 1);
      const twins = published(workDir);
      assert.equal(twins.length, 1, 'one twin for the run');
      assert.ok(await gone(twins[0]!.pid, 10_000), 'the twin exited with the run');
    });

    it("shows the twin's own error when it cannot start", async () => {
      const result = await cucumber(project, ['--tags', '@smoke'], {
        RHOAI_TARGET: 'twin',
        RHOAI_WORK_DIR: path.join(project, 'work-fault'),
        RHOAI_TWIN_FAULTS: 'no-such-fault',
      });
      assert.equal(result.code, 1);
      assert.match(result.stdout, /the embedded twin exited before it was ready \(exit code \d+\):\n\s*rhoai-twin: unknown fault/);
    });
  },
);
