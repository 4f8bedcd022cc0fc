// Which run catches a fault: the installer (`@install`), or the installer and then the tutorials
// when the fault's caughtBy selects tutorial scenarios. The tutorials do
// not install the platform themselves (they require it), so they run after the installer, in
// feature-file order, as a user runs them on a fresh cluster.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import parseTagExpression from '@cucumber/tag-expressions';
import { ROOT } from './harness-run';

function featureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? featureFiles(p) : name.endsWith('.feature') ? [p] : [];
  });
}

let cached: string[][] | undefined;

/** The tags of every scenario (each example row of an outline counts), as Cucumber compiles them. */
export function scenarioTags(): string[][] {
  if (cached) return cached;
  const newId = IdGenerator.incrementing();
  cached = featureFiles(join(ROOT, 'features')).flatMap((uri) => {
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(uri, 'utf8'));
    return compile(doc, uri, newId).map((pickle) => pickle.tags.map((t) => t.name));
  });
  return cached;
}

/**
 * The tag expression of the run that must catch the fault. A fault caught by tutorial scenarios
 * runs the installer, then only the scenarios that must catch it: every tutorial scenario makes
 * what it needs with its own Given steps (its project, the stored model, the workbench), so the
 * others are not needed — and every run of the catalogue costs CPU in CI. What the caught
 * scenarios do not need of the installer is left out too (the distributed-workloads configuration).
 */
export function runTagsFor(caughtBy: string): string {
  const caught = caughtScenarios(caughtBy);
  if (caught.every((tags) => tags.includes('@install'))) return '@install';
  // The answers to the seed's questions and the distributed workloads need the whole installer
  // (its admin, Kueue); the tutorials, pipelines and dashboard scenarios do without its
  // distributed-workloads configuration.
  const whole = caught.some((tags) => tags.includes('@distributed') || tags.includes('@questions'));
  return `${whole ? '@install' : '(@install and not @distributed)'} or (${caughtBy})`;
}

/** The tags of the scenarios a fault's caughtBy selects. */
function caughtScenarios(caughtBy: string): string[][] {
  const expression = parseTagExpression(caughtBy);
  return scenarioTags().filter((tags) => expression.evaluate(tags));
}

/**
 * Whether scenarios after the installer catch the fault (tutorials, pipelines, Ray, dashboard,
 * questions): its run installs first and goes on past the first failure (the longer bound, the
 * early start).
 */
export function caughtInTutorial(caughtBy: string): boolean {
  return caughtScenarios(caughtBy).some((tags) => !tags.includes('@install'));
}
