// Logging in through the OpenShift OAuth server the way `oc login -u <user> -p <password>` does:
// the authorization endpoint comes from the API server's /.well-known/oauth-authorization-server;
// a GET of authorize?client_id=openshift-challenging-client&response_type=token (with
// `X-CSRF-Token: 1`, as oc sends it, and no redirect following) is answered with a basic-auth
// challenge (401, WWW-Authenticate: Basic); the same request with the credentials is answered
// 302, the access token in the Location's fragment. Route hosts are reached with RHOAI_RESOLVE and
// trusted by the system roots plus the cluster's ingress CA (support/core/http/route-trust.ts).
import axios, { type AxiosResponse } from 'axios';
import type * as https from 'node:https';
import { withRetry, type RetryPolicy } from '../core/cluster/retry';
import { routeHttpsAgent, routeTrust, type RouteTrust } from '../core/http/route-trust';
import type { RhoaiWorld } from '../core/world';

export const CHALLENGING_CLIENT = 'openshift-challenging-client';
const METADATA_PATH = '/.well-known/oauth-authorization-server';
const LOGIN_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 5_000 };

export interface OAuthServerInfo {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
}

/** What one authorize request got back. A token outcome carries a secret: never report it as is. */
export type AuthorizeOutcome =
  | { kind: 'token'; status: number; token: string; expiresIn?: number; scope?: string; tokenType?: string }
  | { kind: 'refused'; status: number; challenge?: string; warning?: string; body: string }
  | { kind: 'oauth-error'; status: number; error: string; description: string }
  | { kind: 'unexpected'; status: number; location?: string; body: string };

export interface LoginAttempt {
  readonly user: string;
  readonly server: OAuthServerInfo;
  readonly trust: RouteTrust;
  /** The answer to the request without credentials (oc's first request). */
  readonly challenge: AuthorizeOutcome;
  /** The answer to the request with the credentials. */
  readonly answer: AuthorizeOutcome;
}

/** The OAuth server the API server names (issuer and authorization endpoint). */
export async function oauthServer(world: RhoaiWorld): Promise<OAuthServerInfo> {
  const server = await world.cluster.server();
  const metadata = await world.cluster.request<{ issuer?: string; authorization_endpoint?: string }>({
    method: 'GET',
    path: METADATA_PATH,
  });
  const endpoint = metadata?.authorization_endpoint;
  if (!endpoint || !/^https:\/\//.test(endpoint)) {
    throw new Error(
      `${server}${METADATA_PATH} names no https authorization_endpoint (got ${JSON.stringify(endpoint)}): the cluster's OAuth server is not configured (is this OpenShift with its integrated OAuth server?)`,
    );
  }
  return { issuer: metadata.issuer ?? new URL(endpoint).origin, authorizationEndpoint: endpoint };
}

/** `oc login -u user -p password`: the challenge, then the credentials. Throws only when the OAuth server cannot be reached or trusted. */
export async function challengingLogin(world: RhoaiWorld, user: string, password: string): Promise<LoginAttempt> {
  const server = await oauthServer(world);
  const target = await world.target();
  const trust = await routeTrust(world.cluster);
  const agent = routeHttpsAgent(trust, target.resolve);
  try {
    const challenge = await authorize(agent, trust, server.authorizationEndpoint, {});
    const answer = await authorize(agent, trust, server.authorizationEndpoint, {
      Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
    });
    if (answer.kind === 'token') world.secret(answer.token, 'OAuth access token');
    return { user, server, trust, challenge, answer };
  } finally {
    agent.destroy();
  }
}

