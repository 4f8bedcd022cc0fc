// ADV-03: a model converted to the Caikit layout by a Job, and served by Caikit TGIS. The Job
// (fixtures/serving/caikit-conversion-job.yaml) runs the documented conversion —
// caikit_nlp.text_generation.TextGeneration.bootstrap(<model>).save(<out>), opendatahub-io/
// caikit-tgis-serving demo/kserve/built-tip.md — in the image of the dashboard's "Caikit TGIS
// ServingRuntime for KServe" template, against the project's bucket through the data connection's
// Secret. What it must leave is what TextGeneration.save writes (caikit/caikit-nlp
// text_generation_local.py): config.yml naming TextGeneration's module_id with artifact_path
// "artifacts", and the model's config, tokenizer and weights under artifacts/ — the directory the
// runtime's TGIS container loads (`--model-name=/mnt/models/artifacts/`).
import { expect } from 'chai';
import * as yaml from 'js-yaml';
import type { KObject } from '../core/cluster';
import { renderOne } from '../core/fixtures';
import { withS3 } from '../s3';
import { dataConnectionSecretName, k8sName } from '../tutorial/names';
import type { RhoaiWorld } from '../core/world';
import { templateFor } from './runtimes';
import { TEXT_GENERATION_MODULE_ID } from './tiny-llm';

export const CAIKIT_RUNTIME = 'Caikit TGIS ServingRuntime for KServe';
/** What the Caikit runtime's TGIS container needs under artifacts/ (a Hugging Face model directory). */
const ARTIFACT_FILES = ['config.json', 'tokenizer.json'];

const jobRef = (namespace: string, name: string) => ({ apiVersion: 'batch/v1', kind: 'Job', namespace, name });

function storageOf(world: RhoaiWorld) {
  const storage = world.facts.storage;
  if (!storage)
    throw new Error(
      'the project has no S3 storage in this scenario: a step "Given the data science project ... with S3 storage" must come first',
    );
  return storage;
}

/** The image of the Caikit container of the runtime template (the image that carries caikit-nlp). */
async function caikitImage(world: RhoaiWorld): Promise<string> {
  const template = await templateFor(world, 'single', CAIKIT_RUNTIME);
  const containers: KObject[] = template.objects?.[0]?.spec?.containers ?? [];
  const caikit = containers.find((c) => /caikit/.test(String(c.image)));
  expect(
    caikit,
    `the "${CAIKIT_RUNTIME}" template has no Caikit container (it has ${containers.map((c) => `${c.name} ${c.image}`).join(', ')})`,
  ).to.not.equal(undefined);
  return String(caikit!.image);
}

/** Why the Job failed: its Failed condition and the terminated message of its pods (the end of their logs). */
async function jobFailure(world: RhoaiWorld, job: KObject): Promise<string> {
  const failed = (job.status?.conditions ?? []).find((c: KObject) => c.type === 'Failed' && c.status === 'True');
  const pods = await world.cluster.list(
    { apiVersion: 'v1', kind: 'Pod', namespace: job.metadata.namespace },
    { labelSelector: `job-name=${job.metadata.name}` },
  );
  const ends = pods.flatMap((p) =>
    (p.status?.containerStatuses ?? [])
      .map((s: KObject) => s.state?.terminated)
      .filter((t: KObject | undefined) => t && t.exitCode !== 0)
      .map((t: KObject) => `pod ${p.metadata.name} exited ${t.exitCode}: ${String(t.message ?? '').trim() || '(no message)'}`),
  );
  return `the Caikit conversion Job ${job.metadata.namespace}/${job.metadata.name} failed (${failed?.reason ?? 'Failed'}: ${failed?.message ?? ''}); ${ends.join('; ') || 'no pod reported why'}`;
}

/**
 * Runs the conversion Job for the model under `source` (a prefix of the data connection's bucket),
 * writing the Caikit layout under `target`, and waits for it to complete. A Job that already
 * completed for the same paths is kept (its spec is immutable).
 */
