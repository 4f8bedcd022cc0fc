#!/usr/bin/env node
// npm test: the unit and integration tests (node:test) and, alongside them, the features on the
// embedded twin; then the acceptance tests of the harness itself (faults caught, idempotent re-install, no secret
// leaks: each runs cucumber-js in a child process with its own reports), then one plain line
// `N passed, N failed, N skipped` (tests plus scenarios) that CI can read. Skipped: tests node:test
// skipped, and scenarios that did not apply to the cluster (no step failed, some skipped, e.g. the
// GPU items on a cluster without GPUs: support/core/not-applicable.ts).
//   node scripts/test.mjs          everything
//   node scripts/test.mjs --unit   only the unit and integration tests
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildTests } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'reports');
const unitOnly = process.argv.includes('--unit');

/** Node 20 has no glob: every *.test.ts under dir, sorted. */
function testFiles(dir) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

/**
 * Runs a command; its output goes to the console, or with `logFile` to that file (printed later,
 * so that two phases running at once do not interleave their lines).
 */
function run(command, args, env = {}, logFile = undefined) {
  return new Promise((resolve) => {
    const out = logFile ? fs.openSync(logFile, 'w') : 'inherit';
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', out, out], env: { ...process.env, ...env } });
    const done = (code) => {
      if (logFile) fs.closeSync(out);
      resolve(code);
    };
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
    child.on('error', (error) => {
      console.error(`cannot run ${command}: ${error.message}`);
      done(1);
    });
  });
}

/** Counts from node:test's TAP summary (`# pass N`, `# fail N`, `# cancelled N`, `# skipped N`). */
function unitCounts(tapFile) {
  const text = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
  const count = (name) => Number((text.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') };
}

/**
 * A scenario's outcome from its steps in cucumber.json (hooks included): passed when every step
 * passed; skipped (not applicable) when none failed and some were skipped; failed otherwise
 * (failed, undefined, ambiguous, pending or no result).
 */
export function scenarioOutcome(steps) {
  const statuses = (steps ?? []).map((step) => step.result?.status);
  if (statuses.every((s) => s === 'passed')) return 'passed';
  if (statuses.every((s) => s === 'passed' || s === 'skipped')) return 'skipped';
  return 'failed';
}

/** Scenarios in cucumber.json, counted by scenarioOutcome. */
export function scenarioCounts(jsonFile) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (!fs.existsSync(jsonFile)) return counts;
  let features;
  try {
    features = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  } catch {
    return { ...counts, failed: 1 };
  }
  for (const feature of features) {
    for (const element of feature.elements ?? []) {
      if (element.type && element.type !== 'scenario') continue;
      counts[scenarioOutcome(element.steps)]++;
    }
  }
  return counts;
}

// Imported (by its test) only for the counting functions above; run, it runs the tests.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

async function main() {
  fs.mkdirSync(reports, { recursive: true });
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let exitFailure = false;
  const started = Date.now();
  /** Seconds since npm test started, for the phase lines CI's log keeps (where the time went). */
  const at = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

  /** Runs node:test over files, adding its counts; the TAP copy goes to reports/<name>.tap. */
  async function nodeTests(name, files) {
    if (files.length === 0) {
      console.log(`no ${name} tests found`);
      return;
    }
    const tapFile = path.join(reports, `${name}.tap`);
    // Each test file compiled into one (scripts/build.mjs buildTests), run with its source maps:
    // failures name the TypeScript sources' lines.
    const compiled = await buildTests(files, process.env.RHOAI_BUILD_DIR, `tests-${name}`);
    const code = await run(process.execPath, [
      '--enable-source-maps',
      '--test',
      // Test files run in processes of their own; most of their time is spent waiting on twins, so
      // four at once keep two cores busy (node's default is one fewer than the cores).
      `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 4}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...compiled,
    ]);
    const counts = unitCounts(tapFile);
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    if (code !== 0 && counts.failed === 0) failed++; // the runner itself failed (a file that does not load)
    exitFailure ||= code !== 0;
  }

  // The installed cluster the acceptance tests start from (test/acceptance/installed-cluster.ts),
  // made on a twin of its own while the unit tests run. Not under reports/: it holds the cluster's
  // Secrets, the twin's keys and the admin password.
  // The harness and the twin compiled once (scripts/build.mjs), for every Cucumber run and twin this
  // run starts: each then loads one file instead of compiling the sources through tsx (≈2 CPU-s
  // less per Cucumber start, ≈1 per twin; a few hundred starts).
  if (!process.env.RHOAI_BUILD_DIR) process.env.RHOAI_BUILD_DIR = await build(path.join(root, '.build'));

  const installedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-installed-'));
  const installed = unitOnly
    ? Promise.resolve(0)
    : run(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'acceptance', 'installed-cluster.ts'), installedDir]);

  // Every feature on the embedded twin, while the unit tests run (and the acceptance tests, when it
  // outlasts the unit tests): the run spends most of its time waiting on the twin's controllers
  // (≈0.5 of a core over 2.5 minutes). Its console output is kept in reports/features.log and shown
  // after the acceptance tests.
  const cucumberJson = path.join(reports, 'cucumber.json');
  const featuresLog = path.join(reports, 'features.log');
  fs.rmSync(cucumberJson, { force: true });
  const featuresRun = unitOnly
    ? Promise.resolve(0)
    : run(
        process.execPath,
        [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '--tags', 'not @wip'],
        { RHOAI_TARGET: 'twin' },
        featuresLog,
      );

  let featuresDone = '';
  void featuresRun.then(() => (featuresDone = at()));
  await nodeTests('unit', [...testFiles('test/unit'), ...testFiles('test/integration')]);
  console.log(`unit and integration tests done at ${at()}`);

  if (!unitOnly) {
    // The acceptance tests start as soon as the unit tests are done, while the features may still
    // run (their last minutes mostly wait on the twin: the cores would idle). Made or not, the
    // installed cluster is waited for: without it each test makes its own (and says why it failed).
    if ((await installed) === 0) process.env.RHOAI_TEST_INSTALLED = installedDir;
    else console.error(`the installed cluster for the acceptance tests could not be made in ${installedDir}; each test makes its own`);
    console.log(`installed cluster ready at ${at()}`);
    await nodeTests('acceptance', testFiles('test/acceptance'));
    console.log(`acceptance tests done at ${at()}`);

    const code = await featuresRun;
    console.log(`features on the embedded twin done at ${featuresDone}`);
    process.stdout.write(fs.readFileSync(featuresLog, 'utf8'));
    const counts = scenarioCounts(cucumberJson);
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    if (code !== 0 && counts.failed === 0) failed++; // cucumber failed before running scenarios
    exitFailure ||= code !== 0;
  }

  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(exitFailure || failed > 0 ? 1 : 0);
}
