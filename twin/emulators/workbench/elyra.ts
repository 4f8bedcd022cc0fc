// Elyra in the RHOAI 2.9 workbench images (odh-elyra 3.16.5 = opendatahub-io/elyra tag 3.16.5, kfp
// 2.5): what the image's start-up does for it and the `elyra-pipeline` command a user runs in the
// workbench's terminal.
//
// Start-up (opendatahub-io/notebooks jupyter/datascience/ubi9-python-3.9/setup-elyra.sh, run by the
// image's start script): the dashboard's runtime configuration, the Secret ds-pipeline-config
// mounted at /opt/app-root/runtimes, is copied into $(jupyter --data-dir)/metadata/runtimes/, so
// the configuration is named after its key (odh_dsp). The kubelet's projected service-account
// volume (/var/run/secrets/kubernetes.io/serviceaccount: token, ca.crt, namespace) is written here
// too: the twin's kubelet mounts it for workbench pods only.
//
// `elyra-pipeline submit <file.pipeline> --runtime-config <name> [--json]` follows
// elyra/cli/pipeline_app.py submit and elyra/pipeline/kfp/processor_kfp.py process():
//   1. the runtime configuration from the metadata directory ("Invalid runtime configuration");
//   2. the pipeline file (pipeline-flow v3, Elyra pipeline version 8) read and validated: every
//      node's file and dependencies exist next to the pipeline, a runtime image is set, Kubernetes
//      secrets name a valid Secret and key (elyra/pipeline/validation.py);
//   3. authentication (elyra/pipeline/kfp/kfp_authentication.py): KUBERNETES_SERVICE_ACCOUNT_TOKEN
//      reads the token file $KF_PIPELINES_SA_TOKEN_PATH (default /var/run/secrets/kubeflow/pipelines/
//      token; the images' setup-elyra.sh exports the service account's token path, a terminal of the
//      JupyterLab server inherits it); the KFP client trusts $PIPELINES_SSL_SA_CERTS, else certifi's roots;
//   4. the KFP calls of kfp 2.5's Client: GET healthz (Client.__init__), GET experiments?page_size=1
//      (the namespace check), GET pipelines filtered by display_name (get_pipeline_id), then
//      POST pipelines/upload (first submit: the pipeline and its first version, then GET its
//      versions) or POST pipelines/upload_version (name "<pipeline>-<%m%d%H%M%S>"), GET experiments
//      filtered by name and POST experiments when none (create_experiment), POST runs (run_pipeline);
//   5. before the upload, object storage: the bucket checked (made when missing) with cos_username
//      and cos_password (minio-py, trusting $SSL_CERT_FILE else certifi), and each node's file and
//      dependencies packed as <cos_directory>/<file stem>-<node id>.tar.gz;
//   6. the pipeline compiled to KFP v2 IR as kfp 2.5 compiles Elyra's generated DSL
//      (elyra/templates/kubeflow/v2/python_dsl_template.jinja2 and
//      generic_component_definition_template.jinja2): one "Run a file" component per node running
//      the bootstrapper with the node's COS directory, archive, file, inputs and outputs; the task's
//      display name the node's label; the object storage Secret (cos_secret) and each node's
//      Kubernetes secrets as secretAsEnv of the platform spec; pod labels and annotations.
// Errors read as the CLI prints them ("Error: Error processing pipeline: ..." with the cause).
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import * as https from 'node:https';
import * as path from 'node:path';
import { rootCertificates } from 'node:tls';
import * as yaml from 'js-yaml';
import type { ClusterNetwork } from '../../network/cluster-network';
import type { FaultDefinition } from '../../fault-definition';
import type { CommandContext, CommandHandler, ContainerContext } from '../types';
import { tarGz } from './tar';

export const RUNTIME_CONFIG_FAULT = 'elyra-runtime-config-not-installed';
export const ARCHIVE_FAULT = 'elyra-archive-without-dependencies';
/** The ODH notebook webhook mounts the trusted CA bundle but sets no PIPELINES_SSL_SA_CERTS (twin/controllers/notebooks.ts plays it). */
export const PIPELINES_CA_FAULT = 'workbench-no-pipelines-ca-variable';

export const ELYRA_FAULTS: FaultDefinition[] = [
  {
    name: RUNTIME_CONFIG_FAULT,
    description:
      "The workbench image's start-up (setup-elyra.sh) does not copy the mounted runtime configuration (Secret ds-pipeline-config at /opt/app-root/runtimes) into Jupyter's metadata directory: `elyra-pipeline submit --runtime-config odh_dsp` finds no such runtime configuration",
    caughtBy: '@req.TUT-EL-03',
    expectMessage: 'has no Elyra runtime configuration odh_dsp',
  },
  {
    name: ARCHIVE_FAULT,
    description:
      "Elyra in the workbench packs only each node's own file into its dependency archive, not the node's file dependencies (data/card_transdata.csv of the training node)",
    caughtBy: '@req.TUT-EL-01',
    expectMessage: 'lacks the file dependencies',
  },
  {
    name: PIPELINES_CA_FAULT,
    description:
      "The ODH notebook webhook mounts the trusted CA bundle into workbenches but does not set PIPELINES_SSL_SA_CERTS: Elyra's KFP client trusts only the public roots and refuses the pipeline server's self-signed certificate",
    caughtBy: '@req.ADV-10',
    expectMessage: 'the workbench has no PIPELINES_SSL_SA_CERTS',
  },
];

