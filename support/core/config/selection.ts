// What a run selects, checked before anything runs (cucumber.js): a tag expression that selects no
// scenario is a mistake the user should hear about (Cucumber itself runs nothing and exits 0), and
// a real cluster without RHOAI_ADMIN_PASSWORD cannot run the scenarios that log in as the admin —
// better said at once than after the install has changed the cluster.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import parseTagExpression from '@cucumber/tag-expressions';
import { currentContextOf, kubeconfigFiles } from '../target/kubeconfig';
import type { Settings } from './settings';

/** The tag of scenarios (or features) whose steps log in with the admin user's password. */
export const ADMIN_PASSWORD_TAG = '@admin-password';

export interface SelectedScenario {
  name: string;
  uri: string;
  tags: string[];
  /** The text of each step, as Cucumber compiles it (outline values filled in). */
  steps: string[];
}

/** Every scenario (each example row counts) of the feature files under dir, with its compiled tags. */
const parsedUnder = new Map<string, SelectedScenario[]>();

export function scenariosUnder(dir: string): SelectedScenario[] {
  let scenarios = parsedUnder.get(dir);
  if (!scenarios) parsedUnder.set(dir, (scenarios = parseScenariosUnder(dir)));
  return scenarios;
}

function parseScenariosUnder(dir: string): SelectedScenario[] {
  const files = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : e.name.endsWith('.feature') ? [path.join(d, e.name)] : []));
  const newId = IdGenerator.incrementing();
  return files(dir).flatMap((uri) => {
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(fs.readFileSync(uri, 'utf8'));
    return compile(doc, uri, newId).map((p) => ({
      name: p.name,
      uri,
      tags: p.tags.map((t) => t.name),
      steps: p.steps.map((st) => st.text),
    }));
  });
}

/**
 * The tag expressions of a cucumber-js command line (`--tags X`, `--tags=X`, `-t X`; several are
 * and-ed as Cucumber does), and whether it names feature files or folders of its own (argv as
 * process.argv: the node binary and the script first).
 */
export function selectionOf(argv: readonly string[]): { tags: string[]; paths: boolean } {
  const tags: string[] = [];
  let paths = false;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--tags' || arg === '-t') tags.push(argv[++i] ?? '');
    else if (arg.startsWith('--tags=')) tags.push(arg.slice('--tags='.length));
    else if (OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) paths = true;
  }
  return { tags, paths };
}

/** cucumber-js options that take the next argument as their value (anything else is a flag or a path). */
const OPTIONS_WITH_VALUE = new Set([
  '--format',
  '-f',
  '--format-options',
  '--require',
  '-r',
  '--import',
  '-i',
  '--require-module',
  '--profile',
  '-p',
  '--config',
  '-c',
  '--parallel',
  '--retry',
  '--retry-tag-filter',
  '--name',
  '--order',
  '--world-parameters',
  '--language',
  '--shard',
  '--plugin',
  '--plugin-options',
]);

/** Whether the run goes to a real cluster (RHOAI_TARGET=cluster, or auto with a current kubeconfig context). */
export function targetsCluster(settings: Settings, home?: string): boolean {
  if (settings.target === 'twin') return false;
  if (settings.target === 'cluster' || settings.target === 'in-cluster') return true;
  try {
    return currentContextOf(kubeconfigFiles(settings.kubeconfig, home)) !== undefined;
  } catch {
    return true; // a broken kubeconfig: the target check says what is wrong with it
  }
}

/** The scenarios the command line selects, or the problems with its tag expressions. */
export function selectedScenarios(
  argv: readonly string[],
  featuresDir: string,
): { all: SelectedScenario[]; selected: SelectedScenario[]; problems: string[] } {
  const { tags, paths } = selectionOf(argv);
  const all = scenariosUnder(featuresDir);
  if (paths) return { all, selected: all, problems: [] };
  const problems: string[] = [];
  let selected = all;
  for (const expression of tags) {
    let parsed: ReturnType<typeof parseTagExpression>;
    try {
      parsed = parseTagExpression(expression);
    } catch (error) {
      problems.push(
        `--tags ${JSON.stringify(expression)} is not a tag expression: ${(error as Error).message} (e.g. "@install", "@tutorial and not @gpu")`,
      );
      continue;
    }
    selected = selected.filter((s) => parsed.evaluate(s.tags));
  }
  return { all, selected, problems };
}

/** The step by which a scenario subscribes to an operator (step-definitions/olm.steps.ts). */
const SUBSCRIBE_STEP = /^I subscribe to the "([^"]+)" operator$/;

/** The operator packages the scenarios subscribe to, in order of first use. */
export function subscribedPackages(scenarios: readonly SelectedScenario[]): string[] {
  const packages = scenarios.flatMap((s) => s.steps.map((text) => SUBSCRIBE_STEP.exec(text)?.[1]).filter((p): p is string => !!p));
  return [...new Set(packages)];
}

/** The problems with what the command line selects; empty when the run may start. */
export function selectionProblems(settings: Settings, argv: readonly string[], featuresDir: string, home?: string): string[] {
  const { tags, paths } = selectionOf(argv);
  if (paths) return [];
  const { all, selected, problems } = selectedScenarios(argv, featuresDir);
  if (problems.length) return problems;
  if (!selected.length) {
    const known = [...new Set(all.flatMap((s) => s.tags).filter((t) => !t.startsWith('@req.')))].sort();
    problems.push(
      `--tags ${tags.map((t) => JSON.stringify(t)).join(' and ')} selects no scenario of ${path.relative(process.cwd(), featuresDir) || featuresDir}/: use the area tags (${known.join(', ')}) or a checklist id such as @req.INS-OP-01`,
    );
  }
  const needPassword = selected.filter((s) => s.tags.includes(ADMIN_PASSWORD_TAG));
  if (needPassword.length && !settings.adminPassword && targetsCluster(settings, home)) {
    const names = needPassword
      .slice(0, 3)
      .map((s) => `"${s.name}"`)
      .join(', ');
    problems.push(
      `RHOAI_ADMIN_PASSWORD is not set: on a real cluster the selected scenarios ${names}${needPassword.length > 3 ? ` and ${needPassword.length - 3} more` : ''} log in as the admin user; set it (at least 8 characters), or leave them out (--tags "not ${ADMIN_PASSWORD_TAG}")`,
    );
  }
  return problems;
}
