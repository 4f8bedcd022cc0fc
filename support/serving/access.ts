// Who gets inference answers from a token-protected model (TUT-FD-08, CMP-06, CMP-08), over the wire
// at the endpoint read from status.url: no token, an invalid token, the model's service-account
// token, a token of a service account of another project (which has no RoleBinding in the model's
// project). And how the traffic is guarded, read from the cluster: the passthrough Route to the Istio
// ingress gateway, the predictor pods in the mesh with their sidecar, the CUSTOM AuthorizationPolicy
// that selects them with the extension provider of the mesh config, and the model's AuthConfig.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import * as yaml from 'js-yaml';
import { WaitTimeoutError, type KObject } from '../core/cluster';
import { InferenceClient, type Exchange } from './inference';
import { scenarioProject } from '../tutorial/projects';
import type { RhoaiWorld } from '../core/world';
import { externalEndpoint, MESH_NAMESPACE } from './endpoints';
import { type DeployedModel } from './models';
import { readServiceAccountToken, type ModelToken } from './token-auth';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The last inference exchange of the scenario, and what it sent. */
    lastExchange?: { exchange: Exchange; credential: string };
  }
}

const FRAUD_INPUT = { name: 'dense_input', shape: [1, 5], datatype: 'FP32', data: [0, 0, 0, 0, 0] };

/** One inference request with the given credential; the answer is kept for the Then that judges it. */
export async function sendInference(
  world: RhoaiWorld,
  model: DeployedModel,
  credential: { token?: string; label: string },
): Promise<Exchange> {
  const endpoint = await externalEndpoint(world, model);
  const client = await InferenceClient.create(world, { token: credential.token, tokenLabel: credential.label });
  try {
    const exchange = await client.infer(endpoint.base, model.name, [FRAUD_INPUT]);
    world.facts.lastExchange = { exchange, credential: credential.label };
    return exchange;
  } finally {
    client.destroy();
  }
}

/** The last request was refused with the status (401 no/invalid credential, 403 no access); an answer means authorization is not enforced. */
export function assertRefused(world: RhoaiWorld, status: number): void {
  const last = world.facts.lastExchange;
  if (!last) throw new Error('no inference request in this scenario: a step that sends one must come first');
  const { exchange, credential } = last;
  const body = typeof exchange.body === 'string' ? exchange.body.slice(0, 300) : JSON.stringify(exchange.body).slice(0, 300);
  expect(
    exchange.status !== 200,
    `the model answered ${credential} with HTTP 200 — ${body}: token authorization is not enforced (a request ${credential === 'no token' ? 'without a token' : `with ${credential}`} must be refused)`,
  ).to.equal(true);
  const why =
    status === 401 && exchange.status === 403
      ? `: the credential passed authentication (Authorino took ${credential} for an identity, and only the SubjectAccessReview refused it)`
      : '';
  expect(
    exchange.status,
    `the request with ${credential} was refused with HTTP ${exchange.status} (${exchange.headers['x-ext-auth-reason'] ?? body}), not ${status}${why}`,
  ).to.equal(status);
}

/** A token of the `default` service account of a project of its own, which has no RoleBinding in the model's project. */
export async function foreignToken(world: RhoaiWorld, model: DeployedModel): Promise<ModelToken> {
  const project = await scenarioProject(world, 'outsider', 'Outsider of the model');
  world.namespace = model.namespace;
  const [secret] = await world.applyFixture('serving/token-secret', {
    name: 'outsider-token',
    namespace: project.name,
    serviceAccount: 'default',
    displayName: 'outsider',
    ownerReferences: [],
  });
  const bindings = await world.cluster.list({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    namespace: model.namespace,
  });
  const grants = bindings.filter(
    (b) =>
      (b.subjects ?? []).some((s: KObject) => s.kind === 'ServiceAccount' && s.namespace === project.name) ||
      (b.subjects ?? []).some((s: KObject) => s.kind === 'Group' && /^system:(serviceaccounts|authenticated)$/.test(s.name)),
  );
  expect(
    grants.map((b) => b.metadata.name),
    `RoleBindings of ${model.namespace} grant the outsider's service account access (${grants.map((b) => b.metadata.name).join(', ')}): it is not a token without access`,
  ).to.deep.equal([]);
  return readServiceAccountToken(world, project.name, secret!.metadata.name!, 'default', 'outsider');
}

