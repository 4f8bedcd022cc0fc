// The fraud-detection tutorial of RHOAI 2.9 (rh-aiservices-bu/fraud-detection, workloads.md §1), the
// way a data scientist walks it, each step through the workbench: the project with its S3 storage,
// the buckets my-storage and pipeline-artifacts and the data connections "My Storage" and "Pipeline
// Artifacts"; a TensorFlow workbench of size Small with the default storage and the existing data
// connection My Storage; `git clone` of the tutorial repository (RHOAI_TUTORIAL_REPO at
// RHOAI_TUTORIAL_REF); the notebooks 1_experiment_train.ipynb and 2_save_model.ipynb run with
// `jupyter nbconvert --to notebook --execute`; and the stored model checked in the bucket.
//
// Each `ensure…` establishes a step's result only when it is missing, so that every scenario can
// run alone (`--tags @req.TUT-FD-04`) and a second run repeats nothing that is already there.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import * as path from 'node:path';
import { describeOnnx, inspectOnnx, type OnnxSummary } from '../serving/onnx-model';
import { withS3 } from '../s3';
import type { RhoaiWorld } from '../core/world';
import { tutorialProject } from './projects';
import { addDataConnection, ensureBucket, ensureProjectStorage, reachableDataConnection } from './storage';
import { assertSucceeded, execInWorkbench } from './workbench-checks';
import { createWorkbench, waitForWorkbenchRunning, type WorkbenchRequest } from './workbenches';
import { defaultWaitMs } from '../rhoai/names';

/** The tutorial's buckets and data connections (its "Storing data with data connections" step). */
export const TUTORIAL_CONNECTIONS = [
  { displayName: 'My Storage', bucket: 'my-storage' },
  { displayName: 'Pipeline Artifacts', bucket: 'pipeline-artifacts' },
];
/** Where the training writes the model, relative to the clone, and its key in the bucket. */
export const MODEL_PATH = 'models/fraud/1/model.onnx';
export const MODEL_KEY = 'models/fraud/1/model.onnx';
/** The tutorial's workbench: "Create a workbench" with TensorFlow, Small, the existing data connection My Storage. */
export const TUTORIAL_WORKBENCH: WorkbenchRequest = {
  displayName: 'fraud-detection',
  image: 'TensorFlow',
  size: 'Small',
  dataConnection: { existing: 'My Storage' },
};

/**
 * The tutorial's workbench as the user makes it: with RHOAI_PIP_INDEX_URL (and RHOAI_PIP_TRUSTED_HOST)
 * set, the form's environment variables PIP_INDEX_URL (and PIP_TRUSTED_HOST) in a ConfigMap, so that
 * the notebooks' `pip install` uses that index.
 */
export function tutorialWorkbenchRequest(world: RhoaiWorld, request: WorkbenchRequest = TUTORIAL_WORKBENCH): WorkbenchRequest {
  const values: Record<string, string> = {};
  if (world.settings.pipIndexUrl) values.PIP_INDEX_URL = world.settings.pipIndexUrl;
  if (world.settings.pipTrustedHost) values.PIP_TRUSTED_HOST = world.settings.pipTrustedHost;
  return Object.keys(values).length ? { ...request, environment: [{ type: 'ConfigMap', values }] } : request;
}

/** The package the probe fetches: the first notebook installs it and the 2024.1 TensorFlow image lacks it. */
const PROBE_PACKAGE = 'onnxruntime';

/**
 * Preflight of the training: from inside the workbench (pod exec), `pip download --no-deps` of a
 * package the first notebook installs, from the index the workbench is configured with. Fails naming
 * the index when the workbench cannot reach it.
 */
export async function assertPackageIndexReachable(world: RhoaiWorld): Promise<void> {
  const index = world.settings.pipIndexUrl ?? 'https://pypi.org/simple';
  const source = world.settings.pipIndexUrl ? 'RHOAI_PIP_INDEX_URL' : "pip's default; RHOAI_PIP_INDEX_URL is unset";
  const r = await execInWorkbench(world, ['pip', 'download', '--no-deps', '--dest', '/tmp/rhoai-pip-probe', PROBE_PACKAGE]);
  const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-6).join('\n');
  expect(
    r.exitCode,
    `the workbench cannot reach the package index ${index} (${source}): \`pip download --no-deps ${PROBE_PACKAGE}\` exited ${r.exitCode}:\n${tail}\n` +
      "The tutorial's first notebook runs `pip install onnx onnxruntime seaborn tf2onnx`; set RHOAI_PIP_INDEX_URL to an index the workbenches can reach (a mirror on a disconnected cluster), and RHOAI_PIP_TRUSTED_HOST when its certificate is not trusted",
  ).to.equal(0);
  world.report.text('package index', `the workbench reaches ${index} (${source}): pip download --no-deps ${PROBE_PACKAGE} succeeded`);
}

