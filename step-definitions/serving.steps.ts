import { Given, Then, When } from '@cucumber/cucumber';
import { ensureTutorialProject } from '../support/tutorial/fraud-detection';
import { currentProject } from '../support/tutorial/projects';
import {
  assertComponentsReady,
  assertKindServed,
  assertRuntimeOfferedOnBothPlatforms,
  requireServingPlatform,
  waitForControllers,
} from '../support/serving/availability';
import { addOtherPlatformModel, assertNotServed } from '../support/serving/isolation';
import { copyTutorialModel } from '../support/serving/model-copy';
import { currentModel, deployMultiModel, deploySingleModel, type SingleModelRequest } from '../support/serving/models';
import { assertMultiModelServer, assertOneServer, assertOwnModelServer } from '../support/serving/model-servers';
import {
  assertNoServingObjects,
  assertPlatform,
  assertPlatformFixed,
  changePlatform,
  choosePlatform,
  parsePlatform,
} from '../support/serving/platform';
import { assertModelReady, deployReadyTutorialModel } from '../support/serving/ready-models';
import { addModelServer } from '../support/serving/runtimes';
import { assertServedModelTellsFraudApart, assertServesFraudMetadata } from '../support/serving/served-fraud-model';
import type { RhoaiWorld } from '../support/core/world';

Given('the serving platforms of the installed platform are running', function (this: RhoaiWorld) {
  return requireServingPlatform(this);
});

// ---- deploying ----

function singleModel(
  world: RhoaiWorld,
  namespace: string,
  displayName: string,
  runtime: string,
  framework: string,
  connection: string,
  path: string,
  tokenAuth = false,
): SingleModelRequest {
  return { namespace, displayName, runtimeDisplayName: runtime, framework, connection, path, tokenAuth };
}

When(
  "I deploy the model {string} in the tutorial's project on the single-model serving platform with the serving runtime {string}, the framework {string}, the data connection {string} and the path {string}",
  async function (this: RhoaiWorld, name: string, runtime: string, framework: string, connection: string, path: string) {
    await ensureTutorialProject(this);
    await deploySingleModel(this, singleModel(this, this.settings.tutorialProject, name, runtime, framework, connection, path));
  },
);

When(
  'I deploy the model {string} in this project on the single-model serving platform with the serving runtime {string}, the framework {string}, the data connection {string} and the path {string}',
  async function (this: RhoaiWorld, name: string, runtime: string, framework: string, connection: string, path: string) {
    await deploySingleModel(this, singleModel(this, currentProject(this).name, name, runtime, framework, connection, path));
  },
);

Given(
  "the model {string} is deployed in the tutorial's project on the single-model serving platform with the serving runtime {string}, the framework {string}, the data connection {string} and the path {string}",
  async function (this: RhoaiWorld, name: string, runtime: string, framework: string, connection: string, path: string) {
    await deployReadyTutorialModel(this, singleModel(this, this.settings.tutorialProject, name, runtime, framework, connection, path));
  },
);

When(
  'I add the model server {string} with the serving runtime {string} on the multi-model serving platform, with an external route and without token authentication',
  async function (this: RhoaiWorld, server: string, runtime: string) {
    const namespace = currentProject(this).name;
    await choosePlatform(this, namespace, 'multi-model');
    await addModelServer(this, {
      namespace,
      displayName: server,
      runtimeDisplayName: runtime,
      platform: 'multi',
      externalRoute: true,
      tokenAuth: false,
    });
  },
);

When(
  'I deploy the model {string} on the model server {string} with the framework {string}, the data connection {string} and the path {string}',
  async function (this: RhoaiWorld, name: string, server: string, framework: string, connection: string, path: string) {
    await deployMultiModel(this, { namespace: currentProject(this).name, displayName: name, server, framework, connection, path });
  },
);

