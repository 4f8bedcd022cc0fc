// ADV-07, the variants of the trusted CA bundle beyond the install's custom bundle (08-ca-bundle):
// the bundle Removed, Managed again, and Unmanaged. What each state does is decided by the RHOAI 2.9
// operator (rhods-operator rhoai-2.9 pkg/trustedcabundle/trustedcabundle.go ConfigureTrustedCABundle
// and controllers/certconfigmapgenerator/certconfigmapgenerator_controller.go):
//   - Removed: RemoveCABundleConfigMapInAllNamespaces deletes odh-trusted-ca-bundle from every Active
//     namespace, and the per-namespace controller stops adding it (it acts only while Managed);
//   - Managed after a change of state: AddCABundleConfigMapInAllNamespaces puts it back into every
//     namespace ShouldInjectTrustedBundle allows (not reserved, not annotated
//     security.opendatahub.io/inject-trusted-ca-bundle=false);
//   - Unmanaged: nothing is deleted or updated ("configmaps are no longer managed by operator").
// Each step changes default-dsci's spec.trustedCABundle by server-side apply of those two fields
// only, under the field manager that set them at install; the scenario ends with the install's
// state (Managed, the custom CA) so that a later run finds what it left.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { describeRef, type KObject, type ObjectRef } from '../core/cluster';
import { waitForListExplained, waitForObjectExplained } from '../core/cluster/explained-wait';
import { applyAlongsideOwnedFields } from '../core/cluster/owned-fields';
import { CA_CONFIG_MAP, CUSTOM_CA_KEY, assertBundleEverywhereEligible, fingerprints, type CustomCa } from '../install/ca-bundle';
import { certificatesOf } from '../gateway/x509';
import { dsciRef } from '../install/dsci';
import type { RhoaiWorld } from '../core/world';

export type TrustState = 'Managed' | 'Removed' | 'Unmanaged';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The bundle Unmanaged was set with: a different one, which the ConfigMaps must not get. */
    unmanagedBundle?: string;
    /** The odh-trusted-ca-bundle ConfigMaps (namespace → resourceVersion) when Unmanaged was set. */
    keptConfigMaps?: Map<string, string>;
  }
}

const CLUSTER_BUNDLE: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'trusted-ca-bundle', namespace: 'openshift-config-managed' };
const ALL_BUNDLES = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
const BUNDLE_SELECTORS = { fieldSelector: `metadata.name=${CA_CONFIG_MAP}` };

function customCaOf(world: RhoaiWorld): CustomCa {
  const ca = world.facts.customCa;
  expectOk(ca, 'no custom CA certificates in this scenario: a step "Given the custom CA certificates ..." must come first');
  return ca;
}

/** Sets spec.trustedCABundle of DSCI `name` to `state` with `pem` and waits until the DSCI says so. */
export async function setTrustState(world: RhoaiWorld, name: string, state: TrustState, pem: string): Promise<KObject> {
  const live = await world.cluster.get(dsciRef(name));
  expectOk(live, `DSCInitialization ${name} does not exist`);
  const [desired] = world.render('advanced/dsci-trusted-ca-bundle-state', {
    name,
    applicationsNamespace: live.spec.applicationsNamespace,
    managementState: state,
    customCABundle: pem,
  });
  const applied = await applyAlongsideOwnedFields(world.cluster, desired!, { force: true });
  expect(
    applied.spec?.trustedCABundle?.managementState,
    `DSCInitialization ${name} kept trustedCABundle.managementState ${applied.spec?.trustedCABundle?.managementState} after the apply of ${state}`,
  ).to.equal(state);
  return applied;
}

/** The custom CA (Managed or Removed) or, for Unmanaged, another bundle: the custom CA plus the cluster's first CA. */
export async function setTrust(world: RhoaiWorld, name: string, state: TrustState): Promise<void> {
  const ca = customCaOf(world);
  let pem = ca.pem;
  if (state === 'Unmanaged') {
    const cluster = await world.cluster.get(CLUSTER_BUNDLE);
    const extra = certificatesOf(cluster?.data?.['ca-bundle.crt'] ?? '').find((c) => !fingerprints(ca.pem).includes(c.fingerprint256));
    expectOk(extra, `${describeRef(CLUSTER_BUNDLE)} holds no certificate besides the custom CA: nothing to change the bundle to`);
    pem = ca.pem + extra.toString();
    world.facts.unmanagedBundle = pem;
    const cms = await world.cluster.list(ALL_BUNDLES, BUNDLE_SELECTORS);
    world.facts.keptConfigMaps = new Map(cms.map((cm) => [cm.metadata.namespace!, cm.metadata.resourceVersion!]));
  }
  await setTrustState(world, name, state, pem);
}

