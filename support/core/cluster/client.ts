// The cluster client every domain module uses: server-side apply under one field manager, reads,
// patches, deletes, the watch-based waitFor, and diagnose() for failed scenarios.
import type { KubeConfig } from '@kubernetes/client-node';
import { Discovery, UnknownKindError, resourcePath, type ResolvedResource } from './discovery';
import { formatConditions, formatEvent, formatPod, newestEvents, statusSummary } from './describe';
import { NotRunInPlanMode, fieldChanges, ownedBy, type Plan, type PlanAction } from './plan';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import { ApiError, ApiTransport, type ApiRequest } from './transport';
import {
  FIELD_MANAGER,
  PATCH_CONTENT_TYPES,
  describeRef,
  refKey,
  refOf,
  type KList,
  type KObject,
  type ObjectRef,
  type PatchType,
} from './types';
import { WaitFailedError, waitUntil, type ListPredicate, type ObjectPredicate, type Verdict, type WaitOptions } from './wait';

/** A live connection to one API server: transport plus the discovery cache, shared by clients. */
export class ClusterConnection {
  readonly transport: ApiTransport;
  readonly discovery: Discovery;
  constructor(
    readonly kubeConfig: KubeConfig,
    retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.transport = new ApiTransport(kubeConfig, retry);
    this.discovery = new Discovery(this.transport);
  }
  get server(): string {
    return this.transport.server;
  }
  close(): void {
    this.transport.close();
  }
}

/** Told about what the client does, so a scenario can report and diagnose it. */
export interface ClientObserver {
  /** An object was applied, created or patched: what was sent and what the server returned. */
  changed?(action: 'apply' | 'create' | 'patch' | 'delete', sent: unknown, live: KObject | undefined, ref: ObjectRef): void;
  /** A wait was satisfied: what was awaited and the state seen. */
  observed?(describe: string, state: KObject | KObject[] | undefined, ref: ObjectRef): void;
  /** Any object the scenario touched (for diagnose). */
  touched?(ref: ObjectRef): void;
  /**
   * The values (decoded data and stringData) of a Secret the client read from the cluster, whoever
   * wrote them: a scenario registers them with its redactor, so a value this run did not generate
   * (a kept object of an earlier run, one the platform made) never reaches a report either.
   */
  secretValues?(values: string[]): void;
}

/** The decoded values of every Secret in an API answer (a Secret, a SecretList, a watch state). */
export function secretValuesIn(body: unknown, secret = false): string[] {
  const out: string[] = [];
  // A value that is the Secret's own namespace or name (a service-account token Secret's `namespace`)
  // is metadata every report shows anyway: it cannot be a secret, and redacting it would hide every
  // mention of that namespace.
  const values = (map: unknown, decode: boolean, metadata: KObject['metadata'] | undefined): void => {
    for (const v of Object.values((map ?? {}) as Record<string, unknown>)) {
      if (typeof v !== 'string') continue;
      const value = decode ? Buffer.from(v, 'base64').toString('utf8') : v;
      if (value !== metadata?.namespace && value !== metadata?.name) out.push(value);
    }
  };
  const visit = (value: unknown, secret: boolean): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((item) => visit(item, secret));
    const obj = value as KObject;
    // A list's items carry no kind: the list's kind says what they are.
    if (obj.kind === 'SecretList') return (obj.items as unknown[] | undefined)?.forEach((item) => visit(item, true));
    if (!secret && obj.kind !== 'Secret') return;
    values(obj.data, true, obj.metadata);
    values(obj.stringData, false, obj.metadata);
  };
  visit(body, secret);
  return out;
}

export interface ClusterClientOptions {
  /** Default bound of waitFor, in ms. */
  defaultTimeoutMs?: number;
  observer?: ClientObserver;
  /**
   * Plan mode (RHOAI_PLAN=1): every write is sent with dryRun=All and recorded here; a wait that
   * does not hold yet while the plan lists changes throws NotRunInPlanMode. See plan.ts.
   */
  plan?: Plan;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

type ConnectionSource = ClusterConnection | (() => Promise<ClusterConnection>);

const DEFAULT_WAIT_TIMEOUT_MS = 900_000;
const EVENTS_IN_TIMEOUT = 10;
const EVENTS_IN_DIAGNOSE = 20;

export class ClusterClient {
  private connection: Promise<ClusterConnection> | undefined;
  private readonly defaultTimeoutMs: number;
  private readonly observer: ClientObserver;
  private readonly plan: Plan | undefined;

