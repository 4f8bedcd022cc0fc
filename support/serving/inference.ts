// A client of the KServe v2 / Open Inference Protocol REST API (workloads.md §1.3, §5; the specs in
// ../shared/apis/kserve-v2 and open-inference-protocol), as the tutorial's notebooks and curl use
// it from outside the cluster: GET /v2/models/<name> (metadata), POST /v2/models/<name>/infer,
// optionally with `Authorization: Bearer <token>`. Every exchange (method, URL, headers, body,
// status, answer) is attached to the report with the token redacted; a refused request is a result
// (its status and body), not an error, so that steps can assert refusals.
//
// Trust: the endpoints are route hosts. A KServe endpoint presents the secure gateway's wildcard
// certificate (signed by the root the cluster's DSCInitialization trusts as customCABundle); a
// ModelMesh route presents the router's (signed by the ingress CA the cluster publishes). The client
// trusts the system roots, the ingress CA bundle and the DSCI's custom CA bundle, and reaches the
// hosts through RHOAI_RESOLVE when set.
import type * as https from 'node:https';
import axios, { type AxiosResponse } from 'axios';
import { resolvingHttpsAgent } from '../core/http/agent';
import { routeTrust } from '../core/http/route-trust';
import type { RhoaiWorld } from '../core/world';
import { DSCI_API } from '../rhoai/names';

/** One tensor of a v2 request or answer. */
export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

/** The model metadata answer (metadata_model_response). */
export interface V2ModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs?: { name: string; datatype: string; shape: number[] }[];
  outputs?: { name: string; datatype: string; shape: number[] }[];
}

/** The inference answer (inference_response). */
export interface V2InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: V2Tensor[];
}

/** One HTTP exchange: what was asked and what came back. */
export interface Exchange<T = unknown> {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON answer when it is JSON, else the text. */
  body: T | string;
  /** True when the answer is JSON. */
  json: boolean;
}

export class InferenceProtocolError extends Error {
  override name = 'InferenceProtocolError';
}

export interface InferenceClientOptions {
  /** A Bearer token to send (registered with the redactor). */
  token?: string;
  /** What the token is, for the report: "the token of fraud-sa". */
  tokenLabel?: string;
}

/** The PEM certificates an inference client trusts: system roots, the ingress CA, the DSCI custom CA bundle. */
export async function inferenceTrust(world: RhoaiWorld): Promise<{ ca: string[]; describe: string }> {
  const route = await routeTrust(world.cluster);
  const dsci = (await world.cluster.list({ apiVersion: DSCI_API, kind: 'DSCInitialization' }))[0];
  const custom: string | undefined = dsci?.spec?.trustedCABundle?.customCABundle;
  const hasCustom = typeof custom === 'string' && custom.includes('BEGIN CERTIFICATE');
  return {
    ca: [...route.ca, ...(hasCustom ? [custom!] : [])],
    describe: `${route.describe}${hasCustom ? `, and the customCABundle of DSCInitialization ${dsci!.metadata.name}` : ' (no DSCI customCABundle)'}`,
  };
}

export class InferenceClient {
  private constructor(
    private readonly world: RhoaiWorld,
    private readonly agent: https.Agent,
    private readonly options: InferenceClientOptions,
  ) {}

  static async create(world: RhoaiWorld, options: InferenceClientOptions = {}): Promise<InferenceClient> {
    if (options.token) world.secret(options.token, options.tokenLabel ?? 'inference token');
    const target = await world.target();
    const trust = await inferenceTrust(world);
    return new InferenceClient(world, resolvingHttpsAgent(target.resolve, { ca: trust.ca, keepAlive: false }), options);
  }

  destroy(): void {
    this.agent.destroy();
  }

  /** GET <endpoint>/v2/models/<model>. */
  metadata(endpoint: string, model: string): Promise<Exchange<V2ModelMetadata>> {
    return this.exchange<V2ModelMetadata>('GET', `${trimSlash(endpoint)}/v2/models/${encodeURIComponent(model)}`);
  }

  /** POST <endpoint>/v2/models/<model>/infer with the inputs. */
  infer(endpoint: string, model: string, inputs: V2Tensor[], id?: string): Promise<Exchange<V2InferResponse>> {
    return this.exchange<V2InferResponse>('POST', `${trimSlash(endpoint)}/v2/models/${encodeURIComponent(model)}/infer`, {
      ...(id ? { id } : {}),
      inputs,
    });
  }

