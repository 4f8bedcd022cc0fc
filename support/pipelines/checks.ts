// The questions the pipeline scenarios ask of the server beyond a run's end: which database the
// pipeline server uses (UI-DC-02/03), its pipeline versions (UI-PIPE-01), a run of type once
// (UI-PIPE-02), and a succeeded run to review (UI-PIPE-08/09).
import { expect } from 'chai';
import type { RhoaiWorld } from '../core/world';
import { assertRunSucceeded, currentPipeline, importPipeline, pipelineFile, runOnce, waitForRunEnd } from './runs';
import { currentPipelineServer, dspaRef, withKfp, type Database } from './server';
import { applicationsNamespace } from '../rhoai/names';

/** The DSPA's database, as the operator applied it: its MariaDB Deployment, or the external MySQL with the password Secret; and the API server uses it. */
export async function assertDatabase(world: RhoaiWorld, database: Database): Promise<void> {
  const { namespace } = currentPipelineServer(world);
  const dspa = await world.cluster.get(dspaRef(namespace));
  const apiServer = await world.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ds-pipeline-dspa', namespace });
  expect(Boolean(apiServer), `the operator made no API server Deployment ds-pipeline-dspa in ${namespace}`).to.equal(true);
  const env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] =
    apiServer!.spec.template.spec.containers.find((c: { name: string }) => c.name === 'ds-pipeline-api-server')?.env ?? [];
  const host = env.find((e) => e.name === 'DBCONFIG_MYSQLCONFIG_HOST')?.value;
  const password = env.find((e) => e.name === 'DBCONFIG_MYSQLCONFIG_PASSWORD')?.valueFrom?.secretKeyRef;
  world.report.text('database of the API server', `host ${host}; password from Secret ${password?.name} key ${password?.key}`);
  if (database === 'default') {
    expect(
      dspa?.spec?.database?.mariaDB?.deploy,
      `the DSPA's database is ${JSON.stringify(dspa?.spec?.database)}, not the default MariaDB (mariaDB.deploy true)`,
    ).to.equal(true);
    const maria = await world.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'mariadb-dspa', namespace });
    expect(
      Boolean(maria?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Available' && c.status === 'True')),
      `the operator's MariaDB Deployment mariadb-dspa in ${namespace} is ${maria ? 'not available' : 'missing'}`,
    ).to.equal(true);
    expect(host, `the API server uses the database at ${host}, not the operator's MariaDB`).to.equal(
      `mariadb-dspa.${namespace}.svc.cluster.local`,
    );
  } else {
    const ext = dspa?.spec?.database?.externalDB;
    expect(Boolean(ext), `the DSPA has no external database: ${JSON.stringify(dspa?.spec?.database)}`).to.equal(true);
    expect(
      await world.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'mariadb-dspa', namespace }),
      'the operator deployed a MariaDB although the DSPA names an external database',
    ).to.equal(undefined);
    expect(host, `the API server uses the database at ${host}, not the external MySQL ${ext.host}`).to.equal(ext.host);
    expect(
      password,
      `the API server reads the database password from ${JSON.stringify(password)}, not from the Secret pipelines-db-password`,
    ).to.deep.equal({ name: 'pipelines-db-password', key: 'db-password' });
  }
}

/** "Upload new version" of the imported pipeline; removed after the scenario. */
export async function uploadSecondVersion(world: RhoaiWorld): Promise<void> {
  const p = currentPipeline(world);
  const name = `${p.name}-v${Date.now().toString(36)}`;
  const v = await withKfp(world, 'upload version', (kfp) => kfp.uploadPipelineVersion(p.pipelineId, name, pipelineFile()));
  world.facts.secondVersion = v.pipeline_version_id;
  world.onCleanup(`delete pipeline version ${name}`, () =>
    withKfp(world, 'delete version', (kfp) =>
      kfp.raw('DELETE', `/apis/v2beta1/pipelines/${p.pipelineId}/versions/${v.pipeline_version_id}`),
    ),
  );
}

declare module '../core/world' {
  interface ScenarioFacts {
    secondVersion?: string;
  }
}

export async function assertVersionsListed(world: RhoaiWorld): Promise<void> {
  const p = currentPipeline(world);
  const versions = await withKfp(world, 'versions', async (kfp) => (await kfp.listPipelineVersions(p.pipelineId)).pipeline_versions ?? []);
  const ids = versions.map((v) => v.pipeline_version_id);
  expect(Boolean(ids.includes(p.versionId)), `the pipeline ${p.name} lists no version ${p.versionId} (its first)`).to.equal(true);
  expect(
    ids[0],
    `the newest version of ${p.name} listed first is ${ids[0]}, not the one just uploaded (${world.facts.secondVersion})`,
  ).to.equal(world.facts.secondVersion);
}