/** The clone's directory in the workbench: the repository's name, under the workbench's home (/opt/app-root/src). */
export function cloneDirectory(world: RhoaiWorld): string {
  return path.posix.basename(new URL(world.settings.tutorialRepo).pathname.replace(/\/+$/, '')).replace(/\.git$/, '');
}

/** The project, its storage, buckets and data connections. */
export async function ensureTutorialProject(world: RhoaiWorld): Promise<void> {
  const project = await tutorialProject(world);
  await ensureProjectStorage(world, project.name);
  for (const c of TUTORIAL_CONNECTIONS) {
    await ensureBucket(world, c.bucket);
    await addDataConnection(world, project.name, c.displayName, c.bucket);
  }
}

/** The tutorial's workbench, running. */
export async function ensureTutorialWorkbench(world: RhoaiWorld): Promise<void> {
  await ensureTutorialProject(world);
  await createWorkbench(world, tutorialWorkbenchRequest(world));
  await waitForWorkbenchRunning(world);
}

/**
 * `git clone --branch <ref> <repo>` in the workbench (in its home, /opt/app-root/src). A clone of
 * the same repository at the same ref that is already there (a project kept by RHOAI_KEEP) is
 * reported and used; one of another repository or ref is refused, never replaced.
 */
export async function cloneTutorial(world: RhoaiWorld): Promise<void> {
  const dir = cloneDirectory(world);
  const head = await execInWorkbench(world, ['git', '-C', dir, 'rev-parse', '--abbrev-ref', 'HEAD']);
  if (head.exitCode === 0) {
    const origin = (await execInWorkbench(world, ['git', '-C', dir, 'remote', 'get-url', 'origin'])).stdout.trim();
    expect(
      head.stdout.trim() === world.settings.tutorialRef && origin === world.settings.tutorialRepo,
      `the workbench already has ${dir}, a clone of ${origin} at ${head.stdout.trim()}, not of RHOAI_TUTORIAL_REPO at RHOAI_TUTORIAL_REF (${world.settings.tutorialRepo} at ${world.settings.tutorialRef}): delete it in the workbench first`,
    ).to.equal(true);
    world.report.text('clone', `${dir} is already a clone of ${origin} at ${head.stdout.trim()} (kept from an earlier run): used as it is`);
    return;
  }
  const r = await execInWorkbench(world, ['git', 'clone', '--branch', world.settings.tutorialRef, world.settings.tutorialRepo]);
  assertSucceeded(r, `cloning ${world.settings.tutorialRepo} at ${world.settings.tutorialRef} into the workbench`);
}

/** The clone is there (a Given): cloned when missing. */
export async function ensureTutorialCloned(world: RhoaiWorld): Promise<void> {
  await ensureTutorialWorkbench(world);
  await cloneTutorial(world);
}

/** The clone holds the tutorial's notebooks and data, at the ref asked for. */
export async function assertTutorialCloned(world: RhoaiWorld): Promise<void> {
  const dir = cloneDirectory(world);
  const head = await execInWorkbench(world, ['git', '-C', dir, 'rev-parse', '--abbrev-ref', 'HEAD']);
  assertSucceeded(head, `reading the branch of ${dir}`);
  expect(head.stdout.trim(), `the clone ${dir} is at ${head.stdout.trim()}, not ${world.settings.tutorialRef}`).to.equal(
    world.settings.tutorialRef,
  );
  const origin = await execInWorkbench(world, ['git', '-C', dir, 'remote', 'get-url', 'origin']);
  expect(origin.stdout.trim(), `the clone ${dir} came from ${origin.stdout.trim()}, not RHOAI_TUTORIAL_REPO`).to.equal(
    world.settings.tutorialRepo,
  );
  const listing = await execInWorkbench(world, ['ls', dir, `${dir}/data`]);
  assertSucceeded(listing, `listing ${dir}`);
  const files = listing.stdout.split('\n');
  const missing = ['1_experiment_train.ipynb', '2_save_model.ipynb', 'card_transdata.csv'].filter((f) => !files.includes(f));
  expect(missing, `the clone ${dir} lacks ${missing.join(', ')} (it has: ${files.filter(Boolean).join(', ')})`).to.deep.equal([]);
}

/** Runs a notebook of the clone headless, as `jupyter nbconvert --to notebook --execute` does; fails with the cell's error. */
export async function runTutorialNotebook(world: RhoaiWorld, notebook: string): Promise<void> {
  const file = `${cloneDirectory(world)}/${notebook}`;
  const r = await execInWorkbench(world, ['jupyter', 'nbconvert', '--to', 'notebook', '--execute', file], {
    timeoutMs: defaultWaitMs(world.settings),
  });
  assertSucceeded(r, `running ${notebook} in the workbench`);
  await attachNotebookOutputs(world, file.replace(/\.ipynb$/, '.nbconvert.ipynb'));
}

