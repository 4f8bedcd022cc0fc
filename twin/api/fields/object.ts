// Objects seen through server-side apply: which of their fields are tracked in managedFields, how an
// applied configuration merges into a live object, and how owned fields are removed again.
import type { KObject, ListSemantics, ListSemanticsFn } from '../types';
import { clone, deepEqual, isObject, type JsonObject } from './json';
import { type FieldPath, PathSet, fieldToken, findItem, keyToken, lookup, semanticPath, valueToken } from './path';

/** What an operation tracks: list semantics and the top-level fields it may not touch. */
export interface Tracking {
  semantics: ListSemanticsFn;
  ignoreTopLevel: readonly string[];
}

/** The only metadata fields whose ownership is recorded. */
export const TRACKED_METADATA = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

/** Metadata the server sets itself; never taken from an applied configuration. */
export const SYSTEM_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

export function makeTracking(semantics: ListSemanticsFn, ignoreTopLevel: readonly string[] = []): Tracking {
  return { semantics: withMetadataSemantics(semantics), ignoreTopLevel };
}

/** ObjectMeta's lists merge the same way for every kind, whatever the kind's own table says. */
function withMetadataSemantics(fn: ListSemanticsFn): ListSemanticsFn {
  return (path) => {
    if (path.length === 2 && path[0] === 'metadata') {
      if (path[1] === 'finalizers') return { type: 'set' };
      if (path[1] === 'ownerReferences') return { type: 'map', keys: ['uid'] };
    }
    return fn(path);
  };
}

function isTrackedTopLevel(name: string, t: Tracking): boolean {
  return name !== 'apiVersion' && name !== 'kind' && !t.ignoreTopLevel.includes(name);
}

/** Map lists whose items are not all objects cannot be keyed: they behave atomically. */
function effectiveSemantics(list: readonly unknown[], ls: ListSemantics): ListSemantics {
  if (ls.type === 'map' && (!ls.keys?.length || !list.every(isObject))) return { type: 'atomic' };
  return ls;
}

/** The token identifying a list item under the list's semantics. */
function itemToken(item: unknown, ls: ListSemantics): string {
  return ls.type === 'map' ? keyToken(item as JsonObject, ls.keys ?? []) : valueToken(item);
}

// ---- field sets ----

/** Every tracked field of an object, as managedFields would record it for a manager owning all of it. */
export function objectFieldSet(obj: KObject | undefined, t: Tracking): PathSet {
  const set = new PathSet();
  if (!obj) return set;
  for (const [name, value] of Object.entries(obj)) {
    if (value === undefined || !isTrackedTopLevel(name, t)) continue;
    if (name === 'metadata') collectMetadata(value, set, t);
    else collectValue(value, [fieldToken(name)], set, t.semantics);
  }
  return set;
}

function collectMetadata(meta: unknown, set: PathSet, t: Tracking): void {
  if (!isObject(meta)) return;
  for (const name of TRACKED_METADATA) {
    const value = meta[name];
    const empty =
      value === undefined ||
      value === null ||
      (Array.isArray(value) ? value.length === 0 : isObject(value) && Object.keys(value).length === 0);
    if (!empty) collectValue(value, [fieldToken('metadata'), fieldToken(name)], set, t.semantics);
  }
}

function collectValue(value: unknown, path: FieldPath, set: PathSet, semantics: ListSemanticsFn): void {
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) set.add(path);
    for (const [name, child] of entries) collectValue(child, [...path, fieldToken(name)], set, semantics);
    return;
  }
  if (!Array.isArray(value)) {
    set.add(path);
    return;
  }
  const ls = effectiveSemantics(value, semantics(semanticPath(path)));
  if (ls.type === 'atomic' || value.length === 0) {
    set.add(path);
    return;
  }
  for (const item of value) {
    const itemPath = [...path, itemToken(item, ls)];
    set.add(itemPath);
    if (ls.type === 'map') {
      for (const [name, child] of Object.entries(item as JsonObject)) {
        if (child !== undefined) collectValue(child, [...itemPath, fieldToken(name)], set, semantics);
      }
    }
  }
}

