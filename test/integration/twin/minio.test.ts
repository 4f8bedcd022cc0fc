// The twin's MinIO through its edge route, with the harness's S3 client (@aws-sdk/client-s3):
// Signature V4 with the pod's root credentials (wrong secret → SignatureDoesNotMatch, unknown key →
// InvalidAccessKeyId, none → AccessDenied), buckets and objects, ListObjectsV2 with prefix,
// delimiter and pages, ranges, copies, multipart uploads, objects that survive a pod restart on the
// same claim (and not a new claim), and MinIO refusing bad credentials at start.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CoreV1Api } from '@kubernetes/client-node';
import { S3RequestError } from '../../../support/s3/store';
import type { KObject } from '../../../twin/api/types';
import { serverErrors, startLocalTwin, type LocalTwin } from './helpers';
import { deployMinio, ingressGet, isReady, routeHost, s3For, until } from './minio-helpers';

let t: LocalTwin;
const NS = 'minio-a';
const admin = () => t.twin.controllers.clientFor('minio-test');

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3RequestError) return `${e.status} ${e.code}`;
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return `${err.$metadata?.httpStatusCode} ${err.name}`;
  }
  return 'succeeded';
}

describe('MinIO emulator', () => {
  before(async () => {
    t = await startLocalTwin();
    await deployMinio(t, NS);
  });
  after(async () => {
    if (t) assert.deepEqual(serverErrors(t.auditLog), [], 'the server answered no request with an error of its own');
    await t?.stop();
  });

  it('refuses a wrong signature, an unknown access key and anonymous requests; serves the right credentials', async () => {
    const wrongSecret = s3For(t, NS, { secretAccessKey: 'not-the-password' });
    const wrongKey = s3For(t, NS, { accessKeyId: 'nobody' });
    assert.equal(await code(wrongSecret.list('x1')), '403 SignatureDoesNotMatch');
    assert.equal(await code(wrongKey.list('x1')), '403 InvalidAccessKeyId');
    assert.equal(
      await code(wrongSecret.ensureBucket('x1')),
      '403 Forbidden',
      'HEAD has no error body: the client says what a 403 there means',
    );
    const anonymous = await ingressGet(t, `https://${routeHost(t, NS)}/`);
    assert.equal(anonymous.status, 403);
    assert.match(anonymous.body, /<Code>AccessDenied<\/Code>/);
    const err = await wrongSecret.put('x1', 'k', 'v').catch((e: Error) => e);
    assert.ok(err instanceof S3RequestError);
    assert.match(
      err.message,
      /^S3 PutObject s3:\/\/x1\/k at https:\/\/minio-s3-minio-a\.apps\.twin\.local failed: HTTP 403 SignatureDoesNotMatch: The request signature we calculated/,
    );
    const s3 = s3For(t, NS);
    assert.equal(await s3.ensureBucket('my-storage'), 'created');
    assert.equal(await s3.ensureBucket('my-storage'), 'existed');
    assert.equal(await code(s3.client.send(new ListBucketsCommand({}))), 'succeeded');
    assert.equal(
      await code(wrongSecret.get('my-storage', 'nothing')),
      '403 SignatureDoesNotMatch',
      'a wrong signature is refused before anything is looked up',
    );
    for (const c of [wrongSecret, wrongKey, s3]) c.destroy();
  });

  it('stores, lists, reads (whole and ranges), copies and deletes objects', async () => {
    const s3 = s3For(t, NS);
    await s3.ensureBucket('objects');
    const model = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    const { etag } = await s3.put('objects', 'models/fraud/1/model.onnx', model);
    assert.equal(etag, `"${createHash('md5').update(model).digest('hex')}"`);
    for (const k of ['models/fraud/1/scaler.pkl', 'models/other.txt', 'data/a.csv', 'data/b.csv', 'top.txt', 'folder/'])
      await s3.put('objects', k, `content of ${k}`);
    assert.deepEqual(await s3.get('objects', 'models/fraud/1/model.onnx'), model);
    assert.deepEqual(await s3.head('objects', 'models/fraud/1/model.onnx').then((h) => h?.size), 3000);
    assert.equal(await s3.head('objects', 'models/fraud/2/model.onnx'), undefined);
    assert.equal(await code(s3.get('objects', 'missing')), '404 NoSuchKey');
    assert.equal(await code(s3.get('no-such-bucket', 'k')), '404 NoSuchBucket');

    const list = (input: Record<string, unknown>) => s3.client.send(new ListObjectsV2Command({ Bucket: 'objects', ...input }));
    const byPrefix = await list({ Prefix: 'models/' });
    assert.deepEqual(
      byPrefix.Contents?.map((c) => c.Key),
      ['models/fraud/1/model.onnx', 'models/fraud/1/scaler.pkl', 'models/other.txt'],
    );
    const grouped = await list({ Delimiter: '/' });
    assert.deepEqual(
      grouped.CommonPrefixes?.map((p) => p.Prefix),
      ['data/', 'folder/', 'models/'],
    );
    assert.deepEqual(
      grouped.Contents?.map((c) => c.Key),
      ['top.txt'],
    );
    const nested = await list({ Prefix: 'models/', Delimiter: '/' });
    assert.deepEqual(
      [nested.CommonPrefixes?.map((p) => p.Prefix), nested.Contents?.map((c) => c.Key)],
      [['models/fraud/'], ['models/other.txt']],
    );
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await list({ MaxKeys: 3, ContinuationToken: token });
      pages.push([...(page.Contents ?? []).map((c) => c.Key!)]);
      assert.equal(page.KeyCount, page.Contents?.length ?? 0);
      token = page.NextContinuationToken;
    } while (token);
    assert.deepEqual(pages, [
      ['data/a.csv', 'data/b.csv', 'folder/'],
      ['models/fraud/1/model.onnx', 'models/fraud/1/scaler.pkl', 'models/other.txt'],
      ['top.txt'],
    ]);
    assert.deepEqual(
      (await s3.list('objects', 'data/')).map((o) => o.key),
      ['data/a.csv', 'data/b.csv'],
    );

    const ranged = await s3.client.send(
      new GetObjectCommand({ Bucket: 'objects', Key: 'models/fraud/1/model.onnx', Range: 'bytes=10-19' }),
    );
    assert.equal(ranged.ContentRange, 'bytes 10-19/3000');
    assert.deepEqual(Buffer.from(await ranged.Body!.transformToByteArray()), model.subarray(10, 20));
    await s3.client.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'copy.onnx', CopySource: 'objects/models/fraud/1/model.onnx' }));
    assert.deepEqual(await s3.get('objects', 'copy.onnx'), model);

    await s3.delete('objects', 'copy.onnx');
    assert.equal(await s3.head('objects', 'copy.onnx'), undefined);
    assert.equal(await code(s3.client.send(new DeleteBucketCommand({ Bucket: 'objects' }))), '409 BucketNotEmpty');
    const keys = (await s3.list('objects')).map((o) => ({ Key: o.key }));
    const deleted = await s3.client.send(new DeleteObjectsCommand({ Bucket: 'objects', Delete: { Objects: keys } }));
    assert.equal(deleted.Deleted?.length, keys.length);
    await s3.client.send(new DeleteBucketCommand({ Bucket: 'objects' }));
    assert.equal(await s3.bucketExists('objects'), false);
    s3.destroy();
  });

  it('assembles multipart uploads (5 MiB minimum part size) and refuses a wrong part ETag', async () => {
    const s3 = s3For(t, NS);
    await s3.ensureBucket('multi');
    const part1 = Buffer.alloc(5 * 1024 * 1024, 'a');
    const part2 = Buffer.from('the end');
    const { UploadId } = await s3.client.send(
      new CreateMultipartUploadCommand({ Bucket: 'multi', Key: 'big.bin', ContentType: 'application/x-test' }),
    );
    const e1 = (await s3.client.send(new UploadPartCommand({ Bucket: 'multi', Key: 'big.bin', UploadId, PartNumber: 1, Body: part1 })))
      .ETag;
    const e2 = (await s3.client.send(new UploadPartCommand({ Bucket: 'multi', Key: 'big.bin', UploadId, PartNumber: 2, Body: part2 })))
      .ETag;
    assert.equal(
      await code(
        s3.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: 'multi',
            Key: 'big.bin',
            UploadId,
            MultipartUpload: {
              Parts: [
                { PartNumber: 1, ETag: e1 },
                { PartNumber: 2, ETag: '"0000"' },
              ],
            },
          }),
        ),
      ),
      '400 InvalidPart',
    );
    const done = await s3.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'multi',
        Key: 'big.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: e1 },
            { PartNumber: 2, ETag: e2 },
          ],
        },
      }),
    );
    assert.match(done.ETag ?? '', /^"[0-9a-f]{32}-2"$/);
    const head = await s3.head('multi', 'big.bin');
    assert.deepEqual([head?.size, head?.contentType], [part1.length + part2.length, 'application/x-test']);
    assert.deepEqual((await s3.get('multi', 'big.bin')).subarray(-7).toString(), 'the end');

    const small = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: 'multi', Key: 'small.bin' }));
    const s1 = (
      await s3.client.send(
        new UploadPartCommand({ Bucket: 'multi', Key: 'small.bin', UploadId: small.UploadId, PartNumber: 1, Body: Buffer.from('tiny') }),
      )
    ).ETag;
    const s2 = (
      await s3.client.send(
        new UploadPartCommand({ Bucket: 'multi', Key: 'small.bin', UploadId: small.UploadId, PartNumber: 2, Body: Buffer.from('tiny') }),
      )
    ).ETag;
    assert.equal(
      await code(
        s3.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: 'multi',
            Key: 'small.bin',
            UploadId: small.UploadId,
            MultipartUpload: {
              Parts: [
                { PartNumber: 1, ETag: s1 },
                { PartNumber: 2, ETag: s2 },
              ],
            },
          }),
        ),
      ),
      '400 EntityTooSmall',
    );
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: 'multi', Key: 'small.bin', UploadId: small.UploadId }));
    assert.equal(
      await code(
        s3.client.send(
          new UploadPartCommand({ Bucket: 'multi', Key: 'small.bin', UploadId: small.UploadId, PartNumber: 3, Body: Buffer.from('x') }),
        ),
      ),
      '404 NoSuchUpload',
    );
    s3.destroy();
  });

  it('keeps objects across a pod restart on the same claim, and starts empty on a new claim', async () => {
    const s3 = s3For(t, NS);
    await s3.ensureBucket('durable');
    await s3.put('durable', 'models/fraud/1/model.onnx', 'onnx bytes');
    const old = admin().list('v1', 'Pod', NS).find(isReady)!;
    admin().delete('v1', 'Pod', old.metadata.name!, NS);
    const fresh = (
      await until(
        admin(),
        'v1',
        'Endpoints',
        (eps) =>
          eps.some(
            (e) =>
              e.metadata.namespace === NS &&
              e.metadata.name === 'minio' &&
              e.subsets?.[0]?.addresses?.some((a: KObject) => a.targetRef.name !== old.metadata.name),
          ),
        'a new MinIO pod behind the Service',
      )
    ).find((e) => e.metadata.namespace === NS && e.metadata.name === 'minio')!.subsets[0].addresses[0].targetRef.name;
    assert.notEqual(fresh, old.metadata.name);
    assert.equal((await s3.get('durable', 'models/fraud/1/model.onnx')).toString(), 'onnx bytes', 'the object survived the restart');

    // A new claim (the old one deleted) is a new, empty volume.
    admin().patch('apps/v1', 'Deployment', 'minio', NS, { spec: { replicas: 0 } });
    await until(admin(), 'v1', 'Pod', (ps) => !ps.some((p) => p.metadata.namespace === NS), 'the MinIO pods to go');
    admin().delete('v1', 'PersistentVolumeClaim', 'minio', NS);
    admin().create({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'minio', namespace: NS },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    });
    admin().patch('apps/v1', 'Deployment', 'minio', NS, { spec: { replicas: 1 } });
    await until(
      admin(),
      'v1',
      'Endpoints',
      (eps) => eps.some((e) => e.metadata.namespace === NS && e.metadata.name === 'minio' && e.subsets?.[0]?.addresses?.length),
      'MinIO back on a new claim',
    );
    assert.equal(await s3.bucketExists('durable'), false);
    s3.destroy();
  });

  it('refuses to start with a password shorter than 8 characters: the pod crash-loops and its log says why', async () => {
    const ns = 'minio-bad';
    admin().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await deployMinio(t, ns, () => undefined, { rootUser: 'user', rootPassword: 'short' }).catch(() => undefined);
    const [pod] = await until(
      admin(),
      'v1',
      'Pod',
      (ps) => ps.some((p) => p.metadata.namespace === ns && p.status?.containerStatuses?.[0]?.state?.waiting),
      'a crash-looping MinIO pod',
      5000,
    ).then((ps) => ps.filter((p) => p.metadata.namespace === ns));
    const status = pod.status.containerStatuses[0];
    assert.equal(status.state.waiting.reason, 'CrashLoopBackOff');
    assert.match(
      status.lastState.terminated.message,
      /Unable to validate credentials inherited from the shell environment: Invalid credentials/,
    );
    const log = await t.kc.makeApiClient(CoreV1Api).readNamespacedPodLog({ name: pod.metadata.name!, namespace: ns });
    assert.match(log, /secret key length at least 8 characters/);
  });
});
