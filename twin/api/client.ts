// The client the twin's controllers use: the same API semantics as the HTTP API (validation,
// server-side apply, status subresources, watch events), addressed by apiVersion and kind, without
// the transport. Each controller acts under its own field manager and service-account identity.
import type { UserInfo } from './auth';
import { inVersion, resourceKey, type ApiServer, type RequestContext, type WatchEvent } from './apiserver';
import { timestamp } from './meta';
import { ApiError, splitApiVersion, type KObject, type ResourceType } from './types';

export type ObjectHandler = (type: WatchEvent['type'], obj: KObject, old?: KObject) => void;

export class TwinClient {
  constructor(
    private readonly api: ApiServer,
    readonly manager: string,
    private readonly user: UserInfo,
  ) {}

  /** The same client acting under another field manager (e.g. a second operator). */
  as(manager: string, user: UserInfo = this.user): TwinClient {
    return new TwinClient(this.api, manager, user);
  }

  hasKind(apiVersion: string, kind: string): boolean {
    return !!this.api.registry.byKind(apiVersion, kind);
  }

  get(apiVersion: string, kind: string, name: string, namespace?: string): KObject | undefined {
    const rt = this.type(apiVersion, kind, false);
    if (!rt) return undefined;
    const o = this.api.find(rt, namespace, name); // a copy already
    return o && inVersion(o, rt, version(apiVersion));
  }

  list(apiVersion: string, kind: string, namespace?: string, opts: { labelSelector?: string; fieldSelector?: string } = {}): KObject[] {
    const rt = this.type(apiVersion, kind, false);
    if (!rt) return [];
    return this.api.list(rt, version(apiVersion), namespace, opts).items;
  }

  create(obj: KObject): KObject {
    const rt = this.type(obj.apiVersion, obj.kind);
    return this.api.create(rt!, version(obj.apiVersion), obj.metadata.namespace, obj, this.ctx());
  }

  /** Server-side apply under this client's field manager (force: controllers own what they apply). */
  apply(obj: KObject, opts: { force?: boolean } = { force: true }): KObject {
    const rt = this.type(obj.apiVersion, obj.kind)!;
    return this.api.patch(rt, version(obj.apiVersion), obj.metadata.namespace, obj.metadata.name!, 'apply', obj, this.ctx(), {
      force: opts.force ?? true,
    });
  }

  /** Server-side apply of the status subresource. */
  applyStatus(obj: KObject): KObject {
    const rt = this.type(obj.apiVersion, obj.kind)!;
    return this.api.patch(rt, version(obj.apiVersion), obj.metadata.namespace, obj.metadata.name!, 'apply', obj, this.ctx(), {
      force: true,
      subresource: rt.subresources.status ? 'status' : undefined,
    });
  }

  update(obj: KObject): KObject {
    const rt = this.type(obj.apiVersion, obj.kind)!;
    return this.api.update(rt, version(obj.apiVersion), obj.metadata.namespace, obj.metadata.name!, obj, this.ctx());
  }

  /** Merge-patches the status (or the whole object for kinds without a status subresource). */
  patchStatus(apiVersion: string, kind: string, name: string, namespace: string | undefined, status: object): KObject {
    const rt = this.type(apiVersion, kind)!;
    return this.api.patch(rt, version(apiVersion), namespace, name, 'merge', { status }, this.ctx(), {
      subresource: rt.subresources.status ? 'status' : undefined,
    });
  }

  patch(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    patch: object,
    type: 'merge' | 'json' | 'strategic' = 'merge',
  ): KObject {
    const rt = this.type(apiVersion, kind)!;
    return this.api.patch(rt, version(apiVersion), namespace, name, type, patch, this.ctx());
  }

  delete(apiVersion: string, kind: string, name: string, namespace?: string): KObject | undefined {
    const rt = this.type(apiVersion, kind, false);
    if (!rt) return undefined;
    try {
      return this.api.delete(rt, version(apiVersion), namespace, name, this.ctx());
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  /**
   * Calls `handler` for every change of a kind, starting with the objects that exist now. When the
   * kind is not served yet (a CRD still to come), starts as soon as it is.
   */
  watch(apiVersion: string, kind: string, handler: ObjectHandler): () => void {
    let stopped = false;
    let unsubscribe: () => void = () => undefined;
    const start = (rt: ResourceType) => {
      for (const o of this.api.store.list(resourceKey(rt))) handler('ADDED', inVersion(o, rt, version(apiVersion))); // list gives copies
      unsubscribe = this.api.store.subscribe(resourceKey(rt), (c) => {
        handler(c.type, this.api.toVersion(c.object, rt, version(apiVersion)), c.old && this.api.toVersion(c.old, rt, version(apiVersion)));
      });
    };
    let off: () => void = () => undefined;
    const rt = this.type(apiVersion, kind, false);
    if (rt) start(rt);
    else {
      off = this.api.registry.onChange(() => {
        const later = this.type(apiVersion, kind, false);
        if (!later || stopped) return;
        off();
        queueMicrotask(() => !stopped && start(later));
      });
    }
    return () => {
      stopped = true;
      off();
      unsubscribe();
    };
  }

  /** Records a core/v1 Event about an object, as controllers do (aggregated by reason and message). */
  event(about: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const ns = about.metadata.namespace ?? 'default';
    const rt = this.api.registry.byResource('', 'events')!;
    const existing = this.api
      .list(rt, 'v1', ns, {})
      .items.find((e: KObject) => e.involvedObject?.uid === about.metadata.uid && e.reason === reason && e.message === message);
    const now = timestamp();
    if (existing) {
      this.api.update(
        rt,
        'v1',
        ns,
        existing.metadata.name,
        { ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: now },
        this.ctx(),
      );
      return;
    }
    this.api.create(
      rt,
      'v1',
      ns,
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${about.metadata.name}.`, namespace: ns },
        involvedObject: {
          apiVersion: about.apiVersion,
          kind: about.kind,
          name: about.metadata.name,
          namespace: about.metadata.namespace,
          uid: about.metadata.uid,
          resourceVersion: about.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        source: { component: this.manager },
        reportingComponent: this.manager,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
      this.ctx(),
    );
  }

  private ctx(): RequestContext {
    return { user: this.user, fieldManager: this.manager, warnings: [] };
  }

  private type(apiVersion: string, kind: string, required = true): ResourceType | undefined {
    const rt = this.api.registry.byKind(apiVersion, kind);
    if (!rt && required)
      throw new ApiError(404, 'NotFound', `the server could not find the requested resource (kind ${kind} in ${apiVersion})`);
    return rt;
  }
}

function version(apiVersion: string): string {
  return splitApiVersion(apiVersion).version;
}
