// Authorino as the authorization provider of KServe, as the RHOAI 2.9 serving guide adds it by hand:
// the Authorino instance in <applications namespace>-auth-provider and its readiness, the Istio
// sidecar injected into its Deployment, Authorino registered as an extension provider of the
// ServiceMeshControlPlane (and seen in the mesh config istiod reads), the AuthorizationPolicy that
// sends predictor traffic to it, and the EnvoyFilter that restores the Host header.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { isDeepStrictEqual } from 'node:util';
import * as yaml from 'js-yaml';
import { ApiError, hasCondition, type KObject, type ObjectRef } from '../core/cluster';
import {
  conditionText,
  controlPlaneRef,
  waitExplained,
  waitForControlPlaneReady,
  waitForCrd,
  waitForPodsWithSidecar,
  type Problem,
} from './mesh';
import type { RhoaiWorld } from '../core/world';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The Authorino instance of the scenario. */
    authorino?: { name: string; namespace: string };
  }
}

export const AUTHORINO_API = 'operator.authorino.kuadrant.io/v1beta1';
const authorinoRef = (name: string, namespace: string): ObjectRef => ({ apiVersion: AUTHORINO_API, kind: 'Authorino', name, namespace });
const deploymentRef = (name: string, namespace: string): ObjectRef => ({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace });

/** The gRPC service of Authorino's external authorization API: <name>-authorino-authorization. */
export const authorizationService = (name: string): string => `${name}-authorino-authorization`;

export function currentAuthorino(world: RhoaiWorld): { name: string; namespace: string } {
  const a = world.facts.authorino;
  if (!a) throw new Error('no Authorino instance in this scenario: a step that creates it or waits for it must come first');
  return a;
}

// ---- the instance ----

export async function createAuthorino(world: RhoaiWorld, name: string, namespace: string): Promise<KObject> {
  await waitForCrd(world, 'authorinos.operator.authorino.kuadrant.io', 'authorino-operator');
  const [live] = await world.applyFixture('authorino/authorino', { name, namespace });
  world.facts.authorino = { name, namespace };
  return live!;
}

/** The Authorino CR is Ready and its Deployment available. */
export async function waitForAuthorinoReady(world: RhoaiWorld, name: string, namespace: string): Promise<void> {
  await waitForCrd(world, 'authorinos.operator.authorino.kuadrant.io', 'authorino-operator');
  await waitExplained(
    world,
    authorinoRef(name, namespace),
    (a): Problem => {
      if (!a) return `Authorino ${namespace}/${name} does not exist`;
      const ready = a.status?.conditions?.find((c: KObject) => c.type === 'Ready');
      if (ready?.status === 'True') return undefined;
      if (ready?.reason && /^Unable|NotFound$/.test(ready.reason))
        return { fail: `the Authorino operator cannot provision ${namespace}/${name}: ${conditionText(a, 'Ready')}` };
      return `Authorino ${namespace}/${name} is not ready: ${conditionText(a, 'Ready')}`;
    },
    `Authorino ${namespace}/${name} to be Ready`,
  );
  await world.cluster.waitFor(deploymentRef(name, namespace), hasCondition('Available'), {
    describe: `the Authorino Deployment ${namespace}/${name} to be Available`,
  });
  world.facts.authorino = { name, namespace };
}

/** Authorino's external authorization API: the Service <name>-authorino-authorization with the gRPC port. */
export async function assertAuthorizationService(world: RhoaiWorld, service: string, port: number): Promise<void> {
  const { name, namespace } = currentAuthorino(world);
  expect(service, `the Authorino ${name} serves its authorization API as ${authorizationService(name)}, not ${service}`).to.equal(
    authorizationService(name),
  );
  const svc = await world.cluster.get({ apiVersion: 'v1', kind: 'Service', name: service, namespace });
  expectOk(svc, `Service ${namespace}/${service} does not exist: the Authorino operator creates it with the instance`);
  const ports: KObject[] = svc.spec?.ports ?? [];
  expect(
    ports.some((p) => p.port === port),
    `Service ${namespace}/${service} does not expose port ${port} (ports: ${ports.map((p) => `${p.name ?? '?'}:${p.port}`).join(', ')})`,
  ).to.equal(true);
  world.report.text(
    'authorization service',
    `${service}.${namespace}.svc.cluster.local:${port} (${ports.map((p) => `${p.name}:${p.port}`).join(', ')})`,
  );
}

