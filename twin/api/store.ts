// The twin's etcd: objects by resource and key, one global resourceVersion counter, and a bounded
// history of changes that watches replay from. Objects are copied in and out, never shared (copy():
// fields/json.ts).
import { copy } from './fields/json';
import type { KObject } from './types';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  rv: number;
  resource: string; // group/plural
  type: ChangeType;
  object: KObject;
  old?: KObject;
}

export type ChangeListener = (change: Change) => void;

export class Store {
  private rv: number;
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly history: Change[] = [];
  private compactedThrough: number;
  private readonly listeners = new Map<string, Set<ChangeListener>>();

  constructor(
    private readonly historyLimit = 20000,
    startRv = 1000,
  ) {
    this.rv = startRv;
    this.compactedThrough = startRv;
  }

  currentRv(): number {
    return this.rv;
  }

  get(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.bucket(resource).get(objectKey(namespace, name));
    return o && copy(o);
  }

  /** Copies of the objects of a resource (in one namespace), in key order; `keep` sees the stored objects and must not change them. */
  list(resource: string, namespace?: string, keep?: (o: KObject) => boolean): KObject[] {
    return selectCopies(this.bucket(resource), namespace, keep);
  }

  /**
   * The stored objects list() would copy, themselves, in key order: for a reader that changes
   * nothing (the garbage collector's sweep, an HTTP list). A stored object is never changed in place
   * (a write stores a new one), so what this returns stays as it was read.
   */
  select(resource: string, namespace?: string, keep?: (o: KObject) => boolean): readonly KObject[] {
    return selectCopies(this.bucket(resource), namespace, keep, false);
  }

  /** Writes an object (create or replace), stamping a new resourceVersion. Returns the stored copy. */
  put(resource: string, obj: KObject): KObject {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name!);
    const bucket = this.bucket(resource);
    const old = bucket.get(key);
    const stored = copy(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, stored);
    this.record({ rv: this.rv, resource, type: old ? 'MODIFIED' : 'ADDED', object: stored, old });
    return copy(stored);
  }

  remove(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    const key = objectKey(namespace, name);
    const bucket = this.bucket(resource);
    const old = bucket.get(key);
    if (!old) return undefined;
    bucket.delete(key);
    const gone = copy(old);
    gone.metadata.resourceVersion = String(++this.rv);
    this.record({ rv: this.rv, resource, type: 'DELETED', object: gone, old });
    return copy(gone);
  }

  /**
   * The objects of one resource as they were at `rv` (etcd's MVCC read at a revision), rebuilt by
   * undoing the recorded changes after it; 'expired' once compaction took that history away.
   */
  listAt(resource: string, namespace: string | undefined, rv: number, keep?: (o: KObject) => boolean): KObject[] | 'expired' {
    if (rv < this.compactedThrough) return 'expired';
    const state = new Map(this.bucket(resource));
    for (let i = this.history.length - 1; i >= 0 && this.history[i].rv > rv; i--) {
      const c = this.history[i];
      if (c.resource !== resource) continue;
      const key = objectKey(c.object.metadata.namespace, c.object.metadata.name!);
      if (c.type === 'ADDED') state.delete(key);
      else if (c.old) state.set(key, c.old);
    }
    return selectCopies(state, namespace, keep);
  }

  /** Changes of one resource after `rv`, or 'expired' when the history no longer reaches back that far. */
  changesSince(resource: string, rv: number): Change[] | 'expired' {
    if (rv < this.compactedThrough) return 'expired';
    return this.history.filter((c) => c.rv > rv && c.resource === resource);
  }

  /** Listens to every resource (garbage collection, namespace lifecycle). */
  subscribeAll(fn: ChangeListener): () => void {
    return this.subscribe('*', fn);
  }

  subscribe(resource: string, fn: ChangeListener): () => void {
    let set = this.listeners.get(resource);
    if (!set) this.listeners.set(resource, (set = new Set()));
    set.add(fn);
    return () => set!.delete(fn);
  }

  /** Every object with its resource, oldest resourceVersion first, and the counter (a snapshot). */
  dump(): { rv: number; objects: { resource: string; object: KObject }[] } {
    const objects = [...this.objects].flatMap(([resource, bucket]) => [...bucket.values()].map((object) => ({ resource, object })));
    objects.sort((a, b) => Number(a.object.metadata.resourceVersion) - Number(b.object.metadata.resourceVersion));
    return { rv: this.rv, objects: copy(objects) };
  }

  /**
   * Fills an empty store from a dump, as etcd comes back after a restart: the objects with their
   * resourceVersions, the counter past them, no history (a watch from before gets 410 Gone) and no
   * events (whoever starts after reads the objects by listing them).
   */
  load(dump: { rv: number; objects: { resource: string; object: KObject }[] }): void {
    if (this.objects.size) throw new Error('the store is not empty: a snapshot loads into a new twin only');
    for (const { resource, object } of dump.objects)
      this.bucket(resource).set(objectKey(object.metadata.namespace, object.metadata.name!), copy(object));
    this.rv = Math.max(this.rv, dump.rv);
    this.compactedThrough = this.rv;
  }

  /** Forgets history up to the current version: every watch from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.history.length = 0;
    this.compactedThrough = this.rv;
  }

  private record(change: Change): void {
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedThrough = dropped[dropped.length - 1].rv;
    }
    for (const fn of [...(this.listeners.get(change.resource) ?? []), ...(this.listeners.get('*') ?? [])]) fn(change);
  }

  private bucket(resource: string): Map<string, KObject> {
    let b = this.objects.get(resource);
    if (!b) this.objects.set(resource, (b = new Map()));
    return b;
  }
}

/** etcd orders keys bytewise, so lists (and the continue tokens that resume them) do too. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Deep copies of the objects in `namespace` (all when undefined) that `keep` accepts, sorted by key. */
function selectCopies(
  objects: Map<string, KObject>,
  namespace: string | undefined,
  keep?: (o: KObject) => boolean,
  copies = true,
): KObject[] {
  const prefix = namespace === undefined ? undefined : `${namespace}/`;
  const selected: [string, KObject][] = [];
  for (const entry of objects) {
    if (prefix !== undefined && !entry[0].startsWith(prefix)) continue;
    if (keep && !keep(entry[1])) continue;
    selected.push(entry);
  }
  return selected.sort(([a], [b]) => byteOrder(a, b)).map(([, o]) => (copies ? copy(o) : o));
}
