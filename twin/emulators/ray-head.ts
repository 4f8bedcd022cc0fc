// The Ray image (quay.io/project-codeflare/ray, quay.io/modh/ray, rayproject/ray) as KubeRay runs it:
// the head node serves the Ray jobs REST API on the dashboard port 8265 and the Ray client on 10001;
// a worker node serves nothing of its own. Jobs really run: the entrypoint must be a Python command
// (`python ...` / `python3 ...`), run by the machine's python3 in a fresh temporary work directory
// with a time limit (RAY_TWIN_JOB_TIME_LIMIT_SECONDS of the container's environment, default 120),
// with a small `ray` module on its path that runs remote functions in the same process (ray.init,
// ray.remote, ray.get, ray.put, ray.wait, ray.cluster_resources from the cluster's requests). Any
// other entrypoint, and a runtime_env asking for packages (pip, conda) or a working_dir upload, is
// refused with the reason (the job ends FAILED, as a command the image cannot run does).
//
// Upstream it follows:
// - ray-project/ray releases/2.20.0 (the Ray of quay.io/project-codeflare/ray:2.20.0-py39-cu118, the
//   CodeFlare SDK 0.16 default image) dashboard/modules/job/job_head.py and common.py: POST
//   /api/jobs/ (submission_id generated "raysubmit_<16 chars>" when absent; a known one is a 400
//   "Job with submission_id <id> already exists. Please use a different submission_id."), GET
//   /api/jobs/ (list), GET /api/jobs/<id> (JobDetails; 404 "Job <id> does not exist"), GET
//   /api/jobs/<id>/logs ({logs}), POST /api/jobs/<id>/stop ({stopped}), DELETE /api/jobs/<id>
//   ({deleted}; a job not in a terminal state is a 400 "Attempted to delete job with id <id>, but it
//   is in a non-terminal state <status>."), GET /api/jobs/<id>/logs/tail (a WebSocket: the logs so far,
//   then each new chunk as a text frame, closed with 1000 once the job is terminal — job_head.py
//   tail_job_logs and job_manager.py tail_job_logs; a job it does not know is a 404 before the
//   upgrade); statuses PENDING, RUNNING, STOPPED, SUCCEEDED, FAILED
//   and their messages ("Job has not started yet.", "Job is currently running.", "Job was
//   intentionally stopped.", "Job finished successfully.", "Job entrypoint command failed with exit
//   code <n>, last available logs (truncated to 20,000 chars):\n<logs>");
// - red-hat-data-services/kuberay rhoai-2.9 ray-operator/controllers/ray/utils/dashboard_httpclient.go
//   (the same API, as KubeRay's HTTPMode calls it);
// - red-hat-data-services/codeflare-operator rhoai-2.9 pkg/controllers/raycluster_webhook.go: with
//   mTLS the head gets RAY_USE_TLS=1 and RAY_TLS_SERVER_CERT/KEY/CA_CERT under
//   /home/ray/workspace/tls, written by the create-cert init container from the cluster's CA
//   (ca-secret-<name>, mounted at /home/ray/workspace/ca). The twin's kubelet completes that init
//   container at once, so the head signs its server certificate itself at start, from the same CA
//   files, as create-cert would. The client port then requires a client certificate signed by that
//   CA (the Ray client's mTLS); without RAY_USE_TLS it speaks plain TCP.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import forge from 'node-forge';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { parseQuantity } from '../api/quantity';
import { createServingCert } from '../api/tls';
import type { FaultSet } from '../fault-set';
import { splitWords } from './env';
import {
  ContainerExit,
  imageBaseName,
  type EmulatedPort,
  type ContainerContext,
  type ContainerEmulator,
  type ImageEmulator,
} from './types';

type Status = 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';
const TERMINAL: Status[] = ['STOPPED', 'SUCCEEDED', 'FAILED'];

interface RayJob {
  submission_id: string;
  entrypoint: string;
  status: Status;
  message: string;
  start_time: number | null;
  end_time: number | null;
  metadata: Record<string, string>;
  runtime_env: Record<string, unknown>;
  logs: string;
  process?: ChildProcess;
  workDir?: string;
  stopping?: boolean;
  /** Called when logs grow or the job ends (the logs/tail WebSockets). */
  watchers: Set<() => void>;
}