/** Removed: no namespace keeps odh-trusted-ca-bundle. */
export async function assertNoBundleAnywhere(world: RhoaiWorld, dsci: string): Promise<void> {
  const left = await waitForListExplained(
    world.cluster,
    ALL_BUNDLES,
    (cms) =>
      cms.length
        ? `${cms.length} namespace(s) still have ${CA_CONFIG_MAP} although DSCInitialization ${dsci} has trustedCABundle.managementState Removed (the operator deletes it from every namespace): ${cms
            .map((cm) => cm.metadata.namespace)
            .slice(0, 8)
            .join(', ')}`
        : undefined,
    `${CA_CONFIG_MAP} to be gone from every namespace (trusted CA bundle Removed)`,
    BUNDLE_SELECTORS,
  );
  world.report.text(`${CA_CONFIG_MAP} removed`, `no namespace has ${CA_CONFIG_MAP} (${left.length} left)`);
}

/** Managed again: every eligible namespace has the bundle back, no reserved or opted-out one has it. */
export function assertBundleBack(world: RhoaiWorld): Promise<void> {
  return assertBundleEverywhereEligible(world);
}

/**
 * Unmanaged: the ConfigMaps that existed are kept, still with the custom CA, although the DSCI now
 * names another bundle — the operator neither deletes nor updates them. The check waits for the
 * DSCI to carry Unmanaged and reads every ConfigMap of the moment Unmanaged was set.
 */
export async function assertBundlesKept(world: RhoaiWorld, dsci: string): Promise<void> {
  const ca = customCaOf(world);
  const kept = world.facts.keptConfigMaps;
  expectOk(kept?.size, 'no odh-trusted-ca-bundle ConfigMap existed when Unmanaged was set: nothing to keep');
  await waitForObjectExplained(
    world.cluster,
    dsciRef(dsci),
    (obj) =>
      obj?.spec?.trustedCABundle?.managementState === 'Unmanaged'
        ? undefined
        : `DSCInitialization ${dsci} has trustedCABundle.managementState ${obj?.spec?.trustedCABundle?.managementState}`,
    `DSCInitialization ${dsci} to have its trusted CA bundle Unmanaged`,
  );
  const wanted = JSON.stringify(fingerprints(ca.pem));
  const cms = await waitForListExplained(
    world.cluster,
    ALL_BUNDLES,
    (list) => {
      const by = new Map(list.map((cm) => [cm.metadata.namespace!, cm]));
      const gone = [...kept.keys()].filter((ns) => !by.has(ns));
      if (gone.length)
        return {
          fail: `${CA_CONFIG_MAP} was deleted from ${gone.slice(0, 8).join(', ')} after the trusted CA bundle became Unmanaged: Unmanaged must keep the ConfigMaps (only Removed deletes them)`,
        };
      const changed = [...kept.keys()].filter((ns) => JSON.stringify(fingerprints(by.get(ns)!.data?.[CUSTOM_CA_KEY])) !== wanted);
      if (changed.length)
        return {
          fail: `${CA_CONFIG_MAP} in ${changed.slice(0, 8).join(', ')} no longer holds the custom CA in ${CUSTOM_CA_KEY} but the bundle set with Unmanaged: the operator still manages the ConfigMaps`,
        };
      return undefined;
    },
    `the ${kept.size} ${CA_CONFIG_MAP} ConfigMaps to be kept as they were (trusted CA bundle Unmanaged)`,
    BUNDLE_SELECTORS,
  );
  world.report.text(
    `${CA_CONFIG_MAP} kept while Unmanaged`,
    `${cms.length} ConfigMap(s) kept with the custom CA in ${CUSTOM_CA_KEY}, although DSCInitialization ${dsci} names a bundle of ${certificatesOf(world.facts.unmanagedBundle!).length} certificates`,
  );
}
