// Authorino (registry.redhat.io/rhcl-1/authorino-rhel9, Red Hat Authorino 1.0) as the external
// authorization service of the mesh: it watches AuthConfigs (authorino.kuadrant.io/v1beta2) —
// cluster-wide unless WATCH_NAMESPACE says otherwise, only those matching AUTH_CONFIG_LABEL_SELECTOR
// — marks them Ready with the hosts it serves, and answers Envoy's ext_authz check of a request by
// the AuthConfig of the request's host:
//   - no AuthConfig for the host: denied, 404 (NOT_FOUND "Service not found");
//   - authentication: `anonymous` passes; `kubernetesTokenReview` takes the credential (the
//     Authorization header with prefix Bearer unless `credentials` says otherwise) and asks the
//     Kubernetes API for a TokenReview with the configured audiences: no credential is 401 with
//     WWW-Authenticate (`credential not found`), a token the API does not authenticate is 401;
//   - authorization: `kubernetesSubjectAccessReview` asks the API for a SubjectAccessReview of the
//     identity (user.selector, default auth.identity.user.username) with the configured
//     resourceAttributes: not allowed is 403; `patternMatching` rules are not modelled and deny.
// The wire: Envoy's CheckRequest/CheckResponse (envoy.service.auth.v3) as JSON over HTTP/1.1 on the
// gRPC port 50051, POST /envoy.service.auth.v3.Authorization/Check — the twin has no HTTP/2 gRPC;
// the service, port and messages are those of the mesh's envoyExtAuthzGrpc provider.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TwinClient } from '../api/client';
import { timestamp } from '../api/meta';
import { matchesLabels, parseLabelSelector } from '../api/selectors';
import type { KObject } from '../api/types';
import { json, readBody } from './openvino';
import { imageBaseName, type ImageEmulator } from './types';

const AUTHCONFIG_API = 'authorino.kuadrant.io/v1beta2';
/** Fault: Authorino lets a request with no credential through (an identity-less pass, as a broken credentials extractor could). */
export const AUTHORINO_NO_CREDENTIAL_PASSES_FAULT = 'authorino-no-credential-passes';
/** Fault: Authorino takes a JWT-shaped token the TokenReview refused for the identity of its unverified `sub` claim. */
export const AUTHORINO_TRUSTS_UNVERIFIED_JWT_FAULT = 'authorino-trusts-unverified-jwt';
export const EXT_AUTHZ_CHECK_PATH = '/envoy.service.auth.v3.Authorization/Check';

/** The HTTP request Envoy asks about (CheckRequest.attributes.request.http). */
export interface CheckedRequest {
  method: string;
  host: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
}

/** CheckResponse: OK, or denied with the HTTP status, headers and body Envoy sends back. */
export type CheckResult =
  { allowed: true; identity?: string } | { allowed: false; status: number; headers: Record<string, string>; body?: string; reason: string };

/** gRPC codes of CheckResponse.status. */
const GRPC = { OK: 0, NOT_FOUND: 5, PERMISSION_DENIED: 7, UNAUTHENTICATED: 16 } as const;

export class AuthorinoService {
  constructor(
    private readonly client: TwinClient,
    private readonly env: Record<string, string>,
    private readonly faults: { has(name: string): boolean } = { has: () => false },
  ) {}

  /** The AuthConfigs this instance serves. */
  authConfigs(): KObject[] {
    const ns = this.env.WATCH_NAMESPACE || undefined;
    const selector = this.env.AUTH_CONFIG_LABEL_SELECTOR ? parseLabelSelector(this.env.AUTH_CONFIG_LABEL_SELECTOR) : undefined;
    return this.client
      .list(AUTHCONFIG_API, 'AuthConfig', ns)
      .filter((a) => !a.metadata.deletionTimestamp && (!selector || matchesLabels(selector, a.metadata.labels)));
  }

  /** The AuthConfig of a host: an exact host first, then a wildcard one (`*.example.com`). */
  configFor(host: string): KObject | undefined {
    const h = host.toLowerCase().replace(/:\d+$/, '');
    const all = this.authConfigs();
    const hosts = (a: KObject) => ((a.spec?.hosts ?? []) as string[]).map((x) => x.toLowerCase());
    return all.find((a) => hosts(a).includes(h)) ?? all.find((a) => hosts(a).some((p) => p.startsWith('*.') && h.endsWith(p.slice(1))));
  }

