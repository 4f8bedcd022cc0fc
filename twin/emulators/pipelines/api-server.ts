// The DSP 2.0 API server (the ds-pipeline-api-server container of ds-pipeline-<dspa>, image
// odh-ml-pipelines-api-server-v2) as an image emulator of the twin's kubelet: the KFP v2beta1 REST
// API on its http port 8888, following the swagger of kubeflow/pipelines 2.0.5
// (backend/api/v2beta1/swagger/*.json, ../shared/apis/kfp-v2beta1; red-hat-data-services/
// data-science-pipelines rhoai-2.9 is that release): healthz; pipelines and versions (upload as
// multipart form field `uploadfile`, pipeline_upload_server.go), experiments, runs (create, get, list,
// terminate, archive), recurring runs (create, get, list, enable, disable, delete). Errors are
// googlerpcStatus objects {code, message, details} with the HTTP status grpc-gateway maps the code to.
// Lists take page_size/page_token, sort_by ("field" or "field desc") and filter (a JSON
// {predicates:[{key, operation: EQUALS, string_value}]}).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { imageBaseName, type ContainerContext, type ContainerEmulator, type ImageEmulator } from '../types';
import { KfpError, invalidArgument, notFound, type PipelineBackend } from './backend';

export interface ApiServerDeps {
  /** The backend (database) of the DSPA this pod belongs to. */
  backendFor(namespace: string, dspa: string): PipelineBackend | undefined;
}

export function pipelinesApiServerEmulator(deps: ApiServerDeps): ImageEmulator {
  return {
    name: 'ds-pipelines-api-server',
    matches: (image) => /ml-pipelines-api-server|ds-pipelines-api-server/.test(imageBaseName(image)),
    start: (ctx) => startApiServer(ctx, deps),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of the API and of Kubernetes objects
type Json = Record<string, any>;

function startApiServer(ctx: ContainerContext, deps: ApiServerDeps): ContainerEmulator {
  const namespace = ctx.env.POD_NAMESPACE ?? ctx.pod.metadata.namespace!;
  const dspa = ctx.pod.metadata.labels?.dspa ?? '';
  ctx.log(
    `I apiserver: Starting API server with DB ${ctx.env.DBCONFIG_MYSQLCONFIG_HOST}:${ctx.env.DBCONFIG_MYSQLCONFIG_PORT}/${ctx.env.DBCONFIG_MYSQLCONFIG_DBNAME}`,
  );
  ctx.log('I apiserver: Starting Http Proxy');
  return {
    ports: [
      {
        port: 8888,
        handler: (req, res) => {
          const backend = deps.backendFor(namespace, dspa);
          void handle(req, res, backend).catch((e) => reply(res, 500, status(13, (e as Error).message)));
        },
      },
      { port: 8887, handler: (_req, res) => reply(res, 415, status(12, 'the gRPC port speaks gRPC only')) },
    ],
  };
}

function status(code: number, message: string): Json {
  return { code, message, details: [] };
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function jsonBody(req: IncomingMessage): Promise<Json> {
  const raw = (await readBody(req)).toString('utf8');
  if (!raw.trim()) return {};
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw invalidArgument(`invalid request body: ${(e as Error).message}`);
  }
}

/** The part named `field` of a multipart/form-data body. */
export function multipartField(contentType: string | undefined, body: Buffer, field: string): Buffer | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      if (name === field) {
        let content = part.subarray(headerEnd + 4);
        if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
        return content;
      }
    }
    at = next;
  }
  return undefined;
}

