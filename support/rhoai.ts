// What the RHOAI 2.9 operator does on its own once installed: the DSCInitialization
// `default-dsci` it creates on a new install, its readiness (phase Ready and ReconcileComplete
// with reason ReconcileCompleted, not phase alone), and the projects it creates.
import { type KObject, type ObjectRef } from './cluster';
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
