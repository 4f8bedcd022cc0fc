// Token authorization of a deployed model, as the RHOAI 2.9 dashboard sets it up when "Require
// token authentication" is ticked (pages/modelServing/utils.ts setUpTokenAuth; workloads.md §5.2):
// the ServiceAccount <isvc>-sa, the RoleBinding <isvc>-view to the ClusterRole view, one
// service-account token Secret per token name (<k8s(token name)>-<isvc>-sa, default
// "default-name"), all owned by the InferenceService, and the annotation
// security.opendatahub.io/enable-auth=true on it. The token is base64decode(data.token) of that
// Secret, as the dashboard shows it. Enforcement is odh-model-controller's and Authorino's.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { KObject } from '../core/cluster';
import { k8sName } from '../tutorial/names';
import type { RhoaiWorld } from '../core/world';
import { currentModel, isvcRef, type DeployedModel } from './models';

export const DEFAULT_TOKEN_NAME = 'default-name';

export interface ModelToken {
  serviceAccount: string;
  secret: string;
  namespace: string;
  token: string;
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** Tokens this scenario read, by what they are for (e.g. "fraud-sa", "outsider"). */
    tokens?: Record<string, ModelToken>;
  }
}

export function tokenObjectNames(
  model: DeployedModel,
  tokenName = DEFAULT_TOKEN_NAME,
): { serviceAccount: string; roleBinding: string; secret: string } {
  const serviceAccount = `${model.platform === 'single' ? model.name : model.runtime}-sa`;
  return {
    serviceAccount,
    roleBinding: `${model.platform === 'single' ? model.name : model.runtime}-view`,
    secret: `${k8sName(tokenName)}-${serviceAccount}`,
  };
}

/** The service account, its view RoleBinding and the token Secret, owned by the InferenceService. */
export async function createTokenObjects(
  world: RhoaiWorld,
  model: DeployedModel,
  tokenName = DEFAULT_TOKEN_NAME,
): Promise<{ serviceAccount: string; roleBinding: string; secret: string }> {
  const isvc = await world.cluster.get(isvcRef(model.namespace, model.name));
  expectOk(isvc, `InferenceService ${model.namespace}/${model.name} does not exist: deploy the model first`);
  const names = tokenObjectNames(model, tokenName);
  const ownerReferences = [{ apiVersion: isvc.apiVersion, kind: isvc.kind, name: isvc.metadata.name, uid: isvc.metadata.uid }];
  await world.applyFixture('serving/token-service-account', { name: names.serviceAccount, namespace: model.namespace, ownerReferences });
  await world.applyFixture('serving/token-role-binding', {
    name: names.roleBinding,
    namespace: model.namespace,
    serviceAccount: names.serviceAccount,
    ownerReferences,
  });
  await world.applyFixture('serving/token-secret', {
    name: names.secret,
    namespace: model.namespace,
    serviceAccount: names.serviceAccount,
    displayName: tokenName,
    ownerReferences,
  });
  return names;
}

/** The token of a service-account token Secret, once the token controller has filled it in. */
export async function readServiceAccountToken(
  world: RhoaiWorld,
  namespace: string,
  secret: string,
  serviceAccount: string,
  label: string,
): Promise<ModelToken> {
  const s = await world.cluster.waitFor(
    { apiVersion: 'v1', kind: 'Secret', name: secret, namespace },
    (x) => {
      if (!x) return false;
      if (x.type !== 'kubernetes.io/service-account-token')
        return {
          fail: `Secret ${namespace}/${secret} is of type ${x.type}, not kubernetes.io/service-account-token: no token is issued into it`,
        };
      return typeof x.data?.token === 'string' && x.data.token.length > 0;
    },
    { describe: `the token controller to fill in the token of Secret ${namespace}/${secret}` },
  );
  const token = world.secret(Buffer.from(s!.data.token, 'base64').toString('utf8'), `token of ${serviceAccount}`);
  expect(
    s!.metadata.annotations?.['kubernetes.io/service-account.name'],
    `Secret ${namespace}/${secret} belongs to service account ${s!.metadata.annotations?.['kubernetes.io/service-account.name']}, not ${serviceAccount}`,
  ).to.equal(serviceAccount);
  const t: ModelToken = { serviceAccount, secret, namespace, token };
  world.facts.tokens = { ...(world.facts.tokens ?? {}), [label]: t };
  return t;
}

