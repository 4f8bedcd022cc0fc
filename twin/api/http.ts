// The HTTPS transport of the twin's API server: URL routing, authentication, RBAC, content
// negotiation, watch streaming, discovery, OpenAPI and the audit log — the wire contract that
// kubectl and client-node talk to.
import { ServerResponse, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import * as yaml from 'js-yaml';
import type { ApiServer, PatchType, RequestContext, WatchEvent } from './apiserver';
import type { AuditLog, AuditRecord } from './audit';
import type { Authenticator, UserInfo } from './auth';
import { coreVersions, groupDocument, groupList, resourceList, versionInfo } from './discovery';
import { groupVersionDoc, openApiRoot, openApiV2 } from './openapi';
import { forbiddenMessage, type Attributes, type Authorizer } from './rbac';
import { toPartialMetadata, toTable, wantsPartialMetadata, wantsTable } from './table';
import { ApiError, type KObject, type ResourceType } from './types';
import type { VirtualKinds } from './virtual';
import { readBody } from '../request-body';

/** What the transport asks of the fault catalogue. */
export interface TransportFaults {
  /** A failure to answer instead of serving this request, or undefined to serve it. */
  transientFailure(method: string, url: string): { code: number; reason: string; retryAfter?: number } | undefined;
  /** Milliseconds after which to cut this watch, or undefined to keep it. */
  watchCut(): number | undefined;
  /** True when a watch from an explicit resourceVersion should be told it is too old. */
  watchExpired(): boolean;
}

export interface ApiHttpOptions {
  api: ApiServer;
  authn: Authenticator;
  authz: Authorizer;
  virtual: VirtualKinds;
  audit: AuditLog;
  faults: TransportFaults;
  tls: { certPem: string; keyPem: string };
  oauthMetadata: () => object;
  /** Extra handlers for pod exec/log and the like: return true when handled. */
  subresourceHandlers?: Map<string, (req: IncomingMessage, res: ServerResponse, target: ResourceTarget, user: UserInfo) => boolean>;
}

export interface ResourceTarget {
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

type Route =
  | { type: 'nonresource'; path: string }
  | ({ type: 'resource' } & ResourceTarget)
  | { type: 'discovery'; group?: string; version?: string; core?: boolean };

const MAX_BODY = 16 * 1024 * 1024;
const MAX_WATCH_MS = 30 * 60_000;

export function createApiHttpServer(o: ApiHttpOptions): Server {
  const server = createServer({ cert: o.tls.certPem, key: o.tls.keyPem }, (req, res) => {
    handle(o, req, res).catch((err) => {
      if (!res.headersSent) writeStatus(res, err instanceof ApiError ? err : internal(err));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  // Upgrade requests (pods/exec over WebSocket) take the same path as any request — authentication,
  // RBAC, audit — with a response bound to the raw socket; a subresource handler takes the socket over.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (head.length) socket.unshift(head);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.on('finish', () => socket.end());
    handle(o, req, res).catch((err) => {
      if (!res.headersSent) writeStatus(res, err instanceof ApiError ? err : internal(err));
      else socket.destroy();
    });
  });
  return server;
}

async function handle(o: ApiHttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const received = new Date();
  const url = new URL(req.url ?? '/', 'https://twin');
  const token = bearer(req.headers.authorization);
  const authenticated = o.authn.authenticate(token);
  const route = parseRoute(url.pathname);
  const record: AuditRecord = {
    verb: (req.method ?? 'GET').toLowerCase(),
    requestURI: req.url ?? '/',
    user: authenticated === 'invalid' ? { username: 'system:anonymous', groups: ['system:unauthenticated'] } : authenticated,
    userAgent: req.headers['user-agent'],
    sourceIP: req.socket.remoteAddress,
    code: 200,
    received,
  };
  const finish = (code: number, err?: ApiError) => {
    record.code = code;
    if (err) {
      record.reason = err.reason;
      record.message = err.message;
    }
    o.audit.record(record);
  };
  try {
    if (authenticated === 'invalid') throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    const user = impersonate(o.authz, authenticated, req);
    if (user !== authenticated) record.impersonatedUser = user;
    if (route.type !== 'resource') {
      const attrs: Attributes = { verb: (req.method ?? 'GET').toLowerCase(), path: url.pathname };
      if (!isPublic(url.pathname) && !o.authz.authorize(user, attrs).allowed)
        throw new ApiError(403, 'Forbidden', forbiddenMessage(user, attrs), {});
      if (url.pathname === '/openapi/v2') {
        const pb = /protobuf/.test(req.headers.accept ?? '');
        const doc = openApiV2(pb);
        if (Buffer.isBuffer(doc)) {
          res.writeHead(200, {
            'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
            'Content-Length': doc.length,
          });
          res.end(doc);
        } else writeJson(res, 200, doc);
        return finish(200);
      }
      writeJson(res, 200, nonResource(o, route, url, req));
      return finish(200);
    }
    await serveResource(o, req, res, url, route, user, record, finish);
  } catch (err) {
    const e = err instanceof ApiError ? err : internal(err);
    if (!res.headersSent) writeStatus(res, e);
    finish(e.code, e);
  }
}

async function serveResource(
  o: ApiHttpOptions,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  t: ResourceTarget,
  user: UserInfo,
  record: AuditRecord,
  finish: (code: number, err?: ApiError) => void,
): Promise<void> {
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  const watching = method === 'GET' && !t.name && (q.get('watch') === 'true' || q.get('watch') === '1');
  const verb = verbOf(method, t, watching);
  record.verb = verb;
  const rt = o.api.registry.resolve(t.group, t.version, t.plural);
  record.objectRef = {
    resource: t.plural,
    namespace: t.namespace,
    name: t.name,
    apiGroup: t.group,
    apiVersion: t.version,
    subresource: t.subresource,
  };
  if (!rt) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (!rt.namespaced && t.namespace) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const attrs: Attributes = {
    verb,
    apiGroup: t.group,
    resource: t.plural,
    subresource: t.subresource,
    namespace: t.namespace,
    name: t.name,
  };
  // OpenShift's projectRequestInfoResolver (openshift-apiserver, package apiserverconfig; origin
  // pkg/authorization/authorizer before it): a request on projects/<name> is authorized in the namespace <name>.
  if (t.group === 'project.openshift.io' && t.plural === 'projects' && t.name && !t.namespace) attrs.namespace = t.name;
  if (!o.authz.authorize(user, attrs).allowed)
    throw new ApiError(403, 'Forbidden', forbiddenMessage(user, attrs), { name: t.name, group: t.group, kind: t.plural });
  if (!rt.verbs.includes(verb) && !t.subresource && !(rt.virtual && rt.group === 'project.openshift.io')) {
    throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }
  const failure = o.faults.transientFailure(method, req.url ?? '');
  if (failure) {
    if (failure.retryAfter) res.setHeader('Retry-After', String(failure.retryAfter));
    throw new ApiError(
      failure.code,
      failure.reason,
      failure.code === 429
        ? 'Too many requests, please try again later.'
        : 'the server is currently unable to handle the request (injected transient fault)',
      failure.retryAfter ? { retryAfterSeconds: failure.retryAfter } : undefined,
    );
  }
  const custom = t.subresource && o.subresourceHandlers?.get(`${t.plural}/${t.subresource}`);
  if (custom && custom(req, res, t, user)) return finish(res.headersSent ? res.statusCode : 101);

  const ctx: RequestContext = {
    user,
    fieldManager: q.get('fieldManager') ?? undefined,
    userAgent: req.headers['user-agent'],
    dryRun: q.getAll('dryRun').includes('All'),
    fieldValidation: (q.get('fieldValidation') as RequestContext['fieldValidation']) ?? undefined,
    warnings: [],
  };

  if (watching) return startWatch(o, req, res, rt, t, user, q, finish);
  let body: unknown;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || (method === 'DELETE' && req.headers['content-length'] !== '0')) {
    const raw = await readBody(req, MAX_BODY, () => new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large'));
    record.contentType = req.headers['content-type'];
    body = raw.length ? decodeBody(raw, req.headers['content-type'], method) : undefined;
    record.requestObject = body;
  }
  // An apply patch creates the object when it does not exist yet, and says so with 201 Created.
  const applyCreates = verb === 'patch' && !t.subresource && isApply(req.headers['content-type']) && !o.api.find(rt, t.namespace, t.name!);
  const result = dispatch(o, rt, t, method, verb, body, ctx, q, req);
  for (const w of ctx.warnings) res.appendHeader('Warning', `299 - ${JSON.stringify(w)}`);
  const code = method === 'POST' || applyCreates ? 201 : 200;
  const accept = req.headers.accept;
  if (method === 'GET' && wantsTable(accept)) {
    const items = t.name ? [result] : (result.items as KObject[]);
    const listMeta = {
      ...(t.name ? {} : result.metadata),
      resourceVersion: String(result.metadata?.resourceVersion ?? o.api.store.currentRv()),
    };
    writeJson(res, 200, toTable(rt, t.version, items, listMeta, q.get('includeObject') ?? undefined));
  } else if (method === 'GET' && wantsPartialMetadata(accept)) {
    writeJson(res, 200, toPartialMetadata(result, !t.name));
  } else writeJson(res, code, result);
  finish(code);
}

function dispatch(
  o: ApiHttpOptions,
  rt: ResourceType,
  t: ResourceTarget,
  method: string,
  verb: string,
  body: unknown,
  ctx: RequestContext,
  q: URLSearchParams,
  req: IncomingMessage,
): KObject {
  const api = o.api;
  if (rt.group === 'project.openshift.io' && rt.plural === 'projects') {
    if (verb === 'get') return o.virtual.getProject(ctx.user, t.name!);
    if (verb === 'list') return o.virtual.listProjects(ctx.user, q.get('labelSelector') ?? undefined);
    if (verb === 'delete') return o.virtual.deleteProject(t.name!, ctx);
  }
  if (rt.group === 'user.openshift.io' && rt.plural === 'users' && t.name === '~' && verb === 'get') return o.virtual.currentUser(ctx.user);
  if (t.plural === 'serviceaccounts' && t.subresource === 'token' && method === 'POST')
    return o.virtual.tokenRequest(t.namespace!, t.name!, body as KObject);
  switch (verb) {
    case 'get':
      if (t.subresource === 'scale') return api.getScale(rt, t.version, t.namespace, t.name!);
      if (t.subresource && t.subresource !== 'status')
        throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      return api.get(rt, t.version, t.namespace, t.name!);
    case 'list':
      // Serialized at once and changed by nothing: the stored objects need no copies.
      return api.list(
        rt,
        t.version,
        t.namespace,
        {
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
          limit: q.get('limit') ? Number(q.get('limit')) : undefined,
          continue: q.get('continue') ?? undefined,
          resourceVersion: q.get('resourceVersion') ?? undefined,
          resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
        },
        false,
      );
    case 'create':
      if (t.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      return api.create(rt, t.version, t.namespace, body as KObject, ctx);
    case 'update':
      if (t.subresource === 'scale') return api.updateScale(rt, t.version, t.namespace, t.name!, body as KObject, ctx);
      return api.update(rt, t.version, t.namespace, t.name!, body as KObject, ctx, t.subresource);
    case 'patch':
      if (t.subresource === 'scale')
        return api.patchScale(rt, t.version, t.namespace, t.name!, patchType(req.headers['content-type']), body, ctx);
      return api.patch(rt, t.version, t.namespace, t.name!, patchType(req.headers['content-type']), body, ctx, {
        force: q.get('force') === 'true',
        subresource: t.subresource,
      });
    case 'delete': {
      const opts = (body ?? {}) as KObject;
      const obj = api.delete(rt, t.version, t.namespace, t.name!, ctx, {
        propagationPolicy: (q.get('propagationPolicy') ?? opts.propagationPolicy) as never,
        preconditions: opts.preconditions,
      });
      return obj;
    }
    case 'deletecollection':
      return api.deleteCollection(rt, t.version, t.namespace, ctx, {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        propagationPolicy: (q.get('propagationPolicy') ?? undefined) as never,
      });
  }
  throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function startWatch(
  o: ApiHttpOptions,
  req: IncomingMessage,
  res: ServerResponse,
  rt: ResourceType,
  t: ResourceTarget,
  user: UserInfo,
  q: URLSearchParams,
  finish: (code: number, err?: ApiError) => void,
): void {
  const seconds = Number(q.get('timeoutSeconds') ?? 0);
  const timeoutMs = seconds > 0 ? seconds * 1000 : MAX_WATCH_MS;
  // Bad selectors are refused with a 400 before the stream starts.
  o.api.selectors(rt, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined });
  const opts = {
    resourceVersion: q.get('resourceVersion') ?? undefined,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    allowBookmarks: q.get('allowWatchBookmarks') === 'true',
    timeoutMs,
  };
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  finish(200);
  // With `Accept: ...;as=Table` (kubectl get -w) every object is sent as a one-row Table, the
  // column definitions only in the first (kube-apiserver sets NoHeaders after it).
  const asTable = wantsTable(req.headers.accept);
  const asMetadata = wantsPartialMetadata(req.headers.accept);
  let headersSent = false;
  const write = (e: WatchEvent) => {
    if (res.writableEnded) return;
    let event = e;
    if (asTable && (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED')) {
      const table = toTable(
        rt,
        t.version,
        [e.object],
        { resourceVersion: String(e.object.metadata.resourceVersion ?? '') },
        q.get('includeObject') ?? undefined,
      );
      if (headersSent) table.columnDefinitions = null;
      headersSent = true;
      event = { type: e.type, object: table };
    } else if (asMetadata && e.type !== 'ERROR') {
      event = { type: e.type, object: toPartialMetadata(e.object, false) };
    }
    res.write(JSON.stringify(event) + '\n');
  };
  if (opts.resourceVersion && opts.resourceVersion !== '0' && o.faults.watchExpired()) {
    write({
      type: 'ERROR',
      object: new ApiError(410, 'Expired', `too old resource version: ${opts.resourceVersion} (${o.api.store.currentRv()})`).toStatus(),
    });
    res.end();
    return;
  }
  let stop: () => void = () => undefined;
  const timers: NodeJS.Timeout[] = [];
  const close = () => {
    stop();
    for (const tm of timers) clearTimeout(tm);
    if (!res.writableEnded) res.end();
  };
  try {
    stop =
      rt.group === 'project.openshift.io'
        ? o.virtual.watchProjects(user, opts, write)
        : o.api.watch(rt, t.version, t.namespace, opts, (e) => {
            write(e);
            if (e.type === 'ERROR') close();
          });
  } catch (err) {
    write({ type: 'ERROR', object: (err instanceof ApiError ? err : internal(err)).toStatus() });
    res.end();
    return;
  }
  timers.push(setTimeout(close, timeoutMs));
  const cut = o.faults.watchCut();
  if (cut !== undefined) timers.push(setTimeout(() => (cut % 2 ? res.destroy() : close()), cut));
  req.on('close', close);
  res.on('close', close);
}

function nonResource(o: ApiHttpOptions, route: Exclude<Route, { type: 'resource' }>, url: URL, req: IncomingMessage): unknown {
  if (route.type === 'discovery') {
    if (route.core && !route.version) return coreVersions(req.headers.host ?? '127.0.0.1');
    if (route.core) return resourceList(o.api.registry, '', route.version!) ?? notFoundPath();
    if (!route.group) return groupList(o.api.registry);
    if (!route.version) return groupDocument(o.api.registry, route.group) ?? notFoundPath();
    return resourceList(o.api.registry, route.group, route.version) ?? notFoundPath();
  }
  const p = route.path;
  if (p === '/version' || p === '/version/') return versionInfo();
  if (p === '/healthz' || p === '/readyz' || p === '/livez') return 'ok';
  if (p === '/.well-known/oauth-authorization-server') return o.oauthMetadata();
  if (p === '/openapi/v3' || p === '/openapi/v3/') return openApiRoot(o.api.registry);
  const m = p.match(/^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/);
  if (m) {
    const [group, version] = m[1] ? ['', m[1]] : [m[2], m[3]];
    if (!o.api.registry.typesIn(group, version).length) return notFoundPath();
    return groupVersionDoc(o.api.registry, group, version);
  }
  return notFoundPath();
}

function notFoundPath(): never {
  throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

export function parseRoute(path: string): Route {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (segs[0] === 'api') {
    if (segs.length === 1) return { type: 'discovery', core: true };
    if (segs.length === 2) return { type: 'discovery', core: true, version: segs[1] };
    return resourceRoute('', segs[1], segs.slice(2));
  }
  if (segs[0] === 'apis') {
    if (segs.length === 1) return { type: 'discovery' };
    if (segs.length === 2) return { type: 'discovery', group: segs[1] };
    if (segs.length === 3) return { type: 'discovery', group: segs[1], version: segs[2] };
    return resourceRoute(segs[1], segs[2], segs.slice(3));
  }
  return { type: 'nonresource', path };
}

function resourceRoute(group: string, version: string, rest: string[]): Route {
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && ['status', 'finalize'].includes(rest[2]))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  return { type: 'resource', group, version, namespace, plural: rest[0], name: rest[1], subresource: rest[2] };
}

/** Connect subresources: RBAC checks `create` whatever the method (exec's WebSocket form is a GET). */
const CONNECT_SUBRESOURCES = new Set(['pods/exec', 'pods/attach', 'pods/portforward']);

function verbOf(method: string, t: ResourceTarget, watching: boolean): string {
  if ((method === 'GET' || method === 'POST') && t.name && CONNECT_SUBRESOURCES.has(`${t.plural}/${t.subresource}`)) return 'create';
  switch (method) {
    case 'GET':
      return t.name ? 'get' : watching ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return t.name ? 'delete' : 'deletecollection';
    default:
      throw new ApiError(405, 'MethodNotAllowed', `method ${method} is not supported`);
  }
}

function isPublic(path: string): boolean {
  return ['/version', '/version/', '/healthz', '/readyz', '/livez', '/.well-known/oauth-authorization-server'].includes(path);
}

function isApply(contentType: string | undefined): boolean {
  const ct = (contentType ?? '').split(';')[0].trim();
  return ct === 'application/apply-patch+yaml' || ct === 'application/apply-patch+cbor';
}

function patchType(contentType: string | undefined): PatchType {
  const ct = (contentType ?? '').split(';')[0].trim();
  switch (ct) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
  }
  throw new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
  );
}

function decodeBody(raw: Buffer, contentType: string | undefined, method: string): unknown {
  const ct = (contentType ?? 'application/json').split(';')[0].trim();
  if (ct.includes('protobuf') || ct.includes('cbor')) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  }
  const text = raw.toString('utf8');
  try {
    if (ct.includes('yaml')) return yaml.load(text);
    return JSON.parse(text);
  } catch (e) {
    // Say where the body is malformed, never what it holds: V8's and js-yaml's messages quote the
    // input (a Secret's value, say), and this message goes to the client and the audit log.
    throw new ApiError(
      400,
      'BadRequest',
      `the request body could not be decoded (${method} ${ct}): ${parseErrorSummary(e, ct.includes('yaml'))}`,
    );
  }
}

function parseErrorSummary(e: unknown, isYaml: boolean): string {
  if (isYaml) {
    const y = e as { reason?: string; mark?: { line?: number } };
    return `yaml: line ${(y.mark?.line ?? 0) + 1}: ${y.reason ?? 'invalid YAML'}`;
  }
  const message = (e as Error).message ?? '';
  if (/end of JSON input/.test(message)) return 'json parse error: unexpected end of JSON input';
  const position = /at position (\d+)/.exec(message);
  return `json parse error: invalid character at offset ${position ? position[1] : 'unknown'}`;
}

/**
 * Impersonate-User / -Group / -Uid / -Extra-* (kubectl --as, --as-group): the requester needs the
 * `impersonate` verb on each, then the request runs as that user. Like kube-apiserver, a
 * non-anonymous impersonated user is in system:authenticated, and a ServiceAccount without
 * explicit groups gets its ServiceAccount groups.
 */
function impersonate(authz: Authorizer, requester: UserInfo, req: IncomingMessage): UserInfo {
  const h = req.headersDistinct;
  const username = h['impersonate-user']?.[0];
  const groups = (h['impersonate-group'] ?? []).filter((g) => g !== '');
  const uid = h['impersonate-uid']?.[0];
  const extras = Object.keys(h).filter((k) => k.startsWith('impersonate-extra-'));
  if (username === undefined) {
    if (groups.length || uid !== undefined || extras.length) {
      throw new ApiError(
        500,
        'InternalError',
        `Internal error occurred: requested [${groups.map((g) => `{Group  ${g}  }`).join(' ')}] without impersonating a user`,
      );
    }
    return requester;
  }
  const check = (attrs: Attributes) => {
    if (!authz.authorize(requester, attrs).allowed)
      throw new ApiError(403, 'Forbidden', forbiddenMessage(requester, attrs), {
        name: attrs.name,
        group: attrs.apiGroup,
        kind: attrs.resource,
      });
  };
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  if (sa) check({ verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', namespace: sa[1], name: sa[2] });
  else check({ verb: 'impersonate', apiGroup: '', resource: 'users', name: username });
  for (const g of groups) check({ verb: 'impersonate', apiGroup: '', resource: 'groups', name: g });
  if (uid !== undefined) check({ verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'uids', name: uid });
  for (const k of extras)
    for (const v of h[k] ?? [])
      check({
        verb: 'impersonate',
        apiGroup: 'authentication.k8s.io',
        resource: 'userextras',
        subresource: k.slice('impersonate-extra-'.length),
        name: v,
      });
  const all = sa && !groups.length ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`] : [...groups];
  if (username !== 'system:anonymous' && !all.includes('system:authenticated') && !all.includes('system:unauthenticated'))
    all.push('system:authenticated');
  return { username, ...(uid !== undefined ? { uid } : {}), groups: all };
}

function bearer(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(.+)$/i);
  return m?.[1].trim();
}

function writeJson(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

function writeStatus(res: ServerResponse, err: ApiError): void {
  writeJson(res, err.code, err.toStatus());
}

function internal(err: unknown): ApiError {
  const msg = err instanceof Error ? err.message : String(err);
  if (process.env.RHOAI_TWIN_DEBUG) console.error(err);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${msg}`);
}
