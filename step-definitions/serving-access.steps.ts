import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { ensureModelStored } from '../support/tutorial/fraud-detection';
import { InferenceClient } from '../support/inference';
import { assertCustomPolicy, assertMeshRoute, assertRefused, assertTokenAuthConfig, awaitAuthorization, foreignToken, predictorPodsInMesh, sendInference } from '../support/serving/access';
import { externalEndpoint } from '../support/serving/endpoints';
import { assertVerdicts, fraudModelMetadata, infer, TUTORIAL_TRANSACTIONS } from '../support/serving/fraud-check';
import { currentModel, deploySingleModel, waitForModelReady } from '../support/serving/models';
import { assertAuthRequired, assertTokenOf, createTokenObjects, readServiceAccountToken, tokenFor, tokenObjectNames } from '../support/serving/token-auth';
import type { RhoaiWorld } from '../support/world';
import { tutorialScaler } from '../support/serving/tutorial-scaler';

const FRAUD = { runtimeDisplayName: 'OpenVINO Model Server', framework: 'onnx - 1', connection: 'My Storage', path: 'models/fraud' };

When('I require token authentication for the model {string} with the token {string}', async function (this: RhoaiWorld, name: string, tokenName: string) {
  const model = await deploySingleModel(this, { namespace: currentModel(this, name).namespace, displayName: name, ...FRAUD, tokenAuth: true });
  const names = await createTokenObjects(this, model, tokenName);
  await readServiceAccountToken(this, model.namespace, names.secret, names.serviceAccount, 'model');
});

Given('the model {string} is deployed in the tutorial\'s project on the single-model serving platform, with token authentication by the token {string}', async function (this: RhoaiWorld, name: string, tokenName: string) {
  await ensureModelStored(this);
  const model = await deploySingleModel(this, { namespace: this.settings.tutorialProject, displayName: name, ...FRAUD, tokenAuth: true });
  const names = await createTokenObjects(this, model, tokenName);
  await readServiceAccountToken(this, model.namespace, names.secret, names.serviceAccount, 'model');
  await waitForModelReady(this, model.namespace, model.name);
  await awaitAuthorization(this, model, true);
});

Then('the model {string} has the service account {string} with the view role, and the token Secret {string}', async function (this: RhoaiWorld, name: string, serviceAccount: string, secret: string) {
  const model = currentModel(this, name);
  const names = tokenObjectNames(model);
  assert.deepEqual([names.serviceAccount, names.secret], [serviceAccount, secret], `the dashboard names the token objects of ${name} ${names.serviceAccount} and ${names.secret}`);
  const sa = await this.cluster.get({ apiVersion: 'v1', kind: 'ServiceAccount', name: serviceAccount, namespace: model.namespace });
  assert.ok(sa, `there is no ServiceAccount ${model.namespace}/${serviceAccount}`);
  const rb = await this.cluster.get({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', name: names.roleBinding, namespace: model.namespace });
  assert.equal(rb?.roleRef?.name, 'view', `RoleBinding ${model.namespace}/${names.roleBinding} binds ${rb?.roleRef?.name ?? 'nothing'}, not the ClusterRole view`);
  assert.ok((rb?.subjects ?? []).some((s: { kind: string; name: string }) => s.kind === 'ServiceAccount' && s.name === serviceAccount), `RoleBinding ${names.roleBinding} does not bind ${serviceAccount}`);
  for (const o of [sa, rb]) assert.ok((o!.metadata.ownerReferences ?? []).some((r) => r.kind === 'InferenceService' && r.name === model.name), `${o!.kind} ${o!.metadata.name} is not owned by the InferenceService ${model.name}: it would outlive the model`);
});

Then('the token Secret holds a token the cluster authenticates as {string}', async function (this: RhoaiWorld, serviceAccount: string) {
  const t = tokenFor(this, 'model');
  assert.equal(t.serviceAccount, serviceAccount);
  await assertTokenOf(this, t);
});

Then('the model {string} asks for token authentication and is ready, as the dashboard shows it', async function (this: RhoaiWorld, name: string) {
  const model = currentModel(this, name);
  await assertAuthRequired(this, model);
  await waitForModelReady(this, model.namespace, model.name);
  await awaitAuthorization(this, model, true);
});

When('I send an inference request for the model {string} without a token', async function (this: RhoaiWorld, name: string) {
  await sendInference(this, currentModel(this, name), { label: 'no token' });
});

When('I send an inference request for the model {string} with an invalid token', async function (this: RhoaiWorld, name: string) {
  const invalid = this.secret(`eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'nobody' })).toString('base64url')}.invalid-signature`, 'invalid token');
  await sendInference(this, currentModel(this, name), { token: invalid, label: 'an invalid token' });
});

When('I send an inference request for the model {string} with the token of a service account of another project', async function (this: RhoaiWorld, name: string) {
  const model = currentModel(this, name);
  const t = await foreignToken(this, model);
  await sendInference(this, model, { token: t.token, label: `the token of ${t.namespace}/${t.serviceAccount} (no access to ${model.namespace})` });
});

Then('the request is refused with {int}', function (this: RhoaiWorld, status: number) {
  assertRefused(this, status);
});

When('I send the tutorial\'s transactions to the model {string} with the model\'s token', async function (this: RhoaiWorld, name: string) {
  const model = currentModel(this, name);
  const t = tokenFor(this, 'model');
  const scaler = await tutorialScaler(this);
  const endpoint = await externalEndpoint(this, model);
  const client = await InferenceClient.create(this, { token: t.token, tokenLabel: `the token of ${t.serviceAccount}` });
  try {
    const meta = await fraudModelMetadata(client, endpoint, model.name);
    this.facts.verdicts = {
      legitimate: await infer(client, endpoint, model.name, meta, scaler, TUTORIAL_TRANSACTIONS.legitimate),
      fraudulent: await infer(client, endpoint, model.name, meta, scaler, TUTORIAL_TRANSACTIONS.fraudulent),
    };
  } finally {
    client.destroy();
  }
});

Then('the answers are v2 inference responses, and the fraudulent and the legitimate transaction land on the two sides of 0.95', function (this: RhoaiWorld) {
  const v = this.facts.verdicts;
  assert.ok(v, 'no transactions were sent in this scenario');
  this.report.text('fraud verdicts', `${v.legitimate.label}: ${v.legitimate.probability}\n${v.fraudulent.label}: ${v.fraudulent.probability}`);
  assertVerdicts(v.legitimate, v.fraudulent);
});

Then('the model\'s endpoint is a passthrough route in {string} to the Istio ingress gateway', function (this: RhoaiWorld, namespace: string) {
  return assertMeshRoute(this, currentModel(this), namespace);
});

Then('the model\'s predictor pods run in the service mesh, with the Istio sidecar', async function (this: RhoaiWorld) {
  await predictorPodsInMesh(this, currentModel(this));
});

Then('the CUSTOM AuthorizationPolicy of {string} applies to them through the extension provider of the mesh config', function (this: RhoaiWorld, namespace: string) {
  return assertCustomPolicy(this, currentModel(this), namespace);
});

Then('the model has an AuthConfig that requires a Kubernetes token with access to the project\'s services', function (this: RhoaiWorld) {
  return assertTokenAuthConfig(this, currentModel(this));
});

