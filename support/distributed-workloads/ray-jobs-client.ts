// A client of the Ray jobs REST API (reference workloads.md §8; kuberay rhoai-2.9
// ray-operator/controllers/ray/utils/dashboard_httpclient.go; ray 2.20 dashboard/modules/job/job_head.py),
// reached through the Ray dashboard Route with a bearer token, as the CodeFlare SDK 0.16's
// JobSubmissionClient does (cluster.job_client: the dashboard URL and the Authorization header of
// TokenAuthentication). Every status it returns is the Ray API's answer.
import * as https from 'node:https';
import WebSocket from 'ws';
import type { ResolveRule } from '../core/http/resolve-rules';
import { routeHttpsAgent, type RouteTrust } from '../core/http/route-trust';

export type RayJobStatus = 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';
export const TERMINAL_STATUSES: readonly RayJobStatus[] = ['STOPPED', 'SUCCEEDED', 'FAILED'];

export interface RayJobDetails {
  submission_id: string;
  status: RayJobStatus;
  entrypoint: string;
  message?: string;
  start_time?: number | null;
  end_time?: number | null;
}

export interface RayHttpAnswer {
  status: number;
  body: string;
}

export class RayApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 500)}`);
  }
}

export class RayJobsClient {
  private readonly agent: https.Agent;

  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    trust: RouteTrust,
    resolve: readonly ResolveRule[],
  ) {
    this.agent = routeHttpsAgent(trust, resolve, { keepAlive: false });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One request, answered whatever the status. */
  request(method: string, path: string, body?: unknown): Promise<RayHttpAnswer> {
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  private async ok<T>(method: string, path: string, what: string, body?: unknown): Promise<T> {
    const answer = await this.request(method, path, body);
    if (answer.status !== 200) throw new RayApiError(answer.status, answer.body, what);
    try {
      return JSON.parse(answer.body) as T;
    } catch {
      throw new RayApiError(answer.status, answer.body, `${what} (not JSON)`);
    }
  }

  submit(entrypoint: string, submissionId?: string): Promise<{ job_id: string; submission_id: string }> {
    return this.ok('POST', '/api/jobs/', 'submitting a Ray job', { entrypoint, ...(submissionId ? { submission_id: submissionId } : {}) });
  }

  status(id: string): Promise<RayJobDetails> {
    return this.ok('GET', `/api/jobs/${id}`, `reading Ray job ${id}`);
  }

  list(): Promise<RayJobDetails[]> {
    return this.ok('GET', '/api/jobs/', 'listing Ray jobs');
  }

  async logs(id: string): Promise<string> {
    return (await this.ok<{ logs: string }>('GET', `/api/jobs/${id}/logs`, `reading the logs of Ray job ${id}`)).logs;
  }

  /**
   * Follows GET /api/jobs/<id>/logs/tail, the jobs API's WebSocket (ray dashboard/modules/job/job_head.py
   * tail_job_logs, as JobSubmissionClient.tail_job_logs reads it): each text frame is handed to
   * `onChunk`; resolves 'closed' when Ray closes the stream (the job is terminal), 'stopped' when
   * `stop` resolves first (the caller's deadline or condition). A refused upgrade rejects with the
   * HTTP status and body.
   */
  tail(id: string, onChunk: (text: string) => void, stop: Promise<unknown>): Promise<'closed' | 'stopped'> {
    const url = new URL(`/api/jobs/${id}/logs/tail`, this.baseUrl);
    url.protocol = 'wss:';
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        agent: this.agent,
        headers: this.token ? { Authorization: `Bearer ${this.token}` } : {},
        perMessageDeflate: false,
      });
      let settled = false;
      const done = (f: () => void) => {
        if (settled) return;
        settled = true;
        f();
      };
      ws.on('message', (data) => onChunk(data.toString()));
      ws.on('close', () => done(() => resolve('closed')));
      ws.on('unexpected-response', (_req, res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => done(() => reject(new RayApiError(res.statusCode ?? 0, text, `following the logs of Ray job ${id}`))));
      });
      ws.on('error', (e) => done(() => reject(e)));
      void stop.then(() =>
        done(() => {
          ws.terminate();
          resolve('stopped');
        }),
      );
    });
  }

  async stop(id: string): Promise<boolean> {
    return (await this.ok<{ stopped: boolean }>('POST', `/api/jobs/${id}/stop`, `stopping Ray job ${id}`)).stopped;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.ok<{ deleted: boolean }>('DELETE', `/api/jobs/${id}`, `deleting Ray job ${id}`)).deleted;
  }
}
