import { Given, Then, When } from '@cucumber/cucumber';
import {
  assertCustomPolicy,
  assertMeshRoute,
  assertRefused,
  assertTokenAuthConfig,
  foreignToken,
  predictorPodsInMesh,
  sendInference,
} from '../support/serving/access';
import { currentModel } from '../support/serving/models';
import { assertProtectedModelReady, deployProtectedTutorialModel, requireTokenAuthentication } from '../support/serving/ready-models';
import { assertSentTransactionsTellFraudApart, sendTutorialTransactions } from '../support/serving/served-fraud-model';
import { assertModelTokenOf, assertTokenObjects, tokenFor } from '../support/serving/token-auth';
import type { RhoaiWorld } from '../support/core/world';

const FRAUD = { runtimeDisplayName: 'OpenVINO Model Server', framework: 'onnx - 1', connection: 'My Storage', path: 'models/fraud' };

When(
  "I deploy the model {string} in the tutorial's project on the single-model serving platform, requiring token authentication with the token {string}",
  async function (this: RhoaiWorld, name: string, tokenName: string) {
    await requireTokenAuthentication(
      this,
      { namespace: this.settings.tutorialProject, displayName: name, ...FRAUD, tokenAuth: true },
      tokenName,
    );
  },
);

Given(
  "the model {string} is deployed in the tutorial's project on the single-model serving platform, with token authentication by the token {string}",
  async function (this: RhoaiWorld, name: string, tokenName: string) {
    await deployProtectedTutorialModel(
      this,
      { namespace: this.settings.tutorialProject, displayName: name, ...FRAUD, tokenAuth: true },
      tokenName,
    );
  },
);

Then(
  'the model {string} has the service account {string} with the view role, and the token Secret {string}',
  async function (this: RhoaiWorld, name: string, serviceAccount: string, secret: string) {
    await assertTokenObjects(this, name, serviceAccount, secret);
  },
);

Then('the token Secret holds a token the cluster authenticates as {string}', async function (this: RhoaiWorld, serviceAccount: string) {
  await assertModelTokenOf(this, serviceAccount);
});

Then(
  'the model {string} asks for token authentication and is ready, as the dashboard shows it: no token and a foreign token are refused, its own token answered',
  async function (this: RhoaiWorld, name: string) {
    await assertProtectedModelReady(this, currentModel(this, name));
  },
);

When('I send an inference request for the model {string} without a token', async function (this: RhoaiWorld, name: string) {
  await sendInference(this, currentModel(this, name), { label: 'no token' });
});

When('I send an inference request for the model {string} with an invalid token', async function (this: RhoaiWorld, name: string) {
  const invalid = this.secret(
    `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'nobody' })).toString('base64url')}.invalid-signature`,
    'invalid token',
  );
  await sendInference(this, currentModel(this, name), { token: invalid, label: 'an invalid token' });
});

When(
  'I send an inference request for the model {string} with the token of a service account of another project',
  async function (this: RhoaiWorld, name: string) {
    const model = currentModel(this, name);
    const t = await foreignToken(this, model);
    await sendInference(this, model, {
      token: t.token,
      label: `the token of ${t.namespace}/${t.serviceAccount} (no access to ${model.namespace})`,
    });
  },
);

Then('the request is refused with {int}', function (this: RhoaiWorld, status: number) {
  assertRefused(this, status);
});

When("I send the tutorial's transactions to the model {string} with the model's token", async function (this: RhoaiWorld, name: string) {
  await sendTutorialTransactions(this, currentModel(this, name), tokenFor(this, 'model'));
});

Then(
  'the answers are v2 inference responses, and the fraudulent and the legitimate transaction land on the two sides of 0.95',
  function (this: RhoaiWorld) {
    assertSentTransactionsTellFraudApart(this);
  },
);

Then(
  "the model's endpoint is a passthrough route in {string} to the Istio ingress gateway",
  function (this: RhoaiWorld, namespace: string) {
    return assertMeshRoute(this, currentModel(this), namespace);
  },
);

Then("the model's predictor pods run in the service mesh, with the Istio sidecar", async function (this: RhoaiWorld) {
  await predictorPodsInMesh(this, currentModel(this));
});

Then(
  'the CUSTOM AuthorizationPolicy of {string} applies to them through the extension provider of the mesh config',
  function (this: RhoaiWorld, namespace: string) {
    return assertCustomPolicy(this, currentModel(this), namespace);
  },
);

Then("the model has an AuthConfig that requires a Kubernetes token with access to the project's services", function (this: RhoaiWorld) {
  return assertTokenAuthConfig(this, currentModel(this));
});
