// A client of the KFP v2beta1 REST API of a pipeline server (Data Science Pipelines 2.0; the calls of
// the RHOAI 2.9 dashboard, odh-dashboard api/pipelines/custom.ts, and of the swagger in
// ../shared/apis/kfp-v2beta1): through the pipeline server's Route (https://<route host>) with a
// bearer token, as the oauth-proxy in front of the API server expects. No other module of the
// harness calls the API. Every exchange is kept for the report (the token never is: it goes in a
// header the transcript leaves out).
import * as https from 'node:https';
import type {
  Experiment,
  ListPipelineVersionsResponse,
  ListRunsResponse,
  Pipeline,
  PipelineVersion,
  RecurringRun,
  RpcStatus,
  Run,
  RuntimeConfig,
  Trigger,
} from './kfp-types';

/** The API answered with an error status. */
export class KfpApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered HTTP ${status}: ${body.trim().slice(0, 600)}`);
    this.name = 'KfpApiError';
  }

  /** The googlerpcStatus message of the answer, when it is one. */
  get rpcMessage(): string | undefined {
    try {
      return (JSON.parse(this.body) as RpcStatus).message;
    } catch {
      return undefined;
    }
  }
}

export interface KfpExchange {
  method: string;
  path: string;
  status: number;
  summary: string;
}

export interface RunRequest {
  display_name: string;
  description?: string;
  pipeline_version_reference: { pipeline_id: string; pipeline_version_id: string };
  runtime_config?: RuntimeConfig;
  service_account?: string;
  experiment_id?: string;
}

export interface RecurringRunRequest extends RunRequest {
  trigger: Trigger;
  max_concurrency?: string;
  mode?: 'ENABLE' | 'DISABLE';
  no_catchup?: boolean;
}

export class KfpClient {
  readonly exchanges: KfpExchange[] = [];

  constructor(
    /** https://<route host> */
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly agent: https.Agent,
  ) {}

  /** One request; resolves with the status and body, whatever the status. */
  async raw(
    method: string,
    path: string,
    body?: { json?: unknown; multipart?: { field: string; filename: string; content: string } },
  ): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let payload: Buffer | undefined;
    if (body?.json !== undefined) {
      payload = Buffer.from(JSON.stringify(body.json));
      headers['Content-Type'] = 'application/json';
    } else if (body?.multipart) {
      const boundary = `----rhoai-harness-${Date.now().toString(16)}`;
      const m = body.multipart;
      payload = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${m.field}"; filename="${m.filename}"\r\nContent-Type: application/x-yaml\r\n\r\n`,
        ),
        Buffer.from(m.content),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
    }
    if (payload) headers['Content-Length'] = String(payload.length);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
    this.exchanges.push({ method, path: url.pathname + url.search, status: answer.status, summary: answer.text.slice(0, 300) });
    return answer;
  }

  private async call<T>(method: string, path: string, body?: Parameters<KfpClient['raw']>[2]): Promise<T> {
    const r = await this.raw(method, path, body);
    if (r.status < 200 || r.status >= 300) throw new KfpApiError(method, path, r.status, r.text);
    return (r.text.trim() ? JSON.parse(r.text) : {}) as T;
  }

  healthz(): Promise<{ multi_user?: boolean }> {
    return this.call('GET', '/apis/v2beta1/healthz');
  }

  /** POST /pipelines/upload, multipart field `uploadfile` (the dashboard's blob name uploadedFile.yml). */
  uploadPipeline(name: string, description: string, yamlText: string): Promise<Pipeline> {
    const q = new URLSearchParams({ name, description });
    return this.call('POST', `/apis/v2beta1/pipelines/upload?${q}`, {
      multipart: { field: 'uploadfile', filename: 'uploadedFile.yml', content: yamlText },
    });
  }

  uploadPipelineVersion(pipelineId: string, name: string, yamlText: string): Promise<PipelineVersion> {
    const q = new URLSearchParams({ name, pipelineid: pipelineId });
    return this.call('POST', `/apis/v2beta1/pipelines/upload_version?${q}`, {
      multipart: { field: 'uploadfile', filename: 'uploadedFile.yml', content: yamlText },
    });
  }

  pipelineByName(name: string): Promise<Pipeline> {
    return this.call('GET', `/apis/v2beta1/pipelines/names/${encodeURIComponent(name)}`);
  }

  listPipelineVersions(pipelineId: string): Promise<ListPipelineVersionsResponse> {
    return this.call('GET', `/apis/v2beta1/pipelines/${pipelineId}/versions?page_size=100&sort_by=created_at%20desc`);
  }

  pipelineVersion(pipelineId: string, versionId: string): Promise<PipelineVersion> {
    return this.call('GET', `/apis/v2beta1/pipelines/${pipelineId}/versions/${versionId}`);
  }

  createExperiment(displayName: string, description = ''): Promise<Experiment> {
    return this.call('POST', '/apis/v2beta1/experiments', { json: { display_name: displayName, description } });
  }

  listExperiments(): Promise<{ experiments?: Experiment[] }> {
    return this.call('GET', '/apis/v2beta1/experiments?page_size=100');
  }

  createRun(request: RunRequest): Promise<Run> {
    return this.call('POST', '/apis/v2beta1/runs', {
      json: { runtime_config: { parameters: {} }, service_account: '', description: '', ...request },
    });
  }

  run(runId: string): Promise<Run> {
    return this.call('GET', `/apis/v2beta1/runs/${runId}`);
  }

  /** Runs matching `equals` (KFP filter predicates of operation EQUALS), every page. */
  async listRuns(equals: Record<string, string> = {}): Promise<Run[]> {
    const out: Run[] = [];
    let token = '';
    const filter = JSON.stringify({
      predicates: Object.entries(equals).map(([key, v]) => ({ key, operation: 'EQUALS', string_value: v })),
    });
    for (;;) {
      const q = new URLSearchParams({
        page_size: '100',
        page_token: token,
        sort_by: 'created_at',
        ...(Object.keys(equals).length ? { filter } : {}),
      });
      const page = await this.call<ListRunsResponse>('GET', `/apis/v2beta1/runs?${q}`);
      out.push(...(page.runs ?? []));
      if (!page.next_page_token) return out;
      token = page.next_page_token;
    }
  }

  terminateRun(runId: string): Promise<unknown> {
    return this.call('POST', `/apis/v2beta1/runs/${runId}:terminate`);
  }

  createRecurringRun(request: RecurringRunRequest): Promise<RecurringRun> {
    return this.call('POST', '/apis/v2beta1/recurringruns', {
      json: {
        runtime_config: { parameters: {} },
        service_account: '',
        description: '',
        max_concurrency: '10',
        mode: 'ENABLE',
        no_catchup: false,
        ...request,
      },
    });
  }

  recurringRun(id: string): Promise<RecurringRun> {
    return this.call('GET', `/apis/v2beta1/recurringruns/${id}`);
  }

  enableRecurringRun(id: string): Promise<unknown> {
    return this.call('POST', `/apis/v2beta1/recurringruns/${id}:enable`);
  }

  disableRecurringRun(id: string): Promise<unknown> {
    return this.call('POST', `/apis/v2beta1/recurringruns/${id}:disable`);
  }

  deleteRecurringRun(id: string): Promise<unknown> {
    return this.call('DELETE', `/apis/v2beta1/recurringruns/${id}`);
  }

  transcript(): string {
    return this.exchanges.map((e) => `${e.method} ${e.path} → HTTP ${e.status}\n  ${e.summary.replace(/\n/g, ' ')}`).join('\n');
  }
}
