// The CodeFlare side of distributed workloads (§13.3):
// - DW-CF-01: the seed's "install the codeflare-cli" has no 2.9 doc step; the documented client is
//   the CodeFlare SDK. What the SDK needs from the cluster is proved instead: the ray.io and Kueue
//   kinds it creates and reads are served, a bearer token reaches them (TokenAuthentication), and
//   the user may do what the SDK does in a data science project.
// - DW-CF-02..04: codeflare-operator-config (redhat-ods-applications, key config.yaml), read the way
//   the 2.9 operator reads it (main.go loadIntoOrCreate): exactly one data entry, YAML decoded with
//   Go's JSON rules (sigs.k8s.io/yaml), where keys match case-insensitively when no key matches
//   exactly, and a key left out keeps the operator's default (ingressDomain "", mTLSEnabled true,
//   rayDashboardOAuthEnabled true).
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { createHash } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import * as yaml from 'js-yaml';
import { ClusterConnection, WaitTimeoutError, type KObject, type ObjectRef } from '../core/cluster';
import type { IngressDomainExpectation } from '../core/config/settings-distributed-workloads';
import { readAppsDomain } from '../gateway/apps-domain';
import type { RhoaiWorld } from '../core/world';
import { assertDistributedWorkloadsManaged, componentOf, waitForComponentCrds } from './components';
import { applicationsNamespace } from '../rhoai/names';

declare module '../core/world' {
  interface ScenarioFacts {
    /** codeflare-operator-config as read in this scenario. */
    codeflareConfig?: CodeFlareConfig;
  }
}

export const CODEFLARE_CONFIGMAP = 'codeflare-operator-config';

/** The kuberay settings the 2.9 operator reads, with their defaults (codeflare-operator rhoai-2.9 main.go). */
export const KUBERAY_DEFAULTS = { ingressDomain: '', mTLSEnabled: true, rayDashboardOAuthEnabled: true } as const;
export type KubeRayKey = keyof typeof KUBERAY_DEFAULTS;

export interface KubeRayValue {
  value: unknown;
  /** The key as written in config.yaml, or undefined when absent (the default applies). */
  writtenAs?: string;
}

export interface CodeFlareConfig {
  namespace: string;
  dataKey: string;
  text: string;
  kuberay: Record<string, unknown> | undefined;
}

/** encoding/json's field matching: the exact key, else the first key equal under case folding. */
export function lookupKey(obj: Record<string, unknown> | undefined, key: string): string | undefined {
  if (!obj) return undefined;
  if (Object.prototype.hasOwnProperty.call(obj, key)) return key;
  return Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
}

/** Parses the ConfigMap as the operator does; a ConfigMap the operator would refuse fails with the operator's reason. */
export function parseCodeFlareConfig(cm: KObject): CodeFlareConfig {
  const where = `ConfigMap ${cm.metadata.namespace}/${cm.metadata.name}`;
  const entries = Object.entries((cm.data ?? {}) as Record<string, string>);
  expect(
    entries.length,
    `${where} has ${entries.length} data entries (${entries.map(([k]) => k).join(', ') || 'none'}): the CodeFlare operator needs exactly one (config.yaml) and exits with "cannot resolve config from ConfigMap" otherwise`,
  ).to.equal(1);
  const [dataKey, text] = entries[0]!;
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (error) {
    throw new Error(
      `${where} key ${dataKey} is not valid YAML, so the CodeFlare operator cannot start: ${(error as Error).message.split('\n')[0]}`,
      { cause: error },
    );
  }
  expectOk(
    parsed === undefined || parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed)),
    `${where} key ${dataKey} is not a YAML mapping`,
  );
  const root = (parsed ?? {}) as Record<string, unknown>;
  const kuberayKey = lookupKey(root, 'kuberay');
  const kuberay = kuberayKey ? root[kuberayKey] : undefined;
  expectOk(
    kuberay === undefined || kuberay === null || (typeof kuberay === 'object' && !Array.isArray(kuberay)),
    `${where}: kuberay is ${JSON.stringify(kuberay)}, not a mapping`,
  );
  return { namespace: cm.metadata.namespace!, dataKey, text, kuberay: (kuberay ?? undefined) as Record<string, unknown> | undefined };
}

