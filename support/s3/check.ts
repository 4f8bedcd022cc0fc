// Checks of S3 storage as a person would make them: an object written through the endpoint reads
// back byte for byte, and a command in the storage pod sees the bucket on its volume.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readyPod, runInPod } from '../core/exec';
import type { RhoaiWorld } from '../core/world';
import type { S3Connection } from './connection';
import { withS3 } from './index';

/** Creates the bucket if needed, writes a fresh object, reads it back and compares. */
export async function assertRoundTrip(
  world: RhoaiWorld,
  connection: S3Connection,
  bucket: string,
  key = 'rhoai-harness/round-trip.bin',
): Promise<void> {
  const content = randomBytes(4096);
  await withS3(world, connection, `round trip s3://${bucket}/${key}`, async (s3) => {
    await s3.ensureBucket(bucket);
    await s3.put(bucket, key, content);
    const head = await s3.head(bucket, key);
    expect(head?.size, `s3://${bucket}/${key} has the size written (${content.length} bytes)`).to.equal(content.length);
    const back = await s3.get(bucket, key);
    expect(
      back.equals(content),
      `s3://${bucket}/${key} reads back the ${content.length} bytes written (got ${back.length} bytes that differ)`,
    ).to.equal(true);
  });
}

/** Runs `ls <dataDir>` in the ready MinIO pod of the namespace and asserts the bucket is there. */
export async function assertBucketOnVolume(world: RhoaiWorld, namespace: string, bucket: string, dataDir = '/data'): Promise<void> {
  const pod = await readyPod(world, namespace, 'app=minio', `the ready MinIO pod in ${namespace}`);
  const result = await runInPod(world, { namespace, pod, container: 'minio' }, ['ls', dataDir]);
  expect(result.exitCode, `ls ${dataDir} in ${namespace}/${pod} exits 0 (stderr: ${result.stderr.trim()})`).to.equal(0);
  expect(
    result.stdout.split('\n').includes(bucket),
    `ls ${dataDir} in ${namespace}/${pod} lists the bucket ${bucket}; it printed: ${JSON.stringify(result.stdout)}`,
  ).to.equal(true);
}
