// A custom CA bundle, separate from the cluster-wide bundle (checklist "add a CA bundle"; RHOAI 2.9
// "Working with certificates", install.md §10): the PEM certificates to trust go into
// DSCInitialization default-dsci spec.trustedCABundle.customCABundle with managementState Managed;
// the operator then keeps a ConfigMap odh-trusted-ca-bundle in every non-reserved namespace with
// odh-ca-bundle.crt (the custom certificates) and ca-bundle.crt (the cluster-wide bundle, injected
// by the Cluster Network Operator because of the label config.openshift.io/inject-trusted-cabundle).
// A namespace annotated security.opendatahub.io/inject-trusted-ca-bundle=false gets none, and so do
// the reserved namespaces (openshift-*, kube-*, default, openshift).
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import * as fs from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { ApiError, describeRef, type KObject, type ObjectRef } from '../core/cluster';
import { waitForListExplained, waitForObjectExplained, type Problem } from '../core/cluster/explained-wait';
import { applyAlongsideOwnedFields } from '../core/cluster/owned-fields';
import { gatewayCertificates } from '../gateway/certificates';
import { certificatesOf, describeCertificate } from '../gateway/x509';
import { DEFAULT_DSCI, dsciRef, waitForDsciReady } from './dsci';
import type { RhoaiWorld } from '../core/world';

export const CA_CONFIG_MAP = 'odh-trusted-ca-bundle';
export const CUSTOM_CA_KEY = 'odh-ca-bundle.crt';
export const CLUSTER_CA_KEY = 'ca-bundle.crt';
export const OPT_OUT_ANNOTATION = 'security.opendatahub.io/inject-trusted-ca-bundle';
export const BUNDLE_LABELS = {
  'app.kubernetes.io/part-of': 'opendatahub-operator',
  'config.openshift.io/inject-trusted-cabundle': 'true',
} as const;
/** Where OpenShift publishes the cluster-wide trust bundle the Cluster Network Operator injects. */
const CLUSTER_BUNDLE: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'trusted-ca-bundle', namespace: 'openshift-config-managed' };

export interface CustomCa {
  /** The certificates as PEM, one block after the other: the value of customCABundle. */
  pem: string;
  certificates: X509Certificate[];
  /** Where they come from, for the report. */
  source: string;
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The custom CA certificates the scenario adds to the DSCI. */
    customCa?: CustomCa;
    /** The DSCInitialization whose trusted CA bundle the scenario set. */
    trustedCaDsci?: KObject;
  }
}

const configMapRef = (namespace: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', name: CA_CONFIG_MAP, namespace });

/** The namespaces the 2.9 operator never gives the bundle (pkg/trustedcabundle ShouldInjectTrustedBundle). */
export function isReservedNamespace(name: string): boolean {
  return name.startsWith('openshift-') || name.startsWith('kube-') || name === 'default' || name === 'openshift';
}

/** The opt-out annotation as the operator reads it (Go's strconv.ParseBool false values). */
export function hasOptedOut(ns: KObject): boolean {
  const value = ns.metadata.annotations?.[OPT_OUT_ANNOTATION];
  return value !== undefined && ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value);
}

/** PEM certificates as a set of SHA-256 fingerprints (order and formatting do not matter). */
export function fingerprints(pem: string | undefined): string[] {
  if (!pem) return [];
  return [...new Set(certificatesOf(pem).map((c) => c.fingerprint256))].sort();
}

function sameCertificates(a: string | undefined, b: string | undefined): boolean {
  return JSON.stringify(fingerprints(a)) === JSON.stringify(fingerprints(b));
}

function describePem(pem: string | undefined): string {
  const certs = pem ? certificatesOf(pem) : [];
  if (!certs.length) return 'no certificate';
  return certs.map((c) => `"${c.subject.replace(/\n/g, ', ')}" (SHA-256 ${c.fingerprint256.slice(0, 23)}…)`).join(', ');
}

