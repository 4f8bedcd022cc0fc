// An S3 client for the harness (@aws-sdk/client-s3), set up for S3-compatible servers as
// toolchain.md says: path-style addressing, checksums only when an operation requires them, and the
// HTTP(S) agents of support/core/http (RHOAI_RESOLVE host overrides, the cluster's route CA). Every call
// is recorded (operation, target, status) so a scenario can attach the exchanges; a failure names
// the operation, the object, the endpoint and S3's error code.
import type * as http from 'node:http';
import type * as https from 'node:https';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { S3Connection } from './connection';

// The project runs on Node 20 (toolchain.md pins it); the SDK's notice that later releases will need
// Node 22 would otherwise print in every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3Exchange {
  operation: string;
  target: string;
  status: number | string;
  code?: string;
}

export interface ObjectHead {
  size: number;
  etag?: string;
  lastModified?: Date;
  contentType?: string;
}

/** An S3 call failed: says which, where, and what S3 answered. */
export class S3RequestError extends Error {
  constructor(
    readonly operation: string,
    readonly target: string,
    readonly status: number | undefined,
    readonly code: string,
    detail: string,
  ) {
    super(`S3 ${operation} ${target} failed: ${status ? `HTTP ${status} ` : ''}${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'S3RequestError';
  }
}

export class S3Store {
  readonly client: S3Client;
  readonly exchanges: S3Exchange[] = [];

  constructor(
    readonly connection: S3Connection,
    agents: { https?: https.Agent; http?: http.Agent } = {},
  ) {
    this.client = new S3Client({
      endpoint: connection.endpoint,
      region: connection.region,
      credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A just-admitted route may answer 503 until the router has loaded it: the SDK retries with backoff.
      maxAttempts: 5,
      requestHandler: { httpsAgent: agents.https, httpAgent: agents.http, connectionTimeout: 30_000, requestTimeout: 300_000 },
    });
  }

  /** Creates the bucket unless it exists; returns which. */
  async ensureBucket(bucket: string): Promise<'created' | 'existed'> {
    const exists = await this.call(
      'HeadBucket',
      `s3://${bucket}`,
      () => this.client.send(new HeadBucketCommand({ Bucket: bucket })),
      [404],
    );
    if (exists !== undefined) return 'existed';
    try {
      await this.call('CreateBucket', `s3://${bucket}`, () => this.client.send(new CreateBucketCommand({ Bucket: bucket })));
      return 'created';
    } catch (error) {
      if (error instanceof S3RequestError && error.code === 'BucketAlreadyOwnedByYou') return 'existed';
      throw error;
    }
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return (
      (await this.call('HeadBucket', `s3://${bucket}`, () => this.client.send(new HeadBucketCommand({ Bucket: bucket })), [404])) !==
      undefined
    );
  }

  async put(bucket: string, key: string, body: Buffer | string, contentType = 'application/octet-stream'): Promise<{ etag?: string }> {
    const out = await this.call('PutObject', `s3://${bucket}/${key}`, () =>
      this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType })),
    );
    return { etag: out?.ETag };
  }

  async get(bucket: string, key: string): Promise<Buffer> {
    return this.call('GetObject', `s3://${bucket}/${key}`, async () => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    }) as Promise<Buffer>;
  }

  /** The object's size and metadata, or undefined when it does not exist. */
  async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    const out = await this.call(
      'HeadObject',
      `s3://${bucket}/${key}`,
      () => this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
      [404],
    );
    return out && { size: out.ContentLength ?? 0, etag: out.ETag, lastModified: out.LastModified, contentType: out.ContentType };
  }

  /** Every key below a prefix (all pages). */
  async list(bucket: string, prefix = ''): Promise<{ key: string; size: number }[]> {
    const keys: { key: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', `s3://${bucket}/${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token })),
      );
      for (const o of page?.Contents ?? []) keys.push({ key: o.Key!, size: o.Size ?? 0 });
      token = page?.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.call('DeleteObject', `s3://${bucket}/${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  /** The recorded exchanges as text, for the report. */
  transcript(): string {
    return this.exchanges
      .map((e) => `${e.operation} ${this.connection.endpoint} ${e.target} → ${e.status}${e.code ? ` ${e.code}` : ''}`)
      .join('\n');
  }

  destroy(): void {
    this.client.destroy();
  }

  /** Runs one SDK call; statuses in `absentOn` mean "not there" (undefined), anything else failing throws S3RequestError. */
  private async call<T>(operation: string, target: string, send: () => Promise<T>, absentOn: number[] = []): Promise<T | undefined> {
    try {
      const out = await send();
      this.exchanges.push({
        operation,
        target,
        status: (out as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode ?? 200,
      });
      return out;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      let code = error instanceof S3ServiceException ? error.name : ((error as NodeJS.ErrnoException).code ?? (error as Error).name);
      // A HEAD answer has no body, so no S3 error code: say what a 403 there usually means.
      const headRefused = operation.startsWith('Head') && status === 403;
      if (headRefused) code = 'Forbidden';
      this.exchanges.push({ operation, target, status: status ?? 'no answer', code });
      if (status !== undefined && absentOn.includes(status)) return undefined;
      const detail = headRefused
        ? 'a HEAD answer carries no error code; the access key or the secret key may be wrong, or the credentials may not be allowed this bucket'
        : error instanceof S3ServiceException && error.message && error.message !== 'UnknownError'
          ? error.message
          : (error as Error).message;
      throw new S3RequestError(operation, `${target} at ${this.connection.endpoint}`, status, code, detail === code ? '' : detail);
    }
  }
}
