// Steps of 10-install/02-components.feature (INS-CMP-*, INS-MAN-*): the profiles, default-dsc and
// its components. Each calls support/install/components or capacity.
import { Given, Then, When } from '@cucumber/cucumber';
import { assertCapacityFor } from '../support/install/capacity';
import * as components from '../support/install/components';
import type { RhoaiWorld } from '../support/core/world';

// ---- identify the components (a scenario outline over the profiles) ----

When('I choose the components of the {string} profile', function (this: RhoaiWorld, profile: string) {
  components.chooseProfile(this, profile);
});

Then('default-dsc manages exactly {string}', function (this: RhoaiWorld, list: string) {
  components.assertManagesExactly(this, list);
});

Then('default-dsc removes every other component, TrustyAI included', function (this: RhoaiWorld) {
  components.assertOthersRemoved(this);
});

Then('KServe, where chosen, leaves Knative Serving to me: serving Unmanaged', function (this: RhoaiWorld) {
  components.assertKserveManualMode(this);
});

Then('the cluster accepts that default-dsc in a server-side dry run', async function (this: RhoaiWorld) {
  await components.dryRunDsc(this);
});

// ---- the chosen profile: capacity, install, readiness ----

Given('the components of the profile RHOAI_PROFILE chooses', function (this: RhoaiWorld) {
  components.useChosenProfile(this);
});

Then('the schedulable nodes meet the documented requirements of those components', function (this: RhoaiWorld) {
  return assertCapacityFor(this, this.facts.profile ?? components.useChosenProfile(this));
});

When('I apply default-dsc with those components, KServe aside until its manual mode', async function (this: RhoaiWorld) {
  await components.applyDefaultDsc(this);
});

Given('default-dsc manages the components of the profile RHOAI_PROFILE chooses', async function (this: RhoaiWorld) {
  components.useChosenProfile(this);
  await components.applyDefaultDsc(this);
});

Then('default-dsc becomes Ready with every chosen component reconciled', async function (this: RhoaiWorld) {
  await components.waitForDscReady(this, false);
});

Then('TrustyAI is not installed', function (this: RhoaiWorld) {
  return components.assertTrustyAINotInstalled(this);
});

Then("the chosen components' Deployments are available in {string}", function (this: RhoaiWorld, namespace: string) {
  return components.assertDeploymentsAvailable(this, namespace, components.chosenDeployments(this, false));
});

// ---- KServe's manual dependency mode (skipped for profiles without KServe) ----

When('I change kserve to Managed in default-dsc', async function (this: RhoaiWorld) {
  if (!components.kserveChosen(this)) return 'skipped';
  await components.setKserveManaged(this);
});

Given('kserve is Managed in default-dsc', async function (this: RhoaiWorld) {
  if (!components.kserveChosen(this)) return 'skipped';
  await components.setKserveManaged(this);
  await components.assertKserveManaged(this);
});

Then('default-dsc sets kserve Managed', function (this: RhoaiWorld) {
  return components.assertKserveManaged(this);
});

When('I change kserve serving to Unmanaged in default-dsc', async function (this: RhoaiWorld) {
  await components.setKserveServingUnmanaged(this);
});

Then('default-dsc sets kserve serving Unmanaged, using the KnativeServing made by hand', function (this: RhoaiWorld) {
  return components.assertKserveServingUnmanaged(this);
});

Then('default-dsc becomes Ready with KServe reconciled', async function (this: RhoaiWorld) {
  await components.waitForDscReady(this, true);
});

Then(
  'the Deployments {string} and {string} are available in {string}',
  function (this: RhoaiWorld, a: string, b: string, namespace: string) {
    return components.assertDeploymentsAvailable(this, namespace, [a, b]);
  },
);