/** A run of type once: one run made for the request, in the experiment chosen, with no recurring run. */
export async function assertOnlyRun(world: RhoaiWorld, label: string): Promise<void> {
  const run = world.facts.runs![label];
  const runs = await withKfp(world, 'runs', (kfp) => kfp.listRuns({ display_name: run.display_name }));
  expect(runs.length, `the run once made ${runs.length} runs named ${run.display_name}, not one`).to.equal(1);
  expect(
    run.experiment_id,
    `the run ${run.display_name} is in experiment ${run.experiment_id}, not in the experiment chosen (${world.facts.experimentId})`,
  ).to.equal(world.facts.experimentId);
  expect(
    Boolean(!run.recurring_run_id),
    `the run ${run.display_name} belongs to the recurring run ${run.recurring_run_id}: a run once belongs to no schedule`,
  ).to.equal(true);
}

/** A run of the imported pipeline that succeeded: made when the scenario has none. */
export async function ensureSucceededRun(world: RhoaiWorld, label: string): Promise<void> {
  await importPipeline(world);
  await runOnce(world, label);
  assertRunSucceeded(world, await waitForRunEnd(world, label));
}

const CRDS = [
  'datasciencepipelinesapplications.datasciencepipelinesapplications.opendatahub.io',
  'workflows.argoproj.io',
  'scheduledworkflows.kubeflow.org',
];

/**
 * CMP-04: the datasciencepipelines component reports ready on the DataScienceCluster, its operator
 * runs, the APIs of DSP 2.0 (DSPA, Argo Workflow, ScheduledWorkflow) are served, and a pipeline
 * server of a project answers its KFP API.
 */
export async function assertPipelinesComponent(world: RhoaiWorld): Promise<void> {
  const dsc = (await world.cluster.list({ apiVersion: 'datasciencecluster.opendatahub.io/v1', kind: 'DataScienceCluster' }))[0];
  const ready = (dsc?.status?.conditions ?? []).find((c: { type: string }) => c.type === 'data-science-pipelines-operatorReady');
  expect(
    ready?.status,
    `the DataScienceCluster reports data-science-pipelines-operatorReady=${ready?.status ?? 'missing'}: ${ready?.message ?? ''}`,
  ).to.equal('True');
  const apps = await applicationsNamespace(world);
  const operator = await world.cluster.get({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'data-science-pipelines-operator-controller-manager',
    namespace: apps,
  });
  expect(
    Boolean(operator?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Available' && c.status === 'True')),
    `the data-science-pipelines-operator (${apps}/data-science-pipelines-operator-controller-manager) is ${operator ? 'not available' : 'missing'}`,
  ).to.equal(true);
  for (const name of CRDS) {
    const crd = await world.cluster.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
    expect(
      Boolean(crd?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True')),
      `the API ${name} of data science pipelines is ${crd ? 'not established' : 'not served (no CRD)'}`,
    ).to.equal(true);
  }
  const health = await withKfp(world, 'healthz', (kfp) => kfp.raw('GET', '/apis/v2beta1/healthz'));
  expect(
    health.status,
    `the pipeline server's KFP API answered GET /apis/v2beta1/healthz with HTTP ${health.status}: ${health.text.slice(0, 200)}`,
  ).to.equal(200);
}

/** The Elyra interface: the recommended tag of the Standard Data Science image lists Odh-Elyra among its Python packages. */
export async function assertElyraInImages(world: RhoaiWorld): Promise<void> {
  const apps = await applicationsNamespace(world);
  const stream = await world.cluster.get({
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    name: 's2i-generic-data-science-notebook',
    namespace: apps,
  });
  expect(Boolean(stream), `there is no ImageStream ${apps}/s2i-generic-data-science-notebook (Standard Data Science)`).to.equal(true);
  const tag = (stream!.spec?.tags ?? []).find(
    (t: { annotations?: Record<string, string> }) => t.annotations?.['opendatahub.io/workbench-image-recommended'] === 'true',
  );
  expect(Boolean(tag), 'the Standard Data Science image has no recommended tag').to.equal(true);
  const packages: { name: string; version: string }[] = JSON.parse(tag.annotations['opendatahub.io/notebook-python-dependencies'] ?? '[]');
  const elyra = packages.find((p) => /elyra/i.test(p.name));
  world.report.text(
    'Elyra in the workbench image',
    `s2i-generic-data-science-notebook:${tag.name}: ${elyra ? `${elyra.name} ${elyra.version}` : 'no Elyra'}`,
  );
  expect(
    Boolean(elyra && /^Odh-Elyra$/i.test(elyra.name)),
    `the Standard Data Science image ${tag.name} lists no Odh-Elyra among its Python packages (${packages.map((p) => p.name).join(', ')})`,
  ).to.equal(true);
}
