import { Then } from '@cucumber/cucumber';
import * as rhoai from '../support/rhoai';
import type { RhoaiWorld } from '../support/world';

Then('the operator creates the DSCInitialization {string}, and it becomes Ready', function (this: RhoaiWorld, name: string) {
  return rhoai.waitForDsciReady(this, name);
});

Then('{string} creates the projects {string} and {string}', function (this: RhoaiWorld, dsci: string, a: string, b: string) {
  return rhoai.assertDsciNamespaces(this, dsci, [a, b]);
});
