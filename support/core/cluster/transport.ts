// Raw HTTPS requests to the Kubernetes API, authenticated and TLS-configured by client-node's
// KubeConfig (certificates, tokens, exec plugins, proxies). Raw requests give the client what the
// generated APIs hide: the status code of a watch, the resourceVersion of a list, and streaming.
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_RETRY, isTransientNetworkError, isTransientStatus, withRetry, type RetryPolicy } from './retry';

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export interface ApiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** The `Status` object a Kubernetes API server answers errors with. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: unknown;
}

/** A non-2xx answer of the API server. */
export class ApiError extends Error {
  readonly transient: boolean;
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: ApiStatus | undefined,
    readonly retryAfterMs?: number,
  ) {
    const reason = body?.reason ? ` ${body.reason}` : '';
    const detail = body?.message ?? '';
    super(`${method} ${url} → HTTP ${status}${reason}${detail ? `: ${detail}` : ''}`);
    this.name = 'ApiError';
    this.transient = isTransientStatus(status);
  }
  get reason(): string | undefined {
    return this.body?.reason;
  }
}

/** The request got no HTTP answer (refused, reset, TLS failure, timeout). */
export class ApiNetworkError extends Error {
  readonly transient: boolean;
  readonly code: string | undefined;
  constructor(
    readonly method: string,
    readonly url: string,
    cause: Error,
  ) {
    const code = (cause as NodeJS.ErrnoException).code;
    super(`${method} ${url} → network error${code ? ` ${code}` : ''} (${cause.message})`, { cause });
    this.name = 'ApiNetworkError';
    this.code = code;
    this.transient = isTransientNetworkError(cause);
  }
}

/** Idle time after which a non-watch request is abandoned (and retried as ETIMEDOUT). */
const REQUEST_IDLE_TIMEOUT_MS = 60_000;

function parseStatus(text: string): ApiStatus | undefined {
  try {
    const parsed = JSON.parse(text) as ApiStatus;
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return text ? { message: text.slice(0, 500) } : undefined;
  }
}

function retryAfter(headers: http.IncomingHttpHeaders): number | undefined {
  const value = headers['retry-after'];
  const seconds = typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** The same agent (TLS options, proxy) with keep-alive. */
function keepAlive(agent: http.Agent | undefined): http.Agent | undefined {
  if (!(agent instanceof https.Agent) || agent.constructor !== https.Agent) return agent;
  return new https.Agent({ ...(agent as https.Agent & { options: https.AgentOptions }).options, keepAlive: true });
}

export class ApiTransport {
  readonly server: string;
  private agent: http.Agent | undefined;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
  }

  url(path: string, query?: Query): string {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** One attempt; resolves with any HTTP answer, rejects with ApiNetworkError when there is none. */
  async send(request: ApiRequest): Promise<ApiResponse> {
    const response = await this.open(request, false);
    const chunks: Buffer[] = [];
    return new Promise<ApiResponse>((resolve, reject) => {
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', (error) => reject(new ApiNetworkError(request.method, this.url(request.path, request.query), error)));
    });
  }

  /** Sends with bounded retries of transient failures; rejects with ApiError on a non-2xx answer. */
  async call(request: ApiRequest): Promise<ApiResponse> {
    return withRetry(
      async () => {
        const response = await this.send(request);
        if (response.status < 200 || response.status > 299) {
          throw new ApiError(
            request.method,
            this.url(request.path, request.query),
            response.status,
            parseStatus(response.text),
            retryAfter(response.headers),
          );
        }
        return response;
      },
      this.retry,
      request.signal,
    );
  }

  async json<T>(request: ApiRequest): Promise<T> {
    const response = await this.call(request);
    return (response.text ? JSON.parse(response.text) : undefined) as T;
  }

  /**
   * Opens a streaming GET (a watch). Resolves with the response once a 2xx status arrived; a non-2xx
   * answer rejects with ApiError (its body read), no answer with ApiNetworkError. No retries here:
   * the watch loop decides.
   */
  async stream(request: ApiRequest): Promise<http.IncomingMessage> {
    const response = await this.open(request, true);
    const status = response.statusCode ?? 0;
    if (status >= 200 && status <= 299) return response;
    const chunks: Buffer[] = [];
    const text = await new Promise<string>((resolve) => {
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    throw new ApiError(request.method, this.url(request.path, request.query), status, parseStatus(text), retryAfter(response.headers));
  }

  private async open(request: ApiRequest, streaming: boolean): Promise<http.IncomingMessage> {
    const url = new URL(this.url(request.path, request.query));
    const options: https.RequestOptions = { method: request.method, headers: {} };
    await this.kubeConfig.applyToHTTPSOptions(options);
    // applyToHTTPSOptions builds a fresh agent (without keep-alive) on every call: keep one, with
    // keep-alive, so that requests reuse connections instead of a TLS handshake each.
    this.agent ??= keepAlive(options.agent as http.Agent | undefined);
    const headers: http.OutgoingHttpHeaders = { ...(options.headers as http.OutgoingHttpHeaders), Accept: 'application/json' };
    let payload: string | undefined;
    if (request.body !== undefined) {
      payload = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const transport = url.protocol === 'http:' ? http : https;
    const display = url.toString();
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(url, { ...options, agent: this.agent, headers, signal: request.signal }, (response) =>
        resolve(response),
      );
      req.on('error', (error) =>
        reject(request.signal?.aborted ? request.signal.reason : new ApiNetworkError(request.method, display, error)),
      );
      if (!streaming) {
        req.setTimeout(REQUEST_IDLE_TIMEOUT_MS, () => {
          const timeout = Object.assign(new Error(`no answer within ${REQUEST_IDLE_TIMEOUT_MS / 1000}s`), { code: 'ETIMEDOUT' });
          req.destroy(timeout);
        });
      }
      req.end(payload);
    });
  }

  /** Closes pooled connections (tests; the end of a run). */
  close(): void {
    this.agent?.destroy();
  }
}