/** The `ray` module the image provides, reduced to what runs inside one process. */
const RAY_MODULE = `"""The twin's Ray: remote functions run in this process (no scheduling across nodes)."""
import json as _json
import os as _os

_initialized = False

class ObjectRef:
    def __init__(self, value=None, error=None):
        self._value = value
        self._error = error
    def __repr__(self):
        return "ObjectRef(%x)" % id(self)

def init(address=None, *args, **kwargs):
    global _initialized
    _initialized = True
    print("Connecting to existing Ray cluster at address: %s..." % _os.environ.get("RAY_ADDRESS", "auto"))
    return {"address": _os.environ.get("RAY_ADDRESS", "auto")}

def is_initialized():
    return _initialized

def shutdown():
    global _initialized
    _initialized = False

def cluster_resources():
    return _json.loads(_os.environ.get("RAY_TWIN_CLUSTER_RESOURCES", "{}"))

def available_resources():
    return cluster_resources()

def nodes():
    return [{"Alive": True, "Resources": cluster_resources()}]

def put(value):
    return ObjectRef(value)

def get(refs, timeout=None):
    if isinstance(refs, list):
        return [get(r) for r in refs]
    if refs._error is not None:
        raise refs._error
    return refs._value

def wait(refs, num_returns=1, timeout=None):
    return refs[:num_returns], refs[num_returns:]

class _RemoteFunction:
    def __init__(self, fn):
        self._fn = fn
    def remote(self, *args, **kwargs):
        args = [get(a) if isinstance(a, ObjectRef) else a for a in args]
        try:
            return ObjectRef(self._fn(*args, **kwargs))
        except Exception as e:
            return ObjectRef(error=e)
    def options(self, **kwargs):
        return self

class _ActorHandle:
    def __init__(self, obj):
        self._obj = obj
    def __getattr__(self, name):
        return _RemoteFunction(getattr(self._obj, name))

class _ActorClass:
    def __init__(self, cls):
        self._cls = cls
    def remote(self, *args, **kwargs):
        return _ActorHandle(self._cls(*args, **kwargs))
    def options(self, **kwargs):
        return self

def remote(*args, **kwargs):
    def wrap(target):
        return _ActorClass(target) if isinstance(target, type) else _RemoteFunction(target)
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return wrap(args[0])
    return wrap
`;

let moduleDir: string | undefined;
function rayModuleDir(): string {
  if (moduleDir && fs.existsSync(moduleDir)) return moduleDir;
  moduleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-twin-ray-module-'));
  fs.mkdirSync(path.join(moduleDir, 'ray'));
  fs.writeFileSync(path.join(moduleDir, 'ray', '__init__.py'), RAY_MODULE);
  return moduleDir;
}

export function rayEmulator(faults: FaultSet): ImageEmulator {
  return {
    name: 'ray',
    matches: (image) => imageBaseName(image) === 'ray',
    start: (ctx) => startRay(ctx, faults),
  };
}

function startRay(ctx: ContainerContext, faults: FaultSet): ContainerEmulator {
  const head = ctx.pod.metadata.labels?.['ray.io/node-type'] === 'head';
  if (!head) return { ports: [] };
  if (faults.has('ray-head-never-ready'))
    throw new ContainerExit(
      '[2024-05-01 10:00:00,000 E 1 1] gcs_server_main.cc:61: Failed to start the GCS server: the Redis address of ray start --head is taken (address already in use: 0.0.0.0:6379)',
    );
  const jobs = new Map<string, RayJob>();
  const limitSeconds = Number(ctx.env.RAY_TWIN_JOB_TIME_LIMIT_SECONDS ?? 120) || 120;
  const resources = clusterResources(ctx);
  ctx.log('Usage stats collection is disabled.');
  ctx.log('Local node IP: ' + (ctx.env.MY_POD_IP ?? '10.128.0.10'));
  ctx.log('Ray runtime started.');
  const ports: ContainerEmulator['ports'] = [
    {
      port: 8265,
      handler: (req, res) => void jobsApi(req, res, jobs, { ctx, limitSeconds, resources, faults }),
      upgrade: (req, socket, head) => tailLogs(req, socket, head, jobs),
    },
  ];
  // ray-client-without-tls: a custom image whose ray start ignores RAY_USE_TLS.
  const client = faults.has('ray-client-without-tls') ? clientPort({ ...ctx, env: { ...ctx.env, RAY_USE_TLS: '0' } }) : clientPort(ctx);
  if (client) ports.push(client);
  return {
    ports,
    stop() {
      for (const job of jobs.values()) kill(job);
    },
  };
}

