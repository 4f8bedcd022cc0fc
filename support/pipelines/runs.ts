// Pipelines, runs and their review, as a user does them on the RHOAI 2.9 dashboard (Data Science
// Pipelines → Pipelines "Import pipeline", "Create run"; workloads.md §6.2) through the KFP v2beta1
// API: the fraud-detection tutorial's kfp-compiled pipeline (fixtures/pipelines/
// fraud-detection-pipeline.yaml, TUT-KFP-01) imported as a pipeline, run once, and the run's end
// awaited on the cluster: a DSP 2.0 run is an Argo Workflow in the project labelled
// pipeline/runid=<run id>, watched until its phase is final (no polling of the API). The review
// (UI-PIPE-08/09) is the run's graph, drawn from the pipeline's DAG and the run's task states as the
// dashboard draws it, and the version's YAML, both attached to the report.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { type KObject } from '../core/cluster';
import { FIXTURES_DIR } from '../core/paths';
import { withS3 } from '../s3';
import { assertStoredModel, MODEL_KEY } from '../tutorial/fraud-detection';
import { reachableDataConnection } from '../tutorial/storage';
import type { RhoaiWorld } from '../core/world';
import { KfpApiError, type KfpClient } from './kfp-client';
import type { Run } from './kfp-types';
import { currentPipelineServer, withKfp } from './server';

export const TUTORIAL_PIPELINE_FIXTURE = 'pipelines/fraud-detection-pipeline.yaml';
export const TUTORIAL_PIPELINE_NAME = 'fraud-detection';

export interface ImportedPipeline {
  name: string;
  pipelineId: string;
  versionId: string;
  /** The uploaded file. */
  text: string;
}

declare module '../core/world' {
  interface ScenarioFacts {
    pipeline?: ImportedPipeline;
    /** Runs of the scenario, by what the steps call them. */
    runs?: Record<string, Run>;
    experimentId?: string;
  }
}

/** The IR file of a fixture, as it is (multi-document, no ${} rendering). */
export function pipelineFile(fixture = TUTORIAL_PIPELINE_FIXTURE): string {
  return readFileSync(path.join(FIXTURES_DIR, fixture), 'utf8');
}

/** The tasks of an IR file, as its root DAG names them, each with the tasks it depends on. */
export function dagOf(text: string): { name: string; dependsOn: string[] }[] {
  const spec = yaml.loadAll(text).find((d) => d && typeof d === 'object' && 'pipelineInfo' in (d as object)) as KObject | undefined;
  const tasks = (spec?.root?.dag?.tasks ?? {}) as Record<string, { dependentTasks?: string[] }>;
  return Object.entries(tasks).map(([name, t]) => ({ name, dependsOn: t.dependentTasks ?? [] }));
}

/** "Import pipeline": uploads the file (multipart uploadfile) unless a pipeline of that name exists; remembers it. */
export async function importPipeline(
  world: RhoaiWorld,
  name = TUTORIAL_PIPELINE_NAME,
  fixture = TUTORIAL_PIPELINE_FIXTURE,
): Promise<ImportedPipeline> {
  const text = pipelineFile(fixture);
  const imported = await withKfp(world, `import ${name}`, async (kfp) => {
    let pipelineId: string;
    try {
      pipelineId = (await kfp.pipelineByName(name)).pipeline_id;
      world.report.text('pipeline', `a pipeline named ${name} is already on the server (kept from an earlier run): used as it is`);
    } catch (e) {
      if (!(e instanceof KfpApiError && e.status === 404)) throw e;
      try {
        pipelineId = (await kfp.uploadPipeline(name, 'The fraud-detection tutorial pipeline (kfp SDK)', text)).pipeline_id;
      } catch (upload) {
        if (upload instanceof KfpApiError && upload.status === 400)
          throw new Error(
            `the pipeline server refused the pipeline ${fixture} as invalid (HTTP 400): ${upload.rpcMessage ?? upload.body}`,
            { cause: upload },
          );
        throw upload;
      }
    }
    const versions = (await kfp.listPipelineVersions(pipelineId)).pipeline_versions ?? [];
    expect(Boolean(versions.length), `the pipeline ${name} has no version: an upload makes its first version`).to.equal(true);
    return { name, pipelineId, versionId: versions[0].pipeline_version_id, text };
  });
  world.facts.pipeline = imported;
  return imported;
}