/** Parses a PEM file of certificates to trust; names the file and what is wrong with it. */
export function readCustomCaFile(file: string): CustomCa {
  const text = fs.readFileSync(file, 'utf8');
  let certificates: X509Certificate[];
  try {
    certificates = certificatesOf(text);
  } catch (error) {
    throw new Error(
      `RHOAI_CUSTOM_CA_FILE=${file} holds a certificate block that is not a valid X.509 certificate (${(error as Error).message}): give a PEM file of CA certificates`,
      { cause: error },
    );
  }
  expectOk(
    certificates.length,
    `RHOAI_CUSTOM_CA_FILE=${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----" block): give a PEM file of CA certificates`,
  );
  return { pem: certificates.map((c) => c.toString()).join(''), certificates, source: `RHOAI_CUSTOM_CA_FILE=${file}` };
}

/** The certificates to add: RHOAI_CUSTOM_CA_FILE, else the secure gateway's root CA (generated once, reused). */
export async function loadCustomCa(world: RhoaiWorld): Promise<CustomCa> {
  let ca: CustomCa;
  if (world.settings.customCaFile) ca = readCustomCaFile(world.settings.customCaFile);
  else {
    const gateway = await gatewayCertificates(world);
    const certificates = certificatesOf(gateway.rootCertPem);
    expectOk(certificates.length, `the secure gateway's root certificate ${gateway.rootCertFile} holds no PEM certificate`);
    ca = {
      pem: certificates.map((c) => c.toString()).join(''),
      certificates,
      source: `the secure gateway's root CA (${gateway.rootCertFile})`,
    };
  }
  const notCa = ca.certificates.filter((c) => !c.ca);
  world.report.text(
    'custom CA certificates',
    [
      `from ${ca.source}:`,
      ...ca.certificates.map((c) => `  ${describeCertificate(c)}`),
      ...(notCa.length
        ? [`note: ${notCa.length} of them is not a CA certificate (basicConstraints CA:FALSE); it is trusted as it is`]
        : []),
    ].join('\n'),
  );
  world.facts.customCa = ca;
  return ca;
}

function customCaOf(world: RhoaiWorld): CustomCa {
  const ca = world.facts.customCa;
  if (!ca) throw new Error('no custom CA certificates in this scenario: a step "Given the custom CA certificates ..." must come first');
  return ca;
}

/** The operator is installed and its DSCInitialization Ready; fails at once when the operator is not installed at all. */
export async function requireReadyDsci(world: RhoaiWorld, name: string): Promise<KObject> {
  const crd = await world.cluster.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: 'dscinitializations.dscinitialization.opendatahub.io',
  });
  expectOk(
    crd,
    `the Red Hat OpenShift AI operator is not installed (the cluster has no DSCInitialization CRD): install it first (@req.INS-OP-03)`,
  );
  return waitForDsciReady(world, name);
}

function conflictFields(error: unknown): string[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 409) return undefined;
  const causes = (error.body?.details as { causes?: { field?: string }[] } | undefined)?.causes ?? [];
  return causes.map((c) => c.field ?? '?');
}

/**
 * Sets default-dsci spec.trustedCABundle {managementState: Managed, customCABundle: PEM} by
 * server-side apply of just those fields. The operator created default-dsci with customCABundle ""
 * and owns that value; the docs change it in place (`oc edit` / `oc patch`), so the apply takes
 * over exactly the conflicting trustedCABundle fields, and nothing else.
 */
