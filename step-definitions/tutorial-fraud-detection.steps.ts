// Steps of 40-tutorials/03-fraud-detection-train.feature (TUT-FD-*): the tutorial's workbench, its
// clone, the notebooks run headless and the stored model. Each calls support/tutorial.
import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
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
    expect([first, second], 'the tutorial makes the data connections "My Storage" and "Pipeline Artifacts"').to.deep.equal(
      TUTORIAL_CONNECTIONS.map((c) => c.displayName),
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
  expect(file, `the tutorial's training writes ${MODEL_PATH}`).to.equal(MODEL_PATH);
  return assertModelInWorkbench(this);
});

Given("the model is trained in the tutorial's workbench", function (this: RhoaiWorld) {
  return ensureModelTrained(this);
});

Then(
  'the bucket of the data connection {string} holds {string}, a valid ONNX model with the input {string} of {int} features and one FP32 output',
  async function (this: RhoaiWorld, connection: string, key: string, input: string, features: number) {
    expect(
      [key, input, features],
      'the tutorial stores models/fraud/1/model.onnx, whose input is dense_input with 5 features',
    ).to.deep.equal([MODEL_KEY, 'dense_input', 5]);
    await assertStoredModel(this, connection);
  },
);

// For the model serving scenarios: the tutorial's model, stored as these scenarios store it.
Given(
  'the fraud model of the tutorial is stored in the bucket of the data connection {string}',
  async function (this: RhoaiWorld, connection: string) {
    expect(connection, 'the tutorial stores the model through "My Storage"').to.equal(
      TUTORIAL_WORKBENCH.dataConnection && 'existing' in TUTORIAL_WORKBENCH.dataConnection
        ? TUTORIAL_WORKBENCH.dataConnection.existing
        : '',
    );
    await ensureModelStored(this);
  },
);