/** The resources Ray reports: the head's own requests (the twin does not join workers' raylets). */
function clusterResources(ctx: ContainerContext): Record<string, number> {
  const own = ctx.container.resources?.requests ?? {};
  return { CPU: parseQuantity(own.cpu ?? '1'), memory: parseQuantity(own.memory ?? '0'), GPU: parseQuantity(own['nvidia.com/gpu'] ?? '0') };
}

/** The Ray client port: TLS with client certificates under RAY_USE_TLS, else plain. */
function clientPort(ctx: ContainerContext): ContainerEmulator['ports'][number] | undefined {
  const handler = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('Ray client server (gRPC)\n');
  };
  if (ctx.env.RAY_USE_TLS !== '1') return { port: 10001, handler };
  const read = (p: string) => {
    try {
      return fs.readFileSync(ctx.fs.hostPath(p)).toString('utf8');
    } catch {
      return undefined;
    }
  };
  const certFile = ctx.env.RAY_TLS_SERVER_CERT ?? '/home/ray/workspace/tls/server.crt';
  const keyFile = ctx.env.RAY_TLS_SERVER_KEY ?? '/home/ray/workspace/tls/server.key';
  const caFile = ctx.env.RAY_TLS_CA_CERT ?? '/home/ray/workspace/tls/ca.crt';
  let cert = read(certFile);
  let key = read(keyFile);
  let ca = read(caFile);
  if (!cert || !key) {
    // create-cert: a server certificate signed by the cluster's CA (ca-secret-<name> at /home/ray/workspace/ca).
    const caCert = read('/home/ray/workspace/ca/ca.crt');
    const caKey = read('/home/ray/workspace/ca/ca.key');
    if (!caCert || !caKey)
      throw new ContainerExit(
        `ray start: RAY_USE_TLS is set but ${certFile} does not exist and no CA is mounted at /home/ray/workspace/ca`,
      );
    const ns = ctx.pod.metadata.namespace;
    const cluster = ctx.pod.metadata.labels?.['ray.io/cluster'];
    const issued = createServingCert(
      { cert: forge.pki.certificateFromPem(caCert), key: forge.pki.privateKeyFromPem(caKey) },
      'ray-head',
      ['127.0.0.1', 'localhost', `${cluster}-head-svc.${ns}.svc`, `rayclient-${cluster}-${ns}.${ctx.appsDomain}`],
      [],
      'ray-head',
    );
    cert = issued.certPem;
    key = issued.keyPem;
    ca = caCert;
    for (const [file, text] of [
      [certFile, cert],
      [keyFile, key],
      [caFile, ca],
    ] as const) {
      try {
        fs.mkdirSync(path.dirname(ctx.fs.hostPath(file)), { recursive: true });
        fs.writeFileSync(ctx.fs.hostPath(file), text);
      } catch {
        /* a read-only mount: the certificate stays in memory */
      }
    }
  }
  // https.createServer takes the TLS server options (requestCert, rejectUnauthorized) with the context's.
  const tls = { cert, key, ca, requestCert: true, rejectUnauthorized: true };
  return { port: 10001, handler, tls: tls as EmulatedPort['tls'] };
}

interface JobsContext {
  ctx: ContainerContext;
  limitSeconds: number;
  resources: Record<string, number>;
  faults: FaultSet;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(body);
}

function details(job: RayJob): Record<string, unknown> {
  return {
    type: 'SUBMISSION',
    job_id: job.status === 'PENDING' ? null : `0${job.submission_id.length}000000`,
    submission_id: job.submission_id,
    driver_info: null,
    status: job.status,
    entrypoint: job.entrypoint,
    message: job.message,
    error_type: job.status === 'FAILED' ? 'JOB_ENTRYPOINT_COMMAND_ERROR' : null,
    start_time: job.start_time,
    end_time: job.end_time,
    metadata: job.metadata,
    runtime_env: job.runtime_env,
    driver_agent_http_address: null,
    driver_node_id: null,
  };
}

async function body(req: IncomingMessage): Promise<string> {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data;
}