/** The value the operator runs with for a kuberay key: as written (exact or case-folded key), else its default. */
export function kuberayValue(config: CodeFlareConfig, key: KubeRayKey): KubeRayValue {
  const writtenAs = lookupKey(config.kuberay, key);
  return writtenAs === undefined ? { value: KUBERAY_DEFAULTS[key] } : { value: config.kuberay![writtenAs], writtenAs };
}

function describeValue(key: KubeRayKey, v: KubeRayValue): string {
  if (v.writtenAs === undefined)
    return `kuberay.${key} is not set, so the operator uses its default ${JSON.stringify(KUBERAY_DEFAULTS[key])}`;
  const spelling = v.writtenAs === key ? '' : ` (written as "${v.writtenAs}", which Go's JSON decoder still matches to ${key})`;
  return `kuberay.${key} is ${JSON.stringify(v.value)}${spelling}`;
}

/** The operator (re)creates codeflare-operator-config when it starts; wait for it and read it. */
export async function readCodeFlareConfig(world: RhoaiWorld, name: string, namespace: string): Promise<CodeFlareConfig> {
  await assertDistributedWorkloadsManaged(world, undefined, [componentOf('codeflare')]);
  const cm = (await world.cluster.waitFor({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace }, (o) => o !== undefined, {
    describe: `ConfigMap ${namespace}/${name} (the CodeFlare operator creates it with its defaults when it starts)`,
  }))!;
  const config = parseCodeFlareConfig(cm);
  world.facts.codeflareConfig = config;
  world.report.text(`${name} ${config.dataKey}`, config.text);
  return config;
}

function configOf(world: RhoaiWorld): CodeFlareConfig {
  const config = world.facts.codeflareConfig;
  expectOk(
    config,
    `${CODEFLARE_CONFIGMAP} has not been read in this scenario: a step "Given the CodeFlare operator has its configuration ..." must come first`,
  );
  return config;
}

/** DW-CF-02: ingressDomain is "" (the 2.9 default on OpenShift) or the apps domain, or what RHOAI_CODEFLARE_INGRESS_DOMAIN says. */
export async function assertIngressDomain(world: RhoaiWorld): Promise<void> {
  const v = kuberayValue(configOf(world), 'ingressDomain');
  expect(
    typeof v.value,
    `${describeValue('ingressDomain', v)}: it must be a string, or the operator cannot decode its configuration`,
  ).to.equal('string');
  const expectation: IngressDomainExpectation = world.settings.codeflareIngressDomain;
  let allowed: string[];
  if (expectation.kind === 'empty') allowed = [''];
  else if (expectation.kind === 'domain') allowed = [expectation.domain];
  else allowed = ['', await readAppsDomain(world)];
  expectOk(
    allowed.includes(String(v.value).toLowerCase()),
    `${describeValue('ingressDomain', v)}; expected ${allowed.map((a) => JSON.stringify(a)).join(' or ')} (RHOAI_CODEFLARE_INGRESS_DOMAIN=${expectation.kind === 'domain' ? expectation.domain : expectation.kind === 'empty' ? 'empty' : 'default'})`,
  );
  world.report.text('kuberay.ingressDomain', describeValue('ingressDomain', v));
}

/** DW-CF-03 and DW-CF-04: a boolean kuberay setting has the expected value (a string "true" would stop the operator). */
export function assertKubeRayFlag(
  world: RhoaiWorld,
  key: 'mTLSEnabled' | 'rayDashboardOAuthEnabled',
  expected: boolean,
  settingName: string,
): void {
  const v = kuberayValue(configOf(world), key);
  expect(typeof v.value, `${describeValue(key, v)}: it must be a YAML boolean, or the operator cannot decode its configuration`).to.equal(
    'boolean',
  );
  expect(v.value, `${describeValue(key, v)}; expected ${expected} (${settingName})`).to.equal(expected);
  world.report.text(`kuberay.${key}`, describeValue(key, v));
}

// ---- DW-CF-01: what the CodeFlare SDK needs ----

interface ApiResourceList {
  resources: { name: string; kind: string; verbs: string[] }[];
}

const SDK_KINDS: { groupVersion: string; resources: string[] }[] = [
  { groupVersion: 'ray.io/v1', resources: ['rayclusters', 'rayjobs'] },
  { groupVersion: 'kueue.x-k8s.io/v1beta1', resources: ['localqueues', 'workloads'] },
];

