// The tutorials under `--parallel 2`, as a team runs them on an installed cluster: scenarios of
// different projects run side by side without meeting, the tutorial project's own scenarios one
// after the other, and every project is deleted at the end (RHOAI_KEEP unset).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runHarness, type HarnessRun } from './harness-run';
import { installedCluster, runDirFrom } from './installed-cluster';
import { startStandaloneTwin, type StandaloneTwin } from './standalone-twin';

interface AllureResult {
  name: string;
  start: number;
  stop: number;
}

/** Start and stop of every scenario, from the Allure results (Cucumber JSON has no clock times). */
function timings(run: HarnessRun): AllureResult[] {
  const dir = join(run.reports, 'allure-results');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as AllureResult);
}

/** Namespaces that exist and are not being deleted. */
function liveNamespaces(kubeconfig: string): string[] {
  const list = JSON.parse(
    execFileSync('kubectl', ['get', 'namespaces', '-o', 'json'], { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: 'utf8' }),
  ) as { items: { metadata: { name: string; deletionTimestamp?: string } }[] };
  return list.items.filter((n) => !n.metadata.deletionTimestamp).map((n) => n.metadata.name);
}

describe('the tutorials with --parallel 2 on an installed (standalone) twin', () => {
  let twin: StandaloneTwin;
  let run: HarnessRun;

  before(async () => {
    // The installed cluster of this `npm test` (installed-cluster.ts), restored into a twin of its own.
    const cluster = await installedCluster();
    const dir = runDirFrom(cluster.work, 'parallel');
    twin = await startStandaloneTwin(dir, ['--restore', cluster.snapshot]);
    const env = {
      KUBECONFIG: twin.kubeconfig,
      RHOAI_TARGET: 'cluster',
      RHOAI_ADMIN_PASSWORD: cluster.password,
      RHOAI_RESOLVE: twin.resolve,
      RHOAI_TINY_MODEL: 'run',
    };
    run = await runHarness(['--tags', '@tutorial', '--parallel', '2'], env, dir);
  });

  after(async () => twin?.stop());

  test('every tutorial scenario passes', () => {
    const failed = run.scenarios.filter((s) => s.status !== 'passed');
    assert.equal(run.code, 0, `${failed.map((s) => `${s.name}: ${s.error}`).join('\n')}\n${run.stderr.slice(-1500)}`);
    assert.ok(run.scenarios.length > 10, `only ${run.scenarios.length} scenarios ran`);
  });

  test('scenarios really ran side by side', () => {
    const t = timings(run).sort((a, b) => a.start - b.start);
    const overlapping = t.some((a, i) => t.slice(i + 1).some((b) => b.start < a.stop));
    assert.ok(overlapping, 'no two scenarios overlapped in time: the run was not parallel');
  });

  test('no tutorial project is left behind', () => {
    const left = liveNamespaces(twin.kubeconfig).filter((n) => n === 'fraud-detection' || n.startsWith('tutorial-'));
    assert.deepEqual(left, [], 'projects left after the run');
  });
});