const VERSION = '3.16.5';
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const KFP_DEFAULT_TOKEN_PATH = '/var/run/secrets/kubeflow/pipelines/token';
/** Where the task fetches the bootstrapper: ELYRA_BOOTSTRAP_SCRIPT_URL / ELYRA_REQUIREMENTS_URL, else elyra-ai's GitHub at v<version> (_compose_container_command_args). */
const BOOTSTRAPPER_URL = `https://raw.githubusercontent.com/elyra-ai/elyra/v${VERSION}/elyra/kfp/bootstrapper.py`;
const REQUIREMENTS_URL = `https://raw.githubusercontent.com/elyra-ai/elyra/v${VERSION}/etc/generic/requirements-elyra.txt`;

export interface ElyraDeps {
  namespace: string;
  network: ClusterNetwork;
  faults: { has(name: string): boolean };
}

function jupyterDataDir(env: Record<string, string>): string {
  return env.JUPYTER_DATA_DIR || path.posix.join(env.HOME || '/opt/app-root/src', '.local/share/jupyter');
}

/** The image's start-up for Elyra and the kubelet's service-account files (see the header). */
export async function setupElyra(ctx: ContainerContext, faults: { has(name: string): boolean }, token?: string): Promise<void> {
  if (token) {
    await ctx.fs.mkdir(SA_DIR, { recursive: true });
    await ctx.fs.writeFile(`${SA_DIR}/token`, token);
    await ctx.fs.writeFile(`${SA_DIR}/namespace`, ctx.pod.metadata.namespace!);
  }
  if (faults.has(RUNTIME_CONFIG_FAULT)) return;
  let names: string[];
  try {
    names = (await ctx.fs.readdir('/opt/app-root/runtimes')).filter((n) => n.endsWith('.json'));
  } catch {
    return;
  }
  const target = path.posix.join(jupyterDataDir({ ...ctx.env, HOME: ctx.env.HOME || '/opt/app-root/src' }), 'metadata/runtimes');
  await ctx.fs.mkdir(target, { recursive: true });
  for (const n of names) await ctx.fs.writeFile(path.posix.join(target, n), await ctx.fs.readFile(`/opt/app-root/runtimes/${n}`));
  ctx.log(`+ cp -r /opt/app-root/runtimes/..data/${names.join(' ')} ${target}/`);
}