export async function addCustomCaBundle(world: RhoaiWorld, name: string): Promise<KObject> {
  const ca = customCaOf(world);
  const live = await world.cluster.get(dsciRef(name));
  expectOk(live, `DSCInitialization ${name} does not exist`);
  const [desired] = world.render('ca-bundle/dsci-trusted-ca-bundle', {
    name,
    applicationsNamespace: live.spec.applicationsNamespace,
    customCABundle: ca.pem,
  });
  let applied: KObject;
  try {
    applied = await applyAlongsideOwnedFields(world.cluster, desired!);
  } catch (error) {
    const fields = conflictFields(error);
    if (!fields?.length || !fields.every((f) => f.startsWith('.spec.trustedCABundle.'))) throw error;
    world.report.text(
      'taking over the trusted CA bundle',
      `${(error as Error).message}\nThe operator set these fields when it created ${name}; the checklist sets them (as \`oc edit dsci ${name}\` would): applying again with force for ${fields.join(', ')} only.`,
    );
    applied = await applyAlongsideOwnedFields(world.cluster, desired!, { force: true });
  }
  world.facts.trustedCaDsci = applied;
  return applied;
}

/** The DSCI says what the scenario set: Managed, and the custom certificates. */
export async function assertDsciTrustsCustomCa(world: RhoaiWorld, name: string): Promise<void> {
  const ca = customCaOf(world);
  await waitForObjectExplained(
    world.cluster,
    dsciRef(name),
    (dsci) => {
      const bundle = dsci?.spec?.trustedCABundle;
      if (!bundle) return `DSCInitialization ${name} has no spec.trustedCABundle`;
      if (bundle.managementState !== 'Managed')
        return `DSCInitialization ${name} has trustedCABundle.managementState ${bundle.managementState}, not Managed: the operator would not maintain odh-trusted-ca-bundle`;
      if (!sameCertificates(bundle.customCABundle, ca.pem))
        return `DSCInitialization ${name} trustedCABundle.customCABundle holds ${describePem(bundle.customCABundle)}, not the custom CA ${describePem(ca.pem)}`;
      return undefined;
    },
    `DSCInitialization ${name} to carry the custom CA bundle, Managed`,
  );
}

async function clusterBundle(world: RhoaiWorld): Promise<string> {
  const published = await world.cluster.get(CLUSTER_BUNDLE);
  const pem: string | undefined = published?.data?.[CLUSTER_CA_KEY];
  expectOk(
    pem && fingerprints(pem).length,
    `${describeRef(CLUSTER_BUNDLE)} ${published ? 'holds no certificate in ca-bundle.crt' : 'does not exist'}: the Cluster Network Operator publishes the cluster-wide trust bundle there and injects it into ca-bundle.crt`,
  );
  return pem;
}

/** What is wrong with one odh-trusted-ca-bundle ConfigMap, if anything. */
export function bundleProblem(cm: KObject | undefined, namespace: string, customPem: string, clusterPem: string): string | undefined {
  if (!cm) return `namespace ${namespace} has no ConfigMap ${CA_CONFIG_MAP}`;
  const labels = cm.metadata.labels ?? {};
  const missing = Object.entries(BUNDLE_LABELS)
    .filter(([k, v]) => labels[k] !== v)
    .map(([k, v]) => `${k}=${v}`);
  if (missing.length) return `${namespace}/${CA_CONFIG_MAP} lacks the label(s) ${missing.join(', ')}`;
  const custom: string | undefined = cm.data?.[CUSTOM_CA_KEY];
  if (!sameCertificates(custom, customPem)) {
    return `${namespace}/${CA_CONFIG_MAP} key ${CUSTOM_CA_KEY} holds ${describePem(custom)}, not the custom CA ${describePem(customPem)}: the operator has not propagated DSCI customCABundle`;
  }
  const cluster: string | undefined = cm.data?.[CLUSTER_CA_KEY];
  if (!sameCertificates(cluster, clusterPem)) {
    return `${namespace}/${CA_CONFIG_MAP} key ${CLUSTER_CA_KEY} holds ${fingerprints(cluster).length} certificate(s), not the ${fingerprints(clusterPem).length} of the cluster-wide bundle (${describeRef(CLUSTER_BUNDLE)}): the Cluster Network Operator has not injected it`;
  }
  return undefined;
}