/**
 * The message of kube-apiserver's refusal of an applied configuration whose map-list item carries
 * none of the list's key fields, or undefined when every item can be keyed.
 */
export function missingListKey(config: KObject, t: Tracking): string | undefined {
  const visit = (value: unknown, semPath: string[], display: string): string | undefined => {
    if (isObject(value)) {
      for (const [name, child] of Object.entries(value)) {
        const found = visit(child, [...semPath, name], `${display}.${name}`);
        if (found) return found;
      }
      return undefined;
    }
    if (!Array.isArray(value)) return undefined;
    const ls = t.semantics(semPath);
    for (const [i, item] of value.entries()) {
      if (ls.type === 'map' && isObject(item) && ls.keys?.length && ls.keys.every((k) => item[k] === undefined)) {
        return `${display}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(ls.keys[0])} (and doesn't have default value)`;
      }
      const found = ls.type === 'map' ? visit(item, semPath, `${display}[${i}]`) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  for (const [name, value] of Object.entries(config)) {
    if (!isTrackedTopLevel(name, t)) continue;
    const found = visit(value, [name], `.${name}`);
    if (found) return found;
  }
  return undefined;
}

// ---- comparison ----

/** Paths whose value was added or modified, and paths removed, between two objects (structured-merge-diff's Compare). */
export function compareObjects(oldObj: KObject | undefined, newObj: KObject, t: Tracking): { changed: PathSet; removed: PathSet } {
  const before = objectFieldSet(oldObj, t);
  const after = objectFieldSet(newObj, t);
  const changed = after.difference(before);
  for (const p of after.intersection(before)) {
    if (carriesValue(p) && !deepEqual(lookup(oldObj, p).value, lookup(newObj, p).value)) changed.add(p);
  }
  return { changed, removed: before.difference(after) };
}

/** Leaves carry a value; a map-list item's own path does not (its fields do) and set items are their value. */
function carriesValue(p: FieldPath): boolean {
  const last = p[p.length - 1];
  return last.startsWith('f:') || last.startsWith('i:');
}

// ---- merging an applied configuration ----

/** The live object with the tracked parts of `config` merged in. */
export function mergeApplied(base: KObject, config: KObject, t: Tracking): KObject {
  const out = clone(base);
  for (const [name, value] of Object.entries(config)) {
    if (value === undefined || !isTrackedTopLevel(name, t)) continue;
    if (name === 'metadata') out.metadata = mergeMetadata(out.metadata ?? {}, value, t);
    else out[name] = mergeValue(out[name], value, [name], t.semantics);
  }
  return out;
}

function mergeMetadata(live: KObject['metadata'], config: unknown, t: Tracking): KObject['metadata'] {
  if (!isObject(config)) return live;
  const out: JsonObject = { ...live };
  for (const name of TRACKED_METADATA) {
    if (config[name] !== undefined) out[name] = mergeValue(out[name], config[name], ['metadata', name], t.semantics);
  }
  return out;
}

function mergeValue(live: unknown, applied: unknown, semPath: string[], semantics: ListSemanticsFn): unknown {
  if (isObject(live) && isObject(applied)) {
    const out: JsonObject = { ...live };
    for (const [name, value] of Object.entries(applied)) {
      if (value !== undefined) out[name] = mergeValue(live[name], value, [...semPath, name], semantics);
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied)) {
    const ls = effectiveSemantics([...live, ...applied], semantics(semPath));
    if (ls.type !== 'atomic')
      return mergeList(live, applied, ls, (l, r) =>
        ls.type === 'map' && l !== undefined ? mergeValue(l, r, semPath, semantics) : clone(r),
      );
  }
  return clone(applied);
}

/**
 * Merges two associative lists the way structured-merge-diff does: items of both lists are merged,
 * the applied order wins among shared items, live-only items keep their place and applied-only items
 * are placed where the applied list puts them.
 */
function mergeList(lhs: unknown[], rhs: unknown[], ls: ListSemantics, mergeItem: (l: unknown, r: unknown) => unknown): unknown[] {
  const lIds = lhs.map((x) => itemToken(x, ls));
  const rIds = rhs.map((x) => itemToken(x, ls));
  const lById = firstById(lIds, lhs);
  const rById = firstById(rIds, rhs);
  const shared = rIds.filter((id) => lById.has(id));
  const done = new Set<string>();
  const out: unknown[] = [];
  const take = (id: string): void => {
    if (done.has(id)) return;
    done.add(id);
    out.push(mergeItem(lById.get(id), rById.get(id)));
    if (shared[0] === id) shared.shift();
  };
  let l = 0;
  let r = 0;
  while (l < lIds.length || r < rIds.length) {
    const lId = lIds[l];
    if (l < lIds.length && r < rIds.length) {
      if (lId === rIds[r]) {
        take(lId);
        l++;
        r++;
        continue;
      }
      if (rById.has(lId) && shared.length > 0 && shared[0] !== lId) {
        l++; // a shared item the applied list puts later
        continue;
      }
    }
    if (l < lIds.length && (!rById.has(lId) || done.has(lId))) {
      if (!rById.has(lId)) out.push(clone(lhs[l]));
      l++;
      continue;
    }
    if (r < rIds.length) take(rIds[r++]);
    else l++;
  }
  return out;
}

function firstById(ids: string[], items: unknown[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  ids.forEach((id, i) => {
    if (!m.has(id)) m.set(id, items[i]);
  });
  return m;
}

// ---- removing owned fields ----

/**
 * Removes the fields at `paths` from `obj` (in place). A path is kept while some path in `keep` lies
 * below it, key fields of a kept map-list item are never removed, and containers left empty by a
 * removal are removed too unless `keep` owns them.
 */
export function removePaths(obj: KObject, paths: PathSet, keep: PathSet): void {
  const ordered = [...paths].sort((a, b) => b.length - a.length);
  for (const path of ordered) {
    if (keep.hasDescendantOf(path) || isKeyFieldOfItem(path)) continue;
    if (removeOne(obj, path)) pruneEmptyAncestors(obj, path, keep);
  }
}

function isKeyFieldOfItem(path: FieldPath): boolean {
  if (path.length < 2) return false;
  const parent = path[path.length - 2];
  const last = path[path.length - 1];
  if (!parent.startsWith('k:') || !last.startsWith('f:')) return false;
  const key = JSON.parse(parent.slice(2)) as JsonObject;
  return last.slice(2) in key;
}

function removeOne(obj: KObject, path: FieldPath): boolean {
  const parent = lookup(obj, path.slice(0, -1));
  if (!parent.found) return false;
  const last = path[path.length - 1];
  if (last.startsWith('f:')) {
    const name = last.slice(2);
    if (!isObject(parent.value) || !(name in parent.value)) return false;
    delete parent.value[name];
    return true;
  }
  if (!Array.isArray(parent.value)) return false;
  const i = findItem(parent.value, last);
  if (i < 0) return false;
  parent.value.splice(i, 1);
  return true;
}

function pruneEmptyAncestors(obj: KObject, path: FieldPath, keep: PathSet): void {
  for (let depth = path.length - 1; depth >= 1; depth--) {
    const ancestor = path.slice(0, depth);
    if (ancestor.length === 1 && ancestor[0] === 'f:metadata') return;
    const { found, value } = lookup(obj, ancestor);
    const empty = found && (Array.isArray(value) ? value.length === 0 : isObject(value) && Object.keys(value).length === 0);
    if (!empty || keep.has(ancestor) || keep.hasDescendantOf(ancestor)) return;
    removeOne(obj, ancestor);
  }
}