function page<T extends Json>(items: T[], url: URL, idKey: string): { items: T[]; total: number; next: string } {
  let list = items;
  const filter = url.searchParams.get('filter');
  if (filter) {
    let parsed: {
      predicates?: { key: string; operation?: string | number; op?: string | number; string_value?: string; stringValue?: string }[];
    };
    try {
      parsed = JSON.parse(filter);
    } catch {
      throw invalidArgument(`Invalid filter: ${filter} is not a JSON filter`);
    }
    for (const p of parsed.predicates ?? []) {
      // protojson accepts the enum by name or by number (kfp 2.5's client sends EQUALS as 1).
      const op = p.operation ?? p.op ?? 'EQUALS';
      if (op !== 'EQUALS' && op !== 1) throw invalidArgument(`Invalid filter: operation ${op} is not supported by the twin (EQUALS only)`);
      const key = p.key === 'name' ? 'display_name' : p.key;
      list = list.filter((x) => String(x[key] ?? '') === String(p.string_value ?? p.stringValue ?? ''));
    }
  }
  const sortBy = url.searchParams.get('sort_by');
  if (sortBy) {
    const [field, dir] = sortBy.trim().split(/\s+/);
    const key = field === 'name' ? 'display_name' : field;
    list = [...list].sort((a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? '')) * (dir === 'desc' ? -1 : 1));
  }
  const size = Number(url.searchParams.get('page_size') ?? 0) || list.length || 1;
  const offset = Number(url.searchParams.get('page_token') || 0);
  const slice = list.slice(offset, offset + size);
  void idKey;
  return { items: slice, total: list.length, next: offset + size < list.length ? String(offset + size) : '' };
}

async function handle(req: IncomingMessage, res: ServerResponse, backend: PipelineBackend | undefined): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://ds-pipeline');
  const path = decodeURIComponent(url.pathname).replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  if (path === '/apis/v1beta1/healthz' || path === '/apis/v2beta1/healthz')
    return reply(res, 200, { commit_sha: 'twin', tag_name: '2.0.5', multi_user: false });
  if (!backend) return reply(res, 503, status(14, 'the pipeline server has no database connection'));
  try {
    const out = await route(method, path, url, req, backend);
    reply(res, 200, out);
  } catch (e) {
    if (e instanceof KfpError) return reply(res, e.httpStatus, status(e.grpcCode, e.message));
    throw e;
  }
}

