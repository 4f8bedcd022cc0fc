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
 * The tag expression of the run that must catch the fault. A tutorial fault runs the installer, then
 * the tutorials; what neither the tutorials nor the fault's scenarios need is left out (the
 * distributed-workloads configuration, and the workbench catalogue of 02-workbenches.feature), as a
 * user who follows only the fraud-detection tutorial would: every run of the catalogue costs minutes
 * of CPU in CI.
 */
export function runTagsFor(caughtBy: string): string {
  const expression = parseTagExpression(caughtBy);
  const caught = scenarioTags().filter((tags) => expression.evaluate(tags));
  // The answers to the seed's questions need the installer first (its admin, Kueue), nothing else.
  if (caught.some((tags) => tags.includes('@questions')) && !caught.some((tags) => tags.includes('@tutorial'))) return `@install or (${caughtBy})`;
  if (!caught.some((tags) => tags.includes('@tutorial'))) return '@install';
  const needs = (tag: string) => caught.some((tags) => tags.includes(tag));
  const install = needs('@distributed') ? '@install' : '(@install and not @distributed)';
  const tutorial = needs('@workbenches') ? '@tutorial' : '(@tutorial and not @workbenches)';
  return `${install} or ${tutorial}`;
}