class ClickException extends Error {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of the pipeline file and the API
type Json = Record<string, any>;

export interface ElyraNode {
  id: string;
  label: string;
  name: string;
  filename: string;
  runtimeImage: string;
  dependencies: string[];
  includeSubdirectories: boolean;
  outputs: string[];
  inputs: string[];
  envVars: { env_var: string; value: string }[];
  secrets: { env_var: string; name: string; key: string }[];
  labels: { key: string; value: string }[];
  annotations: { key: string; value: string }[];
  cpu?: number;
  memory?: number;
  parents: string[];
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function asList<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

/** Reads, checks and orders the nodes of the primary pipeline (elyra/pipeline/parser.py, validation.py). */
async function readPipeline(
  ctx: CommandContext,
  file: string,
): Promise<{ name: string; source: string; description?: string; nodes: ElyraNode[]; dir: string }> {
  const abs = path.posix.resolve(ctx.cwd, file);
  let text: string;
  try {
    text = (await ctx.fs.readFile(abs)).toString('utf8');
  } catch {
    throw new ClickException(`Pipeline file not found: '${abs}'\n`);
  }
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ClickException(`Pipeline file is invalid: \n Invalid JSON detected: ${(e as Error).message}`);
  }
  if (doc.doc_type !== 'pipeline' || !Array.isArray(doc.pipelines))
    throw new ClickException("Pipeline file is invalid: \n Pipeline is missing 'doc_type' or 'pipelines' field.");
  const primary = doc.pipelines.find((p: Json) => p.id === doc.primary_pipeline) ?? doc.pipelines[0];
  if (!primary) throw new ClickException('Pipeline file is invalid: \n Pipeline is missing the primary pipeline.');
  const version = Number(primary.app_data?.version ?? 0);
  const issues: string[] = [];
  if (version > 8)
    issues.push(
      ` [Error] - Pipeline was last edited in a newer version of Elyra. Update Elyra to use this pipeline. The current property value is '${version}'.`,
    );
  else if (version < 8)
    issues.push(` [Error] - Pipeline version ${version} is out of date and needs to be migrated using the Elyra pipeline editor.`);
  const props = primary.app_data?.properties ?? {};
  const defaults = props.pipeline_defaults ?? {};
  const dir = path.posix.dirname(abs);
  const nodes: ElyraNode[] = [];
  for (const n of asList<Json>(primary.nodes)) {
    if (n.type !== 'execution_node') continue;
    const p = n.app_data?.component_parameters ?? {};
    const label: string = n.app_data?.label || n.app_data?.ui_data?.label || p.filename || n.id;
    const node: ElyraNode = {
      id: String(n.id),
      label,
      name: label
        .replace(/[^-_0-9A-Za-z ]+/g, '-')
        .replace(/-+/g, '-')
        .replace(/^-+|-+$/g, ''),
      filename: String(p.filename ?? ''),
      runtimeImage: String(p.runtime_image || defaults.runtime_image || ''),
      dependencies: asList<string>(p.dependencies),
      includeSubdirectories: p.include_subdirectories === true,
      outputs: asList<string>(p.outputs),
      inputs: [],
      envVars: [...asList<Json>(defaults.env_vars), ...asList<Json>(p.env_vars)] as ElyraNode['envVars'],
      secrets: [...asList<Json>(defaults.kubernetes_secrets), ...asList<Json>(p.kubernetes_secrets)] as ElyraNode['secrets'],
      labels: [...asList<Json>(defaults.kubernetes_pod_labels), ...asList<Json>(p.kubernetes_pod_labels)] as ElyraNode['labels'],
      annotations: [
        ...asList<Json>(defaults.kubernetes_pod_annotations),
        ...asList<Json>(p.kubernetes_pod_annotations),
      ] as ElyraNode['annotations'],
      cpu: p.cpu ? Number(p.cpu) : undefined,
      memory: p.memory ? Number(p.memory) : undefined,
      parents: asList<Json>(n.inputs).flatMap((i) => asList<Json>(i.links).map((l) => String(l.node_id_ref))),
    };
    const at = (prop: string) => `[${label}][${prop}]`;
    if (!n.op || (n.op !== 'execute-notebook-node' && n.op !== 'execute-python-node' && n.op !== 'execute-r-node'))
      issues.push(` [Error][${label}] - This pipeline contains a node of unsupported type '${n.op}' for this runtime.`);
    if (!node.filename) issues.push(` [Error]${at('filename')} - Property is required.`);
    else if (!(await exists(ctx, path.posix.join(dir, node.filename))))
      issues.push(` [Error]${at('filename')} - File does not exist. The current property value is '${node.filename}'.`);
    if (!node.runtimeImage) issues.push(` [Error]${at('runtime_image')} - Required property value is missing.`);
    for (const d of node.dependencies) {
      if (d.includes('*')) continue;
      if (!(await exists(ctx, path.posix.join(dir, path.posix.dirname(node.filename), d))))
        issues.push(` [Error]${at('dependencies')} - File does not exist. The current property value is '${d}'.`);
    }
    for (const s of node.secrets) {
      if (!ENV_NAME.test(s.env_var ?? ''))
        issues.push(
          ` [Error]${at('kubernetes_secrets')} - Required environment variable was not specified. The current property value is '${s.env_var}'.`,
        );
      if (!K8S_NAME.test(s.name ?? '') || !SECRET_KEY.test(s.key ?? ''))
        issues.push(
          ` [Error]${at('kubernetes_secrets')} - Secret name and key are required and must be valid Kubernetes resource names. The current property value is '${s.name}:${s.key}'.`,
        );
    }
    nodes.push(node);
  }
  if (!nodes.length) issues.push(' [Error] - At least one node must exist in the primary pipeline.');
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes)
    for (const p of n.parents)
      if (!ids.has(p))
        issues.push(` [Error][${n.label}] - Node has a link to a node that does not exist. The current property value is '${p}'.`);
  ctx.stdout('Validating pipeline...\n');
  if (issues.length) {
    ctx.stdout(`${issues.join('\n')}\n\n`);
    throw new ClickException('Pipeline validation FAILED. The pipeline was not submitted for execution.');
  }
  ctx.stdout('\n');
  // Topological order and propagated inputs (PipelineProcessor._sort_operations, _propagate_operation_inputs_outputs).
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ordered: ElyraNode[] = [];
  const state = new Map<string, number>();
  const visit = (n: ElyraNode) => {
    if (state.get(n.id) === 2) return;
    if (state.get(n.id) === 1) throw new ClickException('Error parsing pipeline: \n The pipeline contains a circular reference.');
    state.set(n.id, 1);
    for (const p of n.parents) visit(byId.get(p)!);
    state.set(n.id, 2);
    ordered.push(n);
  };
  nodes.forEach(visit);
  for (const n of ordered) n.inputs = [...new Set(n.parents.flatMap((p) => [...byId.get(p)!.inputs, ...byId.get(p)!.outputs]))];
  const base = path.posix.basename(abs);
  return {
    name: base.replace(/\.[^.]*$/, ''),
    source: base,
    description: props.description,
    nodes: ordered,
    dir,
  };
}