/** What the executed notebook printed, cell by cell, for the report (nbconvert writes <name>.nbconvert.ipynb). */
async function attachNotebookOutputs(world: RhoaiWorld, executed: string): Promise<void> {
  const r = await execInWorkbench(world, ['cat', executed]);
  if (r.exitCode !== 0) return;
  let cells: {
    cell_type: string;
    execution_count?: number;
    outputs?: { output_type: string; text?: string | string[]; data?: Record<string, string | string[]> }[];
  }[];
  try {
    cells = JSON.parse(r.stdout).cells;
  } catch {
    return;
  }
  const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : (t ?? ''));
  const lines = cells
    .filter((c) => c.cell_type === 'code' && c.outputs?.length)
    .map(
      (c) =>
        `In [${c.execution_count}]:\n${c
          .outputs!.map((o) => text(o.text) || text(o.data?.['text/plain']))
          .join('')
          .trimEnd()}`,
    );
  world.report.text(`outputs of ${executed}`, lines.join('\n\n'));
}

/** The trained model is in the workbench: models/fraud/1/model.onnx of the clone, not empty. */
export async function assertModelInWorkbench(world: RhoaiWorld): Promise<void> {
  const file = `${cloneDirectory(world)}/${MODEL_PATH}`;
  const r = await execInWorkbench(world, ['ls', '-l', file]);
  expect(r.exitCode, `the training left no ${file} in the workbench: ${r.stderr.trim()}`).to.equal(0);
  const size = Number(r.stdout.trim().split(/\s+/)[4]);
  expect(size > 0, `${file} in the workbench is empty`).to.equal(true);
  world.report.text('trained model', `${file}: ${size} bytes`);
}

/** The model in the workbench (a Given for the storing step): trained when missing. */
export async function ensureModelTrained(world: RhoaiWorld): Promise<void> {
  await ensureTutorialCloned(world);
  const r = await execInWorkbench(world, ['ls', `${cloneDirectory(world)}/${MODEL_PATH}`]);
  if (r.exitCode !== 0) await runTutorialNotebook(world, '1_experiment_train.ipynb');
}

/**
 * The object models/fraud/1/model.onnx is in the bucket of "My Storage" and is a valid ONNX model
 * with the tutorial's tensors: input dense_input [batch, 5] and one FP32 output.
 */
export async function assertStoredModel(world: RhoaiWorld, displayName = 'My Storage'): Promise<OnnxSummary> {
  const project = world.settings.tutorialProject;
  const connection = await reachableDataConnection(world, project, displayName);
  const bucket = connection.bucket!;
  const bytes = await withS3(world, connection, `the model in s3://${bucket}`, async (s3) => {
    const head = await s3.head(bucket, MODEL_KEY);
    expectOk(
      head,
      `s3://${bucket}/${MODEL_KEY} does not exist (data connection "${displayName}"); under models/ the bucket has: ${(await s3.list(bucket, 'models/')).map((o) => o.key).join(', ') || 'nothing'}`,
    );
    return s3.get(bucket, MODEL_KEY);
  });
  const model = inspectOnnx(bytes, `s3://${bucket}/${MODEL_KEY}`);
  world.report.text('stored model', describeOnnx(model));
  const input = model.inputs[0];
  expect(
    model.inputs.length,
    `the model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}), not one`,
  ).to.equal(1);
  expect(input.name, `the model's input is ${input.name}, not dense_input`).to.equal('dense_input');
  expect(input.elemType, `the model's input is ${input.elemType}, not FLOAT (FP32)`).to.equal('FLOAT');
  expect(
    input.shape?.length === 2 && input.shape[1] === 5 && typeof input.shape[0] !== 'number',
    `the model's input has the shape ${JSON.stringify(input.shape)}, not [batch, 5]`,
  ).to.equal(true);
  expect(
    model.outputs.length,
    `the model has ${model.outputs.length} outputs (${model.outputs.map((o) => o.name).join(', ')}), not one`,
  ).to.equal(1);
  expect(
    model.outputs[0].elemType,
    `the model's output ${model.outputs[0].name} is ${model.outputs[0].elemType}, not FLOAT (FP32)`,
  ).to.equal('FLOAT');
  return model;
}

/** The model is stored (a Given for the serving scenarios): every earlier step made when missing. */
export async function ensureModelStored(world: RhoaiWorld): Promise<void> {
  await ensureTutorialProject(world);
  const connection = await reachableDataConnection(world, world.settings.tutorialProject, 'My Storage');
  const stored = await withS3(world, connection, 'the stored model', (s3) => s3.head(connection.bucket!, MODEL_KEY));
  if (stored) return;
  await ensureModelTrained(world);
  await runTutorialNotebook(world, '2_save_model.ipynb');
}
