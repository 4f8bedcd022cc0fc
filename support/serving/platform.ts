// A project's model serving platform, as the RHOAI 2.9 dashboard keeps it (workloads.md §5.2, §5.3):
// the namespace label modelmesh-enabled — "false" for the single-model platform (KServe), "true"
// for the multi-model platform (ModelMesh) — set when the project's first model (or model server)
// is deployed. The dashboard changes it only while the project has no model server and no model;
// after that it offers no change. The API refuses nothing: what the label decides is which
// controller serves the project — ModelMesh serves only namespaces labelled "true".
//
// The label is written with a merge patch, as the dashboard's backend does, not with server-side
// apply: the harness applies the Namespace's other labels (opendatahub.io/dashboard) elsewhere
// under the same field manager, and an apply of this one label would drop those.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { KObject, ObjectRef } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';

export const MODELMESH_LABEL = 'modelmesh-enabled';

export type Platform = 'single-model' | 'multi-model';

const namespaceRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Namespace', name });

export function labelValue(platform: Platform): 'true' | 'false' {
  return platform === 'multi-model' ? 'true' : 'false';
}

/** Parses "single-model" / "multi-model" (the dashboard's words), naming what is allowed. */
export function parsePlatform(text: string): Platform {
  if (text === 'single-model' || text === 'multi-model') return text;
  throw new Error(`unknown serving platform "${text}": say single-model or multi-model`);
}

/** The platform the project's label records, or undefined when none was chosen yet. */
export async function projectPlatform(world: RhoaiWorld, namespace: string): Promise<Platform | undefined> {
  const ns = await world.cluster.get(namespaceRef(namespace));
  if (!ns) throw new Error(`project ${namespace} does not exist`);
  const value = ns.metadata.labels?.[MODELMESH_LABEL];
  return value === 'true' ? 'multi-model' : value === 'false' ? 'single-model' : undefined;
}

/** The models and model servers of the project (what makes the dashboard fix the platform). */
export async function servingObjects(world: RhoaiWorld, namespace: string): Promise<{ models: KObject[]; servers: KObject[] }> {
  const models = await world.cluster.list({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', namespace });
  const servers = await world.cluster.list({ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', namespace });
  return { models, servers };
}

/** Records the platform on the project, as the dashboard does on the first deployment. */
export async function choosePlatform(world: RhoaiWorld, namespace: string, platform: Platform): Promise<void> {
  if ((await projectPlatform(world, namespace)) === platform) return;
  await world.cluster.patch(namespaceRef(namespace), { metadata: { labels: { [MODELMESH_LABEL]: labelValue(platform) } } }, 'merge');
}

/**
 * Changes the platform of a project as the dashboard's "Change" does: only while the project has
 * neither a model nor a model server (the dashboard offers no change otherwise).
 */
export async function changePlatform(world: RhoaiWorld, namespace: string, platform: Platform): Promise<void> {
  const { models, servers } = await servingObjects(world, namespace);
  expect(
    models.length + servers.length,
    `project ${namespace} has ${describe(models, servers)}: the dashboard fixes the serving platform once a model server or model exists, and offers no change`,
  ).to.equal(0);
  await choosePlatform(world, namespace, platform);
}

/**
 * The project's platform: the label the dashboard keeps, and — once the project has single-model
 * InferenceServices — what the cluster did with them: KServe made a predictor revision for each
 * (status.components.predictor.latestCreatedRevision; an InvalidSpec refusal fails at once) and
 * ModelMesh runs no model server Deployment in the project (it serves only projects labelled
 * modelmesh-enabled=true).
 */
export async function assertPlatform(world: RhoaiWorld, namespace: string, platform: Platform): Promise<void> {
  const found = await projectPlatform(world, namespace);
  expect(
    found,
    `project ${namespace} is labelled ${MODELMESH_LABEL}=${found === undefined ? '(none)' : labelValue(found)}: its serving platform is ${found ?? 'not chosen'}, not ${platform}`,
  ).to.equal(platform);
  if (platform === 'single-model') await assertServedBySingleModelPlatform(world, namespace);
}

async function assertServedBySingleModelPlatform(world: RhoaiWorld, namespace: string): Promise<void> {
  const { models } = await servingObjects(world, namespace);
  const kserve = models.filter(
    (m) => m.metadata.annotations?.['serving.kserve.io/deploymentMode'] !== 'ModelMesh' && !m.metadata.deletionTimestamp,
  );
  const revisions: string[] = [];
  for (const m of kserve) {
    const isvc = await world.cluster.waitFor(
      { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', name: m.metadata.name!, namespace },
      (i) => {
        if (!i) return { fail: `InferenceService ${namespace}/${m.metadata.name} went away` };
        if (i.status?.modelStatus?.transitionStatus === 'InvalidSpec')
          return {
            fail: `KServe refused InferenceService ${namespace}/${m.metadata.name} (InvalidSpec: ${i.status.modelStatus.lastFailureInfo?.message ?? ''}): the single-model platform does not serve it`,
          };
        return !!i.status?.components?.predictor?.latestCreatedRevision;
      },
      { describe: `KServe to make a predictor revision for InferenceService ${namespace}/${m.metadata.name}` },
    );
    revisions.push(`${m.metadata.name}: ${isvc!.status.components.predictor.latestCreatedRevision}`);
  }
  const mm = (
    await world.cluster.list(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace },
      { labelSelector: 'modelmesh-service=modelmesh-serving' },
    )
  ).filter((d) => !d.metadata.deletionTimestamp);
  expect(
    mm.map((d) => d.metadata.name),
    `ModelMesh runs the model server Deployments ${mm.map((d) => d.metadata.name).join(', ')} in the single-model project ${namespace}: the project is served by both platforms`,
  ).to.deep.equal([]);
  world.report.text(
    'single-model platform, as the cluster shows it',
    `KServe predictor revisions: ${revisions.join(', ') || 'no model yet'}; no ModelMesh model server in ${namespace}`,
  );
}

export async function assertNoServingObjects(world: RhoaiWorld, namespace: string): Promise<void> {
  const { models, servers } = await servingObjects(world, namespace);
  expect(
    models.length + servers.length,
    `project ${namespace} has ${describe(models, servers)}: it is not a project without deployed models`,
  ).to.equal(0);
}

function describe(models: KObject[], servers: KObject[]): string {
  const names = (xs: KObject[]) => xs.map((x) => x.metadata.name).join(', ');
  return (
    [models.length ? `the models ${names(models)}` : '', servers.length ? `the model servers ${names(servers)}` : '']
      .filter(Boolean)
      .join(' and ') || 'nothing'
  );
}

/** The project has a deployed model, and the dashboard's rule refuses to change its platform. */
export async function assertPlatformFixed(world: RhoaiWorld, namespace: string): Promise<void> {
  const { models } = await servingObjects(world, namespace);
  expect(
    models.length > 0,
    `project ${namespace} has no InferenceService: the dashboard would still offer to change its platform`,
  ).to.equal(true);
  const refusal = await changePlatform(world, namespace, 'multi-model').then(
    () => undefined,
    (e: unknown) => e,
  );
  expectOk(refusal, "the dashboard's rule must refuse a change once a model is deployed");
  expect(String(refusal), "the dashboard's rule must refuse a change once a model is deployed").to.match(/fixes the serving platform/);
}
