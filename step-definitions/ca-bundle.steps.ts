// Steps of 10-install/08-ca-bundle.feature (INS-CA-*): the custom CA bundle in default-dsci and the
// ConfigMap odh-trusted-ca-bundle the operator spreads. Each calls support/install/ca-bundle.
import { Given, Then, When } from '@cucumber/cucumber';
import * as caBundle from '../support/install/ca-bundle';
import type { RhoaiWorld } from '../support/core/world';
import { applicationsNamespace, DEFAULT_DSCI } from '../support/rhoai/names';

Given('the Red Hat OpenShift AI operator has made the DSCInitialization {string} Ready', async function (this: RhoaiWorld, name: string) {
  await caBundle.requireReadyDsci(this, name);
});

Given("the custom CA certificates: the file RHOAI_CUSTOM_CA_FILE, else the secure gateway's root CA", async function (this: RhoaiWorld) {
  await caBundle.loadCustomCa(this);
});

When('I add them to {string} as its custom CA bundle, with the trusted CA bundle Managed', async function (this: RhoaiWorld, dsci: string) {
  await caBundle.addCustomCaBundle(this, dsci);
  await caBundle.assertDsciTrustsCustomCa(this, dsci);
});

Then(
  '{string} has the ConfigMap odh-trusted-ca-bundle with the custom CA and the cluster-wide CA bundle',
  function (this: RhoaiWorld, namespace: string) {
    return caBundle.assertBundleIn(this, namespace);
  },
);

When('I create the project {string}, opted out of the trusted CA bundle', async function (this: RhoaiWorld, name: string) {
  await caBundle.createOptedOutProject(this, name);
});

Then(
  '{string} has no ConfigMap odh-trusted-ca-bundle, after the operator gave {string} the new bundle',
  function (this: RhoaiWorld, optedOut: string, witness: string) {
    return caBundle.assertNoBundleIn(this, optedOut, witness);
  },
);

Then(
  '{string} still has no ConfigMap odh-trusted-ca-bundle, while {string}, created after it, has it',
  async function (this: RhoaiWorld, optedOut: string, later: string) {
    return caBundle.assertNoBundleIn(this, optedOut, await applicationsNamespace(this), DEFAULT_DSCI, later);
  },
);

Then(
  'every other namespace has it too, except the reserved namespaces openshift-*, kube-*, default and openshift',
  function (this: RhoaiWorld) {
    return caBundle.assertBundleEverywhereEligible(this);
  },
);