/** One GET of the authorization endpoint for the challenging client; retries only what a router answers while pods come and go. */
async function authorize(
  agent: https.Agent,
  trust: RouteTrust,
  endpoint: string,
  headers: Record<string, string>,
): Promise<AuthorizeOutcome> {
  const url = new URL(endpoint);
  url.searchParams.set('client_id', CHALLENGING_CLIENT);
  url.searchParams.set('response_type', 'token');
  let last: AxiosResponse<string> | undefined;
  try {
    last = await withRetry(async () => {
      const response = await get(url, agent, trust, headers);
      if ([502, 503, 504].includes(response.status))
        throw Object.assign(new Error(`HTTP ${response.status}`), { transient: true, response });
      return response;
    }, LOGIN_RETRY);
  } catch (error) {
    const response = (error as { response?: AxiosResponse<string> }).response;
    if (!response) throw error;
    last = response;
  }
  return classify(last);
}

async function get(url: URL, agent: https.Agent, trust: RouteTrust, headers: Record<string, string>): Promise<AxiosResponse<string>> {
  try {
    return await axios.get<string>(url.toString(), {
      httpsAgent: agent,
      proxy: false,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: (data: string) => data,
      timeout: 60_000,
      headers: { 'X-CSRF-Token': '1', Accept: 'application/json, */*', ...headers },
    });
  } catch (error) {
    // An AxiosError carries the request's headers (the Basic credentials): say what happened, in a new error.
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const message = (error as Error).message;
    let hint = '';
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code + message)) hint = `: its certificate is not trusted by ${trust.describe}`;
    else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      hint = `: ${url.hostname} does not resolve (set RHOAI_RESOLVE, e.g. *.apps.<domain>=<router IP>:443)`;
    const failure = new Error(`the OAuth server at ${url.origin} cannot be reached (${code || 'error'}: ${message})${hint}`);
    throw Object.assign(failure, {
      transient: !hint && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE'].includes(code),
    });
  }
}

function classify(r: AxiosResponse<string>): AuthorizeOutcome {
  const header = (name: string) => {
    const v = r.headers[name];
    return Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : undefined;
  };
  const body = typeof r.data === 'string' ? r.data.slice(0, 500) : '';
  if (r.status === 401) return { kind: 'refused', status: 401, challenge: header('www-authenticate'), warning: header('warning'), body };
  const location = header('location');
  if (r.status !== 302 || !location) return { kind: 'unexpected', status: r.status, location, body };
  const hash = location.indexOf('#');
  const fragment = new URLSearchParams(hash >= 0 ? location.slice(hash + 1) : '');
  const query = new URL(hash >= 0 ? location.slice(0, hash) : location).searchParams;
  const error = query.get('error') ?? fragment.get('error');
  if (error)
    return {
      kind: 'oauth-error',
      status: 302,
      error,
      description: query.get('error_description') ?? fragment.get('error_description') ?? '',
    };
  const token = fragment.get('access_token');
  if (!token) return { kind: 'unexpected', status: 302, location: location.split('#')[0], body };
  const expiresIn = Number(fragment.get('expires_in'));
  return {
    kind: 'token',
    status: 302,
    token,
    expiresIn: Number.isFinite(expiresIn) ? expiresIn : undefined,
    scope: fragment.get('scope') ?? undefined,
    tokenType: fragment.get('token_type') ?? undefined,
  };
}

/** An outcome in words, for messages and reports (never the token). */
export function describeOutcome(outcome: AuthorizeOutcome): string {
  switch (outcome.kind) {
    case 'token':
      return `302 with an access token (${outcome.tokenType ?? 'Bearer'}, expires in ${outcome.expiresIn ?? '?'} s, scope ${outcome.scope ?? '?'})`;
    case 'refused':
      return `401${outcome.challenge ? ` with the challenge ${outcome.challenge}` : ' without a challenge'}${outcome.warning ? ` (Warning: ${outcome.warning})` : ''}`;
    case 'oauth-error':
      return `302 with the OAuth error ${outcome.error}${outcome.description ? `: ${outcome.description}` : ''}`;
    default:
      return `HTTP ${outcome.status}${outcome.location ? ` to ${outcome.location}` : ''}${outcome.body ? `: ${outcome.body.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`;
  }
}
