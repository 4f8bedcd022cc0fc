// A person logs in to the dashboard once per run: a scenario whose precondition is being logged in
// (`Given I am logged in to the dashboard as …`) resumes the session the person's last login of the
// run left (support/dashboard/login.ts), while a step that logs in (`When … log in …`) goes through
// the whole OAuth flow. Seen from the cluster: three dashboard scenarios as the admin, one OAuth
// access token issued to the dashboard's OAuth client (each login through the OAuth server stores
// one, as OpenShift's does), and each resumed scenario still reaches its dashboard page as the admin.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runHarnessWarm, type HarnessRun } from './harness-run';
import { installedCluster, runDirFrom } from './installed-cluster';
import { startStandaloneTwin, type StandaloneTwin } from './standalone-twin';

const DASHBOARD_CLIENT = 'dashboard-oauth-client';

/** Names of the OAuthAccessTokens the OAuth server issued to the dashboard's OAuth client. */
function dashboardTokens(kubeconfig: string): string[] {
  const list = JSON.parse(
    execFileSync('kubectl', ['get', 'oauthaccesstokens.oauth.openshift.io', '-o', 'json'], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      encoding: 'utf8',
    }),
  ) as { items: { metadata: { name: string }; clientName?: string }[] };
  return list.items.filter((t) => t.clientName === DASHBOARD_CLIENT).map((t) => t.metadata.name);
}

/** The text attachments of each scenario's dashboard login step, by scenario (in run order). */
function loginNotes(run: HarnessRun): Map<string, string[]> {
  const features = JSON.parse(readFileSync(join(run.reports, 'cucumber.json'), 'utf8')) as {
    elements: { name: string; steps: { name?: string; embeddings?: { data: string; mime_type: string }[] }[] }[];
  }[];
  const out = new Map<string, string[]>();
  for (const element of features.flatMap((f) => f.elements)) {
    const step = element.steps.find((s) => /log(ged)? in/.test(s.name ?? '') && /dashboard/.test(s.name ?? ''));
    const texts = (step?.embeddings ?? []).filter((e) => e.mime_type === 'text/plain').map((e) => Buffer.from(e.data, 'base64').toString());
    out.set(element.name, texts);
  }
  return out;
}

describe('a person logs in to the dashboard once per run', () => {
  let twin: StandaloneTwin;
  let run: HarnessRun;
  let next: HarnessRun;
  let tokensBefore: string[];
  let tokensAfterRun: string[];

  before(async () => {
    const cluster = await installedCluster();
    const dir = runDirFrom(cluster.work, 'session');
    twin = await startStandaloneTwin(join(dir, 'twin'), ['--restore', cluster.snapshot]);
    tokensBefore = dashboardTokens(twin.kubeconfig);
    const env = {
      KUBECONFIG: twin.kubeconfig,
      RHOAI_TARGET: 'cluster',
      RHOAI_RESOLVE: twin.resolve,
      RHOAI_ADMIN_PASSWORD: cluster.password,
      RHOAI_BROWSER_TRACE: 'off',
    };
    // The login scenario (its When logs in), then two scenarios whose Background has the admin logged in.
    run = await runHarnessWarm(['--tags', '@req.CMP-01 or @req.UI-SET-05 or @req.UI-SET-06'], env, dir);
    tokensAfterRun = dashboardTokens(twin.kubeconfig);
    // One run at a time here: the next run goes to the process the first one returned.
    next = await runHarnessWarm(['--tags', '@req.UI-SET-05'], env, runDirFrom(cluster.work, 'session-next'));
  });

  after(async () => twin?.stop());

  test('the three scenarios pass', () => {
    const failed = run.scenarios.filter((s) => s.status !== 'passed');
    assert.equal(run.code, 0, `${failed.map((s) => `${s.name}: ${s.error}`).join('\n')}\n${run.stderr.slice(-1500)}`);
    assert.equal(run.scenarios.length, 3);
  });

  test('the OAuth server issued the dashboard one access token: one login for the three scenarios', () => {
    const issued = tokensAfterRun.filter((t) => !tokensBefore.includes(t));
    assert.equal(issued.length, 1, `the dashboard's OAuth client got ${issued.length} access tokens in this run`);
  });

  test('the next run, in the same process, logs in again and passes', () => {
    const failed = next.scenarios.filter((s) => s.status !== 'passed');
    assert.equal(next.code, 0, `${failed.map((s) => `${s.name}: ${s.error}`).join('\n')}\n${next.stderr.slice(-1500)}`);
    assert.equal(next.scenarios.length, 1);
    const issued = dashboardTokens(twin.kubeconfig).filter((t) => !tokensAfterRun.includes(t));
    assert.equal(issued.length, 1, `the next run got ${issued.length} access tokens: a session outlived its run`);
    const [texts] = [...loginNotes(next).values()];
    assert.ok(
      texts!.some((text) => text.includes("logged in through the OAuth server's login form")),
      texts!.join('\n'),
    );
  });

  test('the login scenario logged in through the OAuth server; the others resumed its session', () => {
    const [login, ...resumed] = [...loginNotes(run).entries()];
    assert.ok(
      login![1].some((text) => text.includes("logged in through the OAuth server's login form")),
      `the first scenario, "${login![0]}", did not go through the login form:\n${login![1].join('\n')}`,
    );
    assert.equal(resumed.length, 2);
    for (const [scenario, texts] of resumed)
      assert.ok(
        texts.some((text) => text.includes('still logged in from an earlier scenario')) &&
          !texts.some((text) => text.includes('login form')),
        `"${scenario}" did not resume the admin's session:\n${texts.join('\n')}`,
      );
  });
});
