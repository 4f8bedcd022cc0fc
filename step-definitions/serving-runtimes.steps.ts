import { Given, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { currentModel, isvcRef, modelProblem } from '../support/serving/models';
import { assertCaikitGenerates, uploadTinyModel } from '../support/serving/text-generation';
import type { RhoaiWorld } from '../support/world';

Given('the tiny text-generation model is uploaded for Caikit under {string}', function (this: RhoaiWorld, prefix: string) {
  return uploadTinyModel(this, 'my-storage', prefix, 'caikit');
});

Given('the tiny text-generation model is uploaded for TGIS under {string}', function (this: RhoaiWorld, prefix: string) {
  return uploadTinyModel(this, 'my-storage', prefix, 'tgis');
});

Given('the tiny text-generation model without its {string} is uploaded for TGIS under {string}', function (this: RhoaiWorld, file: string, prefix: string) {
  return uploadTinyModel(this, 'my-storage', prefix, 'tgis', file);
});

Then('the model\'s text generation endpoint continues a prompt as the model defines', function (this: RhoaiWorld) {
  return assertCaikitGenerates(this, currentModel(this));
});

Then('the model {string} fails to load, saying {string}', async function (this: RhoaiWorld, name: string, words: string) {
  const model = currentModel(this, name);
  const isvc = await this.cluster.waitFor(isvcRef(model.namespace, model.name), (i) => {
    if (!i) return false;
    if ((i.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')) return { fail: `InferenceService ${model.namespace}/${model.name} became Ready: the runtime loaded a model that lacks ${words}` };
    return !!modelProblem(i);
  }, { describe: `InferenceService ${model.namespace}/${model.name} to fail to load its model` });
  const problem = modelProblem(isvc!)!;
  this.report.text('load failure', problem);
  assert.ok(problem.includes(words), `the model ${name} failed to load, but not because of ${words}: ${problem}`);
});
