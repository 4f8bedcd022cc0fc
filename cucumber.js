// Cucumber configuration. Evaluated once, in the coordinating process, before any scenario runs:
// it validates every RHOAI_* setting and what the command line selects (a wrong value stops the run
// here, before anything is applied), names the run for parallel workers, and empties
// reports/allure-results.
const fs = require('node:fs');
const path = require('node:path');

// RHOAI_BUILD_DIR: the harness compiled by scripts/build.mjs (npm test makes one), loaded as one
// file instead of compiling the TypeScript sources through tsx at each start.
const build = process.env.RHOAI_BUILD_DIR ? path.resolve(process.env.RHOAI_BUILD_DIR) : undefined;
if (build && !['harness.cjs', 'config.cjs', 'twin.cjs'].every((f) => fs.existsSync(path.join(build, f)))) {
  process.stderr.write(
    `rhoai-harness: invalid configuration:\n  - RHOAI_BUILD_DIR=${JSON.stringify(process.env.RHOAI_BUILD_DIR)} is not valid: allowed: a directory made by \`npm run build\` (harness.cjs, config.cjs, twin.cjs)\n`,
  );
  process.exit(2);
}
if (!build) require('tsx/cjs');
const config = build
  ? require(path.join(build, 'config.cjs'))
  : { ...require('./support/core/config'), ...require('./support/core/config/selection') };
const { loadSettings, ConfigurationError, selectionProblems, selectedScenarios, subscribedPackages, selectionOf } = config;

try {
  // The settings, then what the command line selects (no scenario at all; the admin's scenarios on
  // a real cluster without RHOAI_ADMIN_PASSWORD): either stops the run before anything is applied.
  const problems = selectionProblems(loadSettings(process.env), process.argv, path.join(__dirname, 'features'));
  if (problems.length) throw new ConfigurationError(problems);
  // The operators the selected scenarios subscribe to: their pinned versions are checked against the
  // catalog before the first scenario (support/install/pinned-catalog.ts).
  process.env.RHOAI_RUN_SUBSCRIBES = subscribedPackages(selectedScenarios(process.argv, path.join(__dirname, 'features')).selected).join(
    ',',
  );
} catch (error) {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

// Workers inherit the coordinator's environment: the run's tag expressions (opt-in scenarios run only
// when a --tags expression asks for them, support/advanced/opt-in.ts).
if (process.env.RHOAI_RUN_TAGS === undefined) process.env.RHOAI_RUN_TAGS = JSON.stringify(selectionOf(process.argv).tags);

// Workers inherit the coordinator's environment: one id for the run (see support/core/target/run-coordination.ts).
if (!/^\d+-[a-z0-9]+$/.test(process.env.RHOAI_RUN_ID || '')) process.env.RHOAI_RUN_ID = `${process.pid}-${Date.now().toString(36)}`;

const reports = process.env.RHOAI_REPORTS_DIR ? path.resolve(process.env.RHOAI_REPORTS_DIR) : path.join(__dirname, 'reports');
const inReports = (file) => path.relative(process.cwd(), path.join(reports, file));
const allureResults = path.join(reports, 'allure-results');
fs.rmSync(allureResults, { recursive: true, force: true }); // old runs' results would mix into this report
fs.mkdirSync(allureResults, { recursive: true });

module.exports = {
  default: {
    requireModule: build ? [] : ['tsx/cjs'],
    require: build ? [path.join(build, 'harness.cjs')] : ['support/**/*.ts', 'step-definitions/**/*.ts'],
    // Feature files named on the command line are the run's, not added to every feature's
    // (cucumber-js appends command-line paths to the configured ones).
    paths: selectionOf(process.argv).paths ? [] : ['features/**/*.feature'],
    format: [
      'progress',
      `json:${inReports('cucumber.json')}`,
      `html:${inReports('cucumber.html')}`,
      `junit:${inReports('junit.xml')}`,
      `allure-cucumberjs/reporter:${inReports('allure-formatter.log')}`,
    ],
    formatOptions: {
      resultsDir: inReports('allure-results'),
      snippetInterface: 'async-await',
    },
  },
};
