// The fraud-detection tutorial's Elyra pipeline (TUT-EL-01..06, ADV-10; workloads.md §1.4, §7): the
// pipeline file "6 Train Save.pipeline" (fixtures/pipelines/train-save.pipeline, pipeline-flow v3 as
// the Elyra 3.16 editor saves it: two notebook nodes, the first with the file dependency
// data/card_transdata.csv and the output models/fraud/1/model.onnx, the second with the data
// connection "My Storage" passed as Kubernetes secrets) saved next to the tutorial's notebooks in a
// workbench created after the pipeline server (so that it mounts the dashboard's runtime
// configuration, odh_dsp), then submitted as a user does it from the workbench's terminal:
// `elyra-pipeline submit "6 Train Save.pipeline" --runtime-config odh_dsp --json` through pod exec,
// with the environment the images' setup-elyra.sh gives the JupyterLab server and so its terminals
// (KF_PIPELINES_SA_TOKEN_PATH: the workbench's service-account token; opendatahub-io/notebooks
// jupyter/datascience/ubi9-python-3.9/setup-elyra.sh). What Elyra made is then read back from the
// pipeline server (the pipeline, its version's IR and platform spec, the run) and from object storage
// (each node's dependency archive and the outputs the bootstrapper uploads to the run's working
// directory).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as yaml from 'js-yaml';
import type { KObject } from '../core/cluster';
import { resolvingHttpsAgent } from '../core/http/agent';
import { FIXTURES_DIR } from '../core/paths';
import { withS3 } from '../s3';
import {
  cloneDirectory,
  ensureTutorialProject,
  cloneTutorial,
  tutorialWorkbenchRequest,
  TUTORIAL_WORKBENCH,
} from '../tutorial/fraud-detection';
import { reachableDataConnection } from '../tutorial/storage';
import { assertSucceeded, execInWorkbench, writeWorkbenchFile } from '../tutorial/workbench-checks';
import { createWorkbench, waitForWorkbenchRunning } from '../tutorial/workbenches';
import type { RhoaiWorld } from '../core/world';
import type { PipelineVersion, Run } from './kfp-types';
import { runGraphSvg, waitForRunEnd } from './runs';
import { currentPipelineServer, withKfp } from './server';
import { untar } from './elyra-archive';

export const ELYRA_PIPELINE_FIXTURE = 'pipelines/train-save.pipeline';
/** The file's name in the tutorial repository; Elyra names the pipeline after it. */
export const ELYRA_PIPELINE_FILE = '6 Train Save.pipeline';
export const ELYRA_PIPELINE_NAME = '6 Train Save';
export const RUNTIME_CONFIG = 'odh_dsp';
/** The workbench of the Elyra scenarios: the tutorial's (TensorFlow, Small, My Storage), made after the pipeline server. */
export const ELYRA_WORKBENCH = { ...TUTORIAL_WORKBENCH, displayName: 'fraud-detection-elyra' };
const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const RUN_LABEL = 'elyra';

export interface ElyraSubmission {
  runId: string;
  runUrl: string;
  /** /<bucket>/<directory>: the run's working directory in object storage. */
  objectStoragePath: string;
  objectStorageUrl: string;
  pipelineId: string;
  versionId: string;
  version: PipelineVersion;
  output: string;
}

declare module '../core/world' {
  interface ScenarioFacts {
    elyra?: ElyraSubmission;
  }
}

interface FixtureNode {
  id: string;
  label: string;
  filename: string;
  dependencies: string[];
  outputs: string[];
  secrets: { env_var: string; name: string; key: string }[];
  parents: string[];
}

/** The nodes of the fixture, with the task names Elyra gives them (processor_kfp.py _generate_workflow_tasks scrubs the label). */
export function fixtureNodes(): FixtureNode[] {
  const doc = JSON.parse(readFileSync(path.join(FIXTURES_DIR, ELYRA_PIPELINE_FIXTURE), 'utf8'));
  return doc.pipelines[0].nodes.map((n: KObject) => {
    const p = n.app_data.component_parameters;
    const label: string = n.app_data.label || n.app_data.ui_data.label;
    return {
      id: n.id,
      label: label
        .replace(/[^-_0-9A-Za-z ]+/g, '-')
        .replace(/-+/g, '-')
        .replace(/^-+|-+$/g, ''),
      filename: p.filename,
      dependencies: p.dependencies ?? [],
      outputs: p.outputs ?? [],
      secrets: p.kubernetes_secrets ?? [],
      parents: (n.inputs ?? []).flatMap((i: KObject) => (i.links ?? []).map((l: KObject) => l.node_id_ref)),
    };
  });
}

