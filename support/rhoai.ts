// What the RHOAI 2.9 operator does on its own once installed: the DSCInitialization
// `default-dsci` it creates on a new install, its readiness (phase Ready and ReconcileComplete
// with reason ReconcileCompleted, not phase alone), and the projects it creates. And the first step
// of the manual KServe path, serviceMesh Unmanaged in default-dsci (install.md §8.1), which must
// come before the Service Mesh operator: while Managed, the operator builds its own
// ServiceMeshControlPlane as soon as a servicemeshoperator Subscription exists.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { UnknownKindError, type KObject, type ObjectRef } from './cluster';
import { fixturePath, renderTemplate, type FixtureVariables } from './fixtures';
import type { RhoaiWorld } from './world';

export const DSCI_API = 'dscinitialization.opendatahub.io/v1';

export const dsciRef = (name: string): ObjectRef => ({ apiVersion: DSCI_API, kind: 'DSCInitialization', name });

function conditionText(obj: KObject | undefined): string {
  return (obj?.status?.conditions ?? []).map((c: KObject) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`).join('; ');
}

/** Waits for the DSCI to exist and be Ready; phase Error fails at once with the operator's conditions. */
export async function waitForDsciReady(world: RhoaiWorld, name: string): Promise<KObject> {
  // The CRD arrives with the operator's bundle: wait for it to be served before watching its objects.
  await world.cluster.waitFor(
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'dscinitializations.dscinitialization.opendatahub.io' },
    (crd) => crd?.status?.conditions?.some((c: KObject) => c.type === 'Established' && c.status === 'True') ?? false,
    { describe: 'the DSCInitialization CRD to be established' },
  );
  return (await world.cluster.waitFor(
    dsciRef(name),
    (dsci) => {
      if (dsci?.status?.phase === 'Error') return { fail: `DSCInitialization ${name} is in phase Error: ${conditionText(dsci)}` };
      const complete = dsci?.status?.conditions?.find((c: KObject) => c.type === 'ReconcileComplete');
      return dsci?.status?.phase === 'Ready' && complete?.status === 'True' && complete?.reason === 'ReconcileCompleted';
    },
    { describe: `DSCInitialization ${name} to be Ready (phase Ready, ReconcileComplete=True with reason ReconcileCompleted)` },
  ))!;
}

/** The namespaces default-dsci names (applications, and monitoring when Managed) exist and are Active. */
export async function assertDsciNamespaces(world: RhoaiWorld, name: string, expected: string[]): Promise<void> {
  const dsci = await waitForDsciReady(world, name);
  const named = [dsci.spec.applicationsNamespace, dsci.spec.monitoring?.managementState === 'Managed' ? dsci.spec.monitoring.namespace : undefined].filter(Boolean);
  for (const ns of expected) {
    if (!named.includes(ns)) throw new Error(`DSCInitialization ${name} does not name the namespace ${ns} (it names ${named.join(', ')})`);
    await world.cluster.waitFor({ apiVersion: 'v1', kind: 'Namespace', name: ns }, (o) => o?.status?.phase === 'Active', { describe: `namespace ${ns} (created by the operator) to be Active` });
  }
}

// ---- merge patches ----

/**
 * Renders a fixture that holds the body of a merge patch (as `oc patch --type merge -p` takes it):
 * a partial object without apiVersion and kind, so that it names only the fields it changes.
 */
export function renderPatch(name: string, vars: FixtureVariables = {}): Record<string, unknown> {
  const file = fixturePath(name);
  const docs = renderTemplate(fs.readFileSync(file, 'utf8'), vars, file);
  const [patch] = docs as Record<string, unknown>[];
  assert.ok(docs.length === 1 && patch && typeof patch === 'object' && !Array.isArray(patch), `fixture ${name}: expected one merge patch (a YAML mapping)`);
  return patch;
}

// ---- serviceMesh Unmanaged (the manual Service Mesh) ----

export const DEFAULT_DSCI = 'default-dsci';

/** `oc patch dsci default-dsci --type merge`: serviceMesh Unmanaged, and only that field. */
export async function setServiceMeshUnmanaged(world: RhoaiWorld): Promise<KObject> {
  await waitForDsciReady(world, DEFAULT_DSCI);
  return world.cluster.patch(dsciRef(DEFAULT_DSCI), renderPatch('rhoai/dsci-servicemesh-unmanaged'), 'merge');
}

/** default-dsci has serviceMesh Unmanaged and is Ready. */
export async function assertServiceMeshUnmanaged(world: RhoaiWorld): Promise<KObject> {
  const dsci = await waitForDsciReady(world, DEFAULT_DSCI);
  assert.equal(
    dsci.spec?.serviceMesh?.managementState,
    'Unmanaged',
    `${DEFAULT_DSCI} has serviceMesh ${dsci.spec?.serviceMesh?.managementState ?? 'unset'}, not Unmanaged: while Managed, the operator builds its own ServiceMeshControlPlane as soon as a servicemeshoperator Subscription exists (set Unmanaged before installing the Service Mesh operator, 02-components.feature)`,
  );
  return dsci;
}

/**
 * The operator built no ServiceMeshControlPlane of its own (DSCI spec.serviceMesh.controlPlane,
 * data-science-smcp in istio-system by default). Before the Service Mesh operator is installed the
 * kind is not served at all, which is the same answer.
 */
export async function assertNoOperatorControlPlane(world: RhoaiWorld): Promise<void> {
  const dsci = await assertServiceMeshUnmanaged(world);
  const name: string = dsci.spec.serviceMesh.controlPlane?.name ?? 'data-science-smcp';
  const namespace: string = dsci.spec.serviceMesh.controlPlane?.namespace ?? 'istio-system';
  let smcp: KObject | undefined;
  try {
    smcp = await world.cluster.get({ apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane', name, namespace });
  } catch (error) {
    if (!(error instanceof UnknownKindError)) throw error;
    world.report.text('ServiceMeshControlPlane', `the cluster serves no ServiceMeshControlPlane kind yet (the Service Mesh operator is not installed): the operator cannot have built ${namespace}/${name}`);
    return;
  }
  assert.equal(smcp, undefined, `the RHOAI operator built its own ServiceMeshControlPlane ${namespace}/${name} (created ${smcp?.metadata.creationTimestamp}): serviceMesh was still Managed in ${DEFAULT_DSCI} when the servicemeshoperator Subscription appeared; a second control plane now stands next to the manual one`);
}