export function currentPipeline(world: RhoaiWorld): ImportedPipeline {
  const p = world.facts.pipeline;
  if (!p) throw new Error('no pipeline imported in this scenario: a step "Given the pipeline ... is imported" must come first');
  return p;
}

/** The experiment runs of the harness go to (made once). */
export async function experimentId(world: RhoaiWorld, kfp: KfpClient): Promise<string> {
  if (world.facts.experimentId) return world.facts.experimentId;
  const name = 'rhoai-harness';
  const found = (await kfp.listExperiments()).experiments?.find((e) => e.display_name === name);
  world.facts.experimentId = found?.experiment_id ?? (await kfp.createExperiment(name, 'Runs made by the rhoai-harness')).experiment_id;
  return world.facts.experimentId;
}

/** "Create run", run type "Run once immediately after creation". */
export async function runOnce(world: RhoaiWorld, label: string): Promise<Run> {
  const p = currentPipeline(world);
  const run = await withKfp(world, `create run ${label}`, async (kfp) =>
    kfp.createRun({
      display_name: `${label}-${Date.now().toString(36)}`,
      pipeline_version_reference: { pipeline_id: p.pipelineId, pipeline_version_id: p.versionId },
      experiment_id: await experimentId(world, kfp),
    }),
  );
  world.facts.runs = { ...(world.facts.runs ?? {}), [label]: run };
  return run;
}

const FINAL_PHASES = ['Succeeded', 'Failed', 'Error'];

/** Waits (watching the run's Argo Workflow) until the run ended, then reads it. */
export async function waitForRunEnd(world: RhoaiWorld, label: string): Promise<Run> {
  const run = world.facts.runs?.[label];
  if (!run) throw new Error(`no run "${label}" in this scenario`);
  const { namespace } = currentPipelineServer(world);
  await world.cluster.waitForList(
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', namespace },
    (wfs) => wfs.some((w) => FINAL_PHASES.includes(w.status?.phase)),
    {
      describe: `the Argo Workflow of pipeline run ${run.display_name} (${run.run_id}) to end`,
      labelSelector: `pipeline/runid=${run.run_id}`,
    },
  );
  const ended = await withKfp(world, `run ${run.display_name}`, (kfp) => kfp.run(run.run_id));
  world.facts.runs = { ...(world.facts.runs ?? {}), [label]: ended };
  return ended;
}

function describeTasks(run: Run): string {
  return (run.run_details?.task_details ?? [])
    .map((t) => `${t.display_name}: ${t.state}${t.error?.message ? ` (${t.error.message})` : ''}`)
    .join('; ');
}

/** The run ended SUCCEEDED; else the failure names each task that did not succeed and its error. */
export function assertRunSucceeded(world: RhoaiWorld, run: Run): void {
  world.report.text(`run ${run.display_name}`, `state ${run.state}; tasks: ${describeTasks(run) || 'none'}`);
  if (run.state === 'SUCCEEDED') return;
  const failed = (run.run_details?.task_details ?? [])
    .filter((t) => t.state !== 'SUCCEEDED')
    .map((t) => `task ${t.display_name} ${t.state}${t.error?.message ? `: ${t.error.message}` : ''}`);
  expect.fail(
    `the run ${run.display_name} ended ${run.state}, not SUCCEEDED: ${failed.join('; ') || run.error?.message || 'no task failed'}`,
  );
}

