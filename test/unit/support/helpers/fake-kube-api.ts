// A small in-process Kubernetes API server for unit tests of support/core/cluster: HTTPS with a bearer
// token, discovery, CRUD, a simplified server-side apply (deep merge; no change keeps the
// resourceVersion), merge patches, list + watch with resourceVersions and 410 Gone, and knobs to
// inject transient errors and dropped watches. The twin is the real thing; this lets the client be
// tested without it and deterministically.
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loopbackCertificate } from './tls';

export interface FakeResource {
  group: string; // '' for core
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

type Obj = { apiVersion: string; kind: string; metadata: Record<string, any>; [key: string]: any };

interface Change {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: FakeResource;
  obj: Obj;
}

interface Watcher {
  res: ServerResponse;
  resource: FakeResource;
  namespace?: string;
  query: URLSearchParams;
}

export const DEFAULT_RESOURCES: FakeResource[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: 'example.com', version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true },
  { group: 'example.com', version: 'v1', plural: 'clusterwidgets', kind: 'ClusterWidget', namespaced: false },
];

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function deepMerge(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return clone(patch);
  const out = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = deepMerge(out[k], v);
  }
  return out;
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => a.localeCompare(b)))
      : val,
  );
}

export class FakeKubeApi {
  readonly token = 'sha256~fake-token-for-tests-0123456789';
  readonly requests: { method: string; path: string; query: string; contentType?: string }[] = [];
  private readonly store = new Map<string, Obj>();
  private readonly history: Change[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 100;
  private compactedBefore = 0;
  private failures: { status: number; remaining: number; retryAfter?: string; match?: (method: string, path: string) => boolean }[] = [];
  private watchDropMs: number | undefined;
  /** What SelfSubjectAccessReviews answer. */
  clusterAdmin = true;
  private server!: https.Server;
  url = '';

  private constructor(private readonly resources: FakeResource[]) {}

  static async start(resources: FakeResource[] = DEFAULT_RESOURCES): Promise<FakeKubeApi> {
    const api = new FakeKubeApi(resources);
    const { cert, key } = loopbackCertificate();
    api.server = https.createServer({ cert, key }, (req, res) => api.handle(req, res));
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.url = `https://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  kubeconfigYaml(token = this.token): string {
    const ca = Buffer.from(loopbackCertificate().cert).toString('base64');
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: ${this.url}`,
      `    certificate-authority-data: ${ca}`,
      'users:',
      '- name: admin',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: admin',
      '  context: {cluster: fake, user: admin}',
      'current-context: admin',
      '',
    ].join('\n');
  }