  /** `source` may be a function: the connection is then made on first use (the twin starts lazily). */
  constructor(
    private readonly source: ConnectionSource,
    options: ClusterClientOptions = {},
  ) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    this.observer = options.observer ?? {};
    this.plan = options.plan;
  }

  static fromKubeConfig(kubeConfig: KubeConfig, options?: ClusterClientOptions & { retry?: RetryPolicy }): ClusterClient {
    return new ClusterClient(new ClusterConnection(kubeConfig, options?.retry), options);
  }

  /** A client on the same connection (and discovery cache) with another observer. */
  withObserver(observer: ClientObserver, defaultTimeoutMs = this.defaultTimeoutMs, plan = this.plan): ClusterClient {
    return new ClusterClient(() => this.conn(), { observer, defaultTimeoutMs, plan });
  }

  /** True in plan mode: writes are dry runs. */
  get planning(): boolean {
    return this.plan !== undefined;
  }

  async server(): Promise<string> {
    return (await this.conn()).server;
  }

  /**
   * Server-side apply (fieldManager rhoai-harness); `force` takes over conflicting fields. Returns the
   * live object. `dryRun` has the server validate and answer without persisting (dryRun=All): the
   * answer is what the object would be, and nothing is reported as applied.
   */
  async apply(obj: KObject, options: { force?: boolean; dryRun?: boolean } = {}): Promise<KObject> {
    if (this.plan && !options.dryRun) return this.planned('apply', obj, () => this.apply(obj, { ...options, dryRun: true }));
    const { resource, ref } = await this.target(obj, 'apply');
    if (!ref.name) throw new Error(`apply ${obj.kind}: metadata.name is required`);
    const body = stripServerFields(obj);
    const live = await this.call<KObject>({
      method: 'PATCH',
      path: resourcePath(resource, ref.namespace, ref.name),
      query: { fieldManager: FIELD_MANAGER, force: options.force ? true : undefined, dryRun: options.dryRun ? 'All' : undefined },
      body,
      contentType: 'application/apply-patch+yaml',
    });
    if (!options.dryRun) this.note('apply', body, live, ref);
    return live;
  }

  async create(obj: KObject): Promise<KObject> {
    if (this.plan) {
      // openshift-apiserver's ProjectRequest storage is no generic store: whether it honours dryRun
      // could not be verified, so plan mode never sends one and lists the project it would make.
      if (obj?.kind === 'ProjectRequest') return this.unsent(obj, 'Project', 'a ProjectRequest is not sent in plan mode');
    }
    const { resource, ref } = await this.target(obj, 'create');
    const body = stripServerFields(obj);
    const send = () =>
      this.call<KObject>({
        method: 'POST',
        path: resourcePath(resource, ref.namespace),
        query: { fieldManager: FIELD_MANAGER, dryRun: this.plan ? 'All' : undefined },
        body,
      });
    if (this.plan) return this.planned('create', obj, send);
    const live = await send();
    this.note('create', body, live, refOf(live));
    return live;
  }