/** The endpoint's Route is a passthrough Route in istio-system to the istio-ingressgateway Service. */
export async function assertMeshRoute(world: RhoaiWorld, model: DeployedModel, namespace: string): Promise<void> {
  const endpoint = await externalEndpoint(world, model);
  const [ns, name] = endpoint.route.split('/');
  expect(ns, `the model's Route is in ${ns}, not in ${namespace}`).to.equal(namespace);
  const route = await world.cluster.get({ apiVersion: 'route.openshift.io/v1', kind: 'Route', name, namespace: ns });
  expect(
    route?.spec?.to?.name,
    `Route ${endpoint.route} leads to ${route?.spec?.to?.kind} ${route?.spec?.to?.name}, not the istio-ingressgateway Service`,
  ).to.equal('istio-ingressgateway');
  expect(
    route?.spec?.tls?.termination,
    `Route ${endpoint.route} terminates TLS (${route?.spec?.tls?.termination}): the gateway's certificate is not what clients see`,
  ).to.equal('passthrough');
  world.report.text('route', `${endpoint.host} → Route ${endpoint.route} (passthrough) → Service ${ns}/istio-ingressgateway`);
}

/** The predictor pods are in a mesh member namespace and run istio-proxy, ready. */
export async function predictorPodsInMesh(world: RhoaiWorld, model: DeployedModel): Promise<KObject[]> {
  const ns = await world.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: model.namespace });
  expect(
    ns?.metadata.labels?.['maistra.io/member-of'],
    `project ${model.namespace} is not a member of the service mesh in ${MESH_NAMESPACE} (label maistra.io/member-of: ${ns?.metadata.labels?.['maistra.io/member-of'] ?? 'none'})`,
  ).to.equal(MESH_NAMESPACE);
  const pods = (
    await world.cluster.list(
      { apiVersion: 'v1', kind: 'Pod', namespace: model.namespace },
      { labelSelector: `serving.kserve.io/inferenceservice=${model.name},component=predictor` },
    )
  ).filter((p) => !p.metadata.deletionTimestamp);
  expectOk(pods.length, `no predictor pod of ${model.name} in ${model.namespace}`);
  for (const pod of pods) {
    const proxy = (pod.status?.containerStatuses ?? []).find((c: KObject) => c.name === 'istio-proxy');
    expectOk(
      proxy?.ready,
      `predictor pod ${pod.metadata.name} has ${proxy ? 'an istio-proxy that is not ready' : 'no istio-proxy sidecar'}: its traffic bypasses the mesh's policies`,
    );
  }
  world.report.text(
    'predictor pods',
    pods.map((p) => `${p.metadata.name}: ${(p.spec.containers as KObject[]).map((c) => c.name).join(', ')}`).join('\n'),
  );
  return pods;
}