  writeKubeconfig(dir: string, token?: string): string {
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, this.kubeconfigYaml(token), { mode: 0o600 });
    return file;
  }

  /** The next `count` requests (optionally only those matching) get HTTP `status`. */
  failNext(count: number, status: number, options: { retryAfter?: string; match?: (method: string, path: string) => boolean } = {}): void {
    this.failures.push({ status, remaining: count, ...options });
  }

  /** Watches are closed this long after they open (undefined: never). */
  dropWatchesAfter(ms: number | undefined): void {
    this.watchDropMs = ms;
  }

  /** Forgets history: watches from an older resourceVersion get 410 Gone. */
  compact(): void {
    this.compactedBefore = this.rv;
  }

  /**
   * Writes an object as put() does but tells no open watch, then forgets history: as a change made
   * while the client was between watches and compacted before it came back. The client's
   * resourceVersion is then too old: its next watch gets 410 Gone, whatever the timing.
   */
  putUnseenAndCompact(obj: Obj): Obj {
    const saved = this.put(obj, false);
    this.compact();
    return saved;
  }

  /** Writes an object as another client would (merge into the existing one), notifying watchers (unless `seen` is false). */
  put(obj: Obj, seen = true): Obj {
    const resource = this.resourceOfKind(obj.apiVersion, obj.kind);
    const key = this.key(resource, obj.metadata.namespace, obj.metadata.name);
    const existing = this.store.get(key);
    const merged = existing ? deepMerge(existing, obj) : clone(obj);
    return this.save(resource, key, merged, existing ? 'MODIFIED' : 'ADDED', seen);
  }

  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
    const resource = this.resourceOfKind(apiVersion, kind);
    const key = this.key(resource, namespace, name);
    const existing = this.store.get(key);
    if (!existing) return;
    this.store.delete(key);
    this.record(resource, 'DELETED', { ...existing, metadata: { ...existing.metadata, resourceVersion: String(++this.rv) } });
  }

  object(apiVersion: string, kind: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.store.get(this.key(this.resourceOfKind(apiVersion, kind), namespace, name));
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- request handling ---

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://x');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search, contentType: req.headers['content-type'] });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        this.route(req, res, url, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        this.status(res, 500, 'InternalError', (error as Error).message);
      }
    });
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    const method = req.method ?? 'GET';
    const isWatch = url.searchParams.get('watch') === 'true';
    const failure = this.failures.find((f) => f.remaining > 0 && (!f.match || f.match(method, url.pathname)));
    if (failure && !isWatch) {
      failure.remaining--;
      if (failure.retryAfter) res.setHeader('Retry-After', failure.retryAfter);
      return this.status(res, failure.status, failure.status === 429 ? 'TooManyRequests' : 'InternalError', 'injected transient failure');
    }
    if (url.pathname === '/version') return this.json(res, 200, { major: '1', minor: '28', gitVersion: 'v1.28.0-fake' });
    if (url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && method === 'POST') {
      return this.json(res, 201, { ...JSON.parse(body), status: { allowed: this.clusterAdmin } });
    }
    const discovery = this.discovery(url.pathname);
    if (discovery) return this.json(res, 200, discovery);
    const parsed = this.parsePath(url.pathname);
    if (!parsed) return this.status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const { resource, namespace, name, subresource } = parsed;
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    if (!name) {
      if (method === 'GET' && isWatch) return this.watch(res, resource, namespace, url.searchParams);
      if (method === 'GET')
        return this.json(res, 200, {
          apiVersion,
          kind: `${resource.kind}List`,
          metadata: { resourceVersion: String(this.rv) },
          items: this.matching(resource, namespace, url.searchParams),
        });
      if (method === 'POST') {
        const obj = JSON.parse(body) as Obj;
        const key = this.key(resource, namespace ?? obj.metadata.namespace, obj.metadata.name);
        if (this.store.has(key)) return this.status(res, 409, 'AlreadyExists', `${resource.plural} "${obj.metadata.name}" already exists`);
        return this.json(res, 201, this.save(resource, key, { ...obj, metadata: { ...obj.metadata, namespace } }, 'ADDED'));
      }
      return this.status(res, 405, 'MethodNotAllowed', method);
    }
    const key = this.key(resource, namespace, name);
    const existing = this.store.get(key);
    if (method === 'GET')
      return existing ? this.json(res, 200, existing) : this.status(res, 404, 'NotFound', `${resource.plural} "${name}" not found`);
    if (method === 'DELETE') {
      if (!existing) return this.status(res, 404, 'NotFound', `${resource.plural} "${name}" not found`);
      this.remove(apiVersion, resource.kind, namespace, name);
      return this.json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
    }
    if (method === 'PATCH') {
      const type = req.headers['content-type'] ?? '';
      const patch = JSON.parse(body) as Record<string, any>;
      if (type === 'application/apply-patch+yaml') {
        if (patch.metadata?.name !== name) return this.status(res, 400, 'BadRequest', 'metadata.name must match the URL');
        const merged = existing ? deepMerge(existing, patch) : { ...patch, metadata: { ...patch.metadata, namespace } };
        if (existing && stable(merged) === stable(existing)) return this.json(res, 200, existing);
        return this.json(res, existing ? 200 : 201, this.save(resource, key, merged, existing ? 'MODIFIED' : 'ADDED'));
      }
      if (!existing) return this.status(res, 404, 'NotFound', `${resource.plural} "${name}" not found`);
      if (type === 'application/json-patch+json')
        return this.status(res, 415, 'UnsupportedMediaType', 'json patch not supported by the fake');
      const merged =
        subresource === 'status' ? { ...existing, status: deepMerge(existing.status, patch.status) } : deepMerge(existing, patch);
      return this.json(res, 200, this.save(resource, key, merged, 'MODIFIED'));
    }
    return this.status(res, 405, 'MethodNotAllowed', method);
  }

  private watch(res: ServerResponse, resource: FakeResource, namespace: string | undefined, query: URLSearchParams): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const from = Number(query.get('resourceVersion') ?? '0');
    if (from && from < this.compactedBefore) {
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            code: 410,
            reason: 'Expired',
            message: `too old resource version: ${from} (${this.compactedBefore})`,
          },
        }) + '\n',
      );
      return;
    }
    const watcher: Watcher = { res, resource, namespace, query };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
    for (const change of this.history) {
      if (change.rv > from) this.notify(watcher, change);
    }
    if (this.watchDropMs !== undefined) {
      const timer = setTimeout(() => {
        this.watchers.delete(watcher); // a dropped watch gets nothing more (its 'close' may come later)
        res.end();
      }, this.watchDropMs);
      res.on('close', () => clearTimeout(timer));
    }
  }

  private notify(watcher: Watcher, change: Change): void {
    if (change.resource !== watcher.resource) return;
    if (watcher.namespace && change.obj.metadata.namespace !== watcher.namespace) return;
    if (!this.matches(change.obj, watcher.query) || watcher.res.writableEnded) return;
    watcher.res.write(JSON.stringify({ type: change.type, object: change.obj }) + '\n');
  }

  private save(resource: FakeResource, key: string, obj: Obj, type: 'ADDED' | 'MODIFIED', seen = true): Obj {
    const saved = clone(obj);
    saved.metadata = { ...saved.metadata, resourceVersion: String(++this.rv) };
    if (type === 'ADDED') saved.metadata.creationTimestamp ??= new Date().toISOString();
    this.store.set(key, saved);
    if (seen) this.record(resource, type, saved);
    return saved;
  }

  private record(resource: FakeResource, type: Change['type'], obj: Obj): void {
    const change: Change = { rv: Number(obj.metadata.resourceVersion), type, resource, obj: clone(obj) };
    this.history.push(change);
    for (const w of this.watchers) this.notify(w, change);
  }

  private matching(resource: FakeResource, namespace: string | undefined, query: URLSearchParams): Obj[] {
    const prefix = this.key(resource, undefined, '').split('|')[0];
    return [...this.store.entries()]
      .filter(
        ([key, obj]) => key.startsWith(prefix + '|') && (!namespace || obj.metadata.namespace === namespace) && this.matches(obj, query),
      )
      .map(([, obj]) => obj);
  }

  private matches(obj: Obj, query: URLSearchParams): boolean {
    const fields = query.get('fieldSelector');
    for (const term of fields ? fields.split(',') : []) {
      const [field, value] = term.split('=');
      const actual = field!.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), obj);
      if (String(actual) !== value) return false;
    }
    const labels = query.get('labelSelector');
    for (const term of labels ? labels.split(',') : []) {
      const [label, value] = term.split('=');
      if (obj.metadata.labels?.[label!] !== value) return false;
    }
    return true;
  }

  private key(resource: FakeResource, namespace: string | undefined, name: string): string {
    return `${resource.group}/${resource.plural}|${resource.namespaced ? (namespace ?? '') : ''}|${name}`;
  }

  private resourceOfKind(apiVersion: string, kind: string): FakeResource {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const resource = this.resources.find((r) => r.group === group && r.version === version && r.kind === kind);
    if (!resource) throw new Error(`fake api: unknown kind ${apiVersion} ${kind}`);
    return resource;
  }

  private discovery(pathname: string): object | undefined {
    const m = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(pathname);
    if (!m) return undefined;
    const group = m[1] ? '' : m[2]!;
    const version = m[1] ?? m[3]!;
    const resources = this.resources.filter((r) => r.group === group && r.version === version);
    if (resources.length === 0) return undefined;
    return {
      kind: 'APIResourceList',
      groupVersion: group ? `${group}/${version}` : version,
      resources: resources.flatMap((r) => [
        { name: r.plural, namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
        { name: `${r.plural}/status`, namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch'] },
      ]),
    };
  }

  private parsePath(pathname: string): { resource: FakeResource; namespace?: string; name?: string; subresource?: string } | undefined {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(pathname);
    if (!m) return undefined;
    const group = m[1] ? '' : m[2]!;
    const version = m[1] ?? m[3]!;
    const resource = this.resources.find((r) => r.group === group && r.version === version && r.plural === m[5]);
    if (!resource) {
      // `/api/v1/namespaces/NAME` addresses the namespace object itself.
      if (!m[4] && m[5] === 'namespaces' && m[6]) {
        const ns = this.resources.find((r) => r.plural === 'namespaces')!;
        return { resource: ns, name: m[6] };
      }
      return undefined;
    }
    return {
      resource,
      namespace: m[4] ? decodeURIComponent(m[4]) : undefined,
      name: m[6] ? decodeURIComponent(m[6]) : undefined,
      subresource: m[7],
    };
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
  }
}
