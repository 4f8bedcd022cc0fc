import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import {
  assertModelInWorkbench,
  assertStoredModel,
  assertTutorialCloned,
  cloneTutorial,
  ensureModelStored,
  ensureModelTrained,
  ensureTutorialCloned,
  ensureTutorialProject,
  ensureTutorialWorkbench,
  MODEL_KEY,
  MODEL_PATH,
  runTutorialNotebook,
  TUTORIAL_CONNECTIONS,
  TUTORIAL_WORKBENCH,
  tutorialWorkbenchRequest,
  assertPackageIndexReachable,
} from '../support/tutorial/fraud-detection';
import { createWorkbench } from '../support/tutorial/workbenches';
import type { RhoaiWorld } from '../support/core/world';

Given(
  "the tutorial's project with S3 storage and the data connections {string} and {string}",
  async function (this: RhoaiWorld, first: string, second: string) {
    assert.deepEqual(
      [first, second],
      TUTORIAL_CONNECTIONS.map((c) => c.displayName),
      'the tutorial makes the data connections "My Storage" and "Pipeline Artifacts"',
    );
    await ensureTutorialProject(this);
  },
);

When(
  "I create the tutorial's workbench {string} with the image {string}, the size {string}, the default cluster storage and the existing data connection {string}",
  async function (this: RhoaiWorld, displayName: string, image: string, size: string, connection: string) {
    await createWorkbench(this, tutorialWorkbenchRequest(this, { displayName, image, size, dataConnection: { existing: connection } }));
  },
);

Given("the tutorial's workbench is running", function (this: RhoaiWorld) {
  return ensureTutorialWorkbench(this);
});

When('I clone the tutorial repository into the workbench', function (this: RhoaiWorld) {
  return cloneTutorial(this);
});

Then("the workbench has the tutorial's notebooks and data at the tutorial's ref", function (this: RhoaiWorld) {
  return assertTutorialCloned(this);
});

Given("the tutorial repository is cloned into the tutorial's workbench", function (this: RhoaiWorld) {
  return ensureTutorialCloned(this);
});

Given('the workbench reaches the package index the notebooks install from', function (this: RhoaiWorld) {
  return assertPackageIndexReachable(this);
});

When('I run the notebook {string} in the workbench', function (this: RhoaiWorld, notebook: string) {
  return runTutorialNotebook(this, notebook);
});

Then('the workbench has the trained model {string}', function (this: RhoaiWorld, file: string) {
  assert.equal(file, MODEL_PATH, `the tutorial's training writes ${MODEL_PATH}`);
  return assertModelInWorkbench(this);
});

Given("the model is trained in the tutorial's workbench", function (this: RhoaiWorld) {
  return ensureModelTrained(this);
});

Then(
  'the bucket of the data connection {string} holds {string}, a valid ONNX model with the input {string} of {int} features and one FP32 output',
  async function (this: RhoaiWorld, connection: string, key: string, input: string, features: number) {
    assert.deepEqual(
      [key, input, features],
      [MODEL_KEY, 'dense_input', 5],
      'the tutorial stores models/fraud/1/model.onnx, whose input is dense_input with 5 features',
    );
    await assertStoredModel(this, connection);
  },
);

// For the model serving scenarios: the tutorial's model, stored as these scenarios store it.
Given(
  'the fraud model of the tutorial is stored in the bucket of the data connection {string}',
  async function (this: RhoaiWorld, connection: string) {
    assert.equal(
      connection,
      TUTORIAL_WORKBENCH.dataConnection && 'existing' in TUTORIAL_WORKBENCH.dataConnection
        ? TUTORIAL_WORKBENCH.dataConnection.existing
        : '',
      'the tutorial stores the model through "My Storage"',
    );
    await ensureModelStored(this);
  },
);
