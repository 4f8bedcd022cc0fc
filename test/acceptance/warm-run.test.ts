// The warm Cucumber process (cucumber-worker.cjs) that the fault catalogue and the installed cluster
// run the harness in must report what `cucumber-js` in a new process reports: the same scenarios,
// the same hooks around them (support code that packages register included), the same reports, and
// a setting cucumber.js refuses ends the run with exit code 2, not the process. (A browser scenario
// runs in it run after run, Playwright loaded once per process: dashboard-session.test.ts.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runHarness, runHarnessWarm, type HarnessRun } from './harness-run';

const SMOKE = ['--tags', '@smoke'];
const ON_TWIN = { RHOAI_TARGET: 'twin', RHOAI_TWIN_FAULTS: undefined };

/** Each scenario with the number of its steps and hooks as cucumber.json has them, and its status. */
function shape(run: HarnessRun): string[] {
  const features = JSON.parse(readFileSync(join(run.reports, 'cucumber.json'), 'utf8')) as {
    elements: { name: string; steps: { keyword: string; result: { status: string } }[] }[];
  }[];
  return features.flatMap((f) =>
    f.elements.map((e) => {
      const hooks = e.steps.filter((s) => s.keyword === 'Before' || s.keyword === 'After').length;
      return `${e.name}: ${e.steps.length - hooks} steps, ${hooks} hooks, ${e.steps.map((s) => s.result.status).join(' ')}`;
    }),
  );
}

const allureResults = (run: HarnessRun) =>
  readdirSync(join(run.reports, 'allure-results')).filter((f) => f.endsWith('-result.json')).length;

describe(
  'a run in the warm Cucumber process',
  { skip: process.env.RHOAI_BUILD_DIR ? false : 'needs the compiled harness (RHOAI_BUILD_DIR)' },
  () => {
    test('reports what a run in a new process reports, run after run', async () => {
      const fresh = await runHarness(SMOKE, ON_TWIN);
      // Two in a row: the second runs in the process the first returned (one run at a time here).
      const warm = [await runHarnessWarm(SMOKE, ON_TWIN), await runHarnessWarm(SMOKE, ON_TWIN)];
      assert.equal(
        fresh.code,
        0,
        `the smoke scenarios failed in a new process:\n${fresh.stdout.slice(-1500)}\n${fresh.stderr.slice(-1500)}`,
      );
      assert.ok(shape(fresh).length > 0, 'no scenario ran');
      for (const [i, run] of warm.entries()) {
        assert.equal(run.code, 0, `warm run ${i + 1} failed:\n${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`);
        assert.deepEqual(shape(run), shape(fresh), `warm run ${i + 1} ran other steps or hooks than a new process`);
        assert.equal(allureResults(run), allureResults(fresh), `warm run ${i + 1} wrote another number of Allure results`);
        assert.match(run.stdout, /scenarios? \(\d+ passed\)/, `warm run ${i + 1} printed no summary on stdout`);
      }
    });

    test('a setting cucumber.js refuses ends the run with exit code 2 naming it; the next run runs', async () => {
      const refused = await runHarnessWarm(SMOKE, { ...ON_TWIN, RHOAI_WAIT_TIMEOUT: 'soon' });
      assert.equal(refused.code, 2, `exit code ${refused.code}:\n${refused.stderr}`);
      assert.match(refused.stderr, /RHOAI_WAIT_TIMEOUT="soon" is not valid/);
      assert.deepEqual(refused.scenarios, [], 'a scenario ran under a refused setting');
      const next = await runHarnessWarm(SMOKE, ON_TWIN);
      assert.equal(next.code, 0, `the run after a refused one failed:\n${next.stderr.slice(-1500)}`);
    });
  },
);