function missingResources(list: ApiResourceList, wanted: string[]): string[] {
  return wanted.filter((r) => !list.resources.some((x) => x.name === r && x.verbs.includes('create') && x.verbs.includes('list')));
}

/** The API serves RayCluster and RayJob (ray.io/v1) and LocalQueue and Workload (kueue.x-k8s.io/v1beta1). */
export async function assertSdkKindsServed(world: RhoaiWorld): Promise<void> {
  await waitForComponentCrds(world, 'ray');
  await waitForComponentCrds(world, 'kueue');
  const lines: string[] = [];
  for (const { groupVersion, resources } of SDK_KINDS) {
    const list = await world.cluster.request<ApiResourceList>({ method: 'GET', path: `/apis/${groupVersion}` });
    const missing = missingResources(list, resources);
    expect(
      missing,
      `/apis/${groupVersion} does not serve ${missing.join(', ')} (it serves: ${list.resources.map((r) => r.name).join(', ')})`,
    ).to.deep.equal([]);
    lines.push(`${groupVersion}: ${resources.join(', ')}`);
  }
  world.report.text('served for the CodeFlare SDK', lines.join('\n'));
}

/**
 * As the SDK's TokenAuthentication logs in with a bearer token, a short-lived token (TokenRequest
 * for the project's default service account) reaches the distributed workloads APIs.
 */
export async function assertTokenReachesApis(world: RhoaiWorld, namespace: string): Promise<void> {
  await world.cluster.waitFor({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace }, (sa) => sa !== undefined, {
    describe: `the default service account of ${namespace}`,
  });
  const answer = await world.cluster.request<{ status?: { token?: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts/default/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
  });
  const token = answer.status?.token;
  expectOk(token, `the TokenRequest for ${namespace}/default returned no token`);
  world.secret(token, 'service account token');
  const base = (await world.target()).kubeConfig;
  const cluster = base.getCurrentCluster();
  expectOk(cluster, 'the kubeconfig has no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'codeflare-sdk', token }],
    contexts: [{ name: 'codeflare-sdk', cluster: cluster.name, user: 'codeflare-sdk' }],
    currentContext: 'codeflare-sdk',
  });
  const connection = new ClusterConnection(kc);
  try {
    for (const { groupVersion, resources } of SDK_KINDS) {
      const list = await connection.transport.json<ApiResourceList>({ method: 'GET', path: `/apis/${groupVersion}` });
      const missing = missingResources(list, resources);
      expect(missing, `with a bearer token, /apis/${groupVersion} does not list ${missing.join(', ')}`).to.deep.equal([]);
    }
  } finally {
    connection.close();
  }
  world.report.text(
    'bearer token',
    `a TokenRequest token of ${namespace}/default (10 minutes) reached ${SDK_KINDS.map((k) => `/apis/${k.groupVersion}`).join(' and ')} on ${cluster.server}`,
  );
}

const SDK_ACCESS: { verb: string; group: string; resource: string; why: string }[] = [
  { verb: 'create', group: 'ray.io', resource: 'rayclusters', why: 'Cluster.up() creates the RayCluster' },
  { verb: 'list', group: 'ray.io', resource: 'rayclusters', why: 'cluster.status() and list_all_clusters() read them' },
  { verb: 'delete', group: 'ray.io', resource: 'rayclusters', why: 'Cluster.down() deletes it' },
  { verb: 'create', group: 'ray.io', resource: 'rayjobs', why: 'a RayJob (submissionMode HTTPMode) runs a job' },
  { verb: 'list', group: 'kueue.x-k8s.io', resource: 'localqueues', why: 'the SDK looks up the default local queue' },
  { verb: 'list', group: 'kueue.x-k8s.io', resource: 'workloads', why: 'admission through the local queue is read from the Workload' },
  { verb: 'get', group: 'route.openshift.io', resource: 'routes', why: 'cluster.cluster_dashboard_uri() reads the Ray dashboard route' },
];

