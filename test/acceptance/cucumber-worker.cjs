// A Cucumber process that runs the harness again and again, one run at a time, for the acceptance
// tests that only read a run's verdicts (test/acceptance/harness-run.ts runHarnessWarm). Each run is
// what `cucumber-js ARGS` does (Cucumber's own Cli, its argv, cwd and environment), with what the
// run loads loaded afresh: cucumber.js is evaluated again (settings validated, the run's variables
// set), the harness's modules and the packages they load start from nothing (its session, its hooks'
// state, support code that packages register), as in a new process. What stays loaded between runs
// is Cucumber, the build's vendored client-node and S3 client, and Playwright (ONCE_PER_PROCESS):
// measured, a Cucumber start costs ≈ 2.1 CPU-s, mostly loading; a run here ≈ 0.65 (the twin it starts
// is a process of its own, as always).
//
// Protocol (IPC): the parent sends { args, env } and receives { code, stdout, stderr }, where code
// is the exit code the command would have had (0, 1, or what cucumber.js's process.exit named).
// The process ends when its parent goes.
const { Buffer } = require('node:buffer');
const path = require('node:path');
const { Writable } = require('node:stream');

const ROOT = path.resolve(__dirname, '..', '..');
const CUCUMBER = path.join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
const Cli = require('@cucumber/cucumber/lib/cli/index').default;
require('@cucumber/cucumber'); // what support code requires: the same instance for every run

/** A process.exit() during a run (cucumber.js refusing a setting): ends the run, not this process. */
class Exit extends Error {
  constructor(code) {
    super(`process.exit(${code})`);
    this.code = code;
  }
}

/** What loading Cucumber loaded: it stays loaded (its support code builder is the one a run uses). */
const CUCUMBER_MODULES = new Set(Object.keys(require.cache));

/**
 * Packages loaded once per process: Playwright's test library refuses a second load in a process
 * ("Requiring @playwright/test second time", node_modules/playwright/lib/index.js); each run launches
 * and closes its own browser with it.
 */
const ONCE_PER_PROCESS = ['playwright', 'playwright-core', '@playwright/test'].map((name) => path.join('node_modules', name) + path.sep);

/**
 * Every module loaded since Cucumber leaves the require cache but for the build's vendored packages
 * (libraries, no state of a run) and ONCE_PER_PROCESS, so that the next run evaluates cucumber.js,
 * the harness and the packages it loads again, as a new process would: a package may register
 * support code when it is loaded (allure-cucumberjs adds a BeforeAll and a Before hook).
 */
function forgetRunModules() {
  const vendor = process.env.RHOAI_BUILD_DIR ? path.join(path.resolve(process.env.RHOAI_BUILD_DIR), 'vendor') + path.sep : undefined;
  for (const file of Object.keys(require.cache)) {
    if (CUCUMBER_MODULES.has(file) || (vendor && file.startsWith(vendor))) continue;
    if (ONCE_PER_PROCESS.some((dir) => file.includes(`${path.sep}${dir}`))) continue;
    delete require.cache[file];
  }
}

/** Output written outside a run (there should be none) goes with the next run's stderr. */
let stray = '';
let current;
for (const stream of ['stdout', 'stderr']) {
  process[stream].write = (chunk, encoding, callback) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    if (current) current[stream] += text;
    else stray += text;
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) process.nextTick(done);
    return true;
  };
}

const sink = (stream) =>
  new Writable({
    write(chunk, _encoding, callback) {
      current[stream] += chunk.toString();
      callback();
    },
  });

async function run({ args, env }) {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
  process.argv = [process.execPath, CUCUMBER, ...args];
  forgetRunModules();
  current = { stdout: '', stderr: stray };
  stray = '';
  const exit = process.exit;
  process.exit = (code) => {
    throw new Exit(code ?? 0);
  };
  let code;
  try {
    const cli = new Cli({ argv: process.argv, cwd: ROOT, stdout: sink('stdout'), stderr: sink('stderr'), env: process.env });
    code = (await cli.run()).success ? 0 : 1;
  } catch (error) {
    if (error instanceof Exit || error?.cause instanceof Exit) code = (error instanceof Exit ? error : error.cause).code;
    else {
      console.error(error);
      code = 1;
    }
  } finally {
    process.exit = exit;
  }
  const result = { code, stdout: current.stdout, stderr: current.stderr };
  current = undefined;
  return result;
}

let queue = Promise.resolve();
process.on('message', (job) => {
  queue = queue.then(() => run(job)).then((result) => process.send(result));
});
process.on('disconnect', () => process.exit(0));