async function exists(ctx: CommandContext, p: string): Promise<boolean> {
  try {
    await ctx.fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

/** A node's file and dependencies as the archive holds them (paths relative to the file's directory). */
async function dependencyFiles(
  ctx: CommandContext,
  dir: string,
  node: ElyraNode,
  faults: ElyraDeps['faults'],
): Promise<[string, Buffer][]> {
  const base = path.posix.join(dir, path.posix.dirname(node.filename));
  const wanted = [path.posix.basename(node.filename), ...(faults.has(ARCHIVE_FAULT) ? [] : node.dependencies)];
  const out: [string, Buffer][] = [];
  const walk = async (rel: string, recurse: boolean): Promise<void> => {
    const full = path.posix.join(base, rel);
    const st = await ctx.fs.stat(full);
    if (st.isDirectory()) {
      if (!recurse && rel !== '.') return;
      for (const e of await ctx.fs.readdir(full)) await walk(rel === '.' ? e : `${rel}/${e}`, node.includeSubdirectories);
    } else if (!out.some(([p]) => p === rel)) out.push([rel, await ctx.fs.readFile(full)]);
  };
  for (const w of wanted) {
    if (w.includes('*')) {
      const d = path.posix.dirname(w);
      const re = new RegExp(
        `^${path.posix
          .basename(w)
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')}$`,
      );
      for (const e of await ctx.fs.readdir(path.posix.join(base, d)).catch(() => [] as string[]))
        if (re.test(e)) await walk(d === '.' ? e : `${d}/${e}`, node.includeSubdirectories);
    } else await walk(w, true);
  }
  return out;
}

function python(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { cause?: unknown };
  const m = e?.message ?? String(err);
  if (/self.signed|unable to verify|certificate/i.test(m))
    return `SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${/self.signed/i.test(m) ? 'self-signed certificate in certificate chain' : 'unable to get local issuer certificate'} (_ssl.c:1006)'))`;
  if (e.code === 'ENOTFOUND' || /ENOTFOUND|no such host/i.test(m))
    return "NewConnectionError(': Failed to establish a new connection: [Errno -2] Name or service not known')";
  if (e.code === 'ECONNREFUSED') return "NewConnectionError(': Failed to establish a new connection: [Errno 111] Connection refused')";
  return m;
}

interface Runtime {
  name: string;
  metadata: Json;
  schema_name: string;
}

async function readRuntime(ctx: CommandContext, name: string): Promise<Runtime> {
  const file = path.posix.join(jupyterDataDir(ctx.env), 'metadata/runtimes', `${name}.json`);
  let doc: Json;
  try {
    doc = JSON.parse((await ctx.fs.readFile(file)).toString('utf8'));
  } catch {
    throw new ClickException(
      `Invalid runtime configuration: ${name}\n No such instance named '${name}' was found in the runtimes schemaspace.`,
    );
  }
  if (doc.schema_name !== 'kfp')
    throw new ClickException(`Invalid runtime configuration: ${name}\n schema '${doc.schema_name}' is not a Kubeflow Pipelines runtime`);
  for (const k of ['api_endpoint', 'cos_auth_type', 'cos_endpoint', 'cos_bucket'])
    if (!doc.metadata?.[k])
      throw new ClickException(
        `Invalid runtime configuration: ${name}\n Validation failed for instance '${name}' using the kfp schema with error: '${k}' is a required property.`,
      );
  return { name, metadata: doc.metadata, schema_name: doc.schema_name };
}

/** kfp 2.5's REST client (kfp_server_api over urllib3) as Elyra builds it. */
class KfpRest {
  constructor(
    private readonly host: string,
    private readonly token: string | undefined,
    private readonly agent: https.Agent,
  ) {}

  request(method: string, pathAndQuery: string, body?: { json?: unknown; file?: { name: string; content: string } }): Promise<Json> {
    const url = new URL(pathAndQuery, this.host.endsWith('/') ? this.host : `${this.host}/`);
    let payload: Buffer | undefined;
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'OpenAPI-Generator/2.0.5/python' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body?.json !== undefined) {
      payload = Buffer.from(JSON.stringify(body.json));
      headers['Content-Type'] = 'application/json';
    } else if (body?.file) {
      const boundary = `${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
      payload = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="uploadfile"; filename="${body.file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        Buffer.from(body.file.content),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
    }
    if (payload) headers['Content-Length'] = String(payload.length);
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c as Buffer));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) {
            try {
              return resolve(text ? JSON.parse(text) : {});
            } catch {
              return reject(new Error(`(${res.statusCode})\nReason: the answer is not JSON\nHTTP response body: ${text.slice(0, 300)}`));
            }
          }
          reject(
            new Error(
              `(${res.statusCode})\nReason: ${res.statusMessage}\nHTTP response headers: HTTPHeaderDict({'content-type': '${res.headers['content-type'] ?? ''}'})\nHTTP response body: ${text.slice(0, 600)}`,
            ),
          );
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error('Read timed out. (read timeout=30)')));
      req.on('error', (e) =>
        reject(
          new Error(
            `HTTPSConnectionPool(host='${url.hostname}', port=${url.port || 443}): Max retries exceeded with url: ${url.pathname}${url.search} (Caused by ${python(e)})`,
          ),
        ),
      );
      req.end(payload);
    });
  }
}

const filterBy = (name: string) =>
  encodeURIComponent(JSON.stringify({ predicates: [{ operation: 1, key: 'display_name', stringValue: name }] }));

function kfpName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-0-9a-z]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The KFP v2 IR kfp 2.5 compiles Elyra's generated DSL to (see the header, step 6). */
export function compileElyraPipeline(
  p: { name: string; source: string; description?: string; nodes: ElyraNode[] },
  o: {
    cosEndpoint: string;
    cosBucket: string;
    cosDirectory: string;
    cosSecret?: string;
    cosUsername?: string;
    cosPassword?: string;
    bootstrapperUrl?: string;
    requirementsUrl?: string;
  },
): string {
  const bootstrapperUrl = o.bootstrapperUrl || BOOTSTRAPPER_URL;
  const requirementsUrl = o.requirementsUrl || REQUIREMENTS_URL;
  const components: Json = {};
  const executors: Json = {};
  const tasks: Json = {};
  const platform: Json = {};
  const taskOf = new Map<string, string>();
  p.nodes.forEach((n, i) => {
    const suffix = i === 0 ? '' : `-${i + 1}`;
    const task = `run-a-file${suffix}`;
    taskOf.set(n.id, task);
    const archive = `${path.posix.basename(n.filename).replace(/\.[^.]*$/, '')}-${n.id}.tar.gz`;
    const command = [
      'mkdir -p ./jupyter-work-dir && cd ./jupyter-work-dir',
      `echo 'Downloading ${bootstrapperUrl}' && curl --fail -H 'Cache-Control: no-cache' -L ${bootstrapperUrl} --output bootstrapper.py`,
      `echo 'Downloading ${requirementsUrl}' && curl --fail -H 'Cache-Control: no-cache' -L ${requirementsUrl} --output requirements-elyra.txt`,
      'python3 -m pip install  packaging && python3 -m pip freeze > requirements-current.txt && python3 bootstrapper.py ' +
        `--pipeline-name '${p.name}' --cos-endpoint '${o.cosEndpoint}' --cos-bucket '${o.cosBucket}' --cos-directory '${o.cosDirectory}' ` +
        `--cos-dependencies-archive '${archive}' --file '${n.filename}' ` +
        (n.inputs.length ? `--inputs '${n.inputs.join(';')}' ` : '') +
        (n.outputs.length ? `--outputs '${n.outputs.join(';')}' ` : ''),
    ];
    const env: Record<string, string> = Object.fromEntries(n.envVars.filter((e) => e.env_var).map((e) => [e.env_var, e.value ?? '']));
    env.ELYRA_RUNTIME_ENV = 'kfp';
    if (!o.cosSecret) {
      if (o.cosUsername) env.AWS_ACCESS_KEY_ID = o.cosUsername;
      if (o.cosPassword) env.AWS_SECRET_ACCESS_KEY = o.cosPassword;
    }
    env.ELYRA_ENABLE_PIPELINE_INFO = 'True';
    env.ELYRA_WRITABLE_CONTAINER_DIR = '/tmp';
    env.ELYRA_RUN_NAME = '{{workflow.annotations.pipelines.kubeflow.org/run_name}}';
    components[`comp-run-a-file${suffix}`] = { executorLabel: `exec-run-a-file${suffix}` };
    executors[`exec-run-a-file${suffix}`] = {
      container: {
        image: n.runtimeImage,
        command: ['sh', '-c'],
        args: [command.map((c) => `sh -c "${c}"`).join('\n') + '\n'],
        env: Object.entries(env).map(([name, value]) => ({ name, value })),
        ...(n.cpu || n.memory
          ? { resources: { ...(n.cpu ? { cpuRequest: n.cpu } : {}), ...(n.memory ? { memoryRequest: n.memory * 1e9 } : {}) } }
          : {}),
      },
    };
    tasks[task] = {
      cachingOptions: { enableCache: true },
      componentRef: { name: `comp-run-a-file${suffix}` },
      ...(n.parents.length ? { dependentTasks: n.parents.map((x) => taskOf.get(x)!).sort() } : {}),
      taskInfo: { name: n.name },
    };
    const secrets = [
      ...(o.cosSecret
        ? [
            {
              secretName: o.cosSecret,
              keyToEnv: [
                { secretKey: 'AWS_ACCESS_KEY_ID', envVar: 'AWS_ACCESS_KEY_ID' },
                { secretKey: 'AWS_SECRET_ACCESS_KEY', envVar: 'AWS_SECRET_ACCESS_KEY' },
              ],
            },
          ]
        : []),
      ...n.secrets.map((s) => ({ secretName: s.name, keyToEnv: [{ secretKey: s.key, envVar: s.env_var }] })),
    ];
    platform[`exec-run-a-file${suffix}`] = {
      podMetadata: {
        labels: {
          'elyra/node-type': 'notebook-script',
          'elyra/pipeline-name': p.name.replace(/[^-_.0-9A-Za-z]+/g, '-').slice(0, 63),
          'elyra/pipeline-version': '',
          'elyra/experiment-name': '',
          'elyra/node-name': n.name.replace(/[^-_.0-9A-Za-z]+/g, '-').slice(0, 63),
          ...Object.fromEntries(n.labels.map((l) => [l.key, l.value ?? ''])),
        },
        annotations: {
          'elyra/node-file-name': n.filename,
          'elyra/pipeline-source': p.source,
          ...Object.fromEntries(n.annotations.map((a) => [a.key, a.value ?? ''])),
        },
      },
      ...(secrets.length ? { secretAsEnv: secrets } : {}),
    };
  });
  const spec = {
    components,
    deploymentSpec: { executors },
    pipelineInfo: { ...(p.description ? { description: p.description } : {}), name: kfpName(p.name) },
    root: { dag: { tasks } },
    schemaVersion: '2.1.0',
    sdkVersion: 'kfp-2.5.0',
  };
  return `# PIPELINE DEFINITION\n# Name: ${kfpName(p.name)}\n${yaml.dump(spec, { lineWidth: -1, noRefs: true })}---\n${yaml.dump({ platforms: { kubernetes: { deploymentSpec: { executors: platform } } } }, { lineWidth: -1, noRefs: true })}`;
}

function timestamp(d = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getMonth() + 1)}${two(d.getDate())}${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}

async function trustFrom(ctx: CommandContext, variable: string): Promise<string[]> {
  const file = ctx.env[variable];
  if (!file) return [...rootCertificates];
  try {
    return [(await ctx.fs.readFile(file)).toString('utf8')];
  } catch {
    throw new Error(`Could not find a suitable TLS CA certificate bundle, invalid path: ${file}`);
  }
}

/**
 * What the real command spends before it does anything: Python importing elyra, kfp and their
 * dependencies (several seconds in the 2.9 workbench images). Played as one second, so that two
 * submissions never share the second of the timestamp Elyra names a pipeline version with
 * (processor_kfp.py: `<pipeline>-<%m%d%H%M%S>`), as they cannot on a real workbench.
 */
const CLI_START_MS = 1000;

async function submit(ctx: CommandContext, deps: ElyraDeps, args: string[]): Promise<number> {
  await new Promise((started) => setTimeout(started, CLI_START_MS));
  let file: string | undefined;
  let runtimeName: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runtime-config') runtimeName = args[++i];
    else if (args[i].startsWith('--runtime-config=')) runtimeName = args[i].slice('--runtime-config='.length);
    else if (args[i] === '--json') json = true;
    else if (args[i] === '--monitor' || args[i] === '--monitor-timeout') {
      if (args[i] === '--monitor-timeout') i++;
    } else if (!args[i].startsWith('-')) file = args[i];
  }
  if (!file) {
    ctx.stderr(
      "Usage: elyra-pipeline submit [OPTIONS] PIPELINE_PATH\nTry 'elyra-pipeline submit --help' for help.\n\nError: Missing argument 'PIPELINE_PATH'.\n",
    );
    return 2;
  }
  if (!runtimeName) {
    ctx.stderr(
      "Usage: elyra-pipeline submit [OPTIONS] PIPELINE_PATH\nTry 'elyra-pipeline submit --help' for help.\n\nError: Missing option '--runtime-config'.\n",
    );
    return 2;
  }
  const line = '────────────────────────────────────────────────────────────────';
  ctx.stdout(`\n${line}\n Elyra Pipeline Submission\n${line}\n\n`);
  const runtime = await readRuntime(ctx, runtimeName);
  const pipeline = await readPipeline(ctx, file);
  const m = runtime.metadata;
  const apiEndpoint = String(m.api_endpoint).replace(/\/+$/, '');
  const publicApi = String(m.public_api_endpoint ?? apiEndpoint);
  const fail = (what: string, cause: unknown) =>
    new ClickException(`Error processing pipeline: \n ${what} \n ${python(cause).replace(/^Error: /, '')}`);
  // Authentication.
  if (m.auth_type !== 'KUBERNETES_SERVICE_ACCOUNT_TOKEN' && m.auth_type !== 'EXISTING_BEARER_TOKEN' && m.auth_type !== 'NO_AUTHENTICATION')
    throw new ClickException(
      `Error processing pipeline: \n Kubeflow authentication failed: Authentication type '${m.auth_type}' is not supported by the twin's Elyra.`,
    );
  let token: string | undefined;
  if (m.auth_type === 'KUBERNETES_SERVICE_ACCOUNT_TOKEN') {
    const tokenPath = ctx.env.KF_PIPELINES_SA_TOKEN_PATH || KFP_DEFAULT_TOKEN_PATH;
    try {
      token = (await ctx.fs.readFile(tokenPath)).toString('utf8').trim();
    } catch (e) {
      throw new ClickException(
        `Error processing pipeline: \n Kubeflow authentication failed: Kubernetes service account token could not be read from ${tokenPath}: [Errno 2] No such file or directory: '${tokenPath}'.`,
      );
    }
    if (!token)
      throw new ClickException(
        `Error processing pipeline: \n Kubeflow authentication failed: Kubernetes service account token file ${tokenPath} is empty.`,
      );
  } else if (m.auth_type === 'EXISTING_BEARER_TOKEN') token = String(m.api_password ?? '');
  const kfpCa = await trustFrom(ctx, 'PIPELINES_SSL_SA_CERTS');
  const agent = deps.network.agents(deps.namespace, { ca: kfpCa, rejectUnauthorized: true }).https;
  const kfp = new KfpRest(apiEndpoint, token, agent);
  const cfg = `Check Kubeflow Pipelines runtime configuration: '${runtimeName}'`;
  try {
    await kfp.request('GET', 'apis/v2beta1/healthz');
  } catch (e) {
    throw fail(
      `Failed to initialize \`kfp.Client()\` against: '${apiEndpoint}' - ${cfg} - [TIP: did you mean to set '${apiEndpoint}/pipeline' as the endpoint, take care not to include 's' at end]`,
      e,
    );
  }
  try {
    await kfp.request('GET', 'apis/v2beta1/experiments?page_size=1');
  } catch (e) {
    throw fail(
      `Failed to \`kfp.Client().list_experiments()\` against: '${apiEndpoint}' - ${cfg} - [TIP: you probably need to set a namespace]`,
      e,
    );
  }
  const ts = timestamp();
  let pipelineId: string | undefined;
  try {
    const found = (await kfp.request('GET', `apis/v2beta1/pipelines?filter=${filterBy(pipeline.name)}`)).pipelines ?? [];
    if (found.length > 1) throw new Error(`Multiple pipelines with the name: ${pipeline.name} found, the name needs to be unique`);
    pipelineId = found[0]?.pipeline_id;
  } catch (e) {
    throw fail(`Failed to get ID of Kubeflow pipeline: '${pipeline.name}' - ${cfg}`, e);
  }
  const versionName = pipelineId ? `${pipeline.name}-${ts}` : pipeline.name;
  // Object storage: the bucket, then each node's archive.
  const instance = `${pipeline.name}-${ts}`;
  const cosDirectory = instance;
  const cosEndpoint = String(m.cos_endpoint);
  const cosCa = await trustFrom(ctx, 'SSL_CERT_FILE');
  const agents = deps.network.agents(deps.namespace, { ca: cosCa, rejectUnauthorized: true });
  const s3 = new S3Client({
    endpoint: cosEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: String(m.cos_username ?? ''), secretAccessKey: String(m.cos_password ?? '') },
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { httpAgent: agents.http, httpsAgent: agents.https, connectionTimeout: 10_000, requestTimeout: 30_000 },
  });
  ctx.stderr(`[I ${new Date().toISOString()}] '${pipeline.name}':'submitting pipeline'\n`);

  try {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: String(m.cos_bucket) }));
    } catch (e) {
      if (e instanceof S3ServiceException && (e.$metadata?.httpStatusCode === 404 || e.name === 'NotFound'))
        await s3.send(new CreateBucketCommand({ Bucket: String(m.cos_bucket) }));
      else throw e;
    }
  } catch (e) {
    s3.destroy();
    throw fail(
      `Error compiling pipeline '${pipeline.name}' with engine 'argo'.`,
      new Error(
        `Error connecting to object storage: ${e instanceof S3ServiceException ? `S3 operation failed; code: ${e.name}, message: ${e.message}` : python(e)}`,
      ),
    );
  }
  try {
    for (const n of pipeline.nodes) {
      const archive = `${path.posix.basename(n.filename).replace(/\.[^.]*$/, '')}-${n.id}.tar.gz`;
      const files = await dependencyFiles(ctx, pipeline.dir, n, deps.faults);
      const body = await tarGz(files);
      await s3.send(
        new PutObjectCommand({
          Bucket: String(m.cos_bucket),
          Key: `${cosDirectory}/${archive}`,
          Body: body,
          ContentType: 'application/gzip',
        }),
      );
      ctx.stderr(
        `[I ${new Date().toISOString()}] '${pipeline.name}':'${n.name}' - uploaded dependencies ${archive} (${files.map(([p]) => p).join(', ')})\n`,
      );
    }
  } catch (e) {
    throw fail(
      `Error compiling pipeline '${pipeline.name}' with engine 'argo'.`,
      new Error(`Error uploading artifacts to object storage: ${python(e)}`),
    );
  } finally {
    s3.destroy();
  }
  const ir = compileElyraPipeline(pipeline, {
    cosEndpoint,
    cosBucket: String(m.cos_bucket),
    cosDirectory,
    cosSecret: m.cos_auth_type === 'KUBERNETES_SECRET' ? m.cos_secret : undefined,
    cosUsername: m.cos_username,
    cosPassword: m.cos_password,
    bootstrapperUrl: ctx.env.ELYRA_BOOTSTRAP_SCRIPT_URL,
    requirementsUrl: ctx.env.ELYRA_REQUIREMENTS_URL,
  });
  const description = pipeline.description ?? `Created with Elyra ${VERSION} pipeline editor using \`${pipeline.source}\`.`;
  let versionId: string | undefined;
  try {
    if (!pipelineId) {
      const created = await kfp.request(
        'POST',
        `apis/v2beta1/pipelines/upload?name=${encodeURIComponent(pipeline.name)}&description=${encodeURIComponent(description)}`,
        { file: { name: `${pipeline.name}.yaml`, content: ir } },
      );
      pipelineId = created.pipeline_id;
      const versions = await kfp.request('GET', `apis/v2beta1/pipelines/${pipelineId}/versions?page_token=&page_size=10&sort_by=`);
      versionId = versions.pipeline_versions?.[0]?.pipeline_version_id;
    } else {
      const v = await kfp.request(
        'POST',
        `apis/v2beta1/pipelines/upload_version?name=${encodeURIComponent(versionName)}&pipelineid=${pipelineId}`,
        { file: { name: `${pipeline.name}.yaml`, content: ir } },
      );
      versionId = v.pipeline_version_id;
    }
  } catch (e) {
    throw fail(`Failed to upload Kubeflow pipeline '${pipeline.name}' - ${cfg}`, e);
  }
  const experimentName = pipeline.name.toLowerCase();
  let experimentId: string;
  try {
    const found = (await kfp.request('GET', `apis/v2beta1/experiments?filter=${filterBy(experimentName)}`)).experiments ?? [];
    experimentId =
      found[0]?.experiment_id ??
      (await kfp.request('POST', 'apis/v2beta1/experiments', { json: { display_name: experimentName } })).experiment_id;
  } catch (e) {
    throw fail(`Failed to create Kubeflow experiment: '${experimentName}' - ${cfg}`, e);
  }
  let run: Json;
  try {
    run = await kfp.request('POST', 'apis/v2beta1/runs', {
      json: {
        experiment_id: experimentId,
        display_name: instance,
        pipeline_version_reference: { pipeline_id: pipelineId, pipeline_version_id: versionId },
        runtime_config: { parameters: {} },
      },
    });
  } catch (e) {
    throw fail(`Failed to create Kubeflow pipeline run: '${instance}' - ${cfg}`, e);
  }
  const response = {
    run_url: `${publicApi}/${run.run_id}`,
    object_storage_url: cosEndpoint,
    object_storage_path: `/${m.cos_bucket}/${cosDirectory}`,
    platform: 'kfp',
    run_id: run.run_id,
  };
  ctx.stderr(`[I ${new Date().toISOString()}] '${pipeline.name}':'pipeline submitted: ${response.run_url}'\n`);
  if (json) ctx.stdout(`\n${JSON.stringify(response, null, 4)}\n`);
  else
    ctx.stdout(
      `❯ Job submission succeeded\n  Check the status of your job at: ${response.run_url}\n  The results and outputs are in the ${response.object_storage_path} working directory in ${response.object_storage_url}\n\n\n${line}\n Elyra Pipeline Submission Complete\n${line}\n\n`,
    );
  return 0;
}

/** `elyra-pipeline` (elyra/cli/pipeline_app.py): submit and --version. */
export function elyraPipelineCommand(deps: ElyraDeps): CommandHandler {
  return async (ctx) => {
    const [sub, ...args] = ctx.argv.slice(1);
    if (sub === '--version') return (ctx.stdout(`\u276f Version\n  elyra ${VERSION}\n\n`), 0);
    if (sub !== 'submit') {
      ctx.stderr(`Error: the twin's elyra-pipeline runs \`submit\` and \`--version\`, not "${[sub, ...args].join(' ')}"\n`);
      return 2;
    }
    try {
      return await submit(ctx, deps, args);
    } catch (e) {
      if (e instanceof ClickException) {
        ctx.stderr(`Error: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  };
}