// ---- the sidecar ----

/** Adds the injection label to the pod template (server-side apply: the one label is all the harness owns of the Deployment). */
export async function injectSidecar(world: RhoaiWorld, deployment: string): Promise<KObject> {
  const { namespace } = currentAuthorino(world);
  const [live] = await world.applyFixture('authorino/deployment-sidecar-injection', { name: deployment, namespace });
  return live!;
}

/** The Authorino pods run the containers authorino and istio-proxy, all ready (what `oc get pods -o custom-columns=...CONTAINERS` shows). */
export async function assertAuthorinoSidecar(world: RhoaiWorld, containers: string[]): Promise<void> {
  const { name, namespace } = currentAuthorino(world);
  const d = await world.cluster.get(deploymentRef(name, namespace));
  expectOk(d, `Deployment ${namespace}/${name} does not exist`);
  const selector = Object.entries(d.spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  await waitForInjectionRollout(world, name, namespace);
  const [app, ...rest] = containers;
  expect(rest.includes('istio-proxy'), `the expected containers ${containers.join(', ')} do not include istio-proxy`).to.equal(true);
  const pods = await waitForPodsWithSidecar(world, namespace, selector, app!);
  for (const p of pods) {
    const names: string[] = p.spec.containers.map((c: KObject) => c.name);
    expect(
      [...names].sort(),
      `pod ${namespace}/${p.metadata.name} runs the containers [${names.join(', ')}], expected [${containers.join(', ')}]`,
    ).to.deep.equal([...containers].sort());
  }
}

const INJECT_LABEL = 'sidecar.istio.io/inject';

/** Who last wrote the Deployment's pod template with an update (not an apply), from managedFields. */
function templateRewriters(d: KObject): string[] {
  return (
    (d.metadata.managedFields ?? []) as {
      manager?: string;
      operation?: string;
      subresource?: string;
      fieldsV1?: { 'f:spec'?: Record<string, unknown> };
    }[]
  )
    .filter((e) => !e.subresource && e.operation === 'Update' && e.fieldsV1?.['f:spec'] && 'f:template' in e.fieldsV1['f:spec'])
    .map((e) => e.manager ?? '?');
}

/**
 * The Deployment keeps the injection label on its pod template and rolls it out. An operator that
 * replaces the template with its own (an update) drops the label: that fails at once, naming it.
 */
async function waitForInjectionRollout(world: RhoaiWorld, name: string, namespace: string): Promise<void> {
  await waitExplained(
    world,
    deploymentRef(name, namespace),
    (d): Problem => {
      if (!d) return `Deployment ${namespace}/${name} does not exist`;
      if (d.spec?.template?.metadata?.labels?.[INJECT_LABEL] !== 'true') {
        const who = templateRewriters(d);
        return {
          fail: `the pod template of Deployment ${namespace}/${name} lost the label ${INJECT_LABEL}=true applied to it${who.length ? `: ${who.join(', ')} replaced the template (an update of spec.template, per managedFields)` : ''}; the pods will run without the sidecar`,
        };
      }
      const s = d.status ?? {};
      const desired = d.spec?.replicas ?? 1;
      if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0) || s.updatedReplicas !== desired || (s.replicas ?? 0) > desired)
        return `Deployment ${namespace}/${name} has rolled out ${s.updatedReplicas ?? 0}/${desired} pods of its generation ${d.metadata.generation}`;
      return undefined;
    },
    `Deployment ${namespace}/${name} to roll out the pod template with ${INJECT_LABEL}=true`,
  );
}

// ---- the extension provider ----

interface ExtensionProvider {
  name: string;
  envoyExtAuthzGrpc?: { service: string; port: number };
  [key: string]: unknown;
}

/** The providers the fixture asks for. */
function wantedProviders(world: RhoaiWorld, controlPlane: string, controlPlaneNamespace: string, provider: string): ExtensionProvider[] {
  const { name: authorino, namespace: authorinoNamespace } = world.facts.authorino ?? { name: 'authorino', namespace: provider };
  const [smcp] = world.render('authorino/smcp-extension-provider', {
    controlPlane,
    controlPlaneNamespace,
    provider,
    authorino,
    authorinoNamespace,
  });
  return smcp!.spec.techPreview.meshConfig.extensionProviders;
}

