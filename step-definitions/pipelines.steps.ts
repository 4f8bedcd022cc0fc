import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import {
  assertModelUploadedByRun,
  assertRouteGuarded,
  assertRunArtifacts,
  assertRunSucceeded,
  assertTaskStates,
  ensureArtifactsProject,
  ensureTutorialPipelineServer,
  importPipeline,
  requirePipelinesPlatform,
  reviewRunGraph,
  reviewVersionYaml,
  runOnce,
  waitForRunEnd,
  configurePipelineServer,
  waitForPipelineServer,
} from '../support/pipelines';
import {
  assertDatabase,
  assertElyraInImages,
  assertOnlyRun,
  assertPipelinesComponent,
  assertVersionsListed,
  ensureSucceededRun,
  uploadSecondVersion,
} from '../support/pipelines/checks';
import {
  assertCatchup,
  assertConcurrency,
  assertCronRuns,
  assertNoCatchup,
  assertPeriodicRuns,
  assertTimeframe,
  disableAndCheck,
  scheduleCatchup,
  scheduleCron,
  schedulePeriodic,
  scheduleTimeframe,
} from '../support/pipelines/schedule-checks';
import { assertPipelinesCaBundle, createPipelineServerWithCaBundle } from '../support/pipelines/ca-bundle';
import type { RhoaiWorld } from '../support/core/world';

Given('the data science pipelines of the installed platform are running', function (this: RhoaiWorld) {
  return requirePipelinesPlatform(this);
});

Given(
  'the project {string} named {string} with S3 storage and the data connection {string}',
  async function (this: RhoaiWorld, name: string, displayName: string, connection: string) {
    expect(connection, 'the pipeline server takes its object storage from the data connection "Pipeline Artifacts"').to.equal(
      'Pipeline Artifacts',
    );
    await ensureArtifactsProject(this, name, displayName);
  },
);

When(
  "I configure the pipeline server of the tutorial's project with the data connection {string} and the default database",
  async function (this: RhoaiWorld, connection: string) {
    expect(connection).to.equal('Pipeline Artifacts');
    await configurePipelineServer(this, this.settings.tutorialProject, 'default');
  },
);

When(
  'I configure the pipeline server with the data connection {string} and an external MySQL database whose password is in a Secret',
  async function (this: RhoaiWorld, connection: string) {
    expect(connection).to.equal('Pipeline Artifacts');
    await configurePipelineServer(this, this.namespace!, 'external');
  },
);

Then(
  'the operator reports the pipeline server ready: database, object storage, API server, persistence agent and scheduled workflow',
  async function (this: RhoaiWorld) {
    const external =
      (await this.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'pipelines-db-password', namespace: this.namespace! })) !==
      undefined;
    await waitForPipelineServer(this, this.namespace!, external ? 'external' : 'default');
  },
);

Then("the pipeline server's database is the MariaDB the operator deployed on the cluster", function (this: RhoaiWorld) {
  return assertDatabase(this, 'default');
});

Then(
  "the pipeline server's database is the external MySQL, its password read from the Secret {string}",
  function (this: RhoaiWorld, secret: string) {
    expect(secret).to.equal('pipelines-db-password');
    return assertDatabase(this, 'external');
  },
);

Given("the tutorial's project has a pipeline server", function (this: RhoaiWorld) {
  return ensureTutorialPipelineServer(this);
});

Then(
  "the pipeline API route answers a project member's token and refuses a request without a token or with the token of someone without access",
  function (this: RhoaiWorld) {
    return assertRouteGuarded(this);
  },
);

When('I import the fraud-detection pipeline compiled with the kfp SDK', async function (this: RhoaiWorld) {
  await importPipeline(this);
});

Given('the fraud-detection pipeline is imported', async function (this: RhoaiWorld) {
  await importPipeline(this);
});

When('I upload a second version of it', function (this: RhoaiWorld) {
  return uploadSecondVersion(this);
});

Then('the pipeline server lists both versions of the pipeline, newest first', function (this: RhoaiWorld) {
  return assertVersionsListed(this);
});

When('I run the pipeline once as {string}', async function (this: RhoaiWorld, label: string) {
  await runOnce(this, label);
});

Then('the run {string} ends SUCCEEDED', async function (this: RhoaiWorld, label: string) {
  assertRunSucceeded(this, await waitForRunEnd(this, label));
});

Then(
  "every task of the run {string} succeeded in the pipeline's order: get-data, train-model, upload-model",
  function (this: RhoaiWorld, label: string) {
    assertTaskStates(this, this.facts.runs![label], ['get-data', 'train-model', 'upload-model']);
  },
);

Then('the outputs of the tasks of the run {string} are in the pipeline-artifacts bucket', function (this: RhoaiWorld, label: string) {
  return assertRunArtifacts(this, this.facts.runs![label]);
});

