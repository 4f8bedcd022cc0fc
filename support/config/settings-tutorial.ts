// Settings of one domain. The tutorials: S3 storage, the tutorial repository, projects.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import { define, InvalidSettingValue } from './setting-kinds';

const ENDPOINT_ALLOWED = 'an http:// or https:// URL of an S3 API (scheme, host, optional port; no path, query or credentials), e.g. https://s3.us-east-1.amazonaws.com';
const REGION_ALLOWED = 'an S3 region name: lower-case letters, digits and "-", e.g. us-east-1';

export const TUTORIAL_SETTINGS = {
  s3Endpoint: define<string | undefined>({
    name: 'RHOAI_S3_ENDPOINT',
    description:
      'An external S3 endpoint for the tutorials\' buckets and data connections (needs RHOAI_S3_ACCESS_KEY and RHOAI_S3_SECRET_KEY). When unset, each tutorial project gets MinIO deployed into it, as the tutorial\'s setup-s3.yaml does, reached through its edge route.',
    allowed: ENDPOINT_ALLOWED,
    secret: false,
    parse: (raw) => {
      if (raw === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new InvalidSettingValue(ENDPOINT_ALLOWED, 'not a URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidSettingValue(ENDPOINT_ALLOWED, `scheme ${url.protocol.replace(':', '')} is not http or https`);
      if (url.username || url.password) throw new InvalidSettingValue(ENDPOINT_ALLOWED, 'credentials belong in RHOAI_S3_ACCESS_KEY and RHOAI_S3_SECRET_KEY, not in the URL');
      if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new InvalidSettingValue(ENDPOINT_ALLOWED, 'buckets are addressed path-style under the endpoint: give no path');
      return `${url.protocol}//${url.host}`;
    },
  }),
  s3AccessKey: define<string | undefined>({
    name: 'RHOAI_S3_ACCESS_KEY',
    description: 'The access key id for RHOAI_S3_ENDPOINT (written into the data connections as AWS_ACCESS_KEY_ID).',
    allowed: 'an access key id: printable characters, no spaces',
    default: 'required with RHOAI_S3_ENDPOINT',
    secret: false,
    parse: (raw) => {
      if (raw === undefined) return undefined;
      if (!/^[\x21-\x7e]+$/.test(raw)) throw new InvalidSettingValue('an access key id: printable characters, no spaces');
      return raw;
    },
  }),
  s3SecretKey: define<string | undefined>({
    name: 'RHOAI_S3_SECRET_KEY',
    description: 'The secret access key for RHOAI_S3_ENDPOINT (written into the data connections as AWS_SECRET_ACCESS_KEY).',
    allowed: 'a secret key: printable characters, no spaces',
    default: 'required with RHOAI_S3_ENDPOINT',
    secret: true,
    parse: (raw) => {
      if (raw === undefined) return undefined;
      if (!/^[\x21-\x7e]+$/.test(raw)) throw new InvalidSettingValue('a secret key: printable characters, no spaces');
      return raw;
    },
  }),
  s3Region: define<string>({
    name: 'RHOAI_S3_REGION',
    description: 'The region of RHOAI_S3_ENDPOINT: requests are signed for it and the data connections name it (AWS_DEFAULT_REGION). MinIO deployed by the tutorial always uses us-east-1, as its setup-s3.yaml does.',
    allowed: REGION_ALLOWED,
    default: 'us-east-1',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'us-east-1';
      if (!/^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$/.test(value)) throw new InvalidSettingValue(REGION_ALLOWED);
      return value;
    },
  }),
  minioImage: define<string>({
    name: 'RHOAI_MINIO_IMAGE',
    description: 'The MinIO image deployed into tutorial projects when RHOAI_S3_ENDPOINT is unset (the tutorial\'s setup-s3.yaml uses quay.io/minio/minio:latest; point this at a mirror on a disconnected cluster).',
    allowed: 'an image reference: [registry/]repository[:tag][@sha256:digest]',
    default: 'quay.io/minio/minio:latest',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'quay.io/minio/minio:latest';
      if (!/^[a-z0-9]([a-z0-9._\/:-]*[a-z0-9])?(@sha256:[a-f0-9]{64})?$/i.test(value)) throw new InvalidSettingValue('an image reference: [registry/]repository[:tag][@sha256:digest]');
      return value;
    },
  }),
} as const;
