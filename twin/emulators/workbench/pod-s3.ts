// S3 as boto3 does it from inside a workbench pod: the endpoint, credentials, region and bucket of
// the data connection (the pod's AWS_* variables), Signature V4, path-style addressing (botocore's
// choice for a custom endpoint_url), reached through the cluster network (in-cluster Service names,
// or route hosts through the router) with the TLS trust botocore has: the AWS_CA_BUNDLE file when
// that variable is set, else the system roots (botocore uses certifi's bundle, never the
// REQUESTS_CA_BUNDLE or SSL_CERT_FILE of the pod). Failures read as botocore's exceptions do.
import { ListObjectsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { rootCertificates } from 'node:tls';
import type { ClusterNetwork } from '../../network/cluster-network';
import type { PodFilesystem } from '../volumes';

// The twin runs on Node 20: keep the SDK's notice about later Node versions out of its log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** What a pod's S3 client is given: the data connection's endpoint (scheme and host), region and keys. */
export interface PodS3Config {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** botocore's retries for the caller's mode (legacy: 3 attempts for boto3 in a notebook). */
  maxAttempts: number;
}

/**
 * An S3 client as the libraries in a pod make it (boto3, the storage initializer, the KFP launcher):
 * Signature V4, path-style addressing, checksums only where required, through the pod's agents.
 */
export function podS3Client(agents: { http: unknown; https: unknown }, c: PodS3Config): S3Client {
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: c.maxAttempts,
    requestHandler: { httpAgent: agents.http, httpsAgent: agents.https, connectionTimeout: 10_000, requestTimeout: 60_000 },
  });
}

/** A botocore exception, named and worded as Python prints it. */
export class BotocoreError extends Error {
  constructor(
    readonly pythonClass: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PodS3Options {
  network: ClusterNetwork;
  namespace: string;
  fs: PodFilesystem;
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The pod's AWS_CA_BUNDLE, if set. */
  caBundlePath?: string;
}

/** boto3's bucket resource, reduced to what the tutorial calls: objects.filter(Prefix) and upload_file. */
export class PodBucket {
  private readonly client: S3Client;

  private constructor(
    readonly name: string,
    readonly endpoint: string,
    client: S3Client,
  ) {
    this.client = client;
  }

  static async open(bucket: string, o: PodS3Options): Promise<PodBucket> {
    let url: URL;
    try {
      url = new URL(o.endpoint);
    } catch {
      throw new BotocoreError('ValueError', `Invalid endpoint: ${o.endpoint}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BotocoreError('ValueError', `Invalid endpoint: ${o.endpoint}`);
    let ca: string | string[] = [...rootCertificates];
    if (o.caBundlePath) {
      try {
        ca = (await o.fs.readFile(o.caBundlePath)).toString('utf8');
      } catch {
        throw new BotocoreError('ValueError', `Could not find a suitable TLS CA certificate bundle, invalid path: ${o.caBundlePath}`);
      }
    }
    const agents = o.network.agents(o.namespace, { ca, rejectUnauthorized: true });
    const client = podS3Client(agents, {
      endpoint: `${url.protocol}//${url.host}`,
      region: o.region,
      accessKeyId: o.accessKeyId,
      secretAccessKey: o.secretAccessKey,
      maxAttempts: 3,
    });
    return new PodBucket(bucket, o.endpoint, client);
  }

  /** bucket.objects.filter(Prefix=prefix).all(): every key (ListObjects, all pages). */
  async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.call('ListObjects', () =>
        this.client.send(new ListObjectsCommand({ Bucket: this.name, Prefix: prefix, Marker: marker })),
      );
      for (const o of page.Contents ?? []) keys.push(o.Key!);
      if (!page.IsTruncated || !page.Contents?.length) return keys;
      marker = page.NextMarker ?? page.Contents[page.Contents.length - 1].Key;
    }
  }

  /** bucket.upload_file(path, key) of a small file (one PutObject, as S3Transfer below its multipart threshold). */
  async upload(localPath: string, key: string, body: Buffer): Promise<void> {
    try {
      await this.call('PutObject', () => this.client.send(new PutObjectCommand({ Bucket: this.name, Key: key, Body: body })));
    } catch (e) {
      if (e instanceof BotocoreError && e.pythonClass.startsWith('botocore.exceptions.ClientError')) {
        throw new BotocoreError(
          'boto3.exceptions.S3UploadFailedError',
          `Failed to upload ${localPath} to ${this.name}/${key}: ${e.message}`,
        );
      }
      throw e;
    }
  }

  destroy(): void {
    this.client.destroy();
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw botocoreError(operation, this.endpoint, error);
    }
  }
}

/** How botocore reports a failed call. */
function botocoreError(operation: string, endpoint: string, error: unknown): BotocoreError {
  if (error instanceof S3ServiceException) {
    const code = error.name === 'UnknownError' || !error.name ? String(error.$metadata?.httpStatusCode ?? 'Unknown') : error.name;
    const message = error.message && error.message !== 'UnknownError' ? error.message : httpReason(error.$metadata?.httpStatusCode);
    const cls = code === 'NoSuchBucket' ? 'botocore.errorfactory.NoSuchBucket' : 'botocore.exceptions.ClientError';
    return new BotocoreError(cls, `An error occurred (${code}) when calling the ${operation} operation: ${message}`);
  }
  const e = error as NodeJS.ErrnoException & { hostname?: string };
  const text = `${e.code ?? ''} ${e.message ?? ''}`;
  if (/CERT|certificate|self[- ]signed|UNABLE_TO_VERIFY/i.test(text)) {
    return new BotocoreError(
      'botocore.exceptions.SSLError',
      `SSL validation failed for ${endpoint}/ [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1129)`,
    );
  }
  return new BotocoreError(
    'botocore.exceptions.EndpointConnectionError',
    `Could not connect to the endpoint URL: "${endpoint.replace(/\/+$/, '')}/"`,
  );
}

function httpReason(status: number | undefined): string {
  return (
    { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' }[status ?? 0] ??
    'Unknown'
  );
}
