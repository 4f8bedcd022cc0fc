// The trained model uploaded to another project's bucket (the multi-model scenario's project): every
// object under the model's folder in the tutorial project's bucket (data connection "My Storage"),
// copied through S3 into this project's bucket under the same folder, and compared byte for byte.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { withS3 } from '../s3';
import { reachableDataConnection } from '../tutorial/storage';
import type { RhoaiWorld } from '../core/world';

export async function copyTutorialModel(world: RhoaiWorld, bucket: string, prefix: string): Promise<void> {
  const storage = world.facts.storage;
  if (!storage)
    throw new Error(
      'the project has no S3 storage in this scenario: a step "Given the data science project ... with S3 storage" must come first',
    );
  const source = await reachableDataConnection(world, world.settings.tutorialProject, 'My Storage');
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const objects = await withS3(world, source, `the tutorial's model in s3://${source.bucket}/${base}`, async (s3) => {
    const keys = (await s3.list(source.bucket!, `${base}/`)).map((o) => o.key);
    expectOk(keys.length, `the tutorial project's bucket ${source.bucket} has nothing under ${base}/: store the model first`);
    const out: [string, Buffer][] = [];
    for (const key of keys) out.push([key, await s3.get(source.bucket!, key)]);
    return out;
  });
  await withS3(world, storage.harness, `the model copied to s3://${bucket}/${base}`, async (s3) => {
    for (const [key, body] of objects) {
      await s3.put(bucket, key, body);
      expect(
        Buffer.compare(await s3.get(bucket, key), body) === 0,
        `s3://${bucket}/${key} does not read back as the tutorial's ${key}`,
      ).to.equal(true);
    }
  });
  world.report.text(
    'model copied',
    objects.map(([key, body]) => `s3://${source.bucket}/${key} → s3://${bucket}/${key} (${body.length} bytes)`).join('\n'),
  );
}
