// Where S3 is and how to sign for it: from a data connection Secret as the dashboard makes it
// (AWS_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_S3_BUCKET) or
// from the settings (RHOAI_S3_*). The secret key never appears in describe().
import type { KObject } from '../core/cluster';
import type { Settings } from '../core/config';

export interface S3Connection {
  /** http(s)://host[:port] of the S3 API; buckets are addressed path-style below it. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The data connection's bucket, when it names one. */
  bucket?: string;
}

export class S3ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3ConfigurationError';
  }
}

/** The keys the dashboard writes into a data connection Secret (workloads.md §2). */
export const DATA_CONNECTION_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_S3_ENDPOINT',
  'AWS_DEFAULT_REGION',
  'AWS_S3_BUCKET',
] as const;

/** Reads a data connection Secret; names the Secret and the missing keys when it is incomplete. */
export function fromDataConnection(secret: KObject): S3Connection {
  const where = `data connection Secret ${secret.metadata.namespace}/${secret.metadata.name}`;
  const value = (key: string): string | undefined => {
    const b64 = secret.data?.[key];
    const text = typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : secret.stringData?.[key];
    return typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined;
  };
  const missing = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_S3_ENDPOINT'].filter((k) => value(k) === undefined);
  if (missing.length)
    throw new S3ConfigurationError(`${where} has no ${missing.join(', ')}: the dashboard requires the access key, secret key and endpoint`);
  return {
    endpoint: normalizeEndpoint(value('AWS_S3_ENDPOINT')!, where),
    region: value('AWS_DEFAULT_REGION') ?? 'us-east-1',
    accessKeyId: value('AWS_ACCESS_KEY_ID')!,
    secretAccessKey: value('AWS_SECRET_ACCESS_KEY')!,
    bucket: value('AWS_S3_BUCKET'),
  };
}

/** The external S3 of the settings, or undefined when RHOAI_S3_ENDPOINT is unset (MinIO is deployed then). */
export function fromSettings(
  settings: Pick<Settings, 's3Endpoint' | 's3AccessKey' | 's3SecretKey' | 's3Region'>,
): S3Connection | undefined {
  if (!settings.s3Endpoint) {
    if (settings.s3AccessKey || settings.s3SecretKey) {
      throw new S3ConfigurationError(
        'RHOAI_S3_ACCESS_KEY or RHOAI_S3_SECRET_KEY is set but RHOAI_S3_ENDPOINT is not: set the endpoint too, or unset the keys to deploy MinIO into the project',
      );
    }
    return undefined;
  }
  const missing = [!settings.s3AccessKey && 'RHOAI_S3_ACCESS_KEY', !settings.s3SecretKey && 'RHOAI_S3_SECRET_KEY'].filter(Boolean);
  if (missing.length) throw new S3ConfigurationError(`RHOAI_S3_ENDPOINT=${settings.s3Endpoint} needs ${missing.join(' and ')}`);
  return {
    endpoint: settings.s3Endpoint,
    region: settings.s3Region,
    accessKeyId: settings.s3AccessKey!,
    secretAccessKey: settings.s3SecretKey!,
  };
}

/** The connection in words, without the secret key. */
export function describeConnection(c: S3Connection): string {
  return `${c.endpoint} (region ${c.region}, access key ${c.accessKeyId}${c.bucket ? `, bucket ${c.bucket}` : ''})`;
}

function normalizeEndpoint(raw: string, where: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new S3ConfigurationError(`${where}: AWS_S3_ENDPOINT "${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new S3ConfigurationError(`${where}: AWS_S3_ENDPOINT "${raw}" is not http(s)`);
  return `${url.protocol}//${url.host}`;
}