/** A CUSTOM AuthorizationPolicy of the mesh namespace selects the predictor pods, and its provider is in the mesh config. */
export async function assertCustomPolicy(world: RhoaiWorld, model: DeployedModel, meshNamespace: string): Promise<void> {
  const pods = await predictorPodsInMesh(world, model);
  const policies = (
    await world.cluster.list({ apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', namespace: meshNamespace })
  ).filter((p) => p.spec?.action === 'CUSTOM');
  const selecting = policies.filter((p) =>
    Object.entries((p.spec?.selector?.matchLabels ?? {}) as Record<string, string>).every(([k, v]) =>
      pods.every((pod) => pod.metadata.labels?.[k] === v),
    ),
  );
  expectOk(
    selecting.length,
    `no CUSTOM AuthorizationPolicy in ${meshNamespace} selects the predictor pods of ${model.name} (CUSTOM policies: ${policies.map((p) => `${p.metadata.name} ${JSON.stringify(p.spec?.selector?.matchLabels ?? {})}`).join(', ') || 'none'})`,
  );
  const smcps = await world.cluster.list({ apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane', namespace: meshNamespace });
  const providers = new Set<string>();
  for (const smcp of smcps) {
    const cm = await world.cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: `istio-${smcp.metadata.name}`,
      namespace: meshNamespace,
    });
    const mesh = yaml.load(cm?.data?.mesh ?? '{}') as { extensionProviders?: { name: string }[] } | undefined;
    for (const p of mesh?.extensionProviders ?? []) providers.add(p.name);
  }
  for (const p of selecting) {
    expect(
      providers.has(p.spec?.provider?.name),
      `AuthorizationPolicy ${meshNamespace}/${p.metadata.name} names the provider ${p.spec?.provider?.name}, which the mesh config does not list (it lists ${[...providers].join(', ') || 'none'}): istiod denies every request`,
    ).to.equal(true);
  }
  world.report.text(
    'authorization policies',
    selecting
      .map(
        (p) =>
          `${meshNamespace}/${p.metadata.name}: CUSTOM, provider ${p.spec?.provider?.name}, selector ${JSON.stringify(p.spec?.selector?.matchLabels ?? {})}`,
      )
      .join('\n'),
  );
}

/** The model's AuthConfig: its host, a Kubernetes TokenReview, and a SubjectAccessReview for get services in the project. */
export async function assertTokenAuthConfig(world: RhoaiWorld, model: DeployedModel): Promise<void> {
  const endpoint = await externalEndpoint(world, model);
  const configs = await world.cluster.list({ apiVersion: 'authorino.kuadrant.io/v1beta2', kind: 'AuthConfig', namespace: model.namespace });
  const config = configs.find((c) => (c.spec?.hosts ?? []).includes(endpoint.host));
  expectOk(
    config,
    `no AuthConfig in ${model.namespace} covers the model's host ${endpoint.host}: odh-model-controller has not protected it, token authorization is not enforced (AuthConfigs: ${configs.map((c) => c.metadata.name).join(', ') || 'none'})`,
  );
  const authn = Object.values((config.spec?.authentication ?? {}) as Record<string, KObject>);
  expect(
    authn.some((a) => a.kubernetesTokenReview),
    `AuthConfig ${model.namespace}/${config.metadata.name} authenticates with ${authn.map((a) => Object.keys(a).join('/')).join(', ')}, not a Kubernetes TokenReview: anyone gets in`,
  ).to.equal(true);
  const sar = Object.values((config.spec?.authorization ?? {}) as Record<string, KObject>)
    .map((a) => a.kubernetesSubjectAccessReview)
    .find(Boolean);
  expectOk(sar, `AuthConfig ${model.namespace}/${config.metadata.name} has no SubjectAccessReview: any authenticated token gets in`);
  const attr = (k: string) => sar.resourceAttributes?.[k]?.value;
  expect(
    [attr('verb'), attr('resource'), attr('namespace')],
    `AuthConfig ${config.metadata.name} checks ${attr('verb')} ${attr('resource')} in ${attr('namespace')}, not get services in ${model.namespace}`,
  ).to.deep.equal(['get', 'services', model.namespace]);
  const ready = (config.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready');
  expect(
    ready?.status,
    `AuthConfig ${config.metadata.name} is not Ready in Authorino (${ready?.reason ?? 'no status'}): Authorino has not taken it in`,
  ).to.equal('True');
  world.report.yaml(`AuthConfig ${config.metadata.name}`, config.spec);
}

/** How long a Given waits for odh-model-controller to put a freshly protected model under a token AuthConfig. */
export const PROTECTION_WAIT_MS = 60_000;

function requiresToken(config: KObject): boolean {
  return (
    Object.values((config.spec?.authentication ?? {}) as Record<string, KObject>).some((a) => a.kubernetesTokenReview) &&
    !Object.values((config.spec?.authentication ?? {}) as Record<string, KObject>).some((a) => a.anonymous !== undefined)
  );
}

/**
 * Lets odh-model-controller catch up after token authentication was switched on or off: waits
 * (watching, at most PROTECTION_WAIT_MS) until the AuthConfigs of the model's host agree — one that
 * requires a token is Ready in Authorino, or none requires one. When they do not, the scenario goes
 * on and its requests over the wire decide (the report says so). A cluster without Authorino has
 * no AuthConfig at all: access is open, as for a model without token authentication.
 */
export async function awaitAuthorization(world: RhoaiWorld, model: DeployedModel, tokenRequired: boolean): Promise<void> {
  const endpoint = await externalEndpoint(world, model);
  const forHost = (configs: KObject[]) => configs.filter((c) => (c.spec?.hosts ?? []).includes(endpoint.host));
  const ready = (c: KObject) => (c.status?.conditions ?? []).some((x: KObject) => x.type === 'Ready' && x.status === 'True');
  const timeoutMs = Math.min(PROTECTION_WAIT_MS, world.settings.waitTimeoutSeconds * 1000);
  const wanted = tokenRequired
    ? `an AuthConfig requiring a token for ${endpoint.host}, Ready in Authorino`
    : `no AuthConfig requiring a token for ${endpoint.host}`;
  try {
    await world.cluster.waitForList(
      { apiVersion: 'authorino.kuadrant.io/v1beta2', kind: 'AuthConfig', namespace: model.namespace },
      (configs) => (tokenRequired ? forHost(configs).some((c) => requiresToken(c) && ready(c)) : !forHost(configs).some(requiresToken)),
      { timeoutMs, describe: `${wanted} in ${model.namespace}` },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    world.report.text(
      'authorization not settled',
      `there is not ${wanted} after ${Math.round(timeoutMs / 1000)} s; the requests over the wire decide`,
    );
  }
}

/** Why a protected model answered: what the cluster's AuthConfigs for its host say (the cause a person fixes). */
async function whyAnswered(world: RhoaiWorld, model: DeployedModel, credential: 'none' | 'foreign'): Promise<string> {
  const endpoint = await externalEndpoint(world, model);
  const pods = (
    await world.cluster.list(
      { apiVersion: 'v1', kind: 'Pod', namespace: model.namespace },
      { labelSelector: `serving.kserve.io/inferenceservice=${model.name},component=predictor` },
    )
  ).filter((p) => !p.metadata.deletionTimestamp);
  const bare = pods.filter((p) => !((p.spec?.containers ?? []) as KObject[]).some((c) => c.name === 'istio-proxy'));
  if (bare.length)
    return `the predictor pods ${bare.map((p) => p.metadata.name).join(', ')} run without the istio-proxy sidecar: the mesh's CUSTOM AuthorizationPolicy never sees their requests (is sidecar.istio.io/inject on the pod template?)`;
  const configs = (
    await world.cluster.list({ apiVersion: 'authorino.kuadrant.io/v1beta2', kind: 'AuthConfig', namespace: model.namespace })
  ).filter((c) => (c.spec?.hosts ?? []).includes(endpoint.host));
  if (!configs.length)
    return `no AuthConfig in ${model.namespace} covers the host ${endpoint.host}: odh-model-controller has not protected the model (is the CUSTOM AuthorizationPolicy of ${MESH_NAMESPACE} there?)`;
  const config = configs[0]!;
  const authn = Object.values((config.spec?.authentication ?? {}) as Record<string, KObject>);
  if (authn.some((a) => a.anonymous !== undefined))
    return `AuthConfig ${model.namespace}/${config.metadata.name} allows anonymous access: odh-model-controller did not see the token annotation`;
  if (credential === 'foreign') {
    const sar = Object.values((config.spec?.authorization ?? {}) as Record<string, KObject>).some((a) => a.kubernetesSubjectAccessReview);
    if (!sar)
      return `AuthConfig ${model.namespace}/${config.metadata.name} has no SubjectAccessReview: any token the cluster authenticates gets in`;
    return `AuthConfig ${model.namespace}/${config.metadata.name} asks a SubjectAccessReview, yet Authorino let a token without access to ${model.namespace} through`;
  }
  return `Authorino let a request without a token through although AuthConfig ${model.namespace}/${config.metadata.name} requires a Kubernetes token`;
}

/**
 * Token authorization proven over the wire at the endpoint read from status.url: a request without
 * a token is refused (401/403), so is one with the token of a service account of another project
 * (no access to the model's project), and the model's own token gets an answer. When the model
 * answers where it must refuse, the message says what the cluster's AuthConfig shows.
 */
export async function assertTokenEnforced(world: RhoaiWorld, model: DeployedModel, modelToken: ModelToken): Promise<void> {
  const open = await sendInference(world, model, { label: 'no token' });
  if (open.status === 200)
    expect.fail(
      `the model ${model.namespace}/${model.name} answered a request without a token (HTTP 200): ${await whyAnswered(world, model, 'none')}`,
    );
  expect(
    [401, 403].includes(open.status),
    `a request without a token to ${model.name} got HTTP ${open.status}, not 401/403 (${open.headers['x-ext-auth-reason'] ?? ''})`,
  ).to.equal(true);
  const foreign = await foreignToken(world, model);
  const wrong = await sendInference(world, model, {
    token: foreign.token,
    label: `the token of ${foreign.namespace}/${foreign.serviceAccount}`,
  });
  if (wrong.status === 200)
    expect.fail(
      `the model ${model.namespace}/${model.name} answered the token of ${foreign.namespace}/${foreign.serviceAccount}, which has no access to ${model.namespace} (HTTP 200): ${await whyAnswered(world, model, 'foreign')}`,
    );
  expect([401, 403].includes(wrong.status), `a request with a wrong token to ${model.name} got HTTP ${wrong.status}, not 401/403`).to.equal(
    true,
  );
  const right = await sendInference(world, model, {
    token: modelToken.token,
    label: `the token of ${modelToken.namespace}/${modelToken.serviceAccount}`,
  });
  expect(
    right.status,
    `the model ${model.name} refused its own token (${modelToken.serviceAccount}) with HTTP ${right.status} (${right.headers['x-ext-auth-reason'] ?? ''}): the token objects do not grant access`,
  ).to.equal(200);
  world.report.text(
    'token authorization over the wire',
    `no token → ${open.status}; ${foreign.namespace}/${foreign.serviceAccount} → ${wrong.status}; ${modelToken.serviceAccount} → ${right.status}`,
  );
}
