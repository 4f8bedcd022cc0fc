import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import {
  assertNodesSubmitted,
  assertRanElyraVersion,
  assertScheduledRunsSucceeded,
  assertSecretsPassed,
  assertSelfSignedRoute,
  assertVerifiedSubmission,
  ELYRA_PIPELINE_FILE,
  ensureElyraSubmitted,
  ensureElyraWorkbench,
  inspectElyraRun,
  RUNTIME_CONFIG,
  submitAgain,
  submitElyraPipeline,
  waitForElyraRun,
} from '../support/pipelines/elyra';
import { assertModelUploadedByRun, assertRunSucceeded } from '../support/pipelines/runs';
import { createSchedule, scheduledRuns } from '../support/pipelines/schedules';
import type { RhoaiWorld } from '../support/core/world';

Given(
  'a workbench made after the pipeline server, with the tutorial cloned and {string} saved next to its notebooks',
  function (this: RhoaiWorld, file: string) {
    expect(file).to.equal(ELYRA_PIPELINE_FILE);
    return ensureElyraWorkbench(this);
  },
);

When(
  "I submit {string} from the workbench's terminal with the runtime configuration {string}",
  async function (this: RhoaiWorld, file: string, runtime: string) {
    expect([file, runtime]).to.deep.equal([ELYRA_PIPELINE_FILE, RUNTIME_CONFIG]);
    await submitElyraPipeline(this);
  },
);

Given('{string} was submitted from the workbench and its run ended', async function (this: RhoaiWorld, file: string) {
  expect(file).to.equal(ELYRA_PIPELINE_FILE);
  await ensureElyraSubmitted(this);
  assertRunSucceeded(this, await waitForElyraRun(this));
});

Then(
  'every node is a task of the pipeline Elyra uploaded, with its notebook, outputs, runtime image and the nodes before it, and its archive holds its notebook and file dependencies',
  function (this: RhoaiWorld) {
    return assertNodesSubmitted(this);
  },
);

Then(
  "the pipeline server passes the Secret {string} to the task of the node that saves the model, as the node's Kubernetes secrets say",
  function (this: RhoaiWorld, secret: string) {
    assertSecretsPassed(this, secret);
  },
);

Then('the Elyra run ends SUCCEEDED', async function (this: RhoaiWorld) {
  assertRunSucceeded(this, await waitForElyraRun(this));
});

Then(
  'the Elyra run uploaded the model {string} to the bucket of the data connection {string}',
  function (this: RhoaiWorld, key: string, connection: string) {
    expect([key, connection]).to.deep.equal(['models/fraud/1/model.onnx', 'My Storage']);
    return assertModelUploadedByRun(this, this.facts.runs!.elyra);
  },
);

Then(
  "every node's task succeeded after the nodes before it, the run's graph is in the report, and the executed notebooks and outputs are in the run's object storage working directory",
  function (this: RhoaiWorld) {
    return inspectElyraRun(this);
  },
);

Then('the run {string} ran the version Elyra uploaded', function (this: RhoaiWorld, label: string) {
  assertRanElyraVersion(this, label);
});

Then('the runs the schedule {string} started of the Elyra pipeline succeeded', async function (this: RhoaiWorld, label: string) {
  await assertScheduledRunsSucceeded(this, label, (await scheduledRuns(this, label)).slice(0, 2));
});

Then(
  "the pipeline API route's certificate is self-signed, and the workbench trusts it through its mounted CA bundle",
  function (this: RhoaiWorld) {
    return assertSelfSignedRoute(this);
  },
);

Then('Elyra submitted the pipeline with the certificate verified and the Elyra run ends SUCCEEDED', async function (this: RhoaiWorld) {
  assertVerifiedSubmission(this);
  assertRunSucceeded(this, await waitForElyraRun(this));
});

When(
  'I schedule the pipeline {string} to run periodically every {int} seconds, one run at a time',
  async function (this: RhoaiWorld, label: string, seconds: number) {
    await createSchedule(this, label, { trigger: 'periodic', intervalSeconds: seconds, maxConcurrency: 1 });
  },
);

When(
  "I submit {string} again from the workbench's terminal, which uploads a new version of the pipeline",
  async function (this: RhoaiWorld, file: string) {
    expect(file).to.equal(ELYRA_PIPELINE_FILE);
    await submitAgain(this);
  },
);
