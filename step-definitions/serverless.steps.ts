// Steps of 10-install/04-serverless.feature (INS-SL-*): the Serverless operator's project, the
// KnativeServing in the mesh. Each calls support/install/serverless.
import { Then, When } from '@cucumber/cucumber';
import * as serverless from '../support/install/serverless';
import type { RhoaiWorld } from '../support/core/world';

When('I create the KnativeServing {string} in {string}', function (this: RhoaiWorld, name: string, namespace: string) {
  return serverless.createKnativeServing(this, name, namespace);
});

Then('the KnativeServing {string} in {string} is ready', function (this: RhoaiWorld, name: string, namespace: string) {
  return serverless.waitForKnativeServingReady(this, name, namespace);
});

Then(
  'the {string} and {string} pods of {string} run with the istio-proxy sidecar, 2\\/2 ready',
  function (this: RhoaiWorld, a: string, b: string, namespace: string) {
    return serverless.assertSidecars(this, namespace, [a, b]);
  },
);

Then('the other Knative Serving deployments of {string} are available', function (this: RhoaiWorld, namespace: string) {
  return serverless.assertOtherDeploymentsAvailable(this, namespace);
});
