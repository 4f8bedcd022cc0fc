// Data science projects: namespaces labelled opendatahub.io/dashboard=true, as the dashboard lists
// them (minus openshift*, kube* and the dashboard's own namespace; workloads.md §3.1). The install
// keeps one of its own, RHOAI_DW_PROJECT, so that quota coverage is proved on a real project.
import { expectOk } from '../core/expect';
import type { KObject, ObjectRef } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { DASHBOARD_LABEL, DEFAULT_APPLICATIONS_NAMESPACE } from '../rhoai/names';

export { DASHBOARD_LABEL };

const namespaceRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Namespace', name });

export function isDataScienceProject(ns: KObject): boolean {
  const name = ns.metadata.name ?? '';
  return (
    ns.metadata.labels?.[DASHBOARD_LABEL] === 'true' &&
    !/^(openshift|kube)/.test(name) &&
    name !== DEFAULT_APPLICATIONS_NAMESPACE &&
    !ns.metadata.deletionTimestamp
  );
}

/** Every data science project, by name. */
export async function dataScienceProjects(world: RhoaiWorld): Promise<string[]> {
  const namespaces = await world.cluster.list({ apiVersion: 'v1', kind: 'Namespace' }, { labelSelector: `${DASHBOARD_LABEL}=true` });
  return namespaces
    .filter(isDataScienceProject)
    .map((ns) => ns.metadata.name!)
    .sort();
}

/**
 * The distributed workloads project exists as a data science project: created (and kept) when
 * missing; an existing namespace must already be one (the harness does not relabel namespaces it
 * does not own); one still terminating from an earlier run is waited out first.
 */
export async function ensureDistributedWorkloadsProject(world: RhoaiWorld): Promise<string> {
  const name = world.settings.dwProject;
  let existing = await world.cluster.get(namespaceRef(name));
  if (existing?.metadata.deletionTimestamp) {
    await world.cluster.waitForDeletion(namespaceRef(name), {
      describe: `namespace ${name} (being deleted) to be gone before it is created again`,
    });
    existing = undefined;
  }
  if (existing) {
    expectOk(
      existing.metadata.labels?.[DASHBOARD_LABEL] === 'true',
      `namespace ${name} (RHOAI_DW_PROJECT) exists but is not a data science project (no label ${DASHBOARD_LABEL}=true): label it in the dashboard or choose another RHOAI_DW_PROJECT`,
    );
  } else {
    await world.applyFixture('kueue/data-science-project', {
      name,
      displayName: 'Distributed workloads',
      description: 'Data science project prepared by the RHOAI install for distributed workloads (CodeFlare SDK, Ray, Kueue local queue).',
    });
  }
  await world.cluster.waitFor(namespaceRef(name), (ns) => ns?.status?.phase === 'Active', {
    describe: `data science project ${name} to be Active`,
  });
  world.namespace ??= name;
  return name;
}
