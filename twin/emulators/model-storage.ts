// How model servers' helpers fetch a model from S3, as KServe's storage initializer
// (kserve/storage.py `_download_s3`) and ModelMesh's puller do it: the credentials of a
// `storage-config` entry (the JSON odh-model-controller writes per data connection), every object
// whose key starts with the path — a plain prefix, as boto3's objects.filter(Prefix=...) is — copied
// below the destination with the path taken off its key. Reached through the cluster network (in-cluster
// names, or route hosts through the router) and trusted as the cluster's trusted CA bundle would be:
// the system roots plus the ingress CA (the twin's router certificate, which the trusted bundle
// odh-trusted-ca-bundle carries on a cluster).
import { GetObjectCommand, ListObjectsV2Command, S3ServiceException } from '@aws-sdk/client-s3';
import { podS3Client } from './workbench/pod-s3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rootCertificates } from 'node:tls';
import type { ClusterNetwork } from '../network/cluster-network';
import type { PodFilesystem } from './volumes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** One entry of the storage-config Secret (odh-model-controller storageconfig_controller.go). */
export interface StorageConfigEntry {
  type: string;
  access_key_id?: string;
  secret_access_key?: string;
  endpoint_url?: string;
  bucket?: string;
  default_bucket?: string;
  region?: string;
  /** "0" turns TLS verification off (kserve's S3_VERIFY_SSL). */
  verify_ssl?: string;
}

/** A failure worded as the Python helpers print it (the class and its message). */
export class StorageError extends Error {
  constructor(
    readonly pythonClass: string,
    message: string,
  ) {
    super(message);
  }

  get line(): string {
    return `${this.pythonClass}: ${this.message}`;
  }
}

/** Reads a storage-config entry (JSON); names what is wrong. */
export function parseStorageConfig(json: string, what: string): StorageConfigEntry {
  let entry: StorageConfigEntry;
  try {
    entry = JSON.parse(json);
  } catch {
    throw new StorageError('json.decoder.JSONDecodeError', `${what} is not JSON`);
  }
  if (!entry || typeof entry !== 'object') throw new StorageError('ValueError', `${what} is not a JSON object`);
  if (entry.type !== 's3')
    throw new StorageError('ValueError', `storage type ${entry.type ?? '(none)'} of ${what} is not supported (s3 is)`);
  return entry;
}

export interface FetchOptions {
  network: ClusterNetwork;
  /** The pod's namespace (short in-cluster names resolve there). */
  namespace: string;
  config: StorageConfigEntry;
  bucket: string;
  /** The key prefix (the InferenceService's storage path). */
  prefix: string;
  /** Where the objects go, a path inside the container. */
  dest: string;
  fs: PodFilesystem;
  /** PEM certificates trusted besides the system roots. */
  extraCa: string[];
  signal: AbortSignal;
  /** A line of the helper's log. */
  log(line: string): void;
  /** A listing that finds nothing, whatever the bucket holds (fault injection). */
  hideObjects?: boolean;
}

/** Copies every object under the prefix; returns how many. Throws StorageError as the helper fails. */
export async function fetchModel(o: FetchOptions): Promise<number> {
  const endpoint = o.config.endpoint_url;
  if (!endpoint) throw new StorageError('ValueError', 'the storage config has no endpoint_url');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new StorageError('ValueError', `Invalid endpoint: ${endpoint}`);
  }
  const verify = o.config.verify_ssl !== '0' && o.config.verify_ssl !== 'false';
  const agents = o.network.agents(o.namespace, { ca: [...rootCertificates, ...o.extraCa], rejectUnauthorized: verify });
  const client = podS3Client(agents, {
    endpoint: `${url.protocol}//${url.host}`,
    region: o.config.region || 'us-east-1',
    accessKeyId: o.config.access_key_id ?? '',
    secretAccessKey: o.config.secret_access_key ?? '',
    maxAttempts: 2,
  });
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await call(
        () =>
          client.send(new ListObjectsV2Command({ Bucket: o.bucket, Prefix: o.prefix, ContinuationToken: token }), {
            abortSignal: o.signal,
          }),
        o.bucket,
      );
      for (const item of page.Contents ?? []) if (item.Key && !item.Key.endsWith('/')) keys.push(item.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (o.hideObjects) keys.length = 0;
    for (const key of keys) {
      const relative = key.slice(o.prefix.length).replace(/^\/+/, '');
      const target = path.posix.join(o.dest, relative || path.posix.basename(key));
      const object = await call(
        () => client.send(new GetObjectCommand({ Bucket: o.bucket, Key: key }), { abortSignal: o.signal }),
        o.bucket,
      );
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      const host = o.fs.writablePath(target);
      await fs.promises.mkdir(path.dirname(host), { recursive: true });
      await fs.promises.writeFile(host, bytes);
      o.log(`Downloaded object ${key} to ${target}`);
    }
    return keys.length;
  } finally {
    client.destroy();
  }
}

async function call<T>(fn: () => Promise<T>, bucket: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof S3ServiceException) {
      const code = err.name;
      if (code === 'NoSuchBucket')
        throw new StorageError(
          'botocore.errorfactory.NoSuchBucket',
          `An error occurred (NoSuchBucket) when calling the ListObjects operation: The specified bucket does not exist (bucket ${bucket})`,
        );
      if (code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'AccessDenied')
        throw new StorageError(
          'botocore.exceptions.ClientError',
          `An error occurred (${code}) when calling the ListObjects operation: ${err.message}`,
        );
      throw new StorageError('botocore.exceptions.ClientError', `An error occurred (${code}): ${err.message}`);
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOTFOUND' || e.code === 'ECONNREFUSED')
      throw new StorageError('botocore.exceptions.EndpointConnectionError', `Could not connect to the endpoint URL: ${e.message}`);
    if (/certificate|self.signed|unable to verify/i.test(e.message ?? ''))
      throw new StorageError('botocore.exceptions.SSLError', `SSL validation failed: ${e.message}`);
    throw new StorageError('Exception', e.message ?? String(err));
  }
}