/** odh-trusted-ca-bundle in `namespace` carries the custom CA, the cluster-wide bundle and the labels of §10. */
export async function assertBundleIn(world: RhoaiWorld, namespace: string, report = true): Promise<void> {
  const ca = customCaOf(world);
  const cluster = await clusterBundle(world);
  const cm = await waitForObjectExplained(
    world.cluster,
    configMapRef(namespace),
    (obj) => bundleProblem(obj, namespace, ca.pem, cluster),
    `${CA_CONFIG_MAP} in ${namespace} to carry the custom CA (${CUSTOM_CA_KEY}) and the cluster-wide bundle (${CLUSTER_CA_KEY})`,
  );
  if (report)
    world.report.text(
      `${CA_CONFIG_MAP} in ${namespace}`,
      `${CUSTOM_CA_KEY}: ${describePem(cm!.data[CUSTOM_CA_KEY])}\n${CLUSTER_CA_KEY}: ${fingerprints(cm!.data[CLUSTER_CA_KEY]).length} certificate(s), the same as ${describeRef(CLUSTER_BUNDLE)}`,
    );
}

/** A project annotated to opt out of the bundle (kept, like every project the install creates). */
export async function createOptedOutProject(world: RhoaiWorld, name: string): Promise<KObject> {
  const [ns] = world.render('ca-bundle/opt-out-namespace', { name });
  return applyAlongsideOwnedFields(world.cluster, ns!);
}

/**
 * When DSCInitialization `name` last had its spec.trustedCABundle changed, by the API server's
 * clock (the newest managedFields entry that owns a field of it); undefined if no entry says.
 */
async function lastTrustedCaChange(world: RhoaiWorld, name: string): Promise<Date | undefined> {
  const dsci = await world.cluster.get(dsciRef(name));
  const times = (
    (dsci?.metadata.managedFields ?? []) as { time?: string; subresource?: string; fieldsV1?: { 'f:spec'?: Record<string, unknown> } }[]
  )
    .filter((e) => !e.subresource && e.time && e.fieldsV1?.['f:spec'] && 'f:trustedCABundle' in e.fieldsV1['f:spec'])
    .map((e) => Date.parse(e.time!));
  return times.length ? new Date(Math.max(...times)) : undefined;
}

/**
 * A namespace that opted out has no odh-trusted-ca-bundle, and that absence has held across the
 * operator's pass over every namespace. In 2.9 an opted-out namespace's creation triggers no
 * reconcile of its own (certconfigmapgenerator NamespaceCreatedPredicate filters it out); the one
 * reconcile that visits it is the DSCI controller's pass over all namespaces
 * (pkg/trustedcabundle AddCABundleConfigMapInAllNamespaces), which a change of
 * spec.trustedCABundle starts. So absence counts only when the namespace existed before the last
 * such change of DSCI `dsci`, and once the pass has shown it ran: `witness` (the applications
 * namespace) holds the bundle of that change. A namespace created later (another run set the bundle
 * first) is judged against `later`, a project created after it, whose bundle the operator made.
 */
export async function assertNoBundleIn(
  world: RhoaiWorld,
  namespace: string,
  witness: string,
  dsci = DEFAULT_DSCI,
  later?: string,
): Promise<void> {
  const ns = await world.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  expectOk(ns, `namespace ${namespace} does not exist`);
  expect(
    hasOptedOut(ns) || isReservedNamespace(namespace),
    `namespace ${namespace} has not opted out (annotation ${OPT_OUT_ANNOTATION}=${ns.metadata.annotations?.[OPT_OUT_ANNOTATION] ?? '<none>'}) and is not reserved: it is meant to get the bundle`,
  ).to.equal(true);
  await assertBundleIn(world, witness, false);
  const changed = await lastTrustedCaChange(world, dsci);
  const created = Date.parse(ns.metadata.creationTimestamp ?? '');
  const passSince = !!changed && created <= changed.getTime();
  if (!passSince) {
    expectOk(
      later,
      `namespace ${namespace} was created (${ns.metadata.creationTimestamp}) after DSCInitialization ${dsci} last changed its trusted CA bundle (${changed?.toISOString() ?? 'never'}): the operator has not visited it since, so its having no ${CA_CONFIG_MAP} proves nothing yet`,
    );
    await assertBundleIn(world, later, false);
  }
  await waitForObjectExplained(
    world.cluster,
    configMapRef(namespace),
    (cm) =>
      cm
        ? {
            fail: `namespace ${namespace} has the ConfigMap ${CA_CONFIG_MAP} (created ${cm.metadata.creationTimestamp}) although it is annotated ${OPT_OUT_ANNOTATION}=false: the operator ignores the opt-out`,
          }
        : undefined,
    `namespace ${namespace} (opted out) to have no ${CA_CONFIG_MAP}`,
  );
  world.report.text(
    `${CA_CONFIG_MAP} not in ${namespace}`,
    passSince
      ? `absent after the operator's pass over every namespace: ${namespace} was created at ${ns.metadata.creationTimestamp}, before DSCInitialization ${dsci} last changed its trusted CA bundle (${changed!.toISOString()}), and ${witness} holds that bundle`
      : `absent; DSCInitialization ${dsci} has not changed its trusted CA bundle since ${namespace} was created, so the proof is ${later}, created after it, which has the bundle`,
  );
}

