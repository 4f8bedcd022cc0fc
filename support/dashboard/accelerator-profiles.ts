// UI-SET-07/08, CMP-03: an accelerator profile created in the browser (identifier nvidia.com/gpu, the
// toleration of the GPU nodes' taint key nvidia-gpu-only) becomes the AcceleratorProfile the 2.9
// backend makes (odh-dashboard rhoai-2.9 backend/src/routes/api/accelerator-profiles/
// acceleratorProfilesUtils.ts postAcceleratorProfile: name from the display name, spec = the form),
// which the workbench form offers (enabled profiles of the dashboard namespace:
// frontend/src/pages/notebookController/screens/server/AcceleratorProfileSelectField.tsx) and whose
// toleration lets workbench pods onto the tainted GPU nodes. Deleted afterwards.
import type { KObject, ObjectRef } from '../core/cluster';
import { applicationsNamespace } from '../serving/runtimes';
import type { RhoaiWorld } from '../core/world';
import { AcceleratorProfilesPage, type Toleration } from './accelerator-profiles-page';
import { attachScreenshot } from './browser';
import { dashboardOrigin } from './login';
import { k8sNameOf } from './notebook-images';
import { chrome } from './people';

declare module '../core/world' {
  interface ScenarioFacts {
    dashboardAccelerator?: { ref: ObjectRef; displayName: string; identifier: string; tolerations: Toleration[] };
  }
}

const MARK = 'Created by rhoai-harness';

export async function createProfile(world: RhoaiWorld, displayName: string, identifier: string, taintKey: string): Promise<void> {
  const ref: ObjectRef = {
    apiVersion: 'dashboard.opendatahub.io/v1',
    kind: 'AcceleratorProfile',
    name: k8sNameOf(displayName),
    namespace: await applicationsNamespace(world),
  };
  const earlier = await world.cluster.get(ref);
  if (earlier?.spec?.description === MARK) await world.cluster.delete(ref); // an earlier run's
  const tolerations: Toleration[] = [{ key: taintKey, operator: 'Exists', effect: 'NoSchedule' }];
  world.facts.dashboardAccelerator = { ref, displayName, identifier, tolerations };
  world.onCleanup(`delete AcceleratorProfile ${ref.name}`, () => world.cluster.delete(ref));
  const page = new AcceleratorProfilesPage(chrome(world).page);
  await page.visit(await dashboardOrigin(world));
  await page.create(displayName, identifier, MARK, tolerations);
  await attachScreenshot(world, `accelerator profiles: ${displayName} created`);
}

async function stored(world: RhoaiWorld): Promise<KObject> {
  const p = world.facts.dashboardAccelerator!;
  const profile = await world.cluster.get(p.ref);
  if (!profile)
    throw new Error(`there is no AcceleratorProfile ${p.ref.name} in ${p.ref.namespace} after "Create accelerator profile" in the browser`);
  return profile;
}

export async function assertProfile(world: RhoaiWorld): Promise<void> {
  const p = world.facts.dashboardAccelerator!;
  const profile = await stored(world);
  if (profile.spec?.identifier !== p.identifier || profile.spec?.enabled !== true || profile.spec?.displayName !== p.displayName)
    throw new Error(
      `AcceleratorProfile ${p.ref.name} has identifier ${profile.spec?.identifier}, enabled ${profile.spec?.enabled}, display name ${profile.spec?.displayName}; expected ${p.identifier}, true, ${p.displayName}`,
    );
  const page = new AcceleratorProfilesPage(chrome(world).page);
  if (!(await page.row(p.displayName).isVisible())) throw new Error(`Settings > Accelerator profiles does not list ${p.displayName}`);
}

/** The profile's tolerations, and that they tolerate every NoSchedule taint of the nodes that advertise the identifier. */
export async function assertTolerations(world: RhoaiWorld): Promise<void> {
  const p = world.facts.dashboardAccelerator!;
  const profile = await stored(world);
  const found = (profile.spec?.tolerations ?? []) as Toleration[];
  if (JSON.stringify(found) !== JSON.stringify(p.tolerations))
    throw new Error(
      `AcceleratorProfile ${p.ref.name} has the tolerations ${JSON.stringify(found)}; the form added ${JSON.stringify(p.tolerations)}`,
    );
  const nodes = (await world.cluster.list({ apiVersion: 'v1', kind: 'Node' })).filter(
    (n) => Number.parseInt(n.status?.allocatable?.[p.identifier] ?? '0', 10) > 0,
  );
  if (!nodes.length)
    throw new Error(`no node advertises ${p.identifier} in status.allocatable: a workbench with this profile cannot be scheduled`);
  for (const node of nodes) {
    const untolerated = ((node.spec?.taints ?? []) as { key: string; effect: string }[]).filter(
      (t) =>
        t.effect === 'NoSchedule' &&
        !found.some((tol) => tol.key === t.key && tol.operator === 'Exists' && (!tol.effect || tol.effect === t.effect)),
    );
    if (untolerated.length)
      throw new Error(
        `the profile's tolerations do not tolerate the taints ${JSON.stringify(untolerated)} of ${node.metadata.name}, which advertises ${p.identifier}`,
      );
  }
}

/** CMP-03: the workbench form offers the profile (enabled, in the dashboard namespace). */
export async function assertOfferedForWorkbenches(world: RhoaiWorld): Promise<void> {
  const p = world.facts.dashboardAccelerator!;
  const offered = (await world.cluster.list({ apiVersion: p.ref.apiVersion, kind: p.ref.kind, namespace: p.ref.namespace })).filter(
    (a) => a.spec?.enabled,
  );
  if (!offered.some((a) => a.metadata.name === p.ref.name))
    throw new Error(
      `the workbench form would not offer ${p.displayName}: the enabled profiles of ${p.ref.namespace} are ${offered.map((a) => a.metadata.name).join(', ') || 'none'}`,
    );
}