/** The model's token objects have the dashboard's names, the RoleBinding binds the service account to the ClusterRole view, and the InferenceService owns both. */
export async function assertTokenObjects(world: RhoaiWorld, name: string, serviceAccount: string, secret: string): Promise<void> {
  const model = currentModel(world, name);
  const names = tokenObjectNames(model);
  expect(
    [names.serviceAccount, names.secret],
    `the dashboard names the token objects of ${name} ${names.serviceAccount} and ${names.secret}`,
  ).to.deep.equal([serviceAccount, secret]);
  const sa = await world.cluster.get({ apiVersion: 'v1', kind: 'ServiceAccount', name: serviceAccount, namespace: model.namespace });
  expectOk(sa, `there is no ServiceAccount ${model.namespace}/${serviceAccount}`);
  const rb = await world.cluster.get({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    name: names.roleBinding,
    namespace: model.namespace,
  });
  expect(
    rb?.roleRef?.name,
    `RoleBinding ${model.namespace}/${names.roleBinding} binds ${rb?.roleRef?.name ?? 'nothing'}, not the ClusterRole view`,
  ).to.equal('view');
  expect(
    (rb?.subjects ?? []).some((s: { kind: string; name: string }) => s.kind === 'ServiceAccount' && s.name === serviceAccount),
    `RoleBinding ${names.roleBinding} does not bind ${serviceAccount}`,
  ).to.equal(true);
  for (const o of [sa, rb])
    expect(
      (o!.metadata.ownerReferences ?? []).some((r) => r.kind === 'InferenceService' && r.name === model.name),
      `${o!.kind} ${o!.metadata.name} is not owned by the InferenceService ${model.name}: it would outlive the model`,
    ).to.equal(true);
}

/** The token is one the API server authenticates as the service account (a TokenReview says so). */
export async function assertTokenOf(world: RhoaiWorld, t: ModelToken): Promise<void> {
  const review = await world.cluster.request<KObject>({
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/tokenreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: t.token } },
  });
  const expected = `system:serviceaccount:${t.namespace}:${t.serviceAccount}`;
  expect(
    review.status?.authenticated,
    `the token of Secret ${t.namespace}/${t.secret} is not authenticated by the API server (TokenReview: ${review.status?.error ?? 'not authenticated'})`,
  ).to.equal(true);
  expect(
    review.status?.user?.username,
    `the token of Secret ${t.namespace}/${t.secret} belongs to ${review.status?.user?.username}, not ${expected}`,
  ).to.equal(expected);
}

/** The scenario's model token (read as "model") belongs to `serviceAccount`, and the API server authenticates it as that account. */
export async function assertModelTokenOf(world: RhoaiWorld, serviceAccount: string): Promise<void> {
  const t = tokenFor(world, 'model');
  expect(t.serviceAccount).to.equal(serviceAccount);
  await assertTokenOf(world, t);
}

/** The model's InferenceService asks for token authentication. */
export async function assertAuthRequired(world: RhoaiWorld, model: DeployedModel): Promise<void> {
  const isvc = await world.cluster.get(isvcRef(model.namespace, model.name));
  expect(
    isvc?.metadata.annotations?.['security.opendatahub.io/enable-auth'],
    `InferenceService ${model.namespace}/${model.name} is not annotated security.opendatahub.io/enable-auth=true: token authentication is not requested`,
  ).to.equal('true');
}

export function tokenFor(world: RhoaiWorld, label: string): ModelToken {
  const t = world.facts.tokens?.[label];
  if (!t) throw new Error(`no token "${label}" in this scenario: a step that reads it must come first`);
  return t;
}