/** The tutorial's project with its pipeline server, and a workbench made after it with the tutorial cloned and the .pipeline file saved next to the notebooks. */
export async function ensureElyraWorkbench(world: RhoaiWorld): Promise<void> {
  await ensureTutorialProject(world);
  await createWorkbench(world, tutorialWorkbenchRequest(world, ELYRA_WORKBENCH));
  await waitForWorkbenchRunning(world);
  await cloneTutorial(world);
  const text = readFileSync(path.join(FIXTURES_DIR, ELYRA_PIPELINE_FIXTURE), 'utf8');
  await writeWorkbenchFile(world, `${cloneDirectory(world)}/${ELYRA_PIPELINE_FILE}`, text.trimEnd());
  world.report.text('Elyra pipeline file', `${cloneDirectory(world)}/${ELYRA_PIPELINE_FILE}:\n${text}`);
}

/** Why Elyra's submission failed, from its own words and what the workbench holds. */
async function diagnoseSubmit(world: RhoaiWorld, out: string): Promise<string> {
  if (/Invalid runtime configuration: odh_dsp/.test(out)) {
    const mounted = await execInWorkbench(world, ['ls', '/opt/app-root/runtimes']);
    return `the workbench has no Elyra runtime configuration ${RUNTIME_CONFIG} in Jupyter's metadata directory (the dashboard's Secret ds-pipeline-config is mounted at /opt/app-root/runtimes: ${mounted.exitCode === 0 ? mounted.stdout.trim().split('\n').join(', ') || 'empty' : 'not mounted'}; the image's setup-elyra.sh copies it at start-up)`;
  }
  if (/CERTIFICATE_VERIFY_FAILED/.test(out)) {
    const env = await execInWorkbench(world, ['printenv', 'PIPELINES_SSL_SA_CERTS']);
    return `Elyra in the workbench does not trust the pipeline server's self-signed certificate: PIPELINES_SSL_SA_CERTS is ${env.exitCode === 0 ? `${env.stdout.trim()}, which does not hold the certificate's CA` : 'unset (the ODH notebook webhook sets it to the mounted trusted CA bundle)'}`;
  }
  if (/authentication failed/i.test(out)) return `Elyra could not authenticate with the workbench's service-account token (${SA_TOKEN})`;
  if (/HTTP response body|\(40[13]\)/.test(out))
    return "the pipeline server refused Elyra's request (the workbench's service account needs the RoleBinding elyra-pipelines-<workbench>)";
  return 'elyra-pipeline submit failed';
}

