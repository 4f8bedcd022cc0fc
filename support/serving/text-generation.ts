// The text-generation runtimes over the wire and in S3 (CMP-07): the tiny model uploaded to the
// project's bucket in the layout each runtime reads, and Caikit's text generation
// (POST <endpoint>/api/v1/task/text-generation {model_id, inputs, parameters}) checked against the
// continuation the model defines.
import { expect } from 'chai';
import { InferenceClient } from './inference';
import { withS3 } from '../s3';
import type { RhoaiWorld } from '../core/world';
import { externalEndpoint } from './endpoints';
import type { DeployedModel } from './models';
import { greedyContinuation, tinyCaikitFiles, tinyModel, tinyModelFiles } from './tiny-llm';

export const PROMPT = 'the la';

/**
 * Why the @tiny-model scenarios do not apply to this run, or undefined when they do (RHOAI_TINY_MODEL):
 * the tiny model is in a format only the twin's runtimes load — the real Caikit (caikit-nlp) and TGIS
 * images load Hugging Face models of architectures they know, not a character-bigram table — so on
 * a cluster they could only fail at loading, which would say nothing about the cluster.
 */
export async function tinyModelNotApplicable(world: RhoaiWorld): Promise<string | undefined> {
  const mode = world.settings.tinyModel;
  if (mode === 'run') return undefined;
  if (mode === 'skip')
    return 'not applicable: RHOAI_TINY_MODEL=skip — the tiny text-generation model (CMP-07 with Caikit TGIS and TGIS Standalone) is left out of this run';
  const target = await world.target();
  if (target.kind === 'twin') return undefined;
  return "not applicable on a cluster: the tiny text-generation model of CMP-07 is in a format only the twin's Caikit and TGIS runtimes load (a character bigram table); the real Caikit and TGIS images do not load it, so this scenario is skipped, not passed (RHOAI_TINY_MODEL=auto; set RHOAI_TINY_MODEL=run for a twin served standalone)";
}
export const MAX_NEW_TOKENS = 12;

/** Uploads the tiny model (for "caikit" or "tgis") under the prefix of the bucket; `without` leaves one file out. */
export async function uploadTinyModel(
  world: RhoaiWorld,
  bucket: string,
  prefix: string,
  layout: 'caikit' | 'tgis',
  without?: string,
): Promise<void> {
  const storage = world.facts.storage;
  if (!storage)
    throw new Error(
      'the project has no S3 storage in this scenario: a step "Given the data science project ... with S3 storage" must come first',
    );
  const files = layout === 'caikit' ? tinyCaikitFiles() : tinyModelFiles();
  if (without) {
    const hit = Object.keys(files).filter((k) => k === without || k.endsWith(`/${without}`));
    expect(hit.length, `the tiny model has no file ${without} to leave out (it has ${Object.keys(files).join(', ')})`).to.be.above(0);
    for (const k of hit) delete files[k];
  }
  const base = prefix.replace(/^\/+|\/+$/g, '');
  await withS3(world, storage.harness, `the tiny model in s3://${bucket}/${base}`, async (s3) => {
    for (const key of (await s3.list(bucket, `${base}/`)).map((o) => o.key))
      if (!Object.keys(files).some((f) => `${base}/${f}` === key)) await s3.delete(bucket, key);
    for (const [name, body] of Object.entries(files)) await s3.put(bucket, `${base}/${name}`, body);
  });
  world.report.text('tiny model', `s3://${bucket}/${base}/: ${Object.keys(files).join(', ')}`);
}

/** Caikit's text generation continues the prompt exactly as the tiny model's greedy decoding does. */
export async function assertCaikitGenerates(world: RhoaiWorld, model: DeployedModel): Promise<void> {
  const endpoint = await externalEndpoint(world, model);
  const client = await InferenceClient.create(world);
  try {
    const x = await client.exchange<{ generated_text?: string; generated_tokens?: number }>(
      'POST',
      `${endpoint.base}/api/v1/task/text-generation`,
      { model_id: model.name, inputs: PROMPT, parameters: { max_new_tokens: MAX_NEW_TOKENS } },
    );
    expect(
      x.status,
      `Caikit's text generation answered HTTP ${x.status}: ${typeof x.body === 'string' ? x.body : JSON.stringify(x.body)}`,
    ).to.equal(200);
    const body = x.body as { generated_text?: string; generated_tokens?: number };
    const expected = greedyContinuation(tinyModel(), PROMPT, MAX_NEW_TOKENS);
    expect(
      body.generated_text,
      `Caikit continued "${PROMPT}" with ${JSON.stringify(body.generated_text)}; the model's greedy continuation is ${JSON.stringify(expected)}`,
    ).to.equal(expected);
    expect(Number(body.generated_tokens), `Caikit reports ${body.generated_tokens} generated tokens`).to.be.above(0);
    world.report.text('text generation', `"${PROMPT}" → "${body.generated_text}" (${body.generated_tokens} tokens)`);
  } finally {
    client.destroy();
  }
}