/** `existing` with each wanted provider put in place of the one of its name, or added at the end. */
export function mergeProviders(existing: ExtensionProvider[], wanted: ExtensionProvider[]): ExtensionProvider[] {
  // A provider already as wanted keeps its exact form (key order included), so that nothing is sent.
  const out = existing.map((p) => {
    const w = wanted.find((x) => x.name === p.name);
    return w && !isDeepStrictEqual(w, p) ? w : p;
  });
  for (const w of wanted) if (!existing.some((p) => p.name === w.name)) out.push(w);
  return out;
}

/**
 * Adds Authorino to spec.techPreview.meshConfig.extensionProviders of the control plane, keeping the
 * providers already there (the list is atomic: a server-side apply of it would replace it, or
 * conflict with its owner). A merge patch of the merged list, guarded by the resourceVersion it
 * was computed from; nothing is sent when the provider is already as wanted.
 */
export async function registerExtensionProvider(
  world: RhoaiWorld,
  provider: string,
  controlPlane: string,
  controlPlaneNamespace: string,
): Promise<void> {
  const ref = controlPlaneRef(controlPlane, controlPlaneNamespace);
  const wanted = wantedProviders(world, controlPlane, controlPlaneNamespace, provider);
  for (let attempt = 1; ; attempt++) {
    const smcp = await world.cluster.get(ref);
    expectOk(smcp, `ServiceMeshControlPlane ${controlPlaneNamespace}/${controlPlane} does not exist: create it first`);
    const existing = smcp.spec?.techPreview?.meshConfig?.extensionProviders ?? [];
    expect(
      Array.isArray(existing),
      `spec.techPreview.meshConfig.extensionProviders of ServiceMeshControlPlane ${controlPlaneNamespace}/${controlPlane} is not a list: ${JSON.stringify(existing)}`,
    ).to.equal(true);
    const merged = mergeProviders(existing, wanted);
    if (isDeepStrictEqual(merged, existing)) {
      world.report.text(
        'extension provider',
        `ServiceMeshControlPlane ${controlPlaneNamespace}/${controlPlane} already lists ${wanted.map((w) => w.name).join(', ')} as wanted; nothing changed (providers: ${existing.map((p: ExtensionProvider) => p.name).join(', ')})`,
      );
      return;
    }
    try {
      await world.cluster.patch(
        ref,
        {
          metadata: { resourceVersion: smcp.metadata.resourceVersion },
          spec: { techPreview: { meshConfig: { extensionProviders: merged } } },
        },
        'merge',
      );
      world.report.text(
        'extension provider',
        `added ${wanted.map((w) => w.name).join(', ')} to ServiceMeshControlPlane ${controlPlaneNamespace}/${controlPlane}; its providers: ${merged.map((p) => p.name).join(', ')}`,
      );
      return;
    } catch (error) {
      // Someone changed the control plane since it was read: merge again from its new state.
      if (!(error instanceof ApiError && error.status === 409) || attempt >= 5) throw error;
    }
  }
}

/** What keeps the mesh config (ConfigMap istio-<smcp>, key mesh) from listing the provider as wanted. */
export function meshConfigProblem(cm: KObject | undefined, wanted: ExtensionProvider): Problem {
  const where = `ConfigMap ${cm?.metadata.namespace ?? '?'}/${cm?.metadata.name ?? '?'} data.mesh`;
  if (!cm) return 'the mesh ConfigMap does not exist';
  let mesh: { extensionProviders?: ExtensionProvider[] } | undefined;
  try {
    mesh = yaml.load(cm.data?.mesh ?? '') as typeof mesh;
  } catch (error) {
    return `${where} is not YAML: ${(error as Error).message.split('\n')[0]}`;
  }
  const providers = mesh?.extensionProviders ?? [];
  const found = providers.find((p) => p.name === wanted.name);
  if (!found)
    return `${where} has no extensionProviders entry named ${wanted.name} (extensionProviders: [${providers.map((p) => p.name).join(', ')}])`;
  if (!isDeepStrictEqual(found.envoyExtAuthzGrpc, wanted.envoyExtAuthzGrpc)) {
    return `${where} lists ${wanted.name} with envoyExtAuthzGrpc ${JSON.stringify(found.envoyExtAuthzGrpc)}, expected ${JSON.stringify(wanted.envoyExtAuthzGrpc)}`;
  }
  return undefined;
}