Given(
  "the tutorial's stored model is uploaded to the bucket {string} of this project under {string}",
  function (this: RhoaiWorld, bucket: string, prefix: string) {
    return copyTutorialModel(this, bucket, prefix);
  },
);

// ---- readiness ----

Then("the project's model serving platform is {string}", async function (this: RhoaiWorld, platform: string) {
  await assertPlatform(this, currentModelNamespace(this), parsePlatform(platform));
});

Then('the model {string} is ready, as the dashboard shows it', async function (this: RhoaiWorld, name: string) {
  await assertModelReady(this, currentModel(this, name));
});

Then(
  'the model {string} runs on a model server of its own, from the template {string}',
  async function (this: RhoaiWorld, name: string, template: string) {
    await assertOwnModelServer(this, currentModel(this, name), template);
  },
);

Then("the model server {string} runs its pods for the project's models", async function (this: RhoaiWorld, server: string) {
  await assertMultiModelServer(this, currentModel(this), server);
});

Then(
  'the models {string} and {string} are served by the one model server {string}',
  async function (this: RhoaiWorld, first: string, second: string, server: string) {
    await assertOneServer(this, [currentModel(this, first), currentModel(this, second)], server);
  },
);

// ---- over the wire ----

Then(
  /^the model's inference endpoint, read from its (status|route), serves its metadata over the v2 REST protocol$/,
  async function (this: RhoaiWorld, _from: string) {
    await assertServesFraudMetadata(this, currentModel(this));
  },
);

Then(
  'a fraudulent and a legitimate transaction of the tutorial, scaled as the training scaled its data, land on the two sides of 0.95',
  async function (this: RhoaiWorld) {
    await assertServedModelTellsFraudApart(this, currentModel(this));
  },
);

// ---- availability and platforms ----

Then('the components {string} and {string} of the DataScienceCluster are ready', function (this: RhoaiWorld, a: string, b: string) {
  return assertComponentsReady(this, [a, b]);
});

Then('the controllers {string}, {string} and {string} are available', function (this: RhoaiWorld, a: string, b: string, c: string) {
  return waitForControllers(this, [a, b, c]);
});

Then('the API serves InferenceService {string} and ServingRuntime {string}', async function (this: RhoaiWorld, isvc: string, sr: string) {
  await assertKindServed(this, 'InferenceService', isvc);
  await assertKindServed(this, 'ServingRuntime', sr);
});

Then(
  'the dashboard offers the serving runtime {string} for the single-model and the multi-model platform, and enables both platforms',
  function (this: RhoaiWorld, runtime: string) {
    return assertRuntimeOfferedOnBothPlatforms(this, runtime);
  },
);

Given('the project has no model server and no model', function (this: RhoaiWorld) {
  return assertNoServingObjects(this, currentProject(this).name);
});

When('I choose the {string} serving platform for the project', function (this: RhoaiWorld, platform: string) {
  return changePlatform(this, currentProject(this).name, parsePlatform(platform));
});

When("I change the project's serving platform to {string}", function (this: RhoaiWorld, platform: string) {
  return changePlatform(this, currentProject(this).name, parsePlatform(platform));
});

Then('the dashboard would not change it: the project has a deployed model', async function (this: RhoaiWorld) {
  await assertPlatformFixed(this, currentModel(this).namespace);
});

When(
  'a multi-model server {string} and its model {string} are added to the project anyway',
  function (this: RhoaiWorld, server: string, model: string) {
    return addOtherPlatformModel(this, currentModel(this).namespace, server, model);
  },
);

Then(
  'ModelMesh does not serve them: no pods for {string} and no status for {string} within {int} seconds',
  function (this: RhoaiWorld, server: string, model: string, seconds: number) {
    return assertNotServed(this, currentModel(this).namespace, server, model, seconds);
  },
);

function currentModelNamespace(world: RhoaiWorld): string {
  return world.facts.serving?.current ? currentModel(world).namespace : currentProject(world).name;
}
