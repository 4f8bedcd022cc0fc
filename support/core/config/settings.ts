// The table of every setting the harness reads from the environment. Each definition carries its
// parser, the values it allows, its default, whether it is secret and what it does; the loader,
// the README's configuration reference and its test are all driven from this one table. Domains
// add their rows in settings-<domain>.ts files, spread in below.
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseResolveRules, type ResolveRule } from '../http/resolve-rules';
import { channel, define, filePath, integer, InvalidSettingValue, oneOf, type SettingDefinition } from './setting-kinds';
import { ACCESS_SETTINGS } from './settings-access';
import { ADVANCED_SETTINGS } from './settings-advanced';
import { DISTRIBUTED_WORKLOAD_SETTINGS } from './settings-distributed-workloads';
import { GATE_SETTINGS } from './settings-gate';
import { GATEWAY_SETTINGS } from './settings-gateway';
import { MESH_SETTINGS } from './settings-mesh';
import { QUESTION_SETTINGS } from './settings-questions';
import { TUTORIAL_SETTINGS } from './settings-tutorial';
import { DASHBOARD_SETTINGS } from './settings-dashboard';

export { InvalidSettingValue, type SettingDefinition } from './setting-kinds';

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$/;
const FAULT_NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * A directory the run can write: an existing directory it may write to, or a path whose nearest
 * existing ancestor is one (the run creates the rest).
 */
function writableDirectory(dir: string, allowed: string): string {
  let existing = dir;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) throw new InvalidSettingValue(allowed, `${existing} is not a directory`);
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    throw new InvalidSettingValue(allowed, `${existing} cannot be written`);
  }
  return dir;
}