  check(req: CheckedRequest): CheckResult {
    const config = this.configFor(req.host);
    if (!config) return deny(404, 'Service not found', {});
    let identity: { username?: string; groups?: string[] } | undefined;
    const authn = Object.entries((config.spec?.authentication ?? {}) as Record<string, KObject>);
    const problems: { status: number; reason: string; headers: Record<string, string> }[] = [];
    for (const [name, method] of authn) {
      if (method.anonymous !== undefined) {
        identity = { username: 'system:anonymous' };
        break;
      }
      if (method.kubernetesTokenReview) {
        const token = credential(req, method.credentials);
        if (!token && this.faults.has(AUTHORINO_NO_CREDENTIAL_PASSES_FAULT)) return { allowed: true, identity: 'system:anonymous' };
        if (!token) {
          problems.push({ status: 401, reason: 'credential not found', headers: { 'www-authenticate': `Bearer realm="${name}"` } });
          continue;
        }
        const review = this.client.create({
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          metadata: {},
          spec: { token, audiences: method.kubernetesTokenReview.audiences },
        });
        if (review.status?.authenticated) {
          identity = review.status.user;
          break;
        }
        const sub = this.faults.has(AUTHORINO_TRUSTS_UNVERIFIED_JWT_FAULT) ? unverifiedSubject(token) : undefined;
        if (sub) {
          identity = { username: sub };
          break;
        }
        problems.push({ status: 401, reason: 'not authenticated', headers: { 'www-authenticate': `Bearer realm="${name}"` } });
        continue;
      }
      problems.push({ status: 401, reason: `authentication method of ${name} is not supported by the twin's Authorino`, headers: {} });
    }
    if (!identity) {
      const p = problems[0] ?? { status: 401, reason: 'no authentication method', headers: {} };
      return deny(p.status, p.reason, p.headers);
    }
    for (const [, rule] of Object.entries((config.spec?.authorization ?? {}) as Record<string, KObject>)) {
      const sar = rule.kubernetesSubjectAccessReview;
      if (!sar) return deny(403, 'Unauthorized', {});
      const user = selectValue(sar.user, { auth: { identity } }) ?? identity.username;
      const attrs = Object.fromEntries(
        Object.entries((sar.resourceAttributes ?? {}) as Record<string, KObject>).map(([k, v]) => [
          k,
          String(selectValue(v, { auth: { identity } }) ?? ''),
        ]),
      );
      const review = this.client.create({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        metadata: {},
        spec: {
          user,
          groups: identity.groups,
          ...(sar.resourceAttributes
            ? { resourceAttributes: attrs }
            : { nonResourceAttributes: { path: req.path, verb: req.method.toLowerCase() } }),
        },
      });
      if (!review.status?.allowed) return deny(403, 'Unauthorized', {});
    }
    return { allowed: true, identity: identity.username };
  }

