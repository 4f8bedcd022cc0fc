// What the RHOAI 2.9 operator does on its own once installed: the DSCInitialization
// `default-dsci` it creates on a new install, the projects it creates, and where its reconcile
// stops. 2.9 creates default-dsci with serviceMesh Managed, and its reconcile (rhods-operator
// rhoai-2.9, controllers/dscinitialization/dscinitialization_controller.go) runs the Service Mesh
// capability after the namespaces and before phase Ready: with no Subscription named
// servicemeshoperator it fails (pkg/feature/servicemesh/conditions.go), so default-dsci stays
// Progressing with CapabilityServiceMesh=False, reason MissingOperator — right after the operator
// install, that is the expected state, not Ready (install.md §3.6). It becomes Ready (phase Ready and
// ReconcileComplete with reason ReconcileCompleted, not phase alone) once serviceMesh is Unmanaged,
// the first step of the manual KServe path (install.md §8.1), which must come before the Service
// Mesh operator: while Managed, the operator builds its own ServiceMeshControlPlane as soon as a
// servicemeshoperator Subscription exists. So the harness never waits for Ready before that patch.
import { expect } from 'chai';
import * as fs from 'node:fs';
import { UnknownKindError, type KObject, type ObjectRef } from '../core/cluster';
import { waitForObjectExplained } from '../core/cluster/explained-wait';
import { fixturePath, renderTemplate, type FixtureVariables } from '../core/fixtures';
import type { RhoaiWorld } from '../core/world';
import { DEFAULT_DSCI, DSCI_API } from '../rhoai/names';

export { DSCI_API, DEFAULT_DSCI } from '../rhoai/names';

export const dsciRef = (name: string): ObjectRef => ({ apiVersion: DSCI_API, kind: 'DSCInitialization', name });

function conditionText(obj: KObject | undefined): string {
  return (obj?.status?.conditions ?? [])
    .map((c: KObject) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`)
    .join('; ');
}

const conditionOf = (obj: KObject | undefined, type: string): KObject | undefined =>
  obj?.status?.conditions?.find((c: KObject) => c.type === type);

/** Waits for the operator to have created the DSCI (its CRD established first); phase Error fails at once. */
export async function waitForDsciCreated(world: RhoaiWorld, name: string): Promise<KObject> {
  // The CRD arrives with the operator's bundle: wait for it to be served before watching its objects.
  await world.cluster.waitFor(
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'dscinitializations.dscinitialization.opendatahub.io',
    },
    (crd) => crd?.status?.conditions?.some((c: KObject) => c.type === 'Established' && c.status === 'True') ?? false,
    { describe: 'the DSCInitialization CRD to be established' },
  );
  return (await world.cluster.waitFor(
    dsciRef(name),
    (dsci) => {
      if (dsci?.status?.phase === 'Error') return { fail: `DSCInitialization ${name} is in phase Error: ${conditionText(dsci)}` };
      return dsci !== undefined;
    },
    { describe: `the operator to create the DSCInitialization ${name}` },
  ))!;
}

/** Whether a Subscription named servicemeshoperator exists anywhere: how 2.9 looks for the mesh operator (deploy.ClusterSubscriptionExists). */
async function meshOperatorSubscribed(world: RhoaiWorld): Promise<boolean> {
  try {
    return (await world.cluster.list({ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription' })).some(
      (s) => s.metadata.name === 'servicemeshoperator',
    );
  } catch (error) {
    if (error instanceof UnknownKindError) return false;
    throw error;
  }
}

/**
 * Right after the operator install: the DSCI reconciled as far as 2.9 goes. With serviceMesh Managed
 * and no servicemeshoperator Subscription that is phase Progressing with CapabilityServiceMesh=False
 * (MissingOperator); phase Ready there means the operator skipped its Service Mesh capability, which
 * 2.9 does not do — fail at once. Otherwise (serviceMesh already Unmanaged on a second run, or the
 * mesh operator present) it is Ready.
 */
export async function waitForDsciReconciled(world: RhoaiWorld, name: string): Promise<KObject> {
  const created = await waitForDsciCreated(world, name);
  if (created.spec?.serviceMesh?.managementState !== 'Managed' || (await meshOperatorSubscribed(world)))
    return waitForDsciReady(world, name);
  const dsci = (await world.cluster.waitFor(
    dsciRef(name),
    (d) => {
      if (d?.status?.phase === 'Error') return { fail: `DSCInitialization ${name} is in phase Error: ${conditionText(d)}` };
      if (d?.spec?.serviceMesh?.managementState !== 'Managed') return d?.status?.phase === 'Ready';
      const mesh = conditionOf(d, 'CapabilityServiceMesh');
      if (d?.status?.phase === 'Ready') {
        return {
          fail:
            `DSCInitialization ${name} reports phase Ready although its Service Mesh capability failed or never ran: serviceMesh is Managed and no servicemeshoperator Subscription exists, ` +
            `and 2.9 returns that capability's error before it sets Ready (CapabilityServiceMesh: ${mesh ? `${mesh.status} (${mesh.reason})` : 'absent'}). Conditions: ${conditionText(d)}`,
        };
      }
      return d?.status?.phase === 'Progressing' && mesh?.status === 'False' && mesh?.reason === 'MissingOperator';
    },
    {
      describe: `DSCInitialization ${name} to wait for the Service Mesh: phase Progressing, CapabilityServiceMesh=False (MissingOperator)`,
    },
  ))!;
  world.report.text(
    'DSCInitialization',
    `${name} is Progressing with CapabilityServiceMesh=False (MissingOperator), as 2.9 leaves it while serviceMesh is Managed and the Service Mesh operator is not installed; it becomes Ready once serviceMesh is Unmanaged (02-components.feature, INS-MAN-01).`,
  );
  return dsci;
}

