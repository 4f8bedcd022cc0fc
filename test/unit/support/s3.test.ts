// support/s3: data connection Secrets and settings turned into connections (with errors naming the
// input), the RHOAI_S3_* settings' validation, and the S3Store client against an S3 server that
// checks SigV4 (the twin's MinIO handler on a local port): idempotent buckets, absent objects, all
// pages of a listing, errors that name the operation, the object, the endpoint and S3's code, and a
// transcript without the secret key.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSettings, ConfigurationError } from '../../../support/core/config';
import { fromDataConnection, fromSettings, describeConnection, S3ConfigurationError } from '../../../support/s3/connection';
import { S3RequestError, S3Store } from '../../../support/s3/store';
import { ObjectStore } from '../../../twin/emulators/minio/object-store';
import { s3Handler } from '../../../twin/emulators/minio/s3-server';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function secret(data: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'aws-connection-my-storage', namespace: 'fraud' },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

describe('S3 connections and settings', () => {
  it('reads a data connection Secret as the dashboard writes it', () => {
    const c = fromDataConnection(
      secret({
        AWS_ACCESS_KEY_ID: 'AKID',
        AWS_SECRET_ACCESS_KEY: 'sk-123',
        AWS_S3_ENDPOINT: 'https://minio-s3-fraud.apps.example.com/',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_S3_BUCKET: 'my-storage',
      }),
    );
    assert.deepEqual(c, {
      endpoint: 'https://minio-s3-fraud.apps.example.com',
      region: 'us-east-1',
      accessKeyId: 'AKID',
      secretAccessKey: 'sk-123',
      bucket: 'my-storage',
    });
    assert.equal(describeConnection(c), 'https://minio-s3-fraud.apps.example.com (region us-east-1, access key AKID, bucket my-storage)');
    assert.doesNotMatch(describeConnection(c), /sk-123/);
  });

  it('names the Secret and the missing keys of an incomplete data connection', () => {
    assert.throws(
      () => fromDataConnection(secret({ AWS_ACCESS_KEY_ID: 'AKID', AWS_S3_ENDPOINT: 'https://x' })),
      (e: Error) =>
        e instanceof S3ConfigurationError &&
        e.message ===
          'data connection Secret fraud/aws-connection-my-storage has no AWS_SECRET_ACCESS_KEY: the dashboard requires the access key, secret key and endpoint',
    );
    assert.throws(
      () => fromDataConnection(secret({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_S3_ENDPOINT: 'minio:9000' })),
      /AWS_S3_ENDPOINT "minio:9000" is not http\(s\)/,
    );
  });

  it('takes an external endpoint from the settings, or none (MinIO is deployed then)', () => {
    const base = { s3Region: 'us-east-1', s3Endpoint: undefined, s3AccessKey: undefined, s3SecretKey: undefined };
    assert.equal(fromSettings(base), undefined);
    assert.deepEqual(
      fromSettings({ ...base, s3Endpoint: 'https://s3.example.com', s3AccessKey: 'a', s3SecretKey: 'b', s3Region: 'eu-west-1' }),
      { endpoint: 'https://s3.example.com', region: 'eu-west-1', accessKeyId: 'a', secretAccessKey: 'b' },
    );
    assert.throws(
      () => fromSettings({ ...base, s3Endpoint: 'https://s3.example.com', s3AccessKey: 'a' }),
      /RHOAI_S3_ENDPOINT=https:\/\/s3\.example\.com needs RHOAI_S3_SECRET_KEY/,
    );
    assert.throws(
      () => fromSettings({ ...base, s3SecretKey: 'b' }),
      /RHOAI_S3_ACCESS_KEY or RHOAI_S3_SECRET_KEY is set but RHOAI_S3_ENDPOINT is not/,
    );
  });

  it('validates RHOAI_S3_* up front, never echoing the secret key', () => {
    const s = loadSettings({ RHOAI_S3_ENDPOINT: 'https://s3.example.com:9000/', RHOAI_S3_SECRET_KEY: 'topsecret' });
    assert.equal(s.s3Endpoint, 'https://s3.example.com:9000');
    assert.equal(s.s3Region, 'us-east-1');
    assert.equal(s.minioImage, 'quay.io/minio/minio:latest');
    const problems = (env: Record<string, string>) => {
      try {
        loadSettings(env);
      } catch (e) {
        if (e instanceof ConfigurationError) return e.problems;
        throw e;
      }
      return [];
    };
    assert.match(
      problems({ RHOAI_S3_ENDPOINT: 'https://s3.example.com/bucket' })[0],
      /^RHOAI_S3_ENDPOINT="https:\/\/s3\.example\.com\/bucket" is not valid: buckets are addressed path-style under the endpoint: give no path/,
    );
    assert.match(problems({ RHOAI_S3_ENDPOINT: 'ftp://x' })[0], /scheme ftp is not http or https/);
    assert.match(
      problems({ RHOAI_S3_ENDPOINT: 'https://user:pw@x' })[0],
      /credentials belong in RHOAI_S3_ACCESS_KEY and RHOAI_S3_SECRET_KEY/,
    );
    assert.match(problems({ RHOAI_S3_REGION: 'US East' })[0], /^RHOAI_S3_REGION="US East" is not valid/);
    const secretProblem = problems({ RHOAI_S3_SECRET_KEY: 'has a space' })[0];
    assert.match(secretProblem, /^RHOAI_S3_SECRET_KEY=\(secret value not shown\) is not valid/);
    assert.doesNotMatch(secretProblem, /has a space/);
  });
});

