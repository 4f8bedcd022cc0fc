// Scenarios tagged @opt-in change the whole cluster in a way a normal install must not (a cluster-wide
// proxy, image mirroring: on a real cluster both roll every node), so they run only when the run asks
// for them: a --tags expression that selects the scenario by one of its own tags (@advanced, its
// @req.<ID>) and would select nothing without that tag. `npx cucumber-js`, `--tags 'not @wip'` (npm
// test) and `--tags @install` leave them out, reported as skipped with the reason; `--tags
// '@install or @advanced'` or `--tags @req.ADV-08` run them. Each puts the cluster back afterwards.
import { Before, type ITestCaseHookParameter } from '@cucumber/cucumber';
import { askedFor, OPT_IN } from './opt-in-selection';
import { notApplicable } from '../core/not-applicable';
import type { RhoaiWorld } from '../core/world';

function runTags(): string[] {
  try {
    const parsed = JSON.parse(process.env.RHOAI_RUN_TAGS ?? '[]');
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

Before({ tags: OPT_IN }, function (this: RhoaiWorld, { pickle }: ITestCaseHookParameter) {
  const tags = pickle.tags.map((t) => t.name);
  if (askedFor(runTags(), tags)) return undefined;
  return notApplicable(
    this,
    `this scenario changes the whole cluster (${tags.filter((t) => t.startsWith('@req.')).join(' ')}) and runs only when asked for: run it with --tags '${tags.find((t) => t.startsWith('@req.')) ?? '@advanced'}' or --tags '@install or @advanced'`,
  );
});
