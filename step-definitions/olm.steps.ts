// Steps of 10-install/01-rhoai-operator.feature (INS-OP-*) and the operator installs of the mesh,
// Serverless and Authorino: projects, OperatorGroups, Subscriptions, CSVs. Each calls support/install/olm.
import { Given, Then, When } from '@cucumber/cucumber';
import * as olm from '../support/install/olm';
import type { RhoaiWorld } from '../support/core/world';

Given('the catalog offers the Red Hat OpenShift AI version this install pins', function (this: RhoaiWorld) {
  return olm.assertCatalogOffersPinnedVersion(this, 'rhods-operator');
});

When('I create the project {string}', function (this: RhoaiWorld, name: string) {
  return olm.createProject(this, name);
});

Given('the project {string} exists', async function (this: RhoaiWorld, name: string) {
  await olm.createProject(this, name);
  await olm.assertProjectActive(this, name);
});

Then('the project {string} is active', function (this: RhoaiWorld, name: string) {
  return olm.assertProjectActive(this, name);
});

When('I create the operator group {string} in {string}', function (this: RhoaiWorld, name: string, namespace: string) {
  return olm.createOperatorGroup(this, namespace, name);
});

Then('{string} has exactly one operator group, watching all namespaces', function (this: RhoaiWorld, namespace: string) {
  return olm.assertSingleAllNamespacesGroup(this, namespace);
});

Given('{string} has its operator group {string}', async function (this: RhoaiWorld, namespace: string, name: string) {
  await olm.createOperatorGroup(this, namespace, name);
  await olm.assertSingleAllNamespacesGroup(this, namespace);
});

When('I subscribe to the {string} operator', function (this: RhoaiWorld, pkg: string) {
  return olm.subscribe(this, pkg);
});

Then('its install plan is approved and complete', function (this: RhoaiWorld) {
  return olm.approveAndCompleteInstallPlan(this, lastSubscribed(this));
});

Then('no later install plan of {string} is approved', function (this: RhoaiWorld, pkg: string) {
  return olm.assertStaysPinned(this, pkg);
});

Then('the {string} ClusterServiceVersion succeeds', function (this: RhoaiWorld, pkg: string) {
  return olm.waitForCsvSucceeded(this, pkg);
});

Then("the {string} operator's deployments are available", function (this: RhoaiWorld, pkg: string) {
  return olm.assertOperatorDeploymentsAvailable(this, pkg);
});

Then('the installed Red Hat OpenShift AI is the expected version', function (this: RhoaiWorld) {
  return olm.assertInstalledVersion(this, 'rhods-operator', this.settings.expectedVersion);
});

function lastSubscribed(world: RhoaiWorld): string {
  const packages = Object.keys(world.facts.subscriptions ?? {});
  if (!packages.length) throw new Error('no subscription in this scenario: a step "I subscribe to the ... operator" must come first');
  return packages[packages.length - 1];
}