/** `elyra-pipeline submit` in the workbench's terminal; the pipeline, version and run it made, read back. */
export async function submitElyraPipeline(world: RhoaiWorld): Promise<ElyraSubmission> {
  const dir = cloneDirectory(world);
  const r = await execInWorkbench(world, [
    'sh',
    '-c',
    `cd '${dir}' && KF_PIPELINES_SA_TOKEN_PATH=${SA_TOKEN} elyra-pipeline submit '${ELYRA_PIPELINE_FILE}' --runtime-config ${RUNTIME_CONFIG} --json`,
  ]);
  const all = `${r.stdout}\n${r.stderr}`;
  if (r.exitCode !== 0) {
    const tail = all.trim().split('\n').slice(-12).join('\n');
    throw new Error(`${await diagnoseSubmit(world, all)}: \`elyra-pipeline submit\` exited ${r.exitCode}:\n${tail}`);
  }
  const json = r.stdout.slice(r.stdout.search(/^\{/m));
  const response = JSON.parse(json) as { run_id: string; run_url: string; object_storage_path: string; object_storage_url: string };
  expect(response.run_id, `elyra-pipeline submit --json printed no run_id:\n${r.stdout}`).to.be.a('string').with.length.above(0);
  const found = await withKfp(world, 'the run Elyra created', async (kfp) => {
    const run = await kfp.run(response.run_id);
    const pipeline = await kfp.pipelineByName(ELYRA_PIPELINE_NAME);
    const [newest] = (await kfp.listPipelineVersions(pipeline.pipeline_id!)).pipeline_versions ?? [];
    expect(newest != null, `the pipeline "${ELYRA_PIPELINE_NAME}" that Elyra uploaded has no version`).to.equal(true);
    const version = await kfp.pipelineVersion(pipeline.pipeline_id!, newest.pipeline_version_id!);
    return { run, version, pipeline };
  });
  const ran = found.run.pipeline_version_reference?.pipeline_version_id;
  expect(
    ran,
    `the run ${found.run.display_name} that Elyra created runs the pipeline version ${ran}, not the version ${found.version.display_name} (${found.version.pipeline_version_id}) it uploaded`,
  ).to.equal(found.version.pipeline_version_id);
  const submission: ElyraSubmission = {
    runId: response.run_id,
    runUrl: response.run_url,
    objectStoragePath: response.object_storage_path,
    objectStorageUrl: response.object_storage_url,
    pipelineId: found.pipeline.pipeline_id!,
    versionId: found.version.pipeline_version_id!,
    version: found.version,
    output: all,
  };
  world.facts.elyra = submission;
  world.facts.runs = { ...(world.facts.runs ?? {}), [RUN_LABEL]: found.run };
  world.facts.pipeline = {
    name: ELYRA_PIPELINE_NAME,
    pipelineId: submission.pipelineId,
    versionId: submission.versionId,
    text: specYaml(found.version),
  };
  world.report.text(
    'elyra-pipeline submit',
    `run ${response.run_id}: ${response.run_url}\nworking directory ${response.object_storage_path} in ${response.object_storage_url}`,
  );
  return submission;
}

/** Submitted in this scenario (a Given): the workbench, the file, the submission. */
export async function ensureElyraSubmitted(world: RhoaiWorld): Promise<ElyraSubmission> {
  if (world.facts.elyra) return world.facts.elyra;
  await ensureElyraWorkbench(world);
  return submitElyraPipeline(world);
}

function currentSubmission(world: RhoaiWorld): ElyraSubmission {
  const s = world.facts.elyra;
  if (!s)
    throw new Error('no Elyra submission in this scenario: a step "When I submit the pipeline from the workbench ..." must come first');
  return s;
}

function specParts(version: PipelineVersion): { spec: KObject; platform?: KObject } {
  const raw = version.pipeline_spec as KObject | undefined;
  expect(raw != null, `the pipeline version ${version.pipeline_version_id} has no pipeline_spec`).to.equal(true);
  return raw!.pipeline_spec ? { spec: raw!.pipeline_spec, platform: raw!.platform_spec } : { spec: raw! };
}

function specYaml(version: PipelineVersion): string {
  const { spec, platform } = specParts(version);
  return yaml.dump(spec, { noRefs: true }) + (platform ? `---\n${yaml.dump(platform, { noRefs: true })}` : '');
}

/** The task of each node in the version Elyra uploaded: display name (the node's label) → DAG task, component executor. */
function tasksByNode(
  version: PipelineVersion,
): Map<string, { task: string; dependsOn: string[]; executor: string; container: KObject; k8s?: KObject }> {
  const { spec, platform } = specParts(version);
  const tasks = (spec.root?.dag?.tasks ?? {}) as Record<string, KObject>;
  const out = new Map<string, { task: string; dependsOn: string[]; executor: string; container: KObject; k8s?: KObject }>();
  const display = (t: string) => tasks[t]?.taskInfo?.name ?? t;
  for (const [task, t] of Object.entries(tasks)) {
    const executor = spec.components?.[t.componentRef?.name]?.executorLabel;
    out.set(display(task), {
      task,
      dependsOn: (t.dependentTasks ?? []).map(display),
      executor,
      container: spec.deploymentSpec?.executors?.[executor]?.container ?? {},
      k8s: platform?.platforms?.kubernetes?.deploymentSpec?.executors?.[executor],
    });
  }
  return out;
}

/** The args of the bootstrapper in a task's command (`--name 'value'`). */
function bootstrapperArg(container: KObject, name: string): string | undefined {
  const script = ((container.args ?? []) as string[]).join('\n');
  return new RegExp(`--${name} '([^']*)'`).exec(script)?.[1];
}

/** TUT-EL-01: each node became a task with its file, its outputs, its runtime image and its place in the DAG; its archive holds its file and dependencies. */
export async function assertNodesSubmitted(world: RhoaiWorld): Promise<void> {
  const s = currentSubmission(world);
  const tasks = tasksByNode(s.version);
  const nodes = fixtureNodes();
  const [bucket, ...dirParts] = s.objectStoragePath.replace(/^\//, '').split('/');
  const dir = dirParts.join('/');
  const { namespace } = currentPipelineServer(world);
  const artifacts = await reachableDataConnection(world, namespace, 'Pipeline Artifacts');
  expect(bucket, `Elyra's working directory ${s.objectStoragePath} is not in the pipeline server's bucket ${artifacts.bucket}`).to.equal(
    artifacts.bucket,
  );
  const lines: string[] = [];
  for (const n of nodes) {
    const t = tasks.get(n.label);
    expect(
      t !== undefined,
      `the pipeline version Elyra uploaded has no task for the node ${n.label} (its tasks: ${[...tasks.keys()].join(', ')})`,
    ).to.equal(true);
    expect(bootstrapperArg(t!.container, 'file'), `the task of node ${n.label} does not run ${n.filename}`).to.equal(n.filename);
    expect(
      bootstrapperArg(t!.container, 'outputs')?.split(';') ?? [],
      `the task of node ${n.label} does not declare the node's outputs`,
    ).to.deep.equal(n.outputs);
    expect(t!.container.image, `the task of node ${n.label} has no runtime image`).to.be.a('string').with.length.above(0);
    const parents = n.parents.map((p) => nodes.find((x) => x.id === p)!.label);
    expect(
      t!.dependsOn.sort(),
      `the task of node ${n.label} depends on ${t!.dependsOn.join(', ') || 'nothing'}, not on the nodes linked to it`,
    ).to.deep.equal(parents.sort());
    const archive = bootstrapperArg(t!.container, 'cos-dependencies-archive');
    expect(archive, `the task of node ${n.label} names no dependency archive`).to.be.a('string');
    const names = await withS3(world, artifacts, `Elyra's archive of ${n.label}`, async (s3) => [
      ...(await untar(await s3.get(bucket, `${dir}/${archive}`))).keys(),
    ]);
    const missing = n.dependencies.filter((d) => !names.includes(d));
    expect(
      names,
      `the dependency archive s3://${bucket}/${dir}/${archive} of node ${n.label} lacks its file ${n.filename} (it holds ${names.join(', ')})`,
    ).to.include(n.filename);
    expect(
      missing,
      `the dependency archive s3://${bucket}/${dir}/${archive} of node ${n.label} lacks the file dependencies ${missing.join(', ')} (it holds ${names.join(', ')})`,
    ).to.deep.equal([]);
    lines.push(
      `${n.label}: task ${t!.task}, image ${t!.container.image}, file ${n.filename}, outputs [${n.outputs.join(', ')}], after [${parents.join(', ')}], archive ${archive}: ${names.join(', ')}`,
    );
  }
  world.report.text('Elyra nodes as submitted', lines.join('\n'));
  await world.attach(specYaml(s.version), { mediaType: 'application/yaml', fileName: `elyra-${s.versionId}.yaml` });
}

/** TUT-EL-02: the node's Kubernetes secrets are in the version's platform spec as the Secret's keys for the node's task. */
export function assertSecretsPassed(world: RhoaiWorld, secret: string): void {
  const s = currentSubmission(world);
  const tasks = tasksByNode(s.version);
  for (const n of fixtureNodes().filter((x) => x.secrets.length)) {
    const k8s = tasks.get(n.label)?.k8s;
    const given = ((k8s?.secretAsEnv ?? []) as KObject[])
      .filter((e) => e.secretName === secret)
      .flatMap((e) => (e.keyToEnv ?? []).map((k: KObject) => `${k.secretKey}→${k.envVar}`));
    const wanted = n.secrets.filter((x) => x.name === secret).map((x) => `${x.key}→${x.env_var}`);
    world.report.text(`Kubernetes secrets of ${n.label}`, given.join('\n') || 'none');
    expect(
      given,
      `the pipeline server's version of "${ELYRA_PIPELINE_NAME}" does not pass the Secret ${secret} to the task of node ${n.label} as the node's Kubernetes secrets say (${wanted.join(', ')})`,
    ).to.include.members(wanted);
  }
}

/** The run Elyra created ended (watched on its Argo Workflow). */
export async function waitForElyraRun(world: RhoaiWorld): Promise<Run> {
  currentSubmission(world);
  return waitForRunEnd(world, RUN_LABEL);
}

/** TUT-EL-04: each node's task SUCCEEDED after the tasks it depends on; the bootstrapper left the executed notebooks and outputs in the run's working directory; the graph goes to the report. */
export async function inspectElyraRun(world: RhoaiWorld): Promise<void> {
  const s = currentSubmission(world);
  const run = world.facts.runs![RUN_LABEL];
  const details = new Map((run.run_details?.task_details ?? []).map((t) => [t.display_name!, t]));
  const nodes = fixtureNodes();
  for (const n of nodes) {
    const t = details.get(n.label);
    expect(
      t != null,
      `the run details of ${run.display_name} report no state for the task of node ${n.label} (tasks: ${[...details.keys()].join(', ') || 'none'})`,
    ).to.equal(true);
    expect(
      t!.state,
      `the task of node ${n.label} is ${t!.state}${t!.error?.message ? `: ${t!.error.message}` : ''}, not SUCCEEDED`,
    ).to.equal('SUCCEEDED');
    for (const p of n.parents.map((x) => nodes.find((y) => y.id === x)!.label)) {
      const before = details.get(p)?.end_time;
      expect(
        Date.parse(t!.start_time ?? '') >= Date.parse(before ?? ''),
        `the task of node ${n.label} started at ${t!.start_time}, before ${p} ended at ${before}`,
      ).to.equal(true);
    }
  }
  const dag = nodes.map((n) => ({ name: n.label, dependsOn: n.parents.map((x) => nodes.find((y) => y.id === x)!.label) }));
  await world.attach(runGraphSvg(dag, run), { mediaType: 'image/svg+xml', fileName: `run-graph-${run.display_name}.svg` });
  const [bucket, ...dirParts] = s.objectStoragePath.replace(/^\//, '').split('/');
  const dir = dirParts.join('/');
  const { namespace } = currentPipelineServer(world);
  const artifacts = await reachableDataConnection(world, namespace, 'Pipeline Artifacts');
  const keys = await withS3(world, artifacts, `the run's working directory ${s.objectStoragePath}`, async (s3) =>
    (await s3.list(bucket, `${dir}/`)).map((o) => o.key.slice(dir.length + 1)),
  );
  world.report.text("the run's working directory", keys.join('\n'));
  const wanted = nodes.flatMap((n) => [n.filename, `${n.filename.replace(/\.ipynb$/, '')}.html`, ...n.outputs]);
  const missing = wanted.filter((k) => !keys.includes(k));
  expect(
    missing,
    `the executed notebooks and outputs ${missing.join(', ')} of the run are not in the object storage working directory ${s.objectStoragePath} (it holds ${keys.join(', ') || 'nothing'})`,
  ).to.deep.equal([]);
}

/** ADV-10: the pipeline API route's certificate is one no public root vouches for, and the workbench trusts it through its mounted CA bundle. */
export async function assertSelfSignedRoute(world: RhoaiWorld): Promise<void> {
  const server = currentPipelineServer(world);
  const host = new URL(server.url).hostname;
  const target = await world.target();
  const agent = resolvingHttpsAgent(target.resolve, { ca: [...tls.rootCertificates], keepAlive: false });
  const verdict = await new Promise<string>((resolve) => {
    const req = https.request(`${server.url}/apis/v2beta1/healthz`, { agent, method: 'GET' }, (res) => (res.resume(), resolve('trusted')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  }).finally(() => agent.destroy());
  world.report.text('pipeline API certificate', `https://${host}: with the public roots only → ${verdict}`);
  expect(
    verdict,
    `the pipeline API route ${host} answered with a certificate the public roots trust: it is not self-signed, so ADV-10 proves nothing here`,
  ).to.not.equal('trusted');
  const env = await execInWorkbench(world, ['printenv', 'PIPELINES_SSL_SA_CERTS']);
  expect(env.exitCode, "the workbench has no PIPELINES_SSL_SA_CERTS: Elyra's KFP client trusts only the public roots").to.equal(0);
  const bundle = await execInWorkbench(world, ['cat', env.stdout.trim()]);
  assertSucceeded(bundle, `reading the CA bundle ${env.stdout.trim()} in the workbench`);
  expect(bundle.stdout, `the workbench's CA bundle ${env.stdout.trim()} holds no certificate`).to.include('BEGIN CERTIFICATE');
}

/** ADV-10: the submission reached the API over TLS with verification on (no certificate warning) and the run it made exists. */
export function assertVerifiedSubmission(world: RhoaiWorld): void {
  const s = currentSubmission(world);
  expect(s.output, 'Elyra warned about an unverified HTTPS request: the submission did not verify the certificate').to.not.match(
    /InsecureRequestWarning/,
  );
  expect(s.runId).to.be.a('string').with.length.above(0);
}

/** TUT-EL-05: the run ran the pipeline version Elyra uploaded. */
export function assertRanElyraVersion(world: RhoaiWorld, label: string): void {
  const s = currentSubmission(world);
  const run = world.facts.runs?.[label];
  expect(run != null, `no run "${label}" in this scenario`).to.equal(true);
  expect(
    run!.pipeline_version_reference?.pipeline_version_id,
    `the run ${run!.display_name} ran the pipeline version ${run!.pipeline_version_reference?.pipeline_version_id}, not the version ${s.versionId} Elyra uploaded`,
  ).to.equal(s.versionId);
}

/** TUT-EL-06: the first runs the schedule started ended SUCCEEDED, each with every node's task. */
export async function assertScheduledRunsSucceeded(world: RhoaiWorld, label: string, scheduled: Run[]): Promise<void> {
  for (const [i, r] of scheduled.entries()) {
    const key = `${label}#${i + 1}`;
    world.facts.runs = { ...(world.facts.runs ?? {}), [key]: r };
    const ended = await waitForRunEnd(world, key);
    const tasks = (ended.run_details?.task_details ?? []).map(
      (t) => `${t.display_name} ${t.state}${t.error?.message ? `: ${t.error.message}` : ''}`,
    );
    expect(
      ended.state,
      `the run ${ended.display_name} that the schedule "${label}" started ended ${ended.state}, not SUCCEEDED (tasks: ${tasks.join('; ') || 'none'})`,
    ).to.equal('SUCCEEDED');
    expect(tasks.length, `the run ${ended.display_name} that the schedule "${label}" started reports no tasks`).to.equal(
      fixtureNodes().length,
    );
  }
}

/** A second submission: Elyra finds the pipeline by name and uploads a new version of it ("<pipeline>-<timestamp>"). */
export async function submitAgain(world: RhoaiWorld): Promise<void> {
  const before = currentSubmission(world);
  const after = await submitElyraPipeline(world);
  expect(after.pipelineId, `the second submission made another pipeline than "${ELYRA_PIPELINE_NAME}" (${before.pipelineId})`).to.equal(
    before.pipelineId,
  );
  expect(after.versionId, 'the second submission uploaded no new version of the pipeline').to.not.equal(before.versionId);
  world.report.text(
    'new version',
    `${after.version.display_name} (${after.versionId}) of "${ELYRA_PIPELINE_NAME}", after ${before.version.display_name}`,
  );
}