/** After the control plane reconciled the change, istiod's mesh config lists the provider (as `oc get configmap istio-<smcp> -o jsonpath={.data.mesh}` shows it). */
export async function assertMeshConfigProvider(
  world: RhoaiWorld,
  controlPlane: string,
  controlPlaneNamespace: string,
  provider: string,
  service: string,
  port: number,
): Promise<void> {
  await waitForControlPlaneReady(world, controlPlane, controlPlaneNamespace);
  const wanted: ExtensionProvider = { name: provider, envoyExtAuthzGrpc: { service, port } };
  const live = await world.cluster.get(controlPlaneRef(controlPlane, controlPlaneNamespace));
  const declared = (live?.spec?.techPreview?.meshConfig?.extensionProviders ?? []).find((p: ExtensionProvider) => p.name === provider);
  expect(
    declared?.envoyExtAuthzGrpc,
    `ServiceMeshControlPlane ${controlPlaneNamespace}/${controlPlane} declares the provider ${provider} as ${JSON.stringify(declared)}, expected ${JSON.stringify(wanted)}`,
  ).to.deep.equal(wanted.envoyExtAuthzGrpc);
  const cm = `istio-${controlPlane}`;
  await waitExplained(
    world,
    { apiVersion: 'v1', kind: 'ConfigMap', name: cm, namespace: controlPlaneNamespace },
    (o) => meshConfigProblem(o, wanted),
    `the mesh config (ConfigMap ${controlPlaneNamespace}/${cm} data.mesh) to list the extension provider ${provider} (envoyExtAuthzGrpc ${service}:${port}) in extensionProviders`,
  );
}

// ---- the authorization policy and the envoy filter ----

export async function createAuthorizationPolicy(world: RhoaiWorld, name: string, namespace: string, provider: string): Promise<KObject> {
  await waitForCrd(world, 'authorizationpolicies.security.istio.io', 'servicemeshoperator');
  const [live] = await world.applyFixture('authorino/authorization-policy', { name, namespace, provider });
  return live!;
}

/**
 * As odh-model-controller 2.9 decides that token authorization is available: an AuthorizationPolicy
 * in the mesh namespace with action CUSTOM and selector component=predictor. Its provider must be
 * one the mesh config lists (istiod denies every request of a CUSTOM policy with an unknown provider).
 */
export async function assertPredictorAuthorization(
  world: RhoaiWorld,
  namespace: string,
  provider: string,
  controlPlane: string,
): Promise<void> {
  const policies = await world.cluster.list({ apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', namespace });
  const custom = policies.filter((p) => p.spec?.action === 'CUSTOM' && p.spec?.selector?.matchLabels?.component === 'predictor');
  expectOk(
    custom.length,
    `no AuthorizationPolicy in ${namespace} has action CUSTOM and selector component=predictor (policies: ${policies.map((p) => `${p.metadata.name} ${p.spec?.action ?? 'ALLOW'}`).join(', ') || 'none'}): odh-model-controller would find no token authorization`,
  );
  const names = custom.map((p) => p.spec?.provider?.name);
  if (!names.includes(provider) && custom.some((p) => !p.spec?.provider)) {
    // A provider that was sent but is not stored: an AuthorizationPolicy CRD that does not know the field prunes it.
    const crd = await world.cluster.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'authorizationpolicies.security.istio.io',
    });
    const version = (crd?.spec?.versions ?? []).find((v: { name: string }) => v.name === 'v1beta1');
    const schemaSpec = version?.schema?.openAPIV3Schema?.properties?.spec;
    if (schemaSpec && !schemaSpec.properties?.provider && !schemaSpec['x-kubernetes-preserve-unknown-fields']) {
      expect.fail(
        `the CUSTOM predictor AuthorizationPolicies of ${namespace} have no provider: the cluster's CRD authorizationpolicies.security.istio.io (v1beta1) has no spec.provider in its schema, so the API server dropped the provider ${provider} (an Istio older than 1.9; the Service Mesh operator's CRDs are not those of OSSM 2.x)`,
      );
    }
  }
  expect(
    names.includes(provider),
    `the CUSTOM predictor AuthorizationPolicies of ${namespace} use the providers [${names.join(', ')}], not ${provider}`,
  ).to.equal(true);
  const policy = custom.find((p) => p.spec?.provider?.name === provider)!;
  const expected = world.render('authorino/authorization-policy', { name: policy.metadata.name, namespace, provider })[0]!;
  expect(
    policy.spec,
    `AuthorizationPolicy ${namespace}/${policy.metadata.name} differs from the documented one (a field pruned or changed)`,
  ).to.deep.equal(expected.spec);
  const cm = await world.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: `istio-${controlPlane}`, namespace });
  const problem = meshConfigNames(cm).includes(provider)
    ? undefined
    : `the mesh config of ${controlPlane} lists no extension provider ${provider} (it lists: ${meshConfigNames(cm).join(', ') || 'none'}): istiod would deny every request the policy covers`;
  expect(problem, problem).to.equal(undefined);
}