export async function convertToCaikit(world: RhoaiWorld, source: string, target: string, connection = 'My Storage'): Promise<void> {
  const namespace = storageOf(world).namespace;
  const name = k8sName(
    `caikit-convert-${target
      .replace(/^\/+|\/+$/g, '')
      .split('/')
      .pop()}`,
  );
  const existing = await world.cluster.get(jobRef(namespace, name));
  if (!existing) {
    const job = renderOne('serving/caikit-conversion-job.yaml', {
      name,
      namespace,
      image: await caikitImage(world),
      dataConnectionSecret: dataConnectionSecretName(connection),
      source: source.replace(/^\/+|\/+$/g, ''),
      target: target.replace(/^\/+|\/+$/g, ''),
    });
    await world.cluster.create(job);
  }
  const done = await world.cluster
    .waitFor(
      jobRef(namespace, name),
      (j) => {
        if (!j) return false;
        const conditions: KObject[] = j.status?.conditions ?? [];
        if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) return { fail: `the Caikit conversion Job ${name} failed` };
        return conditions.some((c) => c.type === 'Complete' && c.status === 'True');
      },
      { describe: `the Caikit conversion Job ${namespace}/${name} to complete` },
    )
    .catch(async (err: Error) => {
      const job = await world.cluster.get(jobRef(namespace, name));
      if (job && (job.status?.conditions ?? []).some((c: KObject) => c.type === 'Failed' && c.status === 'True'))
        throw new Error(await jobFailure(world, job));
      throw err;
    });
  world.report.text(
    'Caikit conversion',
    `Job ${namespace}/${name} completed at ${done?.status?.completionTime ?? '?'}: ${source} → ${target}`,
  );
}

/** The bucket holds the Caikit layout under `target`: config.yml naming caikit-nlp's TextGeneration, the model under artifacts/. */
export async function assertCaikitLayout(world: RhoaiWorld, target: string, bucket = 'my-storage'): Promise<void> {
  const base = target.replace(/^\/+|\/+$/g, '');
  const where = `s3://${bucket}/${base}/`;
  const { keys, config } = await withS3(world, storageOf(world).harness, `the Caikit layout in ${where}`, async (s3) => {
    const keys = (await s3.list(bucket, `${base}/`)).map((o) => o.key.slice(base.length + 1));
    const config = keys.includes('config.yml') ? (await s3.get(bucket, `${base}/config.yml`)).toString('utf8') : undefined;
    return { keys, config };
  });
  world.report.text('Caikit layout', `${where}: ${keys.join(', ') || 'nothing'}${config ? `\n\nconfig.yml:\n${config}` : ''}`);
  expect(
    config,
    `${where} has no config.yml (it holds: ${keys.join(', ') || 'nothing'}): the conversion did not save a Caikit model`,
  ).to.be.a('string');
  let parsed: Record<string, unknown>;
  try {
    parsed = (yaml.load(config!) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${where}config.yml is not YAML: ${(err as Error).message}`, { cause: err });
  }
  expect(
    parsed.module_id,
    `${where}config.yml names module_id ${String(parsed.module_id)} (${String(parsed.module_class)}), not caikit-nlp's TextGeneration ${TEXT_GENERATION_MODULE_ID}`,
  ).to.equal(TEXT_GENERATION_MODULE_ID);
  const artifactPath = String(parsed.artifact_path ?? '');
  expect(
    artifactPath,
    `${where}config.yml has artifact_path ${artifactPath || '(none)'}, not artifacts (the directory the runtime's TGIS loads)`,
  ).to.equal('artifacts');
  const artifacts = keys.filter((k) => k.startsWith('artifacts/')).map((k) => k.slice('artifacts/'.length));
  expect(
    artifacts.length,
    `${where} has config.yml but no artifacts/: the model itself was not saved (it holds: ${keys.join(', ')})`,
  ).to.be.above(0);
  const missing = ARTIFACT_FILES.filter((f) => !artifacts.includes(f));
  expect(missing, `${where}artifacts/ lacks ${missing.join(', ')} (it holds: ${artifacts.join(', ')})`).to.deep.equal([]);
  expect(
    artifacts.some((f) => /\.(safetensors|bin)$/.test(f)),
    `${where}artifacts/ holds no weights (.safetensors or .bin): ${artifacts.join(', ')}`,
  ).to.equal(true);
}