async function jobsApi(req: IncomingMessage, res: ServerResponse, jobs: Map<string, RayJob>, jc: JobsContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://ray-head');
  const parts = url.pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  if (parts[0] === 'api' && parts[1] === 'version') return json(res, 200, { version: '4', ray_version: '2.20.0', ray_commit: 'twin' });
  // The dashboard's web UI (dashboard/http_server_head.py serves client/build/index.html at /): what
  // the CodeFlare SDK's wait_ready() GETs to call the dashboard ready.
  if (!parts.length && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    return void res.end(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ray Dashboard</title></head><body><div id="root"></div></body></html>',
    );
  }
  if (parts[0] !== 'api' || parts[1] !== 'jobs') return text(res, 404, '404: Not Found');
  const id = parts[2];
  if (!id) {
    if (req.method === 'GET') return json(res, 200, [...jobs.values()].map(details));
    if (req.method !== 'POST') return text(res, 405, '405: Method Not Allowed');
    let submit: Record<string, unknown>;
    try {
      submit = JSON.parse((await body(req)) || '{}');
    } catch (e) {
      return text(res, 400, `Failed to parse request body: ${(e as Error).message}`);
    }
    if (typeof submit.entrypoint !== 'string' || !submit.entrypoint)
      return text(res, 400, "JobSubmitRequest failed to validate: 'entrypoint' must be a non-empty string");
    const submissionId =
      typeof submit.submission_id === 'string' && submit.submission_id
        ? submit.submission_id
        : `raysubmit_${randomBytes(8).toString('hex').slice(0, 16)}`;
    if (jobs.has(submissionId))
      return text(res, 400, `Job with submission_id ${submissionId} already exists. Please use a different submission_id.`);
    const job: RayJob = {
      submission_id: submissionId,
      entrypoint: submit.entrypoint,
      status: 'PENDING',
      message:
        'Job has not started yet. It may be waiting for resources (CPUs, GPUs, memory, custom resources) to become available. It may be waiting for the runtime environment to be set up.',
      start_time: Date.now(),
      end_time: null,
      metadata: (submit.metadata as Record<string, string>) ?? {},
      runtime_env: (submit.runtime_env as Record<string, unknown>) ?? {},
      logs: '',
      watchers: new Set(),
    };
    jobs.set(submissionId, job);
    jc.ctx.log(`Submitted job ${submissionId}: ${job.entrypoint}`);
    setImmediate(() => run(job, jc));
    return json(res, 200, { job_id: submissionId, submission_id: submissionId });
  }
  const job = jobs.get(id);
  if (!job) return text(res, 404, `Job ${id} does not exist`);
  const action = parts[3];
  if (!action && req.method === 'GET') return json(res, 200, details(job));
  if (!action && req.method === 'DELETE') {
    if (!TERMINAL.includes(job.status))
      return text(res, 400, `Attempted to delete job with id ${id}, but it is in a non-terminal state ${job.status}.`);
    jobs.delete(id);
    return json(res, 200, { deleted: true });
  }
  if (action === 'logs' && req.method === 'GET') return json(res, 200, { logs: job.logs });
  if (action === 'stop' && req.method === 'POST') {
    if (TERMINAL.includes(job.status)) return json(res, 200, { stopped: false });
    job.stopping = true;
    if (job.process) kill(job);
    else finish(job, 'STOPPED', 'Job was intentionally stopped.');
    return json(res, 200, { stopped: true });
  }
  return text(res, 405, '405: Method Not Allowed');
}

const tailServer = new WebSocketServer({ noServer: true, perMessageDeflate: false });

/**
 * GET /api/jobs/<id>/logs/tail: the job's logs as text frames, the connection closed (1000) once the
 * job is terminal and its last logs are sent.
 */
