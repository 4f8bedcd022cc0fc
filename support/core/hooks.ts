// Cucumber wiring: redaction under every step and hook, the default step timeout, settings
// validated before the first scenario, diagnostics and cleanup after each scenario, the report's
// environment, and stopping what this process started.
import 'allure-cucumberjs'; // makes allure.* calls in support code reach the Allure reporter
import {
  After,
  AfterAll,
  Before,
  BeforeAll,
  BeforeStep,
  Status,
  setDefaultTimeout,
  setDefinitionFunctionWrapper,
  type ITestCaseHookParameter,
  type ITestStepHookParameter,
} from '@cucumber/cucumber';
import { NotRunInPlanMode } from './cluster';
import { formatEnvironment } from './report/environment';
import { writePlan } from './report/plan-report';
import { ALLURE_RESULTS_DIR, REPORTS_DIR } from './paths';
import { session } from './session';
import { installFirstIfNeeded, needsInstalledPlatform } from './target/install-first';
import { isParallelWorker } from './target/run-coordination';
import type { RhoaiWorld } from './world';

/** Errors whose message says everything a person needs: their stack would only bury it. */
const SELF_EXPLAINING = new Set([
  'ConfigurationError',
  'KubeconfigError',
  'PreflightError',
  'TwinStartError',
  'WaitTimeoutError',
  'WaitFailedError',
  'FixtureError',
  'UnknownKindError',
]);

function forReport(error: unknown): unknown {
  const redacted = session.redactor.redactError(error);
  if (redacted instanceof Error && SELF_EXPLAINING.has(redacted.name)) {
    // Keep one frame: Cucumber parses stacks (error-stack-parser), and a stack without any
    // "at ..." frame is read as a Firefox stack by a regex that backtracks for minutes on a long
    // multi-line message with quotes.
    const frame = (redacted.stack ?? '').split('\n').find((line) => /^\s+at /.test(line));
    redacted.stack = `${redacted.name}: ${redacted.message}${frame ? `\n${frame}` : ''}`;
  }
  return redacted;
}

/**
 * Plan mode (RHOAI_PLAN=1): a step that needs a change the plan only lists is not judged. It is
 * reported as skipped with the reason — NotRunInPlanMode from a wait that does not hold yet, or any
 * other failure while the plan lists changes the step may depend on (its error is quoted) — and
 * listed in the plan. Returns 'skipped' (Cucumber's status for a step) or rethrows.
 */
function notRunInPlanMode(world: unknown, error: unknown): 'skipped' {
  const plan = session.plan;
  const planning = session.settings().plan;
  if (!planning || !(error instanceof NotRunInPlanMode || plan.pending > 0)) throw error;
  const message = session.redactor.redactText((error as Error)?.message ?? String(error));
  const reason =
    error instanceof NotRunInPlanMode
      ? message
      : `not run in plan mode: failed while the plan lists ${plan.pending} objects this run would create or change first, which it may depend on (${message.split('\n')[0]})`;
  const w = world as Partial<RhoaiWorld>;
  plan.notRun.push({ scenario: w.scenarioName ?? '(hook)', step: w.currentStep ?? '', reason });
  w.report?.text('not run in plan mode', reason);
  return 'skipped';
}

// Errors of every step and hook (messages, stacks, chai's actual/expected) are redacted before
// Cucumber sees them, so nothing secret reaches a formatter.
setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown) => {
  return function redacted(this: unknown, ...args: unknown[]): unknown {
    const failed = (error: unknown): 'skipped' => {
      try {
        return notRunInPlanMode(this, error);
      } catch {
        throw forReport(error);
      }
    };
    try {
      const result = fn.apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return (result as Promise<unknown>).then(undefined, failed);
      }
      return result;
    } catch (error) {
      return failed(error);
    }
  };
});

/** Steps carry their own bounded waits; this outer bound only catches a step that hangs. */
function stepTimeoutMs(): number {
  const seconds = Number(process.env.RHOAI_WAIT_TIMEOUT);
  const wait = Number.isInteger(seconds) && seconds > 0 ? seconds : 900;
  return (3 * wait + 300) * 1000;
}
setDefaultTimeout(stepTimeoutMs());

BeforeAll(function () {
  session.settings(); // a wrong setting stops the run here, before anything is applied
});

// Any tag alone: on the embedded twin, a scenario that needs the installed platform but is not one
// of the installer's gets the installer run first (support/core/target/install-first.ts).
Before(async function (this: RhoaiWorld, { pickle }: ITestCaseHookParameter) {
  this.scenarioName = pickle.name;
  // Plan mode installs nothing behind the user's back: a scenario that needs the platform is judged
  // against the cluster as it is (or not run, see notRunInPlanMode).
  if (this.settings.plan) return;
  const firstOfSerialRun = session.firstScenario() && !isParallelWorker();
  if (!needsInstalledPlatform(pickle.uri, firstOfSerialRun)) return;
  const line = await installFirstIfNeeded(await session.target(), this.cluster, this.settings, REPORTS_DIR);
  if (line) {
    session.log(line);
    this.report.text('installed first', line);
  }
});

let environmentAttached = false;

After(async function (this: RhoaiWorld, { result }: ITestCaseHookParameter) {
  const failed = result?.status === Status.FAILED;
  const target = session.connectedTarget();
  if (failed && target) {
    this.report.text('diagnostics', await this.cluster.diagnose(this.namespace, this.touched));
  }
  if (target && !environmentAttached) {
    const info = await session.environment();
    if (info) {
      this.report.text('environment', formatEnvironment(info));
      environmentAttached = true;
    }
  }
  const keep = this.settings.keep === 'always' || (this.settings.keep === 'on-failure' && failed);
  if (keep && this.pendingCleanups > 0) {
    this.report.text(
      'kept',
      `RHOAI_KEEP=${this.settings.keep}: kept what the scenario created (${this.pendingCleanups} cleanup actions skipped)`,
    );
  } else if (this.pendingCleanups > 0) {
    const failures = await this.runCleanups();
    if (failures.length > 0) this.report.text('cleanup failures', failures.join('\n'));
  }
});

BeforeStep(function (this: RhoaiWorld, { pickleStep }: ITestStepHookParameter) {
  this.currentStep = pickleStep.text;
});

AfterAll(async function () {
  if (session.settings().plan) {
    const worker = process.env.CUCUMBER_WORKER_ID;
    session.log(`\n${writePlan(session.plan, REPORTS_DIR, ALLURE_RESULTS_DIR, session.redactor, worker)}`);
  }
  try {
    await session.environment(true); // versions change during an install: record the final ones
  } catch (error) {
    session.log(`rhoai-harness: could not record the environment: ${(error as Error).message}`);
  }
  await session.stop();
});
