import { Then, When } from '@cucumber/cucumber';
import * as caVariants from '../support/advanced/ca-bundle-variants';
import type { RhoaiWorld } from '../support/world';

// ---- ADV-07: the trusted CA bundle's management states ----

When('I set the trusted CA bundle of {string} to {word}', function (this: RhoaiWorld, dsci: string, state: caVariants.TrustState) {
  return caVariants.setTrust(this, dsci, state);
});

Then('no namespace has the ConfigMap odh-trusted-ca-bundle any more', function (this: RhoaiWorld) {
  return caVariants.assertNoBundleAnywhere(this, 'default-dsci');
});

Then('the ConfigMaps odh-trusted-ca-bundle are kept as they were, with the custom CA and not the new bundle', function (this: RhoaiWorld) {
  return caVariants.assertBundlesKept(this, 'default-dsci');
});