  /** The object, or undefined when it does not exist (404). */
  async get(ref: ObjectRef): Promise<KObject | undefined> {
    const resource = await this.resolve(ref, 'get');
    if (!ref.name) throw new Error(`get ${describeRef(ref)}: a name is required (use list)`);
    try {
      return await this.call<KObject>({ method: 'GET', path: resourcePath(resource, ref.namespace, ref.name) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** All objects of the collection (all namespaces when the ref has none), following `continue`. */
  async list(ref: ObjectRef, options: ListOptions = {}): Promise<KObject[]> {
    const resource = await this.resolve(ref, 'list');
    const items: KObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.call<KList>({
        method: 'GET',
        path: resourcePath(resource, ref.namespace),
        query: { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: 500, continue: token },
      });
      for (const item of page.items ?? [])
        items.push({ ...item, apiVersion: item.apiVersion ?? ref.apiVersion, kind: item.kind ?? ref.kind });
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  async patch(
    ref: ObjectRef,
    body: unknown,
    type: PatchType = 'merge',
    options: { subresource?: 'status' | 'scale' } = {},
  ): Promise<KObject> {
    const resource = await this.resolve(ref, 'patch');
    if (!ref.name) throw new Error(`patch ${describeRef(ref)}: a name is required`);
    if (type === 'json' && !Array.isArray(body)) throw new Error(`patch ${describeRef(ref)}: a JSON patch must be an array of operations`);
    const send = () =>
      this.call<KObject>({
        method: 'PATCH',
        path: resourcePath(resource, ref.namespace, ref.name, options.subresource),
        query: { fieldManager: FIELD_MANAGER, dryRun: this.plan ? 'All' : undefined },
        body,
        contentType: PATCH_CONTENT_TYPES[type],
      });
    if (this.plan)
      return this.planned(
        'patch',
        { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } },
        send,
      );
    const live = await send();
    this.note('patch', body, live, ref);
    return live;
  }

  /** Deletes the object; resolves with the server's answer, or undefined when it was already gone. */
  async delete(ref: ObjectRef, options: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' } = {}): Promise<KObject | undefined> {
    const resource = await this.resolve(ref, 'delete');
    if (!ref.name) throw new Error(`delete ${describeRef(ref)}: a name is required`);
    try {
      const answer = await this.call<KObject>({
        method: 'DELETE',
        path: resourcePath(resource, ref.namespace, ref.name),
        query: { dryRun: this.plan ? 'All' : undefined },
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: options.propagationPolicy ?? 'Background' },
      });
      if (this.plan) {
        this.observer.touched?.(ref);
        this.plan.record({ action: 'delete', ref, via: 'delete', changes: [] });
        return answer;
      }
      this.note('delete', undefined, answer?.kind === ref.kind ? answer : undefined, ref);
      return answer;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * Waits until predicate(object or undefined when absent) returns true (resolves with the object)
   * or {fail} (rejects at once). Reads, then watches from that resourceVersion; see wait.ts.
   */
  async waitFor(ref: ObjectRef, predicate: ObjectPredicate, options: WaitOptions = {}): Promise<KObject | undefined> {
    if (!ref.name) throw new Error(`waitFor ${describeRef(ref)}: a name is required (use waitForList)`);
    const key = `${ref.namespace ?? ''}/${ref.name}`;
    this.observer.touched?.(ref);
    if (this.plan?.pending) {
      const now = await this.get(ref);
      this.judgeInPlan(predicate(now), now, options.describe ?? describeRef(ref));
      this.observer.observed?.(options.describe ?? describeRef(ref), now, ref);
      return now;
    }
    const result = (await waitUntil(
      await this.waitDependencies(),
      ref,
      options,
      (state) => predicate(state.get(key) ?? findByName(state, ref.name!)),
      (state) => state.get(key) ?? findByName(state, ref.name!),
    )) as KObject | undefined;
    this.noteSecrets(result, ref);
    this.observer.observed?.(options.describe ?? describeRef(ref), result, ref);
    return result;
  }

  /** Waits until predicate(all objects of the collection matching the selectors) holds. */
  async waitForList(ref: ObjectRef, predicate: ListPredicate, options: WaitOptions = {}): Promise<KObject[]> {
    this.observer.touched?.(ref);
    if (this.plan?.pending) {
      const now = await this.list(ref, { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector });
      this.judgeInPlan(predicate(now), now, options.describe ?? describeRef(ref));
      this.observer.observed?.(options.describe ?? describeRef(ref), now, ref);
      return now;
    }
    const all = (state: Map<string, KObject>) => [...state.values()];
    const result = (await waitUntil(await this.waitDependencies(), ref, options, (state) => predicate(all(state)), all)) as KObject[];
    this.noteSecrets(result, ref);
    this.observer.observed?.(options.describe ?? describeRef(ref), result, ref);
    return result;
  }

  /** Waits until the object no longer exists. */
  async waitForDeletion(ref: ObjectRef, options: WaitOptions = {}): Promise<void> {
    await this.waitFor(ref, (obj) => obj === undefined, { describe: `${describeRef(ref)} to be deleted`, ...options });
  }

  /** Events of a namespace (or, without one, involving a cluster-scoped object), newest last. */
  async recentEvents(namespace: string | undefined, limit = EVENTS_IN_DIAGNOSE, involving?: ObjectRef): Promise<KObject[]> {
    const eventsRef: ObjectRef = { apiVersion: 'v1', kind: 'Event', namespace };
    if (namespace || !involving?.name) return newestEvents(await this.list(eventsRef), limit);
    const involves = (e: KObject) => e.involvedObject?.name === involving.name && e.involvedObject?.kind === involving.kind;
    try {
      const fieldSelector = `involvedObject.name=${involving.name},involvedObject.kind=${involving.kind}`;
      return newestEvents((await this.list(eventsRef, { fieldSelector })).filter(involves), limit);
    } catch (error) {
      // Not every server supports these field selectors: filter here instead.
      if (!(error instanceof ApiError && error.status === 400)) throw error;
      return newestEvents((await this.list(eventsRef)).filter(involves), limit);
    }
  }

  /**
   * A text block for a failed scenario: the namespace's events, the conditions of every object the
   * scenario touched, and the pods' status. Never throws; a part that cannot be read says why.
   */
  async diagnose(namespace: string | undefined, touched: readonly ObjectRef[] = []): Promise<string> {
    const sections: string[] = [];
    const safely = async (title: string, body: () => Promise<string[]>) => {
      try {
        const lines = await body();
        sections.push([`== ${title} ==`, ...(lines.length ? lines : ['(none)'])].join('\n'));
      } catch (error) {
        sections.push(`== ${title} ==\n(could not be read: ${(error as Error).message})`);
      }
    };
    const namespaces = [...new Set([namespace, ...touched.map((r) => r.namespace)].filter((n): n is string => !!n))];
    for (const ns of namespaces) {
      await safely(`events in namespace ${ns} (newest last)`, async () => (await this.recentEvents(ns)).map(formatEvent));
    }
    const unique = new Map(touched.filter((r) => r.name).map((r) => [refKey(r), r]));
    await safely('objects touched by the scenario', async () => {
      const lines: string[] = [];
      for (const ref of unique.values()) {
        try {
          const obj = await this.get(ref);
          lines.push(`${describeRef(ref)} (${ref.apiVersion}): ${statusSummary(obj)}`, ...formatConditions(obj, '    '));
        } catch (error) {
          lines.push(`${describeRef(ref)} (${ref.apiVersion}): could not be read (${(error as Error).message})`);
        }
      }
      return lines;
    });
    for (const ns of namespaces) {
      await safely(`pods in namespace ${ns}`, async () =>
        (await this.list({ apiVersion: 'v1', kind: 'Pod', namespace: ns })).map(formatPod),
      );
    }
    return sections.join('\n\n');
  }

  /** A raw JSON request (e.g. /version, SelfSubjectAccessReview), with retries. */
  async request<T>(request: ApiRequest): Promise<T> {
    // In plan mode a raw write is a dry run too (reviews and token requests store nothing anyway).
    if (this.plan && request.method !== 'GET') return this.call<T>({ ...request, query: { ...request.query, dryRun: 'All' } });
    return this.call<T>(request);
  }

  /**
   * Plan mode: sends one write as a dry run and records what it would do against the live object.
   * A kind the cluster does not serve yet (its CRD comes with an operator the run would install) or
   * a namespace that does not exist yet cannot be checked by the server: the object is listed as
   * would-create with that note, and the object as sent stands in for the answer.
   */
  private async planned(via: string, obj: KObject, send: () => Promise<KObject>): Promise<KObject> {
    const plan = this.plan!;
    const ref = refOf(obj);
    let before: KObject | undefined;
    try {
      before = ref.name ? await this.get(ref) : undefined;
    } catch (error) {
      if (error instanceof UnknownKindError)
        return this.unsent(obj, obj.kind, `${obj.kind} is not served yet (its CRD comes with an operator this run would install)`);
      throw error;
    }
    let answer: KObject;
    try {
      answer = await send();
    } catch (error) {
      const missing = missingNamespace(error);
      if (missing && !before) return this.unsent(obj, obj.kind, `namespace ${missing} does not exist yet (this run would create it first)`);
      throw error;
    }
    this.observer.touched?.(ref);
    const changes = fieldChanges(before, answer);
    if (before && !changes.length && JSON.stringify(ownedBy(before, FIELD_MANAGER)) !== JSON.stringify(ownedBy(answer, FIELD_MANAGER))) {
      changes.push({ path: `(fields owned by ${FIELD_MANAGER})`, before: 'as on the cluster', after: 'would change' });
    }
    const action: PlanAction = !before ? 'create' : changes.length ? 'change' : 'unchanged';
    plan.record({ action, ref: refOf(answer?.metadata ? answer : obj), via, changes: action === 'create' ? [] : changes });
    return answer;
  }

  /** Plan mode: an object that could not be sent as a dry run, listed as would-create with why. */
  private unsent(obj: KObject, kind: string, note: string): KObject {
    const ref = { ...refOf(obj), kind };
    this.plan!.record({ action: 'create', ref, via: 'unsent', changes: [], note });
    return structuredClone(obj);
  }

  /** Plan mode with pending changes: one read decides; a state the plan would bring about is not judged. */
  private judgeInPlan(verdict: Verdict, state: KObject | KObject[] | undefined, describe: string): void {
    if (verdict === true) return;
    if (typeof verdict === 'object') throw new WaitFailedError(`${describe}: ${verdict.fail}`, state);
    throw new NotRunInPlanMode(
      `not run in plan mode: ${describe} does not hold on the cluster now, and the plan lists ${this.plan!.pending} objects this run would create or change first`,
    );
  }

  private async waitDependencies() {
    const connection = await this.conn();
    return {
      transport: connection.transport,
      discovery: connection.discovery,
      defaultTimeoutMs: this.defaultTimeoutMs,
      recentEvents: (ref: ObjectRef, resource: ResolvedResource) =>
        this.recentEvents(resource.namespaced ? ref.namespace : undefined, EVENTS_IN_TIMEOUT, ref),
    };
  }

  private conn(): Promise<ClusterConnection> {
    if (!this.connection) {
      const pending = typeof this.source === 'function' ? this.source() : Promise.resolve(this.source);
      this.connection = pending;
      // A failed lazy start is not cached: the next call tries again and reports its own error.
      pending.catch(() => {
        if (this.connection === pending) this.connection = undefined;
      });
    }
    return this.connection;
  }

  private async resolve(ref: ObjectRef, verb: string): Promise<ResolvedResource> {
    const resource = await (await this.conn()).discovery.resolve(ref);
    if (resource.namespaced && ref.name && !ref.namespace) {
      throw new Error(`${verb} ${describeRef(ref)}: ${ref.kind} is namespaced; the reference needs a namespace`);
    }
    return resource;
  }

  private async target(obj: KObject, verb: string): Promise<{ resource: ResolvedResource; ref: ObjectRef }> {
    if (!obj || typeof obj !== 'object' || !obj.apiVersion || !obj.kind) {
      throw new Error(`${verb}: the object needs apiVersion and kind, got ${JSON.stringify(obj)?.slice(0, 200)}`);
    }
    const ref = refOf(obj);
    const resource = await (await this.conn()).discovery.resolve(ref);
    if (resource.namespaced && !ref.namespace) {
      throw new Error(`${verb} ${describeRef(ref)}: ${obj.kind} is namespaced and the object has no metadata.namespace`);
    }
    if (!resource.namespaced && ref.namespace) {
      throw new Error(`${verb} ${describeRef(ref)}: ${obj.kind} is cluster-scoped; remove metadata.namespace`);
    }
    return { resource, ref };
  }

  private async call<T>(request: ApiRequest): Promise<T> {
    const answer = await (await this.conn()).transport.json<T>(request);
    this.noteSecrets(answer);
    return answer;
  }

  private noteSecrets(answer: unknown, ref?: ObjectRef): void {
    if (!this.observer.secretValues) return;
    const values = secretValuesIn(answer, ref?.kind === 'Secret' && ref.apiVersion === 'v1');
    if (values.length > 0) this.observer.secretValues(values);
  }

  private note(action: 'apply' | 'create' | 'patch' | 'delete', sent: unknown, live: KObject | undefined, ref: ObjectRef): void {
    this.observer.touched?.(ref);
    this.observer.changed?.(action, sent, live, ref);
  }
}

/** The namespace a dry run named as missing (404 on namespaces), if that was the error. */
function missingNamespace(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 404) return undefined;
  const details = error.body?.details as { kind?: string; name?: string } | undefined;
  if (details?.kind === 'namespaces') return details.name;
  return /namespaces "([^"]+)" not found/.exec(error.body?.message ?? '')?.[1];
}

function findByName(state: Map<string, KObject>, name: string): KObject | undefined {
  for (const obj of state.values()) if (obj.metadata.name === name) return obj;
  return undefined;
}

/** Fields the server owns: sending them back in an apply would be rejected or would pin them. */
function stripServerFields(obj: KObject): KObject {
  const { managedFields: _mf, uid: _uid, creationTimestamp: _ct, generation: _g, selfLink: _sl, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
}