  /** Any request (for runtimes with APIs of their own, e.g. Caikit's text generation). */
  async exchange<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<Exchange<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    let response: AxiosResponse<string>;
    try {
      response = await axios.request<string>({
        method,
        url,
        headers,
        data: body === undefined ? undefined : JSON.stringify(body),
        httpsAgent: this.agent,
        proxy: false, // the agent honours HTTPS_PROXY/NO_PROXY itself, with a CONNECT tunnel (http/proxy.ts)
        responseType: 'text',
        transformResponse: (x) => x,
        validateStatus: () => true,
        timeout: 60_000,
        maxRedirects: 0,
      });
    } catch (error) {
      const e = error as Error & { code?: string };
      this.world.report.text(
        `${method} ${url}`,
        `${describeRequest(method, url, headers, body, this.options.tokenLabel)}\n\n<- no answer: ${e.code ?? ''} ${e.message}`,
      );
      throw new InferenceProtocolError(`${method} ${url} got no answer: ${e.code ? `${e.code}: ` : ''}${e.message}`);
    }
    const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    const answerHeaders = Object.fromEntries(
      Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]),
    );
    let parsed: T | string = text;
    let json = false;
    if (/json/.test(answerHeaders['content-type'] ?? '') || /^\s*[{[]/.test(text)) {
      try {
        parsed = JSON.parse(text) as T;
        json = true;
      } catch {
        parsed = text;
      }
    }
    this.world.report.text(
      `${method} ${url} -> ${response.status}`,
      `${describeRequest(method, url, headers, body, this.options.tokenLabel)}\n\n<- HTTP ${response.status}\n${Object.entries(
        answerHeaders,
      )
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\n${text.length > 20_000 ? `${text.slice(0, 20_000)}\n... (${text.length} characters)` : text}`,
    );
    return { method, url, status: response.status, headers: answerHeaders, body: parsed, json };
  }
}

function describeRequest(method: string, url: string, headers: Record<string, string>, body: unknown, tokenLabel?: string): string {
  const shown = Object.entries(headers).map(([k, v]) =>
    k === 'Authorization' ? `${k}: Bearer [redacted]${tokenLabel ? ` (${tokenLabel})` : ''}` : `${k}: ${v}`,
  );
  return `-> ${method} ${url}\n${shown.join('\n')}${body === undefined ? '' : `\n\n${JSON.stringify(body)}`}`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The answer of an exchange as a v2 inference response, checked; says what is wrong otherwise. */
export function v2InferResponse(x: Exchange<V2InferResponse>): V2InferResponse {
  if (x.status !== 200)
    throw new InferenceProtocolError(
      `${x.method} ${x.url} answered HTTP ${x.status}: ${typeof x.body === 'string' ? x.body.slice(0, 500) : JSON.stringify(x.body).slice(0, 500)}`,
    );
  const r = x.body;
  if (!x.json || typeof r !== 'object' || !r)
    throw new InferenceProtocolError(`${x.url} answered 200 with a body that is not JSON: ${String(r).slice(0, 300)}`);
  if (typeof r.model_name !== 'string')
    throw new InferenceProtocolError(
      `${x.url}: the answer has no model_name (inference_response requires it): ${JSON.stringify(r).slice(0, 300)}`,
    );
  if (!Array.isArray(r.outputs) || !r.outputs.length)
    throw new InferenceProtocolError(`${x.url}: the answer has no outputs: ${JSON.stringify(r).slice(0, 300)}`);
  for (const o of r.outputs) {
    if (typeof o.name !== 'string' || !Array.isArray(o.shape) || typeof o.datatype !== 'string' || !Array.isArray(o.data)) {
      throw new InferenceProtocolError(
        `${x.url}: output ${JSON.stringify(o).slice(0, 200)} lacks name, shape, datatype or data (response_output requires them)`,
      );
    }
    const size = (o.shape as number[]).reduce((a, b) => a * b, 1);
    if (flatten(o.data).length !== size)
      throw new InferenceProtocolError(`${x.url}: output ${o.name} has shape [${o.shape.join(', ')}] but ${flatten(o.data).length} values`);
  }
  return r;
}

/** The answer of an exchange as model metadata, checked. */
export function v2ModelMetadata(x: Exchange<V2ModelMetadata>): V2ModelMetadata {
  if (x.status !== 200)
    throw new InferenceProtocolError(
      `${x.method} ${x.url} answered HTTP ${x.status}: ${typeof x.body === 'string' ? x.body.slice(0, 500) : JSON.stringify(x.body).slice(0, 500)}`,
    );
  const m = x.body;
  if (!x.json || typeof m !== 'object' || !m || typeof m.name !== 'string' || typeof m.platform !== 'string') {
    throw new InferenceProtocolError(
      `${x.url}: the model metadata lacks name or platform (metadata_model_response requires them): ${JSON.stringify(m).slice(0, 300)}`,
    );
  }
  return m;
}

export function flatten(data: unknown[]): unknown[] {
  return data.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}
