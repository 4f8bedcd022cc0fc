// Settings of one domain. The tutorials: S3 storage, the tutorial repository, projects.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import { define, InvalidSettingValue, oneOf } from './setting-kinds';

const REPO_ALLOWED =
  'an https:// or http:// URL of a Git repository (no credentials in it), e.g. https://github.com/rh-aiservices-bu/fraud-detection.git';
const REF_ALLOWED = 'a Git branch or tag name (letters, digits, ".", "_", "-" and "/"; no "..", no leading "-" or "/")';
const PROJECT_ALLOWED =
  'a DNS-1123 label (lower-case letters, digits and -, at most 63 characters), not openshift-*, kube-* or redhat-ods-*';
const PREFIX_ALLOWED = 'lower-case letters, digits and "-", starting with a letter, at most 30 characters';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const ENDPOINT_ALLOWED =
  'an http:// or https:// URL of an S3 API (scheme, host, optional port; no path, query or credentials), e.g. https://s3.us-east-1.amazonaws.com';
const PIP_INDEX_ALLOWED =
  'an https:// or http:// URL of a Python package index (PEP 503 "simple" API, no credentials in it), e.g. https://pypi.org/simple or https://nexus.example.com/repository/pypi/simple';
const PIP_HOST_ALLOWED = 'a host name (optionally :port) that pip trusts without TLS verification, e.g. nexus.example.com';
const REGION_ALLOWED = 'an S3 region name: lower-case letters, digits and "-", e.g. us-east-1';