function tailLogs(req: IncomingMessage, socket: Duplex, head: Buffer, jobs: Map<string, RayJob>): void {
  const parts = new URL(req.url ?? '/', 'http://ray-head').pathname.split('/').filter(Boolean);
  const job = parts[0] === 'api' && parts[1] === 'jobs' && parts[3] === 'logs' && parts[4] === 'tail' ? jobs.get(parts[2]!) : undefined;
  if (!job) {
    const body = parts[2] ? `Job ${parts[2]} does not exist` : '404: Not Found';
    return void socket.end(
      `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  tailServer.handleUpgrade(req, socket, head, (ws) => {
    let sent = 0;
    const push = () => {
      if (job.logs.length > sent) ws.send(job.logs.slice(sent));
      sent = job.logs.length;
      if (TERMINAL.includes(job.status)) {
        job.watchers.delete(push);
        ws.close(1000);
      }
    };
    job.watchers.add(push);
    ws.on('close', () => job.watchers.delete(push));
    ws.on('error', () => job.watchers.delete(push));
    push();
  });
}

function notify(job: RayJob): void {
  for (const w of [...job.watchers]) w();
}

function finish(job: RayJob, status: Status, message: string): void {
  if (TERMINAL.includes(job.status)) return;
  job.status = status;
  job.message = message;
  job.end_time = Date.now();
  job.process = undefined;
  setImmediate(() => notify(job));
  if (job.workDir) fs.rm(job.workDir, { recursive: true, force: true }, () => undefined);
}

function kill(job: RayJob): void {
  const p = job.process;
  if (!p || p.exitCode !== null) return;
  p.kill('SIGTERM');
  setTimeout(() => p.exitCode === null && p.kill('SIGKILL'), 2000).unref();
}

/** Why the twin's head cannot run this job, or undefined when it can. */
function refusal(job: RayJob, words: string[]): string | undefined {
  const env = job.runtime_env;
  for (const k of ['pip', 'conda', 'py_modules', 'container'])
    if (env[k] !== undefined) return `runtime_env.${k} asks for packages: the twin's Ray head installs nothing (use the image's packages)`;
  if (env.working_dir !== undefined && !/^\.?\/?$/.test(String(env.working_dir)))
    return "runtime_env.working_dir needs a package upload, which the twin's Ray head does not accept";
  if (!words.length || !/(^|\/)python(3(\.\d+)?)?$/.test(words[0]!))
    return `the twin's Ray head runs Python entrypoints only ("python ..." or "python3 ..."), not "${words[0] ?? ''}"`;
  if (/[|;&<>`$]/.test(job.entrypoint.replace(/'[^']*'|"[^"]*"/g, '')))
    return "the twin's Ray head runs one Python command, without shell operators";
  return undefined;
}

function run(job: RayJob, jc: JobsContext): void {
  if (job.stopping) return finish(job, 'STOPPED', 'Job was intentionally stopped.');
  const words = splitWords(job.entrypoint);
  const refused = refusal(job, words);
  job.status = 'RUNNING';
  job.message = 'Job is currently running.';
  if (refused) {
    job.logs += `${refused}\n`;
    return finish(
      job,
      'FAILED',
      `Job entrypoint command failed with exit code 127, last available logs (truncated to 20,000 chars):\n${refused}\n`,
    );
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-twin-ray-job-'));
  job.workDir = workDir;
  const envVars = ((job.runtime_env.env_vars ?? {}) as Record<string, string>) || {};
  // ray-job-fails: the image's ray package is missing (a broken custom image).
  const pythonPath = jc.faults.has('ray-job-fails') ? '' : rayModuleDir();
  const child = spawn('python3', words.slice(1), {
    cwd: workDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: workDir,
      PYTHONPATH: pythonPath,
      PYTHONUNBUFFERED: '1',
      PYTHONNOUSERSITE: '1',
      RAY_ADDRESS: jc.ctx.env.RAY_ADDRESS ?? '127.0.0.1:6379',
      RAY_JOB_SUBMISSION_ID: job.submission_id,
      RAY_TWIN_CLUSTER_RESOURCES: JSON.stringify(jc.resources),
      ...Object.fromEntries(Object.entries(envVars).map(([k, v]) => [k, String(v)])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: jc.limitSeconds * 1000,
    killSignal: 'SIGKILL',
  });
  job.process = child;
  const append = (chunk: Buffer) => {
    job.logs += chunk.toString('utf8');
    if (job.logs.length > 1_000_000) job.logs = job.logs.slice(-1_000_000);
    notify(job);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  child.on('error', (e) => {
    job.logs += `${e.message}\n`;
    finish(job, 'FAILED', `Job entrypoint command failed to start: ${e.message}`);
  });
  child.on('close', (code, signal) => {
    if (job.stopping) return finish(job, 'STOPPED', 'Job was intentionally stopped.');
    if (code === 0) return finish(job, 'SUCCEEDED', 'Job finished successfully.');
    const why = signal === 'SIGKILL' && code === null ? ` (killed after the time limit of ${jc.limitSeconds} s)` : '';
    finish(
      job,
      'FAILED',
      `Job entrypoint command failed with exit code ${code ?? 137}${why}, last available logs (truncated to 20,000 chars):\n${job.logs.slice(-20_000)}`,
    );
  });
}
