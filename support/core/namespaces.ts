// "The namespace exists", in one home: a namespace by name, one an earlier run is still deleting
// waited out before anything is made in it, made from fixtures/core/namespace.yaml when missing
// (an existing one is kept as it is), and waited on until Active.
import type { KObject, ObjectRef } from './cluster';
import type { RhoaiWorld } from './world';

export const namespaceRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Namespace', name });

/**
 * The namespace as it stands, or undefined when there is none. One that an earlier run is still
 * deleting is waited out first: nothing can be created in a terminating namespace.
 */
export async function settledNamespace(
  world: RhoaiWorld,
  name: string,
  describe = `namespace ${name} to finish terminating`,
): Promise<KObject | undefined> {
  const existing = await world.cluster.get(namespaceRef(name));
  if (!existing?.metadata.deletionTimestamp) return existing;
  await world.cluster.waitForDeletion(namespaceRef(name), { describe });
  return undefined;
}

/** The namespace exists: kept as it is when it does, made (as `oc create ns`) when it does not; says which. */
export async function ensureNamespace(world: RhoaiWorld, name: string): Promise<{ namespace: KObject; created: boolean }> {
  const existing = await settledNamespace(world, name);
  if (existing) return { namespace: existing, created: false };
  const [made] = await world.applyFixture('core/namespace', { name });
  return { namespace: made!, created: true };
}

/** Waits until the namespace is Active; one being deleted fails the wait at once. */
export async function waitForActiveNamespace(
  world: RhoaiWorld,
  name: string,
  describe = `namespace ${name} to be Active`,
): Promise<KObject> {
  const active = await world.cluster.waitFor(
    namespaceRef(name),
    (ns) => (ns?.metadata.deletionTimestamp ? { fail: `namespace ${name} is being deleted` } : ns?.status?.phase === 'Active'),
    { describe },
  );
  return active!;
}