/**
 * Cluster-wide, as the docs check it (`oc get configmaps -A -l app.kubernetes.io/part-of=
 * opendatahub-operator | grep odh-trusted-ca-bundle`): every Active namespace that is neither
 * reserved nor opted out has an up-to-date bundle, and no reserved or opted-out namespace has one.
 */
export async function assertBundleEverywhereEligible(world: RhoaiWorld): Promise<void> {
  const ca = customCaOf(world);
  const cluster = await clusterBundle(world);
  const namespaces = (await world.cluster.list({ apiVersion: 'v1', kind: 'Namespace' })).filter(
    (ns) => ns.status?.phase === 'Active' && !ns.metadata.deletionTimestamp,
  );
  const eligible = namespaces.filter((ns) => !isReservedNamespace(ns.metadata.name!) && !hasOptedOut(ns)).map((ns) => ns.metadata.name!);
  const excluded = new Map(
    namespaces
      .filter((ns) => isReservedNamespace(ns.metadata.name!) || hasOptedOut(ns))
      .map((ns) => [ns.metadata.name!, isReservedNamespace(ns.metadata.name!) ? 'reserved' : `opted out (${OPT_OUT_ANNOTATION}=false)`]),
  );
  const problem = (cms: KObject[]): Problem => {
    const byNamespace = new Map(cms.map((cm) => [cm.metadata.namespace!, cm]));
    const wrongly = [...byNamespace.keys()].filter((ns) => excluded.has(ns));
    if (wrongly.length)
      return {
        fail: `${CA_CONFIG_MAP} exists in ${wrongly.map((ns) => `${ns} (${excluded.get(ns)})`).join(', ')}, where the operator must not put it`,
      };
    const problems = eligible.map((ns) => bundleProblem(byNamespace.get(ns), ns, ca.pem, cluster)).filter((p): p is string => !!p);
    return problems.length
      ? `${problems.length} of ${eligible.length} namespaces lack an up-to-date ${CA_CONFIG_MAP}:\n  ${problems.slice(0, 10).join('\n  ')}`
      : undefined;
  };
  const cms = await waitForListExplained(
    world.cluster,
    { apiVersion: 'v1', kind: 'ConfigMap' },
    problem,
    `${CA_CONFIG_MAP} in every non-reserved namespace that has not opted out`,
    {
      labelSelector: 'app.kubernetes.io/part-of=opendatahub-operator',
      fieldSelector: `metadata.name=${CA_CONFIG_MAP}`,
    },
  );
  world.report.text(
    `${CA_CONFIG_MAP} across the cluster`,
    [
      `present and up to date in ${cms.length} namespace(s): ${eligible.sort().join(', ')}`,
      `absent, as it must be, from: ${[...excluded].map(([ns, why]) => `${ns} (${why})`).join(', ')}`,
    ].join('\n'),
  );
}