/** Each task of the pipeline's DAG ran and SUCCEEDED, after the tasks it depends on. */
export function assertTaskStates(world: RhoaiWorld, run: Run, expected: string[]): void {
  const tasks = run.run_details?.task_details ?? [];
  const byName = new Map(tasks.map((t) => [t.display_name, t]));
  for (const name of expected) {
    const t = byName.get(name);
    expect(
      Boolean(t),
      `the run ${run.display_name} reports no state for the task ${name} (its tasks: ${[...byName.keys()].join(', ') || 'none'})`,
    ).to.equal(true);
    expect(
      t!.state,
      `task ${name} of run ${run.display_name} is ${t!.state}${t!.error?.message ? `: ${t!.error.message}` : ''}, not SUCCEEDED`,
    ).to.equal('SUCCEEDED');
  }
  for (const { name, dependsOn } of dagOf(currentPipeline(world).text))
    for (const d of dependsOn) {
      const after = byName.get(name)?.start_time;
      const before = byName.get(d)?.end_time;
      if (after && before)
        expect(
          Boolean(Date.parse(after) >= Date.parse(before)),
          `task ${name} started at ${after}, before the task it depends on, ${d}, ended at ${before}`,
        ).to.equal(true);
    }
}

/** The model the run uploaded is in the bucket of "My Storage", written by this run (after it started), and is the tutorial's ONNX model. */
export async function assertModelUploadedByRun(world: RhoaiWorld, run: Run): Promise<void> {
  const { namespace } = currentPipelineServer(world);
  const connection = await reachableDataConnection(world, namespace, 'My Storage');
  const head = await withS3(world, connection, `the uploaded model in s3://${connection.bucket}`, (s3) =>
    s3.head(connection.bucket!, MODEL_KEY),
  );
  expect(
    Boolean(head),
    `the run ${run.display_name} left no s3://${connection.bucket}/${MODEL_KEY} (data connection "My Storage")`,
  ).to.equal(true);
  const started = Date.parse(run.created_at ?? '');
  expect(
    Boolean(head!.lastModified && head!.lastModified.getTime() >= Math.floor(started / 1000) * 1000 - 1000),
    `s3://${connection.bucket}/${MODEL_KEY} was last written at ${head!.lastModified?.toISOString()}, before the run ${run.display_name} started (${run.created_at}): the run did not upload it`,
  ).to.equal(true);
  await assertStoredModel(world);
}

/** Each task's output artifacts are in the pipeline-artifacts bucket of the server, under <pipeline>/<run id>/. */
export async function assertRunArtifacts(world: RhoaiWorld, run: Run): Promise<void> {
  const { namespace } = currentPipelineServer(world);
  const connection = await reachableDataConnection(world, namespace, 'Pipeline Artifacts');
  const uris = (run.run_details?.task_details ?? []).flatMap((t) =>
    Object.values((t.outputs as { artifacts?: Record<string, { uri?: string }> })?.artifacts ?? {}).map((a) => a.uri ?? ''),
  );
  expect(Boolean(uris.length), `the run ${run.display_name} reports no output artifacts of its tasks`).to.equal(true);
  await withS3(world, connection, `the run's artifacts in s3://${connection.bucket}`, async (s3) => {
    for (const uri of uris) {
      const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
      expect(
        Boolean(m && m[1] === connection.bucket),
        `the artifact ${uri} is not in the pipeline-artifacts bucket ${connection.bucket}`,
      ).to.equal(true);
      expect(Boolean(await s3.head(m![1], m![2])), `the artifact ${uri} of run ${run.display_name} is not in the bucket`).to.equal(true);
    }
  });
  world.report.text('run artifacts', uris.join('\n'));
}

// ---- review: graph and YAML ----

const STATE_COLOURS: Record<string, string> = {
  SUCCEEDED: '#3e8635',
  FAILED: '#c9190b',
  RUNNING: '#2b9af3',
  PENDING: '#8a8d90',
  SKIPPED: '#b8bbbe',
  CANCELED: '#f0ab00',
};