async function route(method: string, path: string, url: URL, req: IncomingMessage, b: PipelineBackend): Promise<Json> {
  const q = (k: string) => url.searchParams.get(k) ?? '';
  let m: RegExpExecArray | null;
  if (path === '/apis/v2beta1/pipelines/upload' && method === 'POST') {
    const file = multipartField(req.headers['content-type'], await readBody(req), 'uploadfile');
    if (!file)
      throw invalidArgument(
        'Failed to create a pipeline due to error reading the uploaded file: http: no such file (form field uploadfile)',
      );
    return b.uploadPipeline(q('name') || q('display_name'), q('description'), file.toString('utf8'));
  }
  if (path === '/apis/v2beta1/pipelines/upload_version' && method === 'POST') {
    const file = multipartField(req.headers['content-type'], await readBody(req), 'uploadfile');
    if (!file)
      throw invalidArgument(
        'Failed to create a pipeline version due to error reading the uploaded file: http: no such file (form field uploadfile)',
      );
    if (!q('pipelineid')) throw invalidArgument('Failed to create a pipeline version: pipelineid is required');
    return b.uploadVersion(q('pipelineid'), q('name') || q('display_name'), q('description'), file.toString('utf8'));
  }
  if (path === '/apis/v2beta1/pipelines' && method === 'GET') {
    const p = page([...b.pipelines.values()], url, 'pipeline_id');
    return { pipelines: p.items, total_size: p.total, next_page_token: p.next };
  }
  if ((m = /^\/apis\/v2beta1\/pipelines\/names\/([^/]+)$/.exec(path)) && method === 'GET') {
    const p = [...b.pipelines.values()].find((x) => x.display_name === m![1]);
    if (!p) throw notFound(`Failed to get a pipeline by name ${m[1]}: ResourceNotFoundError`);
    return p;
  }
  if ((m = /^\/apis\/v2beta1\/pipelines\/([^/]+)\/versions$/.exec(path)) && method === 'GET') {
    const p = page(
      b.versionsOf(m[1]).map((v) => b.versionJson(v)),
      url,
      'pipeline_version_id',
    );
    return { pipeline_versions: p.items, total_size: p.total, next_page_token: p.next };
  }
  if ((m = /^\/apis\/v2beta1\/pipelines\/([^/]+)\/versions\/([^/]+)$/.exec(path))) {
    if (method === 'GET') return b.versionJson(b.version(m[1], m[2]));
    if (method === 'DELETE') {
      b.version(m[1], m[2]);
      b.versions.delete(m[2]);
      return {};
    }
  }
  if ((m = /^\/apis\/v2beta1\/pipelines\/([^/:]+)$/.exec(path))) {
    if (method === 'GET') return b.pipeline(m[1]);
    if (method === 'DELETE') {
      b.deletePipeline(m[1]);
      return {};
    }
  }
  if (path === '/apis/v2beta1/experiments') {
    if (method === 'POST') return b.createExperiment(await jsonBody(req));
    if (method === 'GET') {
      const p = page([...b.experiments.values()], url, 'experiment_id');
      return { experiments: p.items, total_size: p.total, next_page_token: p.next };
    }
  }
  if ((m = /^\/apis\/v2beta1\/experiments\/([^/:]+)(?::(archive|unarchive))?$/.exec(path))) {
    const e = b.experiment(m[1]);
    if (m[2] && method === 'POST') {
      e.storage_state = m[2] === 'archive' ? 'ARCHIVED' : 'AVAILABLE';
      return {};
    }
    if (method === 'GET') return e;
    if (method === 'DELETE') {
      b.experiments.delete(m[1]);
      return {};
    }
  }
  if (path === '/apis/v2beta1/runs') {
    if (method === 'POST') return b.runJson(b.createRun(await jsonBody(req)));
    if (method === 'GET') {
      let runs = [...b.runs.values()];
      if (q('experiment_id')) runs = runs.filter((r) => r.experiment_id === q('experiment_id'));
      const p = page(
        runs.map((r) => b.runJson(r)),
        url,
        'run_id',
      );
      return { runs: p.items, total_size: p.total, next_page_token: p.next };
    }
  }
  if ((m = /^\/apis\/v2beta1\/runs\/([^/:]+)(?::(terminate|archive|unarchive|retry))?$/.exec(path))) {
    const r = b.run(m[1]);
    if (m[2] && method === 'POST') {
      if (m[2] === 'terminate') b.terminate(r.run_id);
      else if (m[2] === 'retry') throw invalidArgument('Failed to retry a run: the run is not in a failed state the twin retries');
      else r.storage_state = m[2] === 'archive' ? 'ARCHIVED' : 'AVAILABLE';
      return {};
    }
    if (method === 'GET') return b.runJson(r);
    if (method === 'DELETE') {
      b.runs.delete(r.run_id);
      return {};
    }
  }
  if (path === '/apis/v2beta1/recurringruns') {
    if (method === 'POST') return b.recurringRunJson(b.createRecurringRun(await jsonBody(req)));
    if (method === 'GET') {
      let rrs = [...b.recurringRuns.values()];
      if (q('experiment_id')) rrs = rrs.filter((r) => r.experiment_id === q('experiment_id'));
      const p = page(
        rrs.map((r) => b.recurringRunJson(r)),
        url,
        'recurring_run_id',
      );
      return { recurringRuns: p.items, total_size: p.total, next_page_token: p.next };
    }
  }
  if ((m = /^\/apis\/v2beta1\/recurringruns\/([^/:]+)(?::(enable|disable))?$/.exec(path))) {
    const r = b.recurringRun(m[1]);
    if (m[2] && method === 'POST') {
      b.setRecurringRunEnabled(r.recurring_run_id, m[2] === 'enable');
      return {};
    }
    if (method === 'GET') return b.recurringRunJson(r);
    if (method === 'DELETE') {
      b.deleteRecurringRun(r.recurring_run_id);
      return {};
    }
  }
  throw new KfpError(404, 5, `Not Found: ${method} ${path}`);
}
