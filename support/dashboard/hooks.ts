// The browser's part of a scenario's end: its context closed (the trace attached, redacted, when the
// scenario failed), and the run's browser closed at the end of the run.
import { After, AfterAll, Status, type ITestCaseHookParameter } from '@cucumber/cucumber';
import type { RhoaiWorld } from '../core/world';
import { closeBrowser, finishScenarioBrowser } from './browser';

After(async function (this: RhoaiWorld, { result }: ITestCaseHookParameter) {
  await finishScenarioBrowser(this, result?.status === Status.FAILED);
});

AfterAll(async function () {
  await closeBrowser();
});
