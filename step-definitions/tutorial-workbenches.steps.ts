// Steps of 40-tutorials/02-workbenches.feature (UI-WB-*, UI-STO-*): workbenches as the dashboard's
// form makes them, and what makes them running. Each calls support/tutorial.
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { requireWorkbenchPlatform } from '../support/tutorial/platform';
import { scenarioProject } from '../support/tutorial/projects';
import {
  assertAcceleratorPlacement,
  assertClusterStorage,
  assertDataConnectionInWorkbench,
  assertEnvironment,
  assertRouteBehindOAuth,
  assertSucceeded,
  assertUntoleratedPodRefused,
  assertWorkbenchFile,
  assertWorkbenchImage,
  assertWorkbenchSize,
  execInWorkbench,
  writeWorkbenchFile,
} from '../support/tutorial/workbench-checks';
import { parseEnvironmentTable, parseWorkbenchTable } from '../support/tutorial/workbench-table';
import {
  acceleratorProfileFor,
  createWorkbench,
  sizeDoesNotFit,
  currentWorkbench,
  startWorkbench,
  stopWorkbench,
  waitForWorkbenchRunning,
  waitForWorkbenchStopped,
} from '../support/tutorial/workbenches';
import type { RhoaiWorld } from '../support/core/world';

Given('the workbenches of the installed platform are running', function (this: RhoaiWorld) {
  return requireWorkbenchPlatform(this);
});

Given('the data science project {string} named {string}', async function (this: RhoaiWorld, name: string, displayName: string) {
  await scenarioProject(this, name, displayName);
});

// Not applicable, with the numbers, when no node has room: Cucumber's own 'skipped' result.
Given('a schedulable node has room for the size {string}', async function (this: RhoaiWorld, size: string) {
  const why = await sizeDoesNotFit(this, size);
  if (!why) return undefined;
  this.report.text('not applicable', why);
  return 'skipped';
});

Given('the dashboard offers an accelerator profile for {string}', async function (this: RhoaiWorld, identifier: string) {
  await acceleratorProfileFor(this, identifier);
});

When(
  'I create the workbench {string} with the image {string} and the size {string}',
  async function (this: RhoaiWorld, displayName: string, image: string, size: string) {
    await createWorkbench(this, { displayName, image, size });
  },
);

When('I create the workbench {string}:', async function (this: RhoaiWorld, displayName: string, table: DataTable) {
  await createWorkbench(this, { displayName, ...parseWorkbenchTable(table.rowsHash()) });
});

When(
  'I create the workbench {string} with the image {string}, the size {string} and the environment variables:',
  async function (this: RhoaiWorld, displayName: string, image: string, size: string, table: DataTable) {
    const environment = parseEnvironmentTable(table.hashes(), () =>
      this.secret(randomBytes(18).toString('base64url'), 'workbench secret variable'),
    );
    await createWorkbench(this, { displayName, image, size, environment });
  },
);

Then('the workbench is running, as the dashboard shows it', async function (this: RhoaiWorld) {
  await waitForWorkbenchRunning(this);
});

Then('the workbench is stopped, as the dashboard shows it', function (this: RhoaiWorld) {
  return waitForWorkbenchStopped(this);
});

Then('it runs the notebook image {string} at the tag the dashboard recommends', async function (this: RhoaiWorld, stream: string) {
  expect(
    currentWorkbench(this).image.stream,
    `the workbench was made from the image stream ${currentWorkbench(this).image.stream}, not ${stream}`,
  ).to.equal(stream);
  await assertWorkbenchImage(this);
});

Then('its URL is served behind the OpenShift OAuth proxy', function (this: RhoaiWorld) {
  return assertRouteBehindOAuth(this);
});

Then('{string} runs in the workbench', async function (this: RhoaiWorld, command: string) {
  assertSucceeded(await execInWorkbench(this, command.split(/\s+/)), `"${command}" in workbench ${currentWorkbench(this).name}`);
});

Then(
  "its container has the requests and limits of the size {string} in the dashboard's configuration",
  function (this: RhoaiWorld, size: string) {
    return assertWorkbenchSize(this, size);
  },
);

Then(
  "it runs on a node that has the accelerator, asking for it and tolerating the accelerator profile's taints",
  function (this: RhoaiWorld) {
    return assertAcceleratorPlacement(this);
  },
);

Then(
  'a pod that asks for {int} {string} without those tolerations is not scheduled',
  function (this: RhoaiWorld, count: number, identifier: string) {
    return assertUntoleratedPodRefused(this, identifier, count);
  },
);

Then(
  "the workbench's environment holds those variables, from a ConfigMap and a Secret made as the dashboard makes them",
  async function (this: RhoaiWorld) {
    const kinds = currentWorkbench(this)
      .environment.map((e) => e.kind)
      .sort();
    expect(kinds, `the workbench's variables are kept in ${kinds.join(' and ')}, not a ConfigMap and a Secret`).to.deep.equal([
      'ConfigMap',
      'Secret',
    ]);
    await assertEnvironment(this);
  },
);

Then(
  'its cluster storage {string} is a claim of {string} mounted at {string}',
  function (this: RhoaiWorld, claim: string, size: string, mountPath: string) {
    return assertClusterStorage(this, claim, size, mountPath);
  },
);

When('I write {string} to {string} in the workbench', function (this: RhoaiWorld, content: string, file: string) {
  return writeWorkbenchFile(this, file, content);
});

When('I stop the workbench', function (this: RhoaiWorld) {
  return stopWorkbench(this);
});

When('I start the workbench', function (this: RhoaiWorld) {
  return startWorkbench(this);
});

Then('{string} in the workbench still holds {string}', function (this: RhoaiWorld, file: string, content: string) {
  return assertWorkbenchFile(this, file, content);
});

Then('the workbench has the data connection {string} in its environment', function (this: RhoaiWorld, displayName: string) {
  return assertDataConnectionInWorkbench(this, displayName);
});
