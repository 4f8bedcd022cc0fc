// The Caikit conversion Job on the twin (twin/controllers/jobs.ts, twin/emulators/caikit-conversion.ts):
// the harness's Job fixture, in the Caikit image, converts the tiny Hugging Face model in the bucket
// to the Caikit layout (config.yml with TextGeneration's module_id, the model under artifacts/), the
// Job completes and its pod succeeds; a model without config.json fails the Job (backoffLimit 0) with
// transformers' error as the pod's terminated message; the no-artifacts fault uploads config.yml only.
import { after, before, describe, it } from 'node:test';
import { expect } from 'chai';
import * as yaml from 'js-yaml';
import type { KObject } from '../../../twin/api/types';
import { renderOne } from '../../../support/core/fixtures';
import { TEXT_GENERATION_MODULE_ID, tinyModelFiles } from '../../../support/serving/tiny-llm';
import { startLocalTwin, type LocalTwin } from './helpers';
import { s3For, until } from './minio-helpers';
import { admin, installServing, projectWithModel } from './serving-helpers';

const NS = 'caikit-a';
let t: LocalTwin;

function job(name: string, source: string, target: string): KObject {
  return renderOne('serving/caikit-conversion-job.yaml', {
    name,
    namespace: NS,
    image: 'quay.io/modh/caikit-tgis-serving@sha256:0123',
    dataConnectionSecret: 'aws-connection-my-storage',
    source,
    target,
  }) as KObject;
}

const finished = (name: string) => (jobs: KObject[]) =>
  jobs.some(
    (j) =>
      j.metadata.namespace === NS &&
      j.metadata.name === name &&
      (j.status?.conditions ?? []).some((c: KObject) => ['Complete', 'Failed'].includes(c.type) && c.status === 'True'),
  );

describe('the Caikit conversion Job on the twin', () => {
  before(async () => {
    t = await startLocalTwin();
    await installServing(t);
    const hf = tinyModelFiles();
    const objects: Record<string, Uint8Array> = {};
    for (const [name, body] of Object.entries(hf)) {
      objects[`models/hf/${name}`] = body;
      if (name !== 'config.json') objects[`models/no-config/${name}`] = body;
    }
    await projectWithModel(t, NS, objects);
  });
  after(async () => {
    await t?.stop();
  });

  it('converts the model in the bucket to the Caikit layout; the Job completes, its pod succeeds', async () => {
    const c = admin(t);
    c.create(job('convert-ok', 'models/hf', 'models/caikit'));
    const jobs = await until(c, 'batch/v1', 'Job', finished('convert-ok'), 'the conversion Job to finish', 30_000);
    const done = jobs.find((j) => j.metadata.name === 'convert-ok')!;
    expect(done.status.conditions.map((x: KObject) => x.type)).to.deep.equal(['Complete']);
    expect(done.status.succeeded).to.equal(1);
    const pods = c.list('v1', 'Pod', NS).filter((p) => p.metadata.labels?.['job-name'] === 'convert-ok');
    expect(pods.map((p) => p.status?.phase)).to.deep.equal(['Succeeded']);
    const s3 = s3For(t, NS);
    try {
      const keys = (await s3.list('my-storage', 'models/caikit/')).map((o) => o.key).sort();
      expect(keys).to.deep.equal([
        'models/caikit/artifacts/config.json',
        'models/caikit/artifacts/model.safetensors',
        'models/caikit/artifacts/tokenizer.json',
        'models/caikit/config.yml',
      ]);
      const config = yaml.load((await s3.get('my-storage', 'models/caikit/config.yml')).toString('utf8')) as Record<string, unknown>;
      expect(config).to.include({ module_id: TEXT_GENERATION_MODULE_ID, artifact_path: 'artifacts' });
      expect(
        Buffer.compare(await s3.get('my-storage', 'models/caikit/artifacts/model.safetensors'), tinyModelFiles()['model.safetensors']!),
      ).to.equal(0);
    } finally {
      s3.destroy();
    }
  });

  it("fails the Job with transformers' error for a model without config.json", async () => {
    const c = admin(t);
    c.create(job('convert-bad', 'models/no-config', 'models/bad'));
    const jobs = await until(c, 'batch/v1', 'Job', finished('convert-bad'), 'the conversion Job to finish', 30_000);
    const failed = jobs.find((j) => j.metadata.name === 'convert-bad')!;
    expect(failed.status.conditions[0]).to.include({ type: 'Failed', reason: 'BackoffLimitExceeded' });
    const pod = c.list('v1', 'Pod', NS).find((p) => p.metadata.labels?.['job-name'] === 'convert-bad')!;
    expect(pod.status.phase).to.equal('Failed');
    expect(pod.status.containerStatuses[0].state.terminated.message).to.match(/does not appear to have a file named config\.json/);
  });
});