/** The certificates of a PEM file: it must be readable and hold at least one that parses. */
function pemCertificates(file: string): X509Certificate[] {
  const allowed = 'an existing PEM file with at least one certificate';
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidSettingValue(allowed, `${file} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) throw new InvalidSettingValue(allowed, `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return blocks.map((pem, i) => {
    try {
      return new X509Certificate(pem);
    } catch (error) {
      throw new InvalidSettingValue(allowed, `certificate ${i + 1} of ${file} does not parse: ${(error as Error).message}`);
    }
  });
}

function reportsDir(): string {
  return path.resolve(process.env.RHOAI_REPORTS_DIR || 'reports');
}

export const SETTINGS = {
  reportsDir: define<string>({
    name: 'RHOAI_REPORTS_DIR',
    description: "Where every report of the run goes (Cucumber JSON/HTML/JUnit, Allure results, the embedded twin's audit log).",
    allowed: 'a directory path that can be written (it is created when missing)',
    default: 'reports',
    secret: false,
    parse: (raw) => writableDirectory(filePath(raw ?? 'reports'), 'a directory path that can be written (it is created when missing)'),
  }),
  kubeconfig: define<string[] | undefined>({
    name: 'KUBECONFIG',
    description:
      'Kubeconfig file(s) of the cluster to target, separated by ":" as for kubectl. When unset, ~/.kube/config is used if it exists.',
    allowed: 'one or more existing kubeconfig files, separated by ":"',
    default: '~/.kube/config',
    secret: false,
    parse: (raw) => {
      if (raw === undefined) return undefined;
      const files = raw
        .split(path.delimiter)
        .filter((p) => p.length > 0)
        .map(filePath);
      const missing = files.find((f) => !fs.existsSync(f));
      if (missing) throw new InvalidSettingValue('one or more existing kubeconfig files, separated by ":"', `${missing} does not exist`);
      return files.length > 0 ? files : undefined;
    },
  }),
  target: define<'auto' | 'twin' | 'cluster' | 'in-cluster'>({
    name: 'RHOAI_TARGET',
    description:
      "Where to run: `twin` starts the embedded OpenShift + RHOAI twin; `cluster` uses the current kubeconfig context; `in-cluster` uses the pod's service account (RHOAI_SERVICE_ACCOUNT_DIR, KUBERNETES_SERVICE_HOST/PORT); `auto` uses a cluster when a kubeconfig has a current context, else the twin (never the pod's service account: say `in-cluster`).",
    secret: false,
    ...oneOf(['auto', 'twin', 'cluster', 'in-cluster'] as const, 'auto'),
  }),
  resolve: define<ResolveRule[]>({
    name: 'RHOAI_RESOLVE',
    description:
      'Host name overrides for HTTP clients, like curl --resolve: `HOSTPATTERN=IP:PORT`, comma-separated; a pattern may start with `*.`. Set automatically from the twin when targeting it.',
    allowed: 'comma-separated HOSTPATTERN=IP:PORT, e.g. *.apps.twin.local=127.0.0.1:41235',
    secret: false,
    parse: (raw) => {
      try {
        return raw === undefined ? [] : parseResolveRules(raw);
      } catch (error) {
        throw new InvalidSettingValue(
          'comma-separated HOSTPATTERN=IP:PORT, e.g. *.apps.twin.local=127.0.0.1:41235',
          (error as Error).message,
        );
      }
    },
  }),
  twinFaults: define<string[]>({
    name: 'RHOAI_TWIN_FAULTS',
    description:
      'Faults the embedded twin injects, comma-separated (the twin validates the names; `npx rhoai-twin faults --json` lists them).',
    allowed: 'comma-separated fault names (lower-case letters, digits and -)',
    secret: false,
    parse: (raw) => {
      if (raw === undefined) return [];
      const names = raw.split(',').map((n) => n.trim());
      const bad = names.find((n) => !FAULT_NAME.test(n));
      if (bad !== undefined)
        throw new InvalidSettingValue('comma-separated fault names (lower-case letters, digits and -)', `"${bad}" is not a fault name`);
      return names;
    },
  }),
  twinAuditLog: define<string>({
    name: 'RHOAI_TWIN_AUDIT_LOG',
    description: "The embedded twin's audit log (one JSON line per API request), started anew with each embedded twin.",
    allowed: 'a file path',
    default: 'reports/twin/audit.jsonl (under RHOAI_REPORTS_DIR)',
    secret: false,
    parse: (raw) => filePath(raw ?? path.join(reportsDir(), 'twin', 'audit.jsonl')),
  }),
  twinLatencyMs: define<number>({
    name: 'RHOAI_TWIN_LATENCY_MS',
    description: "Reconcile latency of the embedded twin's controllers, in milliseconds.",
    allowed: 'an integer >= 0',
    default: '0',
    secret: false,
    parse: (raw) => (raw === undefined ? 0 : integer(raw, 0)),
  }),
  twinProfile: define<'empty' | 'brownfield'>({
    name: 'RHOAI_TWIN_PROFILE',
    description:
      'How the embedded twin begins: empty (a fresh cluster) or brownfield (a cluster in use: an htpasswd provider with users in htpass-secret, an LDAP and a GitHub provider, team projects with workloads, a cluster-admin binding; twin/bootstrap/profiles/brownfield.yaml). The same as `rhoai-twin serve --profile`.',
    secret: false,
    ...oneOf(['empty', 'brownfield'] as const, 'empty'),
  }),
  twinNodes: define<'default' | 'no-gpu'>({
    name: 'RHOAI_TWIN_NODES',
    description:
      "The embedded twin's nodes: `default` (three workers, a large one, an NVIDIA GPU worker and a Habana Gaudi worker; twin/bootstrap/nodes.yaml) or `no-gpu` (the same without the NVIDIA GPU worker, as most conformance clusters: the GPU items are then not applicable).",
    secret: false,
    ...oneOf(['default', 'no-gpu'] as const, 'default'),
  }),
  twinRestore: define<string | undefined>({
    name: 'RHOAI_TWIN_RESTORE',
    description:
      'A snapshot the embedded twin starts from instead of a new cluster (`rhoai-twin serve --snapshot-on-exit FILE` writes one when that twin stops): the cluster as it was, restarted. The fault catalogue installs once and starts the faults caught after the installer from that snapshot. Unset: a new cluster.',
    allowed: 'the path of a readable snapshot file',
    default: '(unset: a new cluster)',
    secret: false,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      const file = filePath(raw);
      try {
        fs.accessSync(file, fs.constants.R_OK);
      } catch {
        throw new InvalidSettingValue('the path of a readable snapshot file');
      }
      return file;
    },
  }),
  buildDir: define<string | undefined>({
    name: 'RHOAI_BUILD_DIR',
    description:
      'A directory made by `npm run build` (scripts/build.mjs): the harness and the twin compiled into one file each, which cucumber-js and the embedded twin then load instead of compiling the TypeScript sources through tsx at each start (≈2.5 CPU-s less per start). `npm test` builds one and sets it for its runs. Build again after changing the sources.',
    allowed: 'a directory holding harness.cjs, config.cjs and twin.cjs',
    default: '(unset: the TypeScript sources through tsx)',
    secret: false,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      const dir = filePath(raw);
      if (!['harness.cjs', 'config.cjs', 'twin.cjs'].every((f) => fs.existsSync(path.join(dir, f))))
        throw new InvalidSettingValue('a directory holding harness.cjs, config.cjs and twin.cjs (made by `npm run build`)');
      return dir;
    },
  }),
  keep: define<'never' | 'on-failure' | 'always'>({
    name: 'RHOAI_KEEP',
    description: 'Whether to keep what scenarios created (projects, workloads) after they end.',
    secret: false,
    ...oneOf(['never', 'on-failure', 'always'] as const, 'never'),
  }),
  adminUser: define<string>({
    name: 'RHOAI_ADMIN_USER',
    description:
      'The htpasswd cluster-admin user the install creates and proves it can log in as (not kubeadmin); the run itself goes on as the kubeconfig user (README "Who acts").',
    allowed: 'a user name: letters, digits, ".", "_", "@", "-", starting with a letter or digit, at most 63 characters; not kubeadmin',
    default: 'rhoai-admin',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'rhoai-admin';
      const allowed =
        'a user name: letters, digits, ".", "_", "@", "-", starting with a letter or digit, at most 63 characters; not kubeadmin';
      if (!USER_NAME.test(value)) throw new InvalidSettingValue(allowed);
      if (value === 'kubeadmin') throw new InvalidSettingValue(allowed, 'RHOAI installation is not allowed as kubeadmin');
      return value;
    },
  }),
  adminPassword: define<string | undefined>({
    name: 'RHOAI_ADMIN_PASSWORD',
    description:
      "The admin user's password. On the twin it is generated (and kept under RHOAI_WORK_DIR) when absent; on a real cluster it is required by the steps that log in with it.",
    allowed: 'at least 8 characters, no line breaks',
    default: 'generated on the twin',
    secret: true,
    parse: (raw) => {
      if (raw === undefined) return undefined;
      if (raw.length < 8 || /[\r\n]/.test(raw)) throw new InvalidSettingValue('at least 8 characters, no line breaks');
      return raw;
    },
  }),
  waitTimeoutSeconds: define<number>({
    name: 'RHOAI_WAIT_TIMEOUT',
    description: 'How long one wait for a cluster state may take, in seconds.',
    allowed: 'an integer >= 1 (seconds)',
    default: '900',
    secret: false,
    parse: (raw) => (raw === undefined ? 900 : integer(raw, 1)),
  }),
  workDir: define<string>({
    name: 'RHOAI_WORK_DIR',
    description:
      'Private working directory (created with mode 0700) for generated keys, kubeconfigs and other secrets; never under reports/.',
    allowed: 'a directory path outside reports/',
    default: '.rhoai',
    secret: false,
    parse: (raw) => {
      const dir = filePath(raw ?? '.rhoai');
      const reports = reportsDir();
      if (dir === reports || dir.startsWith(reports + path.sep)) {
        throw new InvalidSettingValue('a directory path outside reports/', 'reports/ is published; secrets must not go there');
      }
      return dir;
    },
  }),
  operatorChannel: define<string | undefined>({
    name: 'RHOAI_OPERATOR_CHANNEL',
    description:
      "The rhods-operator subscription channel. RHOAI 2.9 shipped on `fast` (June 2024 install docs); the channel must carry the version RHOAI_EXPECTED_VERSION pins, or the run stops before anything is applied. `@default` takes the PackageManifest's defaultChannel if it carries that version, else the first channel that does.",
    allowed: 'a channel name (e.g. fast, stable, eus-2.8) or @default',
    default: 'fast',
    secret: false,
    parse: (raw) => channel(raw, 'fast'),
  }),
  expectedVersion: define<string | undefined>({
    name: 'RHOAI_EXPECTED_VERSION',
    description:
      'The RHOAI version to install and pin: a minor (2.9: its newest z-stream in the channel) or a full version (2.9.1). The subscription gets that CSV as startingCSV, with Manual approval OLM never moves past it, and a catalog without it is refused before anything is applied, naming what it offers. `any` pins the channel head instead.',
    allowed: 'a version such as 2.9 or 2.9.1, or any',
    default: '2.9',
    secret: false,
    parse: (raw) => pinnedVersion(raw, '2.9'),
  }),
  profile: define<'all' | 'train-only' | 'infer-only'>({
    name: 'RHOAI_PROFILE',
    description:
      'Which components the install manages in default-dsc: all, train-only (workbenches, pipelines, distributed workloads) or infer-only (model serving).',
    secret: false,
    ...oneOf(['all', 'train-only', 'infer-only'] as const, 'all'),
  }),
  serviceMeshChannel: define<string | undefined>({
    name: 'RHOAI_SERVICEMESH_CHANNEL',
    description: 'Channel of the servicemeshoperator subscription (OpenShift Service Mesh 2.x); `@default` takes the catalog default.',
    allowed: 'a channel name or @default',
    default: 'stable',
    secret: false,
    parse: (raw) => channel(raw, 'stable'),
  }),
  serverlessChannel: define<string | undefined>({
    name: 'RHOAI_SERVERLESS_CHANNEL',
    description: 'Channel of the serverless-operator subscription; `@default` takes the catalog default.',
    allowed: 'a channel name or @default',
    default: 'stable',
    secret: false,
    parse: (raw) => channel(raw, 'stable'),
  }),
  authorinoChannel: define<string | undefined>({
    name: 'RHOAI_AUTHORINO_CHANNEL',
    description:
      'Channel of the authorino-operator subscription. Unverified for 2.9 (tech-preview-v1, managed-services and stable were all seen), so by default the catalog default (`@default`).',
    allowed: 'a channel name or @default',
    default: '@default',
    secret: false,
    parse: (raw) => channel(raw, '@default'),
  }),
  customCaFile: define<string | undefined>({
    name: 'RHOAI_CUSTOM_CA_FILE',
    description:
      'PEM file with the certificates to add as DSCI trustedCABundle.customCABundle; by default the root CA the secure-gateway step generates.',
    allowed: 'an existing PEM file',
    secret: false,
    parse: (raw) => {
      if (raw === undefined) return undefined;
      const file = filePath(raw);
      if (!fs.existsSync(file)) throw new InvalidSettingValue('an existing PEM file', `${file} does not exist`);
      pemCertificates(file);
      return file;
    },
  }),
  installPlanApproval: define<'Automatic' | 'Manual'>({
    name: 'RHOAI_INSTALL_PLAN_APPROVAL',
    description:
      'installPlanApproval of the operator subscriptions the install creates. Manual (default): the harness approves exactly the InstallPlan of the pinned CSV and leaves the upgrades OLM offers later unapproved (listed in the report). Automatic: OLM installs the pinned CSV and then follows the channel on its own, upgrading whenever the catalog moves; the report warns.',
    secret: false,
    ...oneOf(['Manual', 'Automatic'] as const, 'Manual'),
  }),
  serviceMeshVersion: define<string | undefined>({
    name: 'RHOAI_SERVICEMESH_VERSION',
    description:
      'The OpenShift Service Mesh version to install and pin (servicemeshoperator startingCSV): 2.5, the release the RHOAI 2.9 docs were written against, means its newest z-stream in the channel; a full version pins that one; `any` pins the channel head.',
    allowed: 'a version such as 2.5 or 2.5.1, or any',
    default: '2.5',
    secret: false,
    parse: (raw) => pinnedVersion(raw, '2.5'),
  }),
  serverlessVersion: define<string | undefined>({
    name: 'RHOAI_SERVERLESS_VERSION',
    description:
      'The OpenShift Serverless version to install and pin (serverless-operator startingCSV). The RHOAI 2.9 docs name none, so by default `any`: the head of the channel at install time, pinned there; a minor (1.32) or full version pins that release.',
    allowed: 'a version such as 1.32 or 1.32.0, or any',
    default: 'any',
    secret: false,
    parse: (raw) => pinnedVersion(raw, 'any'),
  }),
  authorinoVersion: define<string | undefined>({
    name: 'RHOAI_AUTHORINO_VERSION',
    description:
      'The Authorino operator version to install and pin (authorino-operator startingCSV). The RHOAI 2.9 docs name none, so by default `any`: the head of the channel at install time, pinned there; a minor (1.0) or full version pins that release.',
    allowed: 'a version such as 1.0 or 1.0.1, or any',
    default: 'any',
    secret: false,
    parse: (raw) => pinnedVersion(raw, 'any'),
  }),
  ...ACCESS_SETTINGS,
  ...MESH_SETTINGS,
  ...GATEWAY_SETTINGS,
  ...DISTRIBUTED_WORKLOAD_SETTINGS,
  ...TUTORIAL_SETTINGS,
  ...QUESTION_SETTINGS,
  ...GATE_SETTINGS,
  ...ADVANCED_SETTINGS,
  ...DASHBOARD_SETTINGS,
} as const;

export type SettingKey = keyof typeof SETTINGS;

/** A version to pin: major.minor (its newest z-stream) or a full version; `any` (returned as undefined) pins the channel head. */
function pinnedVersion(raw: string | undefined, fallback: string): string | undefined {
  const value = raw ?? fallback;
  if (value === 'any') return undefined;
  if (!/^\d+\.\d+(\.\d+)?$/.test(value))
    throw new InvalidSettingValue('a version such as 2.9 or 2.9.1 (major.minor or major.minor.patch), or any');
  return value;
}

/** The parsed settings of a run. */
export type Settings = {
  readonly [K in SettingKey]: ReturnType<(typeof SETTINGS)[K]['parse']>;
};

export const SETTING_DEFINITIONS: readonly SettingDefinition<unknown>[] = Object.values(SETTINGS);
