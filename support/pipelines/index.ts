// Data science pipelines (checklist "Pipelines", the fraud-detection tutorial's pipeline steps;
// workloads.md §6, §7): the pipeline server of a project, the KFP client, pipelines, runs,
// schedules and their review. The steps call these tasks; each establishes what it needs when it
// is missing, so that a scenario can run alone and a second run repeats nothing.
import { expect } from 'chai';
import { componentState } from '../install/dashboard-config';
import { scenarioProject } from '../tutorial/projects';
import { addDataConnection, ensureBucket, ensureProjectStorage } from '../tutorial/storage';
import { ensureTutorialProject } from '../tutorial/fraud-detection';
import { requireDashboardPlatform } from '../tutorial/platform';
import type { RhoaiWorld } from '../core/world';
import { configurePipelineServer, DSPA_API, dspaRef, waitForPipelineServer, type Database } from './server';

export * from './server';
export * from './runs';
export * from './schedules';

/** The datasciencepipelines component is Managed and its operator's CRD is served. */
export async function requirePipelinesPlatform(world: RhoaiWorld): Promise<void> {
  await requireDashboardPlatform(world);
  const state = componentState(world, 'datasciencepipelines');
  expect(
    state,
    `default-dsc has the datasciencepipelines component ${state ?? 'unset'}, not Managed: there are no pipeline servers`,
  ).to.equal('Managed');
  await world.cluster.waitFor(
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'datasciencepipelinesapplications.datasciencepipelinesapplications.opendatahub.io',
    },
    (crd) => (crd?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True'),
    { describe: `the DSPA CRD (${DSPA_API}, installed with the datasciencepipelines component) to be established` },
  );
}

/** The tutorial's project (with its data connections) and its pipeline server with the default database, ready. */
export async function ensureTutorialPipelineServer(world: RhoaiWorld): Promise<void> {
  await ensureTutorialProject(world);
  const ns = world.settings.tutorialProject;
  if (!(await world.cluster.get(dspaRef(ns)))) await configurePipelineServer(world, ns, 'default');
  await waitForPipelineServer(world, ns, 'default');
}

/** A project of this scenario with S3 storage, the bucket pipeline-artifacts and the data connection "Pipeline Artifacts". */
export async function ensureArtifactsProject(world: RhoaiWorld, name: string, displayName: string): Promise<string> {
  const project = await scenarioProject(world, name, displayName);
  await ensureProjectStorage(world, project.name);
  await ensureBucket(world, 'pipeline-artifacts');
  await addDataConnection(world, project.name, 'Pipeline Artifacts', 'pipeline-artifacts');
  return project.name;
}

/** "Configure pipeline server" in the scenario's project and wait for it. */
export async function createPipelineServer(world: RhoaiWorld, namespace: string, database: Database): Promise<void> {
  await configurePipelineServer(world, namespace, database);
  await waitForPipelineServer(world, namespace, database);
}