export const TUTORIAL_SETTINGS = {
  tinyModel: define<'auto' | 'run' | 'skip'>({
    name: 'RHOAI_TINY_MODEL',
    description:
      "Whether the @tiny-model scenarios (CMP-07: Caikit TGIS and TGIS Standalone serving a tiny character-bigram model the harness writes) run. The model is in a format only the twin's runtimes load; the real Caikit and TGIS images do not. `auto` runs them on the embedded twin (RHOAI_TARGET twin) and reports them as not applicable (skipped, with the reason attached) on a cluster; `run` runs them anyway (a twin served standalone); `skip` reports them as not applicable everywhere.",
    secret: false,
    ...oneOf(['auto', 'run', 'skip'] as const, 'auto'),
  }),
  tutorialRepo: define<string>({
    name: 'RHOAI_TUTORIAL_REPO',
    description:
      'The Git repository of the fraud-detection tutorial that the workbench clones (the tutorial\'s "Clone the repository" step). Point it at a mirror for a disconnected cluster; the workbench must reach it.',
    allowed: REPO_ALLOWED,
    default: 'https://github.com/rh-aiservices-bu/fraud-detection.git',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'https://github.com/rh-aiservices-bu/fraud-detection.git';
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new InvalidSettingValue(REPO_ALLOWED, 'not a URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new InvalidSettingValue(REPO_ALLOWED, `scheme ${url.protocol.replace(':', '')} is not https or http`);
      if (url.username || url.password) throw new InvalidSettingValue(REPO_ALLOWED, 'credentials in the URL would be shown in the reports');
      if (url.pathname.replace(/\/+$/, '') === '') throw new InvalidSettingValue(REPO_ALLOWED, 'the URL names no repository');
      return value;
    },
  }),
  tutorialRef: define<string>({
    name: 'RHOAI_TUTORIAL_REF',
    description: 'The branch or tag of the tutorial repository to clone: v2.9 is the tutorial of RHOAI 2.9.',
    allowed: REF_ALLOWED,
    default: 'v2.9',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'v2.9';
      if (!/^[A-Za-z0-9._][A-Za-z0-9._/-]*$/.test(value) || value.includes('..') || value.endsWith('/') || value.endsWith('.lock'))
        throw new InvalidSettingValue(REF_ALLOWED);
      return value;
    },
  }),
  tutorialProject: define<string>({
    name: 'RHOAI_TUTORIAL_PROJECT',
    description:
      'The data science project of the fraud-detection tutorial (its S3 storage, data connections, workbench and stored model). It is kept until the end of the run, so that the model serving scenarios of the same run deploy the model stored there, then deleted unless RHOAI_KEEP says otherwise.',
    allowed: PROJECT_ALLOWED,
    default: 'fraud-detection',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'fraud-detection';
      if (!DNS_LABEL.test(value)) throw new InvalidSettingValue(PROJECT_ALLOWED);
      if (/^(openshift|kube|redhat-ods)(-|$)/.test(value) || value === 'default')
        throw new InvalidSettingValue(PROJECT_ALLOWED, 'the dashboard does not list system namespaces as data science projects');
      return value;
    },
  }),
  tutorialProjectPrefix: define<string>({
    name: 'RHOAI_TUTORIAL_PROJECT_PREFIX',
    description:
      'Prefix of the names of the other projects the tutorial scenarios create (one per scenario, deleted after it unless RHOAI_KEEP says otherwise), so that runs of several people on one cluster do not meet.',
    allowed: PREFIX_ALLOWED,
    default: 'tutorial-',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'tutorial-';
      if (value !== '' && !/^[a-z][-a-z0-9]{0,29}$/.test(value)) throw new InvalidSettingValue(PREFIX_ALLOWED);
      return value;
    },
  }),
  s3Endpoint: define<string | undefined>({
    name: 'RHOAI_S3_ENDPOINT',
    description:
      "An external S3 endpoint for the tutorials' buckets and data connections (needs RHOAI_S3_ACCESS_KEY and RHOAI_S3_SECRET_KEY). When unset, each tutorial project gets MinIO deployed into it, as the tutorial's setup-s3.yaml does, reached through its edge route.",
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
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new InvalidSettingValue(ENDPOINT_ALLOWED, `scheme ${url.protocol.replace(':', '')} is not http or https`);
      if (url.username || url.password)
        throw new InvalidSettingValue(
          ENDPOINT_ALLOWED,
          'credentials belong in RHOAI_S3_ACCESS_KEY and RHOAI_S3_SECRET_KEY, not in the URL',
        );
      if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
        throw new InvalidSettingValue(ENDPOINT_ALLOWED, 'buckets are addressed path-style under the endpoint: give no path');
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
    description:
      'The region of RHOAI_S3_ENDPOINT: requests are signed for it and the data connections name it (AWS_DEFAULT_REGION). MinIO deployed by the tutorial always uses us-east-1, as its setup-s3.yaml does.',
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
    description:
      "The MinIO image deployed into tutorial projects when RHOAI_S3_ENDPOINT is unset (the tutorial's setup-s3.yaml uses quay.io/minio/minio:latest; point this at a mirror on a disconnected cluster).",
    allowed: 'an image reference: [registry/]repository[:tag][@sha256:digest]',
    default: 'quay.io/minio/minio:latest',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'quay.io/minio/minio:latest';
      if (!/^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?(@sha256:[a-f0-9]{64})?$/i.test(value))
        throw new InvalidSettingValue('an image reference: [registry/]repository[:tag][@sha256:digest]');
      return value;
    },
  }),
  pipIndexUrl: define<string | undefined>({
    name: 'RHOAI_PIP_INDEX_URL',
    description:
      "The package index the tutorial's workbench installs from (its first notebook runs `pip install onnx onnxruntime seaborn tf2onnx`; the 2024.1 TensorFlow image lacks onnxruntime and seaborn): set as PIP_INDEX_URL in the workbench's environment. Unset: pip's default, https://pypi.org/simple. A preflight in the workbench fails naming the index when the workbench cannot reach it.",
    allowed: PIP_INDEX_ALLOWED,
    default: '(unset: https://pypi.org/simple)',
    secret: false,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new InvalidSettingValue(PIP_INDEX_ALLOWED, 'not a URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new InvalidSettingValue(PIP_INDEX_ALLOWED, `scheme ${url.protocol.replace(':', '')} is not https or http`);
      if (url.username || url.password)
        throw new InvalidSettingValue(PIP_INDEX_ALLOWED, 'credentials in the URL would be shown in the reports');
      return raw;
    },
  }),
  pipTrustedHost: define<string | undefined>({
    name: 'RHOAI_PIP_TRUSTED_HOST',
    description:
      "A host the workbench's pip trusts without TLS verification (PIP_TRUSTED_HOST in the workbench's environment), for an index of RHOAI_PIP_INDEX_URL behind a certificate the image does not trust. Unset: none.",
    allowed: PIP_HOST_ALLOWED,
    default: '(unset)',
    secret: false,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/.test(raw)) throw new InvalidSettingValue(PIP_HOST_ALLOWED);
      return raw;
    },
  }),
} as const;
