// Steps of 00-smoke/cluster.feature: the target answers, the credentials are cluster-admin's, and the
// client applies, watches and reads back an object. Each calls support/install/smoke.
import { Given, Then, When } from '@cucumber/cucumber';
import * as smoke from '../support/install/smoke';
import type { RhoaiWorld } from '../support/core/world';

Given('the cluster answers', function (this: RhoaiWorld) {
  return smoke.clusterAnswers(this);
});

Then('I can act as cluster-admin', function (this: RhoaiWorld) {
  return smoke.assertClusterAdmin(this);
});

Given('a scratch namespace {string}', function (this: RhoaiWorld, name: string) {
  return smoke.useScratchNamespace(this, name);
});

When('I apply the ConfigMap {string} holding {string}', function (this: RhoaiWorld, name: string, text: string) {
  return smoke.applyConfigMap(this, name, text);
});

Then('the ConfigMap {string} holds {string}', function (this: RhoaiWorld, name: string, text: string) {
  return smoke.assertConfigMapHolds(this, name, text);
});
