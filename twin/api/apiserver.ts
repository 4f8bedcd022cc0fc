// The REST semantics of kube-apiserver over the store: create, get, list, update, patch (merge,
// JSON, strategic, server-side apply), delete with finalizers, watch from a resourceVersion,
// status subresources, generation, CRD-defined kinds with pruning/defaulting/validation.
// Transport (HTTP), authentication and authorization sit in front of this class.
import type { UserInfo } from './auth';
import { recordUpdate, serverSideApply } from './managed-fields';
import { copy } from './fields/json';
import { SYSTEM_METADATA, TRACKED_METADATA } from './fields/object';
import { deepEqual, newUid, randomSuffix, specPart, timestamp } from './meta';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { Registry } from './registry';
import { admitPodLimits } from './limit-ranger';
import { applyDefaults, pruneUnknownFields, validateAgainstSchema } from './schema';
import { checkFieldLabels, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import { Store, type Change } from './store';
import { strategyFor, validateLabels, validateName, type StrategyEnv } from './strategies';
import { ApiError, groupVersion, qualifiedResource, type KObject, type ResourceType, type ScalePaths, type StatusCause } from './types';

export interface RequestContext {
  user: UserInfo;
  fieldManager?: string;
  userAgent?: string;
  dryRun?: boolean;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
  /** Warnings for the response's Warning headers. */
  warnings: string[];
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowBookmarks?: boolean;
  /** When the server will end this watch (timeoutSeconds), in ms from now. */
  timeoutMs?: number;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KObject;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Handles a kind that is not stored (reviews, projects): returns the response object. */
export type VirtualCreate = (rt: ResourceType, namespace: string | undefined, body: KObject, ctx: RequestContext) => KObject;

export interface ApiServerOptions {
  appsDomain: string;
  bookmarkIntervalMs?: number;
}

export function resourceKey(rt: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${rt.group}/${rt.plural}`;
}

/** What a PATCH names: the resource and version, the object, the patch's type and body, who sends it. */
type PatchArgs = [
  rt: ResourceType,
  version: string,
  namespace: string | undefined,
  name: string,
  type: PatchType,
  body: unknown,
  ctx: RequestContext,
];

export class ApiServer {
  readonly store = new Store();
  readonly registry = new Registry();
  readonly virtualCreate = new Map<string, VirtualCreate>();
  /**
   * Validating admission webhooks of the cluster (a policy engine, say): called for every create
   * after the built-in admission; one that throws refuses the request with its ApiError.
   */
  readonly admissionWebhooks: ((rt: ResourceType, obj: KObject, ctx: RequestContext) => void)[] = [];
  private nextIp = 10;
  private readonly env: StrategyEnv;

  constructor(private readonly opts: ApiServerOptions) {
    this.env = {
      appsDomain: opts.appsDomain,
      allocateClusterIP: () => {
        const n = this.nextIp++;
        return `172.30.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      },
    };
  }

  get appsDomain(): string {
    return this.opts.appsDomain;
  }

  // ---- reads ----

  get(rt: ResourceType, version: string, namespace: string | undefined, name: string): KObject {
    const obj = this.store.get(resourceKey(rt), this.ns(rt, namespace), name);
    if (!obj) throw notFound(rt, name);
    return inVersion(obj, rt, version);
  }

  find(rt: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    return this.store.get(resourceKey(rt), this.ns(rt, namespace), name);
  }

  /**
   * A list as the API serves it. `copies` false: the items are the stored objects under a shallow
   * copy that carries the version (for the HTTP layer, which serializes them and changes nothing).
   */
  list(rt: ResourceType, version: string, namespace: string | undefined, opts: ListOptions = {}, copies = true): KObject {
    const { labels, fields } = this.selectors(rt, opts);
    const key = resourceKey(rt);
    const ns = this.ns(rt, namespace);
    const selected = (o: KObject) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);
    let rv = this.store.currentRv();
    let start: string | undefined;
    let all: KObject[];
    if (opts.continue) {
      if (opts.resourceVersion && opts.resourceVersion !== '0')
        throw new ApiError(400, 'BadRequest', 'specifying resource version is not allowed when using continue');
      const token = decodeContinue(opts.continue);
      start = token.start;
      // Every page of a paginated list is read at the first page's revision, as etcd serves it;
      // rv -1 (from a 410's fresh token) resumes at the latest revision instead.
      const snapshot = token.rv > 0 ? this.store.listAt(key, ns, token.rv, selected) : this.store.list(key, ns, selected);
      if (snapshot === 'expired') throw continueExpired(token.start);
      if (token.rv > 0) rv = token.rv;
      all = snapshot;
    } else if (opts.resourceVersion && opts.resourceVersionMatch === 'Exact') {
      const at = Number(opts.resourceVersion);
      if (!Number.isSafeInteger(at) || at <= 0) throw new ApiError(400, 'BadRequest', `invalid resource version: ${opts.resourceVersion}`);
      const snapshot = at > rv ? 'future' : this.store.listAt(key, ns, at, selected);
      if (snapshot === 'future')
        throw new ApiError(504, 'Timeout', `Too large resource version: ${at}, current: ${rv}`, {
          causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          retryAfterSeconds: 1,
        });
      if (snapshot === 'expired') throw new ApiError(410, 'Expired', `too old resource version: ${at} (${rv})`);
      rv = at;
      all = snapshot;
    } else all = copies ? this.store.list(key, ns, selected) : [...this.store.select(key, ns, selected)];
    let items = all;
    if (start !== undefined) items = items.filter((o) => itemKey(o) >= start!);
    let cont: string | undefined;
    let remaining: number | undefined;
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      remaining = items.length - opts.limit;
      items = items.slice(0, opts.limit);
      cont = encodeContinue(rv, itemKey(items[items.length - 1]) + '\u0000');
    }
    // etcd3 counts the rest only when nothing filters the list (counting would mean reading it all).
    const unfiltered = !labels.length && !fields.length;
    return {
      apiVersion: groupVersion(rt.group, version),
      kind: rt.listKind,
      metadata: {
        resourceVersion: String(rv),
        ...(cont ? { continue: cont } : {}),
        ...(cont && unfiltered ? { remainingItemCount: remaining } : {}),
      },
      items: items.map((o) => inVersion(copies ? o : { ...o }, rt, version)),
    };
  }

  // ---- writes ----

  create(rt: ResourceType, version: string, namespace: string | undefined, body: KObject, ctx: RequestContext): KObject {
    const virtual = this.virtualCreate.get(resourceKey(rt));
    if (virtual) return virtual(rt, namespace, body, ctx);
    this.checkBody(rt, version, body);
    const obj = copy(body);
    obj.metadata ??= {};
    if (rt.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
      if (!obj.metadata.namespace) throw new ApiError(400, 'BadRequest', 'the namespace of the object is required');
      this.requireLiveNamespace(obj.metadata.namespace, 'create');
    } else delete obj.metadata.namespace;
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomSuffix();
    if (this.find(rt, obj.metadata.namespace, obj.metadata.name ?? '')) throw alreadyExists(rt, obj.metadata.name!);
    return this.commit(rt, version, obj, undefined, ctx, { managedFieldsDone: false });
  }

  update(
    rt: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    body: KObject,
    ctx: RequestContext,
    subresource?: string,
  ): KObject {
    this.checkBody(rt, version, body);
    if (body.metadata?.name && body.metadata.name !== name) {
      throw new ApiError(400, 'BadRequest', `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const old = this.find(rt, namespace, name);
    if (!old) throw notFound(rt, name);
    const given = body.metadata?.resourceVersion;
    // Custom resources and CRDs do not allow unconditional updates: a PUT must carry the
    // resourceVersion it read (most built-in kinds accept a PUT without one).
    if (!given && !subresource && (rt.crdName || (rt.group === 'apiextensions.k8s.io' && rt.kind === 'CustomResourceDefinition'))) {
      throw invalid(rt, name, [
        { reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' },
      ]);
    }
    if (given && given !== old.metadata.resourceVersion) throw conflict(rt, name);
    if (body.metadata?.uid && body.metadata.uid !== old.metadata.uid) {
      throw new ApiError(
        409,
        'Conflict',
        `Precondition failed: UID in precondition: ${body.metadata.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    const obj = copy(body);
    obj.metadata = { ...obj.metadata, name, namespace: old.metadata.namespace };
    if (obj.metadata.managedFields === undefined) obj.metadata.managedFields = old.metadata.managedFields;
    return this.commit(rt, version, this.restrictToSubresource(rt, obj, old, subresource), old, ctx, {
      managedFieldsDone: false,
      subresource,
    });
  }

  patch(
    ...[rt, version, namespace, name, type, body, ctx, opts = {}]: [...PatchArgs, opts?: { force?: boolean; subresource?: string }]
  ): KObject {
    const old = this.find(rt, namespace, name);
    const current = old && this.toVersion(old, rt, version);
    if (type === 'apply') return this.apply(rt, version, namespace, name, current, body as KObject, ctx, opts);
    if (!current) throw notFound(rt, name);
    let patched: KObject;
    if (type === 'merge') patched = mergePatch(current, body) as KObject;
    else if (type === 'json') patched = jsonPatch(current, body) as KObject;
    else {
      if (rt.crdName)
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
      patched = strategicMergePatch(current, body, rt.listSemantics);
    }
    if (!patched || typeof patched !== 'object' || !patched.metadata)
      throw new ApiError(422, 'Invalid', 'the patch produced an object without metadata');
    if (patched.metadata.resourceVersion && patched.metadata.resourceVersion !== old!.metadata.resourceVersion) throw conflict(rt, name);
    patched.metadata.name = name;
    patched.metadata.namespace = old!.metadata.namespace;
    return this.commit(rt, version, this.restrictToSubresource(rt, patched, old!, opts.subresource), old, ctx, {
      managedFieldsDone: false,
      subresource: opts.subresource,
    });
  }

  private apply(
    rt: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    current: KObject | undefined,
    applied: KObject,
    ctx: RequestContext,
    opts: { force?: boolean; subresource?: string },
  ): KObject {
    if (!ctx.fieldManager) {
      throw new ApiError(
        400,
        'BadRequest',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    if (!applied || typeof applied !== 'object') throw new ApiError(400, 'BadRequest', 'the apply configuration is not an object');
    this.checkBody(rt, version, applied);
    if (applied.metadata?.name && applied.metadata.name !== name) {
      throw new ApiError(
        400,
        'BadRequest',
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const config = copy(applied);
    config.metadata = { ...(config.metadata ?? {}), name };
    if (rt.namespaced) config.metadata.namespace = namespace;
    this.pruneAndWarn(rt, version, config, ctx);
    if (!current) {
      if (rt.namespaced) this.requireLiveNamespace(namespace!, 'create');
      if (opts.subresource) throw notFound(rt, name);
    }
    const ignoreTopLevel = this.ignoredFor(rt, opts.subresource);
    const merged = serverSideApply(current, config, {
      manager: ctx.fieldManager,
      force: !!opts.force,
      apiVersion: groupVersion(rt.group, version),
      now: timestamp(),
      semantics: rt.listSemantics,
      subresource: opts.subresource,
      ignoreTopLevel,
    });
    merged.apiVersion = groupVersion(rt.group, version);
    merged.kind = rt.kind;
    const old = current && this.find(rt, namespace, name);
    return this.commit(rt, version, merged, old, ctx, { managedFieldsDone: true, subresource: opts.subresource, pruned: true });
  }

  delete(
    rt: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    ctx: RequestContext,
    opts: DeleteOptions = {},
  ): KObject {
    const obj = this.find(rt, namespace, name);
    if (!obj) throw notFound(rt, name);
    if (opts.preconditions?.uid && opts.preconditions.uid !== obj.metadata.uid) {
      throw new ApiError(
        409,
        'Conflict',
        `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${obj.metadata.uid}`,
      );
    }
    if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== obj.metadata.resourceVersion)
      throw conflict(rt, name);
    if (obj.metadata.deletionTimestamp) return this.toVersion(obj, rt, version);
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (rt.kind === 'CustomResourceDefinition' && rt.group === 'apiextensions.k8s.io')
      return ctx.dryRun ? this.toVersion(obj, rt, version) : this.deleteCrd(rt, version, obj);
    const waitsForNamespaceCleanup = !rt.group && rt.kind === 'Namespace';
    if (finalizers.length || waitsForNamespaceCleanup) {
      obj.metadata.deletionTimestamp = timestamp();
      obj.metadata.deletionGracePeriodSeconds = 0;
      if (finalizers.length) obj.metadata.finalizers = finalizers;
      if (waitsForNamespaceCleanup) obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
      // Marking an object for deletion bumps its generation, for every kind that has one.
      if (obj.metadata.generation) obj.metadata.generation += 1;
      if (ctx.dryRun) return this.toVersion(obj, rt, version);
      return this.toVersion(this.store.put(resourceKey(rt), obj), rt, version);
    }
    const gone = ctx.dryRun ? obj : this.store.remove(resourceKey(rt), obj.metadata.namespace, name)!;
    return returnsDeletedObject(rt) ? this.toVersion(gone, rt, version) : deletedStatus(rt, gone);
  }

  deleteCollection(
    rt: ResourceType,
    version: string,
    namespace: string | undefined,
    ctx: RequestContext,
    opts: ListOptions & DeleteOptions,
  ): KObject {
    const list = this.list(rt, version, namespace, opts);
    for (const item of list.items)
      this.delete(rt, version, item.metadata.namespace, item.metadata.name, ctx, { propagationPolicy: opts.propagationPolicy });
    return list;
  }

  // ---- the scale subresource ----

  /** GET .../scale: an autoscaling/v1 Scale of the object's replicas (and its selector). */
  getScale(rt: ResourceType, version: string, namespace: string | undefined, name: string): KObject {
    const paths = this.scalePaths(rt, version);
    return scaleOf(this.get(rt, version, namespace, name), paths, !rt.crdName);
  }

  /** PUT .../scale: sets the replicas (the only field a Scale writes), with its resourceVersion as a precondition. */
  updateScale(
    rt: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    scale: KObject,
    ctx: RequestContext,
  ): KObject {
    const paths = this.scalePaths(rt, version);
    if (!scale || typeof scale !== 'object' || Array.isArray(scale))
      throw new ApiError(400, 'BadRequest', 'the request body is not a JSON object');
    if (scale.metadata?.name && scale.metadata.name !== name)
      throw new ApiError(400, 'BadRequest', `the name of the object (${scale.metadata.name}) does not match the name on the URL (${name})`);
    const old = this.find(rt, namespace, name);
    if (!old) throw notFound(rt, name);
    if (scale.metadata?.resourceVersion && scale.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(rt, name);
    const replicas = scale.spec?.replicas ?? 0;
    if (!Number.isInteger(replicas) || replicas < 0) {
      const causes = [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          field: 'spec.replicas',
        },
      ];
      throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: ${causes[0].message}`, {
        name,
        group: 'autoscaling',
        kind: 'Scale',
        causes,
      });
    }
    const next = this.toVersion(old, rt, version);
    setPath(next, paths.specReplicasPath, replicas);
    return scaleOf(this.commit(rt, version, next, old, ctx, { managedFieldsDone: false, subresource: 'scale' }), paths, !rt.crdName);
  }

  /** PATCH .../scale: the patch applies to the Scale (merge, JSON or strategic: Scale is a built-in type). */
  patchScale(...[rt, version, namespace, name, type, body, ctx]: PatchArgs): KObject {
    const current = this.getScale(rt, version, namespace, name);
    let patched: KObject;
    if (type === 'json') patched = jsonPatch(current, body) as KObject;
    else if (type === 'strategic') patched = strategicMergePatch(current, body, () => ({ type: 'atomic' }));
    else patched = mergePatch(current, body) as KObject;
    return this.updateScale(rt, version, namespace, name, patched, ctx);
  }

  private scalePaths(rt: ResourceType, version: string): ScalePaths {
    if (!rt.subresources.scale) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return rt.scalePaths?.[version] ?? { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };
  }

  // ---- watch ----

  /** The parsed selectors of a list or watch; 400 for bad syntax or a field the kind cannot be selected by. */
  selectors(
    rt: ResourceType,
    opts: { labelSelector?: string; fieldSelector?: string },
  ): { labels: ReturnType<typeof parseLabelSelector>; fields: ReturnType<typeof parseFieldSelector> } {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector);
    checkFieldLabels(fields, rt.group, rt.kind, !!rt.crdName);
    return { labels, fields };
  }

  watch(rt: ResourceType, version: string, namespace: string | undefined, opts: WatchOptions, sink: (e: WatchEvent) => void): () => void {
    const { labels, fields } = this.selectors(rt, opts);
    const ns = this.ns(rt, namespace);
    const matches = (o: KObject | undefined) =>
      !!o && (ns === undefined || o.metadata.namespace === ns) && matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);
    // The sink serializes the event at once (twin/api/http.ts) and changes nothing: a shallow copy
    // carries the version asked for without copying the whole stored object for each watcher.
    const send = (type: WatchEvent['type'], o: KObject) => sink({ type, object: inVersion({ ...o }, rt, version) });
    const handle = (c: Change) => {
      const now = matches(c.object);
      if (c.type === 'ADDED') {
        if (now) send('ADDED', c.object);
      } else if (c.type === 'DELETED') {
        if (matches(c.old) || now) send('DELETED', c.object);
      } else {
        const before = matches(c.old);
        if (before && now) send('MODIFIED', c.object);
        else if (now) send('ADDED', c.object);
        else if (before) send('DELETED', c.object);
      }
    };
    const key = resourceKey(rt);
    let replay: Change[] = [];
    const rv = opts.resourceVersion;
    if (!rv || rv === '0') {
      for (const o of this.store.list(key, ns)) if (matches(o)) send('ADDED', o);
    } else {
      const since = Number(rv);
      if (!Number.isFinite(since)) throw new ApiError(400, 'BadRequest', `invalid resource version: ${rv}`);
      const changes = this.store.changesSince(key, since);
      if (changes === 'expired') {
        sink({
          type: 'ERROR',
          object: new ApiError(410, 'Expired', `too old resource version: ${rv} (${this.store.currentRv()})`).toStatus(),
        });
        return () => undefined;
      }
      replay = changes;
    }
    const unsubscribe = this.store.subscribe(key, handle);
    for (const c of replay) handle(c);
    let bookmarks: NodeJS.Timeout | undefined;
    let preTimeout: NodeJS.Timeout | undefined;
    if (opts.allowBookmarks) {
      const every = this.opts.bookmarkIntervalMs ?? 30000;
      const bookmark = () =>
        sink({
          type: 'BOOKMARK',
          object: {
            apiVersion: groupVersion(rt.group, version),
            kind: rt.kind,
            metadata: { resourceVersion: String(this.store.currentRv()) },
          },
        });
      bookmarks = setInterval(bookmark, every);
      bookmarks.unref();
      // The watch cache also sends one 2 s before the watch's deadline, so that the client can
      // resume from a recent resourceVersion rather than relist (none when the watch is shorter).
      const before = (opts.timeoutMs ?? 0) - 2000;
      if (before > 0 && before < every) {
        preTimeout = setTimeout(bookmark, before);
        preTimeout.unref();
      }
    }
    return () => {
      unsubscribe();
      if (bookmarks) clearInterval(bookmarks);
      if (preTimeout) clearTimeout(preTimeout);
    };
  }

  // ---- the write path ----

  /**
   * Runs a create or update through strategy, schema, managed fields and generation, and writes it
   * unless it changes nothing. Completes a pending deletion when the last finalizer goes.
   */
  private commit(
    rt: ResourceType,
    version: string,
    obj: KObject,
    old: KObject | undefined,
    ctx: RequestContext,
    opts: { managedFieldsDone: boolean; subresource?: string; pruned?: boolean },
  ): KObject {
    obj.apiVersion = groupVersion(rt.group, version);
    obj.kind = rt.kind;
    if (!opts.pruned) this.pruneAndWarn(rt, version, obj, ctx);
    const strategy = rt.crdName ? {} : strategyFor(rt.kind);
    if (old) {
      obj.metadata.uid = old.metadata.uid;
      obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
      obj.metadata.generation = old.metadata.generation;
      obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
      obj.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
      if (!opts.subresource) strategy.update?.(obj, this.toVersion(old, rt, version), this.env);
    } else {
      obj.metadata.uid = newUid();
      obj.metadata.creationTimestamp = timestamp();
      obj.metadata.generation = hasGeneration(rt) ? 1 : undefined;
      delete obj.metadata.deletionTimestamp;
      delete obj.metadata.resourceVersion;
      if (rt.subresources.status && rt.crdName) delete obj.status;
      strategy.create?.(obj, this.env);
      if (rt.group === '' && rt.kind === 'Pod') admitPodLimits(obj, this.store.list('/limitranges', obj.metadata.namespace));
      for (const webhook of this.admissionWebhooks) webhook(rt, obj, ctx);
    }
    delete obj.metadata.selfLink;
    const schema = rt.schemas?.[version];
    if (schema) applyDefaults(obj, schema);
    this.validate(rt, version, obj, old, strategy);
    if (old && (!opts.subresource || opts.subresource === 'scale') && hasGeneration(rt)) {
      const oldSpec = specPart(this.toVersion(old, rt, version), !!rt.subresources.status);
      if (!deepEqual(oldSpec, specPart(obj, !!rt.subresources.status))) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    if (!opts.managedFieldsDone) {
      const tracked = recordUpdate(old && this.toVersion(old, rt, version), obj, {
        manager: ctx.fieldManager ?? defaultManager(ctx.userAgent),
        apiVersion: obj.apiVersion,
        now: timestamp(),
        semantics: rt.listSemantics,
        subresource: opts.subresource,
        ignoreTopLevel: this.ignoredFor(rt, opts.subresource),
      });
      obj.metadata.managedFields = tracked.metadata.managedFields;
    }
    if (!obj.metadata.managedFields?.length) delete obj.metadata.managedFields;
    const stored = this.toStorage(obj, rt);
    if (old) {
      stored.metadata.resourceVersion = old.metadata.resourceVersion;
      if (deepEqual(stored, old)) return this.toVersion(old, rt, version);
    }
    if (ctx.dryRun) return this.toVersion(stored, rt, version);
    if (
      stored.metadata.deletionTimestamp &&
      !stored.metadata.finalizers?.length &&
      !(rt.kind === 'Namespace' && stored.spec?.finalizers?.length)
    ) {
      return this.toVersion(this.store.remove(resourceKey(rt), stored.metadata.namespace, stored.metadata.name!)!, rt, version);
    }
    if (stored.metadata.finalizers && !stored.metadata.finalizers.length) delete stored.metadata.finalizers;
    if (rt.crdName === undefined && rt.kind === 'CustomResourceDefinition') this.establishCrd(stored);
    return this.toVersion(this.store.put(resourceKey(rt), stored), rt, version);
  }

  private validate(
    rt: ResourceType,
    version: string,
    obj: KObject,
    old: KObject | undefined,
    strategy: ReturnType<typeof strategyFor>,
  ): void {
    const causes: StatusCause[] = [...validateName(obj.metadata.name, rt.kind), ...validateLabels(obj)];
    if (old?.metadata.deletionTimestamp) {
      const added = (obj.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length) {
        causes.push({
          reason: 'FieldValueForbidden',
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
          field: 'metadata.finalizers',
        });
      }
    }
    const schema = rt.schemas?.[version];
    if (schema) causes.push(...validateAgainstSchema(obj, schema));
    causes.push(...(strategy.validate?.(obj, old) ?? []));
    if (causes.length) throw invalid(rt, obj.metadata.name ?? '', causes);
  }

  /**
   * Drops the fields the kind does not have, as decoding into its type does: unknown ObjectMeta
   * fields of every kind, fields outside a custom resource's schema, and top-level fields a built-in
   * kind's Go type lacks (the twin has no schema below that for built-ins). fieldValidation=Strict
   * refuses them, Warn (the default) answers with a Warning header each.
   */
  private pruneAndWarn(rt: ResourceType, version: string, obj: KObject, ctx: RequestContext): void {
    const unknown: string[] = [];
    const schema = rt.schemas?.[version];
    if (rt.topLevelFields && !schema) {
      for (const key of Object.keys(obj)) {
        if (key === 'apiVersion' || key === 'kind' || key === 'metadata' || rt.topLevelFields.includes(key)) continue;
        delete obj[key];
        unknown.push(`.${key}`);
      }
    }
    if (obj.metadata && typeof obj.metadata === 'object') {
      for (const key of Object.keys(obj.metadata)) {
        if (OBJECT_META_FIELDS.has(key)) continue;
        delete obj.metadata[key];
        unknown.push(`.metadata.${key}`);
      }
    }
    if (schema) unknown.push(...pruneUnknownFields(obj, schema));
    if (!unknown.length) return;
    const mode = ctx.fieldValidation ?? 'Warn';
    const texts = unknown.map((p) => `unknown field "${p.replace(/^\./, '')}"`);
    if (mode === 'Strict') {
      throw new ApiError(
        400,
        'BadRequest',
        `${rt.kind} in version "${version}" cannot be handled as a ${rt.kind}: strict decoding error: ${texts.join(', ')}`,
      );
    }
    if (mode === 'Warn') ctx.warnings.push(...texts);
  }

  /** On a subresource request only that part may change; on the main resource the status subresource part may not. */
  private restrictToSubresource(rt: ResourceType, obj: KObject, old: KObject, subresource: string | undefined): KObject {
    if (subresource === 'status') {
      const next = copy(old);
      next.status = obj.status;
      next.metadata.managedFields = obj.metadata.managedFields;
      next.metadata.resourceVersion = obj.metadata.resourceVersion;
      return next;
    }
    if (subresource === 'finalize') {
      const next = copy(old);
      next.spec = { ...(old.spec ?? {}), finalizers: obj.spec?.finalizers ?? [] };
      return next;
    }
    if (subresource) throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    if (rt.subresources.status) obj.status = old.status;
    return obj;
  }

  private ignoredFor(rt: ResourceType, subresource: string | undefined): string[] {
    if (subresource === 'status') return ['spec', 'metadata'];
    return rt.subresources.status ? ['status'] : [];
  }

  private checkBody(rt: ResourceType, version: string, body: KObject): void {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new ApiError(400, 'BadRequest', 'the request body is not a JSON object');
    const want = groupVersion(rt.group, version);
    if (body.apiVersion && body.apiVersion !== want) {
      throw new ApiError(
        400,
        'BadRequest',
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`,
      );
    }
    if (body.kind && body.kind !== rt.kind) {
      throw new ApiError(
        400,
        'BadRequest',
        `${body.kind} in version "${version}" cannot be handled as a ${rt.kind}: the kind in the data (${body.kind}) does not match the expected kind (${rt.kind})`,
      );
    }
  }

  private requireLiveNamespace(namespace: string, verb: string): void {
    const ns = this.store.get('/namespaces', undefined, namespace);
    if (!ns) throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    if (ns.metadata.deletionTimestamp && verb === 'create') {
      throw new ApiError(403, 'Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`, {
        name: namespace,
        kind: 'namespaces',
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  // ---- restart from a snapshot ----

  /**
   * Comes back with the objects of a snapshot (Store.dump), as an API server restarts on its etcd:
   * the CRDs they hold are served again and new Services get cluster IPs no Service holds.
   */
  restore(dump: Parameters<Store['load']>[0]): void {
    this.store.load(dump);
    for (const crd of this.store.list('apiextensions.k8s.io/customresourcedefinitions')) {
      const problems = this.registry.registerCrd(crd);
      if (problems.length) throw new Error(`the snapshot's CRD ${crd.metadata.name} is invalid: ${problems.join(', ')}`);
    }
    for (const svc of this.store.list('/services')) {
      const m = /^172\.30\.(\d+)\.(\d+)$/.exec(svc.spec?.clusterIP ?? '');
      if (m) this.nextIp = Math.max(this.nextIp, Number(m[1]) * 250 + Number(m[2]));
    }
  }

  // ---- CRDs ----

  private establishCrd(crd: KObject): void {
    const problems = this.registry.registerCrd(crd);
    if (problems.length)
      throw new ApiError(
        422,
        'Invalid',
        `CustomResourceDefinition.apiextensions.k8s.io "${crd.metadata.name}" is invalid: ${problems.join(', ')}`,
      );
    if (crd.status?.conditions?.some((c: KObject) => c.type === 'Established' && c.status === 'True')) return;
    const now = timestamp();
    const storage = (crd.spec.versions as KObject[]).find((v) => v.storage)?.name;
    crd.status = {
      acceptedNames: {
        ...crd.spec.names,
        singular: crd.spec.names.singular ?? crd.spec.names.kind.toLowerCase(),
        listKind: crd.spec.names.listKind ?? `${crd.spec.names.kind}List`,
      },
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: now,
        },
      ],
      storedVersions: storage ? [storage] : [],
    };
  }

  private deleteCrd(rt: ResourceType, version: string, crd: KObject): KObject {
    const defined = this.registry.unregisterCrd(crd.metadata.name!);
    if (defined)
      for (const o of this.store.list(resourceKey(defined)))
        this.store.remove(resourceKey(defined), o.metadata.namespace, o.metadata.name!);
    return this.toVersion(this.store.remove(resourceKey(rt), undefined, crd.metadata.name!)!, rt, version);
  }

  // ---- versions ----

  toVersion(obj: KObject, rt: ResourceType, version: string): KObject {
    return inVersion(copy(obj), rt, version);
  }

  private toStorage(obj: KObject, rt: ResourceType): KObject {
    return this.toVersion(obj, rt, rt.storageVersion);
  }

  private ns(rt: ResourceType, namespace: string | undefined): string | undefined {
    return rt.namespaced ? namespace : undefined;
  }
}

/** The object, a copy of the stored one that no one else holds, stamped as `version` of its kind. */
/** Sets the object's apiVersion and kind to the version asked for (in place: pass a copy of a stored object). */
export function inVersion(obj: KObject, rt: ResourceType, version: string): KObject {
  obj.apiVersion = groupVersion(rt.group, version);
  obj.kind = rt.kind;
  return obj;
}

// Built-in kinds that carry metadata.generation (workload controllers report observedGeneration).
const GENERATION_GROUPS = new Set(['apps', 'batch', 'networking.k8s.io', 'policy', 'apiextensions.k8s.io']);

function hasGeneration(rt: ResourceType): boolean {
  return !!rt.crdName || GENERATION_GROUPS.has(rt.group);
}

/** A Scale of an object: spec/status replicas at the kind's paths, the selector as a label selector string. */
function scaleOf(obj: KObject, paths: ScalePaths, builtin: boolean): KObject {
  const m = obj.metadata;
  const selector = paths.labelSelectorPath
    ? getPath(obj, paths.labelSelectorPath)
    : builtin
      ? selectorString(obj.spec?.selector)
      : undefined;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: Number(getPath(obj, paths.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(getPath(obj, paths.statusReplicasPath) ?? 0),
      ...(typeof selector === 'string' && selector ? { selector } : {}),
    },
  };
}

/** metav1.FormatLabelSelector: `a=b,c in (x,y),!d`. */
function selectorString(sel: KObject | undefined): string | undefined {
  if (!sel) return undefined;
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const op = String(e.operator);
    if (op === 'Exists') parts.push(e.key);
    else if (op === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${op.toLowerCase()} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

/** A simple JSONPath of the scale subresource (`.spec.replicas`). */
function getPath(obj: KObject, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function setPath(obj: KObject, path: string, value: unknown): void {
  const segs = path.replace(/^\./, '').split('.');
  let cur: Record<string, unknown> = obj;
  for (const seg of segs.slice(0, -1)) {
    if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[segs[segs.length - 1]] = value;
}

/** The fields of ObjectMeta (meta/v1): anything else under metadata is dropped. */
const OBJECT_META_FIELDS = new Set(['name', 'generateName', 'namespace', ...SYSTEM_METADATA, ...TRACKED_METADATA]);

// Kinds whose storage answers an immediate delete with the deleted object (ReturnDeletedObject in
// their kube-apiserver registry); the others answer with a Success Status naming it.
const RETURNS_DELETED_OBJECT = new Set([
  '/pods',
  '/services',
  '/serviceaccounts',
  '/persistentvolumes',
  '/persistentvolumeclaims',
  '/nodes',
  'storage.k8s.io/storageclasses',
]);

function returnsDeletedObject(rt: ResourceType): boolean {
  return !!rt.crdName || RETURNS_DELETED_OBJECT.has(resourceKey(rt));
}

function deletedStatus(rt: ResourceType, obj: KObject): KObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name, ...(rt.group ? { group: rt.group } : {}), kind: rt.plural, uid: obj.metadata.uid },
  };
}

function itemKey(o: KObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** kube-apiserver's continue token: base64url(JSON {v, rv, start}), start being the key to resume at. */
function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  const invalid = (why: string) => new ApiError(400, 'BadRequest', `invalid continue token: continue key is not valid: ${why}`);
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid('illegal base64 data');
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid('invalid character looking for beginning of value');
  }
  if (parsed?.v !== 'meta.k8s.io/v1') throw invalid(`got unrecognized encoded version ${String(parsed?.v)}`);
  if (typeof parsed.rv !== 'number' || parsed.rv === 0) throw invalid('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof parsed.start !== 'string' || !parsed.start) throw invalid('encoded start key empty (version meta.k8s.io/v1)');
  return { rv: parsed.rv, start: parsed.start };
}

/** 410 for a continue token whose revision was compacted away, with a token that resumes at the latest one. */
function continueExpired(start: string): ApiError {
  const e = new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  e.listMeta = { continue: encodeContinue(-1, start) };
  return e;
}

function defaultManager(userAgent: string | undefined): string {
  return (userAgent ?? 'unknown').split('/')[0].slice(0, 128) || 'unknown';
}

export function notFound(rt: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(rt)} "${name}" not found`, { name, group: rt.group, kind: rt.plural });
}

export function alreadyExists(rt: ResourceType, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(rt)} "${name}" already exists`, {
    name,
    group: rt.group,
    kind: rt.plural,
  });
}

function conflict(rt: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: rt.group, kind: rt.plural },
  );
}

export function invalid(rt: ResourceType, name: string, causes: StatusCause[]): ApiError {
  const kindName = rt.group ? `${rt.kind}.${rt.group}` : rt.kind;
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const text = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kindName} "${name}" is invalid: ${text}`, { name, group: rt.group, kind: rt.kind, causes });
}