/** The run's graph as the dashboard draws it: the DAG's tasks in dependency layers, each with its state, as an SVG picture. */
export function runGraphSvg(dag: { name: string; dependsOn: string[] }[], run: Run): string {
  const state = new Map((run.run_details?.task_details ?? []).map((t) => [t.display_name, t.state ?? 'PENDING']));
  const layer = new Map<string, number>();
  const depth = (n: string, seen: string[] = []): number => {
    if (layer.has(n)) return layer.get(n)!;
    if (seen.includes(n)) return 0;
    const d = Math.max(-1, ...(dag.find((t) => t.name === n)?.dependsOn ?? []).map((x) => depth(x, [...seen, n]))) + 1;
    layer.set(n, d);
    return d;
  };
  dag.forEach((t) => depth(t.name));
  const rows = new Map<number, string[]>();
  for (const t of dag) rows.set(layer.get(t.name)!, [...(rows.get(layer.get(t.name)!) ?? []), t.name]);
  const W = 200;
  const H = 48;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [l, names] of rows) names.forEach((n, i) => pos.set(n, { x: 20 + i * (W + 40), y: 20 + l * (H + 50) }));
  const width = 40 + Math.max(...[...rows.values()].map((r) => r.length)) * (W + 40);
  const height = 40 + rows.size * (H + 50);
  const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
  const edges = dag.flatMap((t) =>
    t.dependsOn.map((d) => {
      const a = pos.get(d)!;
      const b = pos.get(t.name)!;
      return `<line x1="${a.x + W / 2}" y1="${a.y + H}" x2="${b.x + W / 2}" y2="${b.y}" stroke="#6a6e73" stroke-width="2" marker-end="url(#arrow)"/>`;
    }),
  );
  const nodes = dag.map((t) => {
    const p = pos.get(t.name)!;
    const s = state.get(t.name) ?? 'PENDING';
    return `<g><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" fill="#fff" stroke="${STATE_COLOURS[s] ?? '#8a8d90'}" stroke-width="3"/><text x="${p.x + 12}" y="${p.y + 20}" font-family="sans-serif" font-size="14">${esc(t.name)}</text><text x="${p.x + 12}" y="${p.y + 38}" font-family="sans-serif" font-size="12" fill="${STATE_COLOURS[s] ?? '#8a8d90'}">${esc(s)}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#6a6e73"/></marker></defs><title>${esc(run.display_name)}: ${esc(run.state ?? '')}</title>${edges.join('')}${nodes.join('')}</svg>`;
}

/** UI-PIPE-08: the run's graph has a node per task of the DAG with the run's state of it; attached as an SVG picture. */
export async function reviewRunGraph(world: RhoaiWorld, label: string): Promise<void> {
  const run = await withKfp(world, 'run details', (kfp) => kfp.run(world.facts.runs![label].run_id));
  const dag = dagOf(currentPipeline(world).text);
  const svg = runGraphSvg(dag, run);
  await world.attach(svg, { mediaType: 'image/svg+xml', fileName: `run-graph-${run.display_name}.svg` });
  const tasks = new Set((run.run_details?.task_details ?? []).map((t) => t.display_name));
  const missing = dag.filter((t) => !tasks.has(t.name)).map((t) => t.name);
  expect(
    missing,
    `the run details of ${run.display_name} report no state for the tasks ${missing.join(', ')} of the pipeline's graph`,
  ).to.deep.equal([]);
  for (const t of dag) expect(Boolean(svg.includes(`>${t.name}<`)), `the drawn graph lacks the task ${t.name}`).to.equal(true);
}

/** UI-PIPE-09: the version's YAML (its pipeline_spec) is the pipeline that was imported; attached to the report. */
export async function reviewVersionYaml(world: RhoaiWorld): Promise<void> {
  const p = currentPipeline(world);
  const version = await withKfp(world, 'pipeline version', (kfp) => kfp.pipelineVersion(p.pipelineId, p.versionId));
  const spec = version.pipeline_spec as KObject | undefined;
  expect(Boolean(spec), `the pipeline version ${p.versionId} has no pipeline_spec`).to.equal(true);
  const pipelineSpec = (spec!.pipeline_spec ?? spec) as KObject;
  const shown = yaml.dump(spec, { lineWidth: 120, noRefs: true });
  await world.attach(shown, { mediaType: 'application/yaml', fileName: `pipeline-version-${p.name}.yaml` });
  const imported = dagOf(p.text);
  expect(pipelineSpec.pipelineInfo?.name, 'the version YAML is of another pipeline than the one imported').to.equal(
    (yaml.loadAll(p.text)[0] as KObject).pipelineInfo?.name,
  );
  expect(
    Object.keys(pipelineSpec.root?.dag?.tasks ?? {}).sort(),
    'the version YAML has other tasks than the imported pipeline',
  ).to.deep.equal(imported.map((t) => t.name).sort());
}
