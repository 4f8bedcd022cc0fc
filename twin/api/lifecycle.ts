// The kube-controller-manager parts every cluster has: the garbage collector (owner references,
// background/foreground/orphan propagation) and the namespace lifecycle (a terminating namespace
// empties itself, then goes away).
import { TWIN_SYSTEM } from './auth';
import { resourceKey, type ApiServer, type RequestContext } from './apiserver';
import type { Change } from './store';
import { ApiError, type KObject, type ResourceType } from './types';

const ctx = (): RequestContext => ({ user: TWIN_SYSTEM, fieldManager: 'kube-controller-manager', warnings: [] });

export class ClusterLifecycle {
  private pending = false;
  private readonly owners = new Map<string, { resource: string; namespace?: string; name: string }>();

  constructor(private readonly api: ApiServer) {
    // What is there already (a twin restored from a snapshot): every object may own others.
    for (const { resource, object } of api.store.dump().objects)
      if (object.metadata.uid)
        this.owners.set(object.metadata.uid, { resource, namespace: object.metadata.namespace, name: object.metadata.name! });
    api.store.subscribeAll((c) => this.observe(c));
    // The first sync goes over everything, as kube-controller-manager's informers start with a list
    // (kubernetes pkg/controller/namespace/namespace_controller.go enqueues every namespace it
    // lists; the garbage collector's graph builder starts from a full list): a namespace restored
    // Terminating, or an object restored whose owner is gone, is taken up without a later change.
    this.schedule();
  }

  /** One sweep soon, however many changes ask for it before it runs. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.sweep();
    });
  }

  private observe(c: Change): void {
    const uid = c.object.metadata.uid;
    if (uid) {
      if (c.type === 'DELETED') this.owners.delete(uid);
      else this.owners.set(uid, { resource: c.resource, namespace: c.object.metadata.namespace, name: c.object.metadata.name! });
    }
    // A deletion (or a pending one) may leave dependents to collect; a dependent written with an
    // owner that does not exist is collected too, as the garbage collector finds it absent.
    const danglingOwner = c.type !== 'DELETED' && (c.object.metadata.ownerReferences ?? []).some((r) => !this.owners.has(r.uid));
    const relevant = c.type === 'DELETED' || !!c.object.metadata.deletionTimestamp || danglingOwner;
    if (relevant) this.schedule();
  }

  /** One pass over everything: collect orphans, progress foreground/orphan deletions and terminating namespaces. */
  private sweep(): void {
    const all = this.everything();
    for (const { rt, obj } of all) {
      try {
        this.collect(rt, obj, all);
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e;
      }
    }
  }

  private collect(rt: ResourceType, obj: KObject, all: { rt: ResourceType; obj: KObject }[]): void {
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length && !obj.metadata.deletionTimestamp) {
      const live = refs.filter((r) => this.owners.has(r.uid));
      if (!live.length)
        this.api.delete(rt, rt.storageVersion, obj.metadata.namespace, obj.metadata.name!, ctx(), { propagationPolicy: 'Background' });
      else if (live.length !== refs.length) this.mergeMetadata(rt, obj, { metadata: { ownerReferences: live } });
      return;
    }
    if (!obj.metadata.deletionTimestamp) return;
    const finalizers = obj.metadata.finalizers ?? [];
    const dependents = all.filter((d) => (d.obj.metadata.ownerReferences ?? []).some((r) => r.uid === obj.metadata.uid));
    if (finalizers.includes('orphan')) {
      for (const d of dependents) {
        const rest = (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== obj.metadata.uid);
        this.mergeMetadata(d.rt, d.obj, { metadata: { ownerReferences: rest.length ? rest : null } });
      }
      this.dropFinalizer(rt, obj, 'orphan');
    } else if (finalizers.includes('foregroundDeletion')) {
      for (const d of dependents)
        if (!d.obj.metadata.deletionTimestamp)
          this.api.delete(d.rt, d.rt.storageVersion, d.obj.metadata.namespace, d.obj.metadata.name!, ctx(), {
            propagationPolicy: 'Foreground',
          });
      // Only dependents whose reference has blockOwnerDeletion keep the owner; the others go in the background.
      const blocking = dependents.some((d) =>
        (d.obj.metadata.ownerReferences ?? []).some((r) => r.uid === obj.metadata.uid && r.blockOwnerDeletion),
      );
      if (!blocking) this.dropFinalizer(rt, obj, 'foregroundDeletion');
    }
    if (rt.group === '' && rt.kind === 'Namespace') this.terminate(obj, all);
  }

  private terminate(ns: KObject, all: { rt: ResourceType; obj: KObject }[]): void {
    const name = ns.metadata.name!;
    const content = all.filter((x) => x.rt.namespaced && x.obj.metadata.namespace === name);
    for (const x of content) {
      if (!x.obj.metadata.deletionTimestamp) this.api.delete(x.rt, x.rt.storageVersion, name, x.obj.metadata.name!, ctx());
    }
    const waiting = content.filter((x) => x.obj.metadata.finalizers?.length);
    if (content.length) {
      const conditions = [
        {
          type: 'NamespaceContentRemaining',
          status: 'True',
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${summarize(content)}`,
        },
        ...(waiting.length
          ? [
              {
                type: 'NamespaceFinalizersRemaining',
                status: 'True',
                reason: 'SomeFinalizersRemain',
                message: `Some content in the namespace has finalizers remaining: ${[...new Set(waiting.flatMap((w) => w.obj.metadata.finalizers!))].join(', ')}`,
              },
            ]
          : []),
      ];
      this.api.update(this.nsType(), 'v1', undefined, name, { ...ns, status: { ...ns.status, conditions } }, ctx(), 'status');
      return;
    }
    this.api.update(this.nsType(), 'v1', undefined, name, { ...ns, spec: { ...ns.spec, finalizers: [] } }, ctx(), 'finalize');
  }

  /** A merge patch of the object's metadata, as the garbage collector sends it. */
  private mergeMetadata(rt: ResourceType, obj: KObject, patch: { metadata: Record<string, unknown> }): void {
    this.api.patch(rt, rt.storageVersion, obj.metadata.namespace, obj.metadata.name!, 'merge', patch, ctx());
  }

  private dropFinalizer(rt: ResourceType, obj: KObject, finalizer: string): void {
    const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    this.mergeMetadata(rt, obj, { metadata: { finalizers: rest.length ? rest : null } });
  }

  private everything(): { rt: ResourceType; obj: KObject }[] {
    const out: { rt: ResourceType; obj: KObject }[] = [];
    for (const rt of this.api.registry.all()) {
      if (rt.virtual) continue;
      for (const obj of this.api.store.select(resourceKey(rt))) out.push({ rt, obj }); // read only: no copies
    }
    return out;
  }

  private nsType(): ResourceType {
    return this.api.registry.byResource('', 'namespaces')!;
  }
}

function summarize(content: { rt: ResourceType; obj: KObject }[]): string {
  const counts = new Map<string, number>();
  for (const x of content)
    counts.set(
      x.rt.plural + (x.rt.group ? '.' + x.rt.group : ''),
      (counts.get(x.rt.plural + (x.rt.group ? '.' + x.rt.group : '')) ?? 0) + 1,
    );
  return [...counts].map(([k, n]) => `${k} has ${n} resource instances`).join(', ');
}