/** Waits for the DSCI to exist and be Ready; phase Error fails at once with the operator's conditions. */
export async function waitForDsciReady(world: RhoaiWorld, name: string): Promise<KObject> {
  await waitForDsciCreated(world, name);
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
  // The namespaces come before the Service Mesh capability in 2.9's reconcile: no need for Ready.
  const dsci = await waitForDsciCreated(world, name);
  const named = [
    dsci.spec.applicationsNamespace,
    dsci.spec.monitoring?.managementState === 'Managed' ? dsci.spec.monitoring.namespace : undefined,
  ].filter(Boolean);
  for (const ns of expected) {
    if (!named.includes(ns)) throw new Error(`DSCInitialization ${name} does not name the namespace ${ns} (it names ${named.join(', ')})`);
    await world.cluster.waitFor({ apiVersion: 'v1', kind: 'Namespace', name: ns }, (o) => o?.status?.phase === 'Active', {
      describe: `namespace ${ns} (created by the operator) to be Active`,
    });
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
  expect(
    docs.length === 1 && patch && typeof patch === 'object' && !Array.isArray(patch),
    `fixture ${name}: expected one merge patch (a YAML mapping)`,
  ).to.equal(true);
  return patch;
}

// ---- serviceMesh Unmanaged (the manual Service Mesh) ----

/**
 * `oc patch dsci default-dsci --type merge`: serviceMesh Unmanaged, and only that field. It waits
 * for the DSCI to exist, not to be Ready: while serviceMesh is Managed and the mesh operator is
 * absent, 2.9 never makes it Ready — this patch is what does.
 */
export async function setServiceMeshUnmanaged(world: RhoaiWorld): Promise<KObject> {
  await waitForDsciCreated(world, DEFAULT_DSCI);
  return world.cluster.patch(dsciRef(DEFAULT_DSCI), renderPatch('rhoai/dsci-servicemesh-unmanaged'), 'merge');
}

/** When spec.serviceMesh.managementState was last written (server time, from managedFields); undefined when unknown. */
export function meshStateWrittenAt(dsci: KObject): string | undefined {
  const owns = (f: unknown): boolean => {
    const mesh = (f as Record<string, Record<string, Record<string, unknown>>> | undefined)?.['f:spec']?.['f:serviceMesh'];
    return !!mesh && 'f:managementState' in mesh;
  };
  const entries = (dsci.metadata?.managedFields ?? []) as { fieldsV1?: unknown; time?: string }[];
  return entries
    .filter((m) => owns(m.fieldsV1) && m.time)
    .map((m) => m.time!)
    .sort()
    .pop();
}

/**
 * Why a DSCI whose serviceMesh is Unmanaged is not Ready yet, or {fail} when the operator is
 * demonstrably still running the Service Mesh capability: 2.9 leaves CapabilityServiceMesh alone
 * once Unmanaged (servicemesh_setup.go), while conditionsv1.SetStatusCondition moves its
 * lastHeartbeatTime on every pass that sets it — a heartbeat newer than the Unmanaged patch means
 * the operator is still configuring the mesh and the DSCI will never be Ready.
 */
export function unmanagedDsciProblem(dsci: KObject | undefined): string | undefined | { fail: string } {
  if (!dsci) return `${DEFAULT_DSCI} does not exist`;
  if (dsci.status?.phase === 'Error') return { fail: `DSCInitialization ${DEFAULT_DSCI} is in phase Error: ${conditionText(dsci)}` };
  const since = meshStateWrittenAt(dsci);
  const mesh = conditionOf(dsci, 'CapabilityServiceMesh');
  if (since && mesh?.lastHeartbeatTime && Date.parse(mesh.lastHeartbeatTime) > Date.parse(since) && mesh.status !== 'True') {
    return {
      fail:
        `the operator is still configuring the Service Mesh of ${DEFAULT_DSCI} although serviceMesh has been Unmanaged since ${since}: ` +
        `CapabilityServiceMesh=${mesh.status} (${mesh.reason}) was set again at ${mesh.lastHeartbeatTime}; 2.9 leaves the mesh alone once Unmanaged. Conditions: ${conditionText(dsci)}`,
    };
  }
  const complete = conditionOf(dsci, 'ReconcileComplete');
  if (dsci.status?.phase === 'Ready' && complete?.status === 'True' && complete?.reason === 'ReconcileCompleted') return undefined;
  return `${DEFAULT_DSCI} is not Ready yet: phase ${dsci.status?.phase ?? 'unset'}; ${conditionText(dsci)}`;
}

/** default-dsci has serviceMesh Unmanaged and is Ready (the Unmanaged patch is what lets 2.9 finish its reconcile). */
export async function assertServiceMeshUnmanaged(world: RhoaiWorld): Promise<KObject> {
  const created = await waitForDsciCreated(world, DEFAULT_DSCI);
  expect(
    created.spec?.serviceMesh?.managementState,
    `${DEFAULT_DSCI} has serviceMesh ${created.spec?.serviceMesh?.managementState ?? 'unset'}, not Unmanaged: while Managed, the operator builds its own ServiceMeshControlPlane as soon as a servicemeshoperator Subscription exists (set Unmanaged before installing the Service Mesh operator, 02-components.feature)`,
  ).to.equal('Unmanaged');
  return (await waitForObjectExplained(
    world.cluster,
    dsciRef(DEFAULT_DSCI),
    unmanagedDsciProblem,
    `${DEFAULT_DSCI} (serviceMesh Unmanaged) to be Ready: phase Ready, ReconcileComplete=True with reason ReconcileCompleted`,
  ))!;
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
    world.report.text(
      'ServiceMeshControlPlane',
      `the cluster serves no ServiceMeshControlPlane kind yet (the Service Mesh operator is not installed): the operator cannot have built ${namespace}/${name}`,
    );
    return;
  }
  expect(
    smcp,
    `the RHOAI operator built its own ServiceMeshControlPlane ${namespace}/${name} (created ${smcp?.metadata.creationTimestamp}): serviceMesh was still Managed in ${DEFAULT_DSCI} when the servicemeshoperator Subscription appeared; a second control plane now stands next to the manual one`,
  ).to.equal(undefined);
}