/** SelfSubjectAccessReviews: the current user may do in the project what the SDK does. */
export async function assertMayUseSdk(world: RhoaiWorld, namespace: string): Promise<void> {
  const denied: string[] = [];
  const lines: string[] = [];
  for (const a of SDK_ACCESS) {
    const review = await world.cluster.request<{ status?: { allowed?: boolean; reason?: string } }>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { namespace, verb: a.verb, group: a.group, resource: a.resource } },
      },
    });
    const line = `${a.verb} ${a.resource}.${a.group} in ${namespace}: ${review.status?.allowed ? 'allowed' : 'denied'} (${a.why})`;
    lines.push(line);
    if (!review.status?.allowed) denied.push(`${line}${review.status?.reason ? ` — ${review.status.reason}` : ''}`);
  }
  world.report.text('CodeFlare SDK access', lines.join('\n'));
  expect(denied, `the current user may not do what the CodeFlare SDK does in ${namespace}:\n${denied.join('\n')}`).to.deep.equal([]);
}

// ---- DW-CF-01: what the CodeFlare operator does with a project's RayCluster ----

/** The RayCluster the check keeps in the distributed workloads project (suspended: KubeRay starts no pod for it). */
export const RAYCLUSTER_PROBE = 'rhoai-harness-probe';
/** codeflare-operator rhoai-2.9 pkg/controllers/raycluster_controller.go oAuthFinalizer. */
export const OAUTH_FINALIZER = 'ray.openshift.ai/oauth-finalizer';
const CONFIG_DIGEST_ANNOTATION = 'rhoai-harness/codeflare-config';

/** The operators react within seconds; a longer wait only delays the diagnosis. */
function operatorReactionMs(world: RhoaiWorld): number {
  return Math.min(world.settings.waitTimeoutSeconds, 120) * 1000;
}

/** What the 2.9 webhook (raycluster_webhook.go Default) did to a RayCluster at its creation. */
export function webhookChanges(rc: KObject): { oauthProxy: boolean; createCert: boolean } {
  const head = rc.spec?.headGroupSpec?.template?.spec ?? {};
  const worker = rc.spec?.workerGroupSpecs?.[0]?.template?.spec ?? {};
  const named = (list: KObject[] | undefined, name: string) => (list ?? []).some((c) => c.name === name);
  return {
    oauthProxy: named(head.containers, 'oauth-proxy') && head.serviceAccountName === `${rc.metadata.name}-oauth-proxy`,
    createCert: named(head.initContainers, 'create-cert') && named(worker.initContainers, 'create-cert'),
  };
}

/** The differences between what codeflare-operator-config says and what the operator did to the RayCluster. */
export function configMismatches(expected: { oauth: boolean; mtls: boolean }, did: { oauthProxy: boolean; createCert: boolean }): string[] {
  const out: string[] = [];
  if (expected.oauth !== did.oauthProxy)
    out.push(
      `kuberay.rayDashboardOAuthEnabled is ${expected.oauth} in the ConfigMap, but its webhook ${did.oauthProxy ? 'added' : 'did not add'} the oauth-proxy sidecar`,
    );
  if (expected.mtls !== did.createCert)
    out.push(
      `kuberay.mTLSEnabled is ${expected.mtls} in the ConfigMap, but its webhook ${did.createCert ? 'added' : 'did not add'} the create-cert init containers`,
    );
  return out;
}

/**
 * DW-CF-01, what a data scientist relies on when the SDK's Cluster.up() creates a RayCluster: the
 * RHOAI 2.9 CodeFlare operator admits it through its mutating webhook and takes it in charge with
 * its RayCluster controller, with the configuration codeflare-operator-config gives — and KubeRay
 * reconciles it. A suspended RayCluster (no pods, no quota) is created once in the project and kept;
 * the webhook acts on CREATE only, so its changes are compared only while the ConfigMap is the one
 * the probe was created under (an annotation records its digest).
 */