describe('S3Store against a SigV4-checking S3 server', () => {
  let dir: string;
  let server: http.Server;
  let endpoint: string;
  const store = (secretAccessKey = 'unit-secret-key') =>
    new S3Store({ endpoint, region: 'us-east-1', accessKeyId: 'unit-user', secretAccessKey });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-s3-unit-'));
    server = http.createServer(
      s3Handler({
        store: new ObjectStore(dir),
        credentials: { accessKey: 'unit-user', secretKey: 'unit-secret-key' },
        region: 'us-east-1',
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a bucket once, stores and reads objects, and reports absent ones as undefined', async () => {
    const s3 = store();
    assert.equal(await s3.ensureBucket('models'), 'created');
    assert.equal(await s3.ensureBucket('models'), 'existed');
    await s3.put('models', 'fraud/1/model.onnx', Buffer.from([8, 1, 2, 3]));
    assert.deepEqual(await s3.get('models', 'fraud/1/model.onnx'), Buffer.from([8, 1, 2, 3]));
    assert.equal((await s3.head('models', 'fraud/1/model.onnx'))?.size, 4);
    assert.equal(await s3.head('models', 'fraud/2/model.onnx'), undefined);
    assert.equal(await s3.bucketExists('nope'), false);
    s3.destroy();
  });

  it('lists every page of a prefix', async () => {
    const s3 = store();
    await s3.ensureBucket('many');
    const keys = Array.from({ length: 1005 }, (_, i) => `p/${String(i).padStart(4, '0')}`);
    for (const k of keys) await s3.put('many', k, 'x');
    await s3.put('many', 'q/other', 'x');
    const listed = await s3.list('many', 'p/');
    assert.deepEqual(
      listed.map((o) => o.key),
      keys,
      'two pages of 1000 and 5',
    );
    assert.equal(s3.exchanges.filter((e) => e.operation === 'ListObjectsV2').length, 2);
    s3.destroy();
  });

  it("fails with the operation, the object, the endpoint and S3's code; the transcript has no secret", async () => {
    const wrong = store('the-wrong-secret');
    const err = await wrong.get('models', 'fraud/1/model.onnx').catch((e: Error) => e);
    assert.ok(err instanceof S3RequestError);
    assert.equal(err.code, 'SignatureDoesNotMatch');
    assert.equal(err.status, 403);
    assert.match(
      err.message,
      new RegExp(
        `^S3 GetObject s3://models/fraud/1/model.onnx at ${endpoint.replace(/\./g, '\\.')} failed: HTTP 403 SignatureDoesNotMatch: The request signature we calculated`,
      ),
    );
    const missing = await store()
      .get('models', 'none')
      .catch((e: Error) => e);
    assert.ok(missing instanceof S3RequestError && missing.code === 'NoSuchKey' && missing.status === 404);
    assert.match(
      wrong.transcript(),
      /^GetObject http:\/\/127\.0\.0\.1:\d+ s3:\/\/models\/fraud\/1\/model\.onnx → 403 SignatureDoesNotMatch$/,
    );
    assert.doesNotMatch(wrong.transcript() + err.message, /the-wrong-secret|unit-secret-key/);
    wrong.destroy();
  });
});