function meshConfigNames(cm: KObject | undefined): string[] {
  try {
    return ((yaml.load(cm?.data?.mesh ?? '') as { extensionProviders?: ExtensionProvider[] } | undefined)?.extensionProviders ?? []).map(
      (p) => p.name,
    );
  } catch {
    return [];
  }
}

export async function createEnvoyFilter(world: RhoaiWorld, name: string, namespace: string): Promise<KObject> {
  await waitForCrd(world, 'envoyfilters.networking.istio.io', 'servicemeshoperator');
  const [live] = await world.applyFixture('authorino/envoy-filter', { name, namespace });
  return live!;
}

/** The EnvoyFilter is stored as documented (nothing pruned): a Lua filter on the predictors' HTTP connection manager restoring Host from k-original-host. */
export async function assertHostHeaderFilter(world: RhoaiWorld, name: string, namespace: string): Promise<void> {
  const live = await world.cluster.get({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', name, namespace });
  expectOk(live, `EnvoyFilter ${namespace}/${name} does not exist`);
  const expected = world.render('authorino/envoy-filter', { name, namespace })[0]!;
  if (!isDeepStrictEqual(live.spec, expected.spec)) {
    // What was sent but is not stored: a CRD whose schema does not keep the patch's free-form value prunes it.
    const crd = await world.cluster.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'envoyfilters.networking.istio.io',
    });
    const version = (crd?.spec?.versions ?? []).find((v: { name: string }) => v.name === 'v1alpha3');
    const value =
      version?.schema?.openAPIV3Schema?.properties?.spec?.properties?.configPatches?.items?.properties?.patch?.properties?.value;
    if (value && !value['x-kubernetes-preserve-unknown-fields'] && !value.additionalProperties) {
      expect.fail(
        `EnvoyFilter ${namespace}/${name} lost its Lua filter (patch.value ${JSON.stringify(live.spec.configPatches?.[0]?.patch?.value ?? null)}): the cluster's CRD envoyfilters.networking.istio.io (v1alpha3) does not preserve unknown fields under configPatches[].patch.value, so the API server dropped them`,
      );
    }
  }
  expect(live.spec, `EnvoyFilter ${namespace}/${name} differs from the documented one (a field pruned or changed)`).to.deep.equal(
    expected.spec,
  );
  const patch = live.spec.configPatches?.[0];
  expect(live.spec.workloadSelector?.labels?.component, `EnvoyFilter ${namespace}/${name} does not select the KServe predictors`).to.equal(
    'predictor',
  );
  expect(patch?.applyTo).to.equal('HTTP_FILTER');
  expect(patch?.match?.listener?.filterChain?.filter?.name).to.equal('envoy.filters.network.http_connection_manager');
  const code: string = patch?.patch?.value?.typed_config?.inlineCode ?? '';
  expect(code, `EnvoyFilter ${namespace}/${name}: the Lua code does not read the k-original-host header`).to.match(
    /headers:get\("k-original-host"\)/,
  );
  expect(code, `EnvoyFilter ${namespace}/${name}: the Lua code does not replace the Host header`).to.match(
    /headers:replace\('host', original_host\)/,
  );
}