export async function assertOperatorTakesRayCluster(world: RhoaiWorld, namespace: string): Promise<void> {
  await assertDistributedWorkloadsManaged(world, undefined, [componentOf('codeflare'), componentOf('ray')]);
  await waitForComponentCrds(world, 'ray');
  const applications = await applicationsNamespace(world);
  const cm = (await world.cluster.waitFor(
    { apiVersion: 'v1', kind: 'ConfigMap', name: CODEFLARE_CONFIGMAP, namespace: applications },
    (o) => o !== undefined,
    {
      describe: `ConfigMap ${applications}/${CODEFLARE_CONFIGMAP} (the CodeFlare operator creates it when it starts)`,
    },
  ))!;
  const config = parseCodeFlareConfig(cm);
  const expected = {
    oauth: kuberayValue(config, 'rayDashboardOAuthEnabled').value !== false,
    mtls: kuberayValue(config, 'mTLSEnabled').value !== false,
  };
  const digest = createHash('sha256').update(config.text).digest('hex').slice(0, 16);
  const ref: ObjectRef = { apiVersion: 'ray.io/v1', kind: 'RayCluster', name: RAYCLUSTER_PROBE, namespace };
  let rc = await world.cluster.get(ref);
  if (rc?.metadata.deletionTimestamp) {
    await world.cluster.waitForDeletion(ref, {
      describe: `RayCluster ${namespace}/${RAYCLUSTER_PROBE} (being deleted) to be gone`,
      timeoutMs: operatorReactionMs(world),
    });
    rc = undefined;
  }
  if (!rc) [rc] = await world.applyFixture('codeflare/raycluster-probe', { name: RAYCLUSTER_PROBE, namespace, configDigest: digest });
  try {
    await world.cluster.waitFor(ref, (o) => (o?.metadata.finalizers ?? []).includes(OAUTH_FINALIZER), {
      describe: `RayCluster ${namespace}/${RAYCLUSTER_PROBE} to carry the finalizer ${OAUTH_FINALIZER}`,
      timeoutMs: operatorReactionMs(world),
    });
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    throw new WaitTimeoutError(
      `the CodeFlare operator's RayCluster controller has not taken RayCluster ${namespace}/${RAYCLUSTER_PROBE} in charge: codeflare-operator-manager sets it up only once its webhook certificates are ready and it has seen the rayclusters.ray.io CRD established (see its logs)\n${error.message}`,
      error.lastObserved,
    );
  }
  const lines = [
    `codeflare-operator-config: rayDashboardOAuthEnabled=${expected.oauth} mTLSEnabled=${expected.mtls}`,
    `RayCluster ${namespace}/${RAYCLUSTER_PROBE}: finalizer ${OAUTH_FINALIZER} set by the RayCluster controller`,
  ];
  const mismatches: string[] = [];
  if (rc?.metadata.annotations?.[CONFIG_DIGEST_ANNOTATION] === digest) {
    const did = webhookChanges(rc);
    mismatches.push(...configMismatches(expected, did));
    lines.push(
      `webhook at creation: oauth-proxy sidecar ${did.oauthProxy ? 'added' : 'not added'}, create-cert init containers ${did.createCert ? 'added' : 'not added'}`,
    );
  } else {
    lines.push(
      'the RayCluster was created under another codeflare-operator-config: the webhook acts on CREATE only, so its changes are not compared (delete the RayCluster to compare them again)',
    );
  }
  if (expected.mtls) {
    const secret = { apiVersion: 'v1', kind: 'Secret', name: `ca-secret-${RAYCLUSTER_PROBE}`, namespace };
    try {
      await world.cluster.waitFor(secret, (o) => !!o?.data?.['ca.crt'] && !!o?.data?.['ca.key'], {
        describe: `Secret ${namespace}/ca-secret-${RAYCLUSTER_PROBE} (ca.crt, ca.key)`,
        timeoutMs: operatorReactionMs(world),
      });
      lines.push(`Secret ca-secret-${RAYCLUSTER_PROBE}: the RayCluster's CA, made by the controller`);
    } catch (error) {
      if (!(error instanceof WaitTimeoutError)) throw error;
      mismatches.push(
        `kuberay.mTLSEnabled is true in the ConfigMap, but its RayCluster controller made no Secret ca-secret-${RAYCLUSTER_PROBE}`,
      );
    }
  }
  world.report.text('CodeFlare operator and a project RayCluster', lines.join('\n'));
  expect(
    mismatches,
    `the CodeFlare operator does not run with what codeflare-operator-config says: ${mismatches.join('; ')}. It reads the ConfigMap only when it starts: after editing it, delete the codeflare-operator-manager pod`,
  ).to.deep.equal([]);
  // KubeRay (the ray component's kuberay-operator) reconciles the RayCluster too: a suspended one reports so.
  await world.cluster.waitFor(ref, (o) => o?.status?.state === 'suspended', {
    describe: `KubeRay to report RayCluster ${namespace}/${RAYCLUSTER_PROBE} suspended (status.state)`,
    timeoutMs: operatorReactionMs(world),
  });
}