  /** The ext_authz endpoint (CheckRequest JSON in, CheckResponse JSON out). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST' || req.url !== EXT_AUTHZ_CHECK_PATH)
      return json(res, 404, { code: GRPC.NOT_FOUND, message: `unknown method ${req.url}` });
    void readBody(req).then((body) => {
      let http: KObject;
      try {
        http = JSON.parse(body.toString('utf8'))?.attributes?.request?.http;
      } catch {
        return json(res, 400, { code: 3, message: 'CheckRequest is not JSON' });
      }
      if (!http) return json(res, 400, { code: 3, message: 'CheckRequest has no attributes.request.http' });
      const headers = Object.fromEntries(
        Object.entries((http.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      const result = this.check({
        method: http.method ?? 'GET',
        host: http.host ?? headers[':authority'] ?? headers.host ?? '',
        path: http.path ?? '/',
        headers,
      });
      if (result.allowed) return json(res, 200, { status: { code: GRPC.OK }, okResponse: {} });
      const code = result.status === 404 ? GRPC.NOT_FOUND : result.status === 401 ? GRPC.UNAUTHENTICATED : GRPC.PERMISSION_DENIED;
      const header = (key: string, value: string) => ({ header: { key, value } });
      json(res, 200, {
        status: { code, message: result.reason },
        deniedResponse: {
          status: { code: result.status },
          headers: [header('x-ext-auth-reason', result.reason), ...Object.entries(result.headers).map(([k, v]) => header(k, v))],
          body: result.body ?? '',
        },
      });
    });
  }

  /** Ready, with the hosts it serves, on every AuthConfig of this instance whose status says otherwise. */
  markReady(): void {
    for (const a of this.authConfigs()) {
      const hosts: string[] = a.spec?.hosts ?? [];
      const summary = {
        ready: true,
        hostsReady: hosts,
        numHostsReady: `${hosts.length}/${hosts.length}`,
        numIdentitySources: Object.keys(a.spec?.authentication ?? {}).length,
        numMetadataSources: 0,
        numAuthorizationPolicies: Object.keys(a.spec?.authorization ?? {}).length,
        numResponseItems: 0,
        festivalWristbandEnabled: false,
      };
      if (JSON.stringify(a.status?.summary) === JSON.stringify(summary)) continue;
      const now = timestamp();
      this.client.patchStatus(AUTHCONFIG_API, 'AuthConfig', a.metadata.name!, a.metadata.namespace, {
        conditions: [
          { type: 'Available', status: 'True', reason: 'HostsReady', lastTransitionTime: now, lastUpdatedTime: now },
          { type: 'Ready', status: 'True', reason: 'Reconciled', lastTransitionTime: now, lastUpdatedTime: now },
        ],
        summary,
      });
    }
  }
}

function deny(status: number, reason: string, headers: Record<string, string>): CheckResult {
  return { allowed: false, status, reason, headers };
}

/** The credential of a request: the Authorization header with its prefix (default Bearer), or another header, query or cookie as `credentials` says. */
function credential(req: CheckedRequest, credentials: KObject | undefined): string | undefined {
  if (credentials?.customHeader?.name) return req.headers[String(credentials.customHeader.name).toLowerCase()] || undefined;
  if (credentials?.queryString?.name) return new URL(req.path, 'http://x').searchParams.get(credentials.queryString.name) ?? undefined;
  const prefix = String(credentials?.authorizationHeader?.prefix ?? 'Bearer');
  const auth = req.headers.authorization ?? '';
  const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(.+)$`, 'i').exec(auth.trim());
  return m?.[1]?.trim() || undefined;
}

/** The `sub` claim of a JWT, read without checking its signature (only under the fault). */
function unverifiedSubject(token: string): string | undefined {
  try {
    const sub = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** A value of an AuthConfig: {value} as is, {selector} read from the authorization JSON (dotted path). */
function selectValue(v: KObject | undefined, data: Record<string, unknown>): unknown {
  if (!v) return undefined;
  if (v.value !== undefined) return v.value;
  if (typeof v.selector === 'string')
    return v.selector
      .split('.')
      .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), data);
  return undefined;
}

/** The authorino image: one AuthorinoService per pod, its ext_authz port and its AuthConfig status. */
export function authorinoEmulator(clientFor: (podNamespace: string) => TwinClient, faults?: { has(name: string): boolean }): ImageEmulator {
  return {
    name: 'authorino',
    matches: (image) => /^authorino(-rhel\d+)?$/.test(imageBaseName(image)),
    start(ctx) {
      const client = clientFor(ctx.pod.metadata.namespace!);
      const service = new AuthorinoService(client, ctx.env, faults);
      const stopWatch = client.watch(
        AUTHCONFIG_API,
        'AuthConfig',
        (type) => type !== 'DELETED' && queueMicrotask(() => service.markReady()),
      );
      queueMicrotask(() => service.markReady());
      ctx.log('{"level":"info","logger":"authorino","msg":"starting authorization service","port":50051}');
      return {
        ports: [{ port: 50051, handler: (req, res) => service.handle(req, res) }],
        stop: stopWatch,
      };
    },
  };
}
