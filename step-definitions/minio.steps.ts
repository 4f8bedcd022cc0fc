// Steps of 00-smoke/minio.feature: MinIO as the tutorial deploys it, reached over its route with
// signed S3 requests and inspected with exec. Each calls support/s3.
import { Then, When } from '@cucumber/cucumber';
import { deployMinio } from '../support/s3';
import { assertBucketOnVolume, assertRoundTrip } from '../support/s3/check';
import type { RhoaiWorld } from '../support/core/world';

function namespaceOf(world: RhoaiWorld): string {
  if (!world.namespace) throw new Error('no project yet: a step such as "Given a scratch namespace ..." must come first');
  return world.namespace;
}

When("I deploy MinIO into the project as the tutorial's setup-s3.yaml does", async function (this: RhoaiWorld) {
  this.facts.s3 = await deployMinio(this, namespaceOf(this));
});

Then('MinIO stores and returns an object in the bucket {string} through its route', function (this: RhoaiWorld, bucket: string) {
  return assertRoundTrip(this, this.facts.s3!, bucket);
});

Then('a command run in the MinIO pod lists the bucket {string} on its volume', function (this: RhoaiWorld, bucket: string) {
  return assertBucketOnVolume(this, namespaceOf(this), bucket);
});
