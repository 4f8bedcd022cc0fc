import { Before, Given, Then } from '@cucumber/cucumber';
import { assertModelMeshServes } from '../support/serving/model-servers';
import { assertModelFailsToLoad, currentModel } from '../support/serving/models';
import { currentProject } from '../support/tutorial/projects';
import { assertCaikitGenerates, tinyModelNotApplicable, uploadTinyModel } from '../support/serving/text-generation';
import type { RhoaiWorld } from '../support/core/world';

// Not applicable (cucumber status skipped, the reason attached and logged) where the tiny model cannot load.
Before({ tags: '@tiny-model' }, async function (this: RhoaiWorld) {
  const reason = await tinyModelNotApplicable(this);
  if (!reason) return undefined;
  this.report.text('not applicable', reason);
  this.log(reason);
  return 'skipped';
});

Given('the tiny text-generation model is uploaded for Caikit under {string}', function (this: RhoaiWorld, prefix: string) {
  return uploadTinyModel(this, 'my-storage', prefix, 'caikit');
});

Given('the tiny text-generation model is uploaded for TGIS under {string}', function (this: RhoaiWorld, prefix: string) {
  return uploadTinyModel(this, 'my-storage', prefix, 'tgis');
});

Given(
  'the tiny text-generation model without its {string} is uploaded for TGIS under {string}',
  function (this: RhoaiWorld, file: string, prefix: string) {
    return uploadTinyModel(this, 'my-storage', prefix, 'tgis', file);
  },
);

Then("the model's text generation endpoint continues a prompt as the model defines", function (this: RhoaiWorld) {
  return assertCaikitGenerates(this, currentModel(this));
});

Then('the model {string} fails to load, saying {string}', async function (this: RhoaiWorld, name: string, words: string) {
  await assertModelFailsToLoad(this, name, words);
});

Then('ModelMesh takes up the project: it makes the project\'s Service "modelmesh-serving"', function (this: RhoaiWorld) {
  return assertModelMeshServes(this, currentProject(this).name, true);
});

Then('ModelMesh lets the project go: it removes the project\'s Service "modelmesh-serving"', function (this: RhoaiWorld) {
  return assertModelMeshServes(this, currentProject(this).name, false);
});