Then(
  'the run {string} uploaded the model {string} to the bucket of the data connection {string}',
  function (this: RhoaiWorld, label: string, key: string, connection: string) {
    expect([key, connection]).to.deep.equal(['models/fraud/1/model.onnx', 'My Storage']);
    return assertModelUploadedByRun(this, this.facts.runs![label]);
  },
);

Given('the fraud-detection pipeline has a run {string} that succeeded', function (this: RhoaiWorld, label: string) {
  return ensureSucceededRun(this, label);
});

Then(
  'the graph of the run {string} shows every task of the pipeline with its state, attached to the report as a picture',
  function (this: RhoaiWorld, label: string) {
    return reviewRunGraph(this, label);
  },
);

Then('the YAML of the pipeline version is the pipeline that was imported, attached to the report', function (this: RhoaiWorld) {
  return reviewVersionYaml(this);
});

Then(
  'the run {string} is the only run it made, in the experiment chosen, and belongs to no schedule',
  function (this: RhoaiWorld, label: string) {
    return assertOnlyRun(this, label);
  },
);

When(
  'I schedule the pipeline {string} to run periodically every {int} seconds',
  function (this: RhoaiWorld, label: string, seconds: number) {
    return schedulePeriodic(this, label, seconds);
  },
);

Then('the scheduler starts runs of {string} {int} seconds apart', function (this: RhoaiWorld, label: string, seconds: number) {
  return assertPeriodicRuns(this, label, seconds);
});

Then('after I disable the schedule {string} it reads DISABLED', function (this: RhoaiWorld, label: string) {
  return disableAndCheck(this, label);
});

When('I schedule the pipeline {string} with the cron expression {string}', function (this: RhoaiWorld, label: string, cron: string) {
  return scheduleCron(this, label, cron);
});

Then(
  "the scheduler starts runs of {string} on the cron's times, {int} seconds apart",
  function (this: RhoaiWorld, label: string, seconds: number) {
    return assertCronRuns(this, label, seconds);
  },
);

When(
  'I schedule the pipeline {string} every hour from {int} hours and 30 minutes ago until 15 minutes ago, catching up, with at most {int} concurrent runs',
  function (this: RhoaiWorld, label: string, hours: number, max: number) {
    return scheduleCatchup(this, label, hours + 0.5, true, max);
  },
);

Then(
  'the scheduler runs the {int} missed intervals of {string}, never more than {int} at the same time',
  function (this: RhoaiWorld, n: number, label: string, max: number) {
    return assertConcurrency(this, label, n, max);
  },
);

When(
  'I schedule the pipeline {string} every {int} seconds from 2 minutes from now until 4 minutes and 30 seconds from now',
  function (this: RhoaiWorld, label: string, seconds: number) {
    return scheduleTimeframe(this, label, seconds, 120, 270);
  },
);

Then(
  'every run of {string} is scheduled within its timeframe, none before the start and none after the end, and there are {int}',
  function (this: RhoaiWorld, label: string, n: number) {
    return assertTimeframe(this, label, n);
  },
);

When(
  'I schedule the pipeline {string} every hour from 3 hours and 30 minutes ago until 15 minutes ago, catching up',
  function (this: RhoaiWorld, label: string) {
    return scheduleCatchup(this, label, 3.5, true);
  },
);

When(
  'I schedule the pipeline {string} every hour from 3 hours and 30 minutes ago until 15 minutes ago, not catching up',
  function (this: RhoaiWorld, label: string) {
    return scheduleCatchup(this, label, 3.5, false);
  },
);

Then('the scheduler runs exactly the {int} missed intervals of {string}', function (this: RhoaiWorld, n: number, label: string) {
  return assertCatchup(this, label, n);
});

Then('the scheduler runs none of the missed intervals of {string}', function (this: RhoaiWorld, label: string) {
  return assertNoCatchup(this, label);
});

Then(
  'the data science pipelines component is available: its operator, the DSPA, Argo Workflow and ScheduledWorkflow APIs, and a pipeline server whose API answers',
  function (this: RhoaiWorld) {
    return assertPipelinesComponent(this);
  },
);

Then('the Standard Data Science workbench image carries the Elyra pipeline editor \\(Odh-Elyra)', function (this: RhoaiWorld) {
  return assertElyraInImages(this);
});

When('I configure the pipeline server with a CA bundle of its own in the ConfigMap {string}', function (this: RhoaiWorld, name: string) {
  expect(name).to.equal('custom-ca-bundle');
  return createPipelineServerWithCaBundle(this, this.namespace!);
});

Then('the operator gives the CA bundle to the pipeline API server only, and the pipeline server is ready', function (this: RhoaiWorld) {
  return assertPipelinesCaBundle(this, this.namespace!);
});
