// Server-side apply and managedFields bookkeeping, after kube-apiserver's field manager
// (structured-merge-diff): field sets per manager, conflicts, merge of applied configurations and
// removal of fields an applier stopped applying.
import type { KObject, ListSemanticsFn, ManagedFieldsEntry, StatusCause } from './types';
import { ApiError } from './types';
import { clone, deepEqual, isObject } from './fields/json';
import { type FieldPath, PathSet, formatPath, fromFieldsV1, sortedPaths, toFieldsV1 } from './fields/path';
import {
  SYSTEM_METADATA,
  TRACKED_METADATA,
  type Tracking,
  compareObjects,
  makeTracking,
  mergeApplied,
  missingListKey,
  objectFieldSet,
  removePaths,
} from './fields/object';

export interface FieldOwnerOptions {
  manager: string;
  apiVersion: string;
  now: string;
  semantics: ListSemanticsFn;
  /** 'status' when the request is on the status subresource. */
  subresource?: string;
  /** Top-level fields this request may not touch (e.g. ['status'] on the main resource of a kind with a status subresource). */
  ignoreTopLevel?: string[];
}

/** The manager kube-apiserver credits with every field of an object that had no managedFields when first applied to. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** A managedFields entry being worked on: its decoded field set, and whether it must be re-encoded. */
interface Owner {
  entry: ManagedFieldsEntry;
  set: PathSet;
  dirty: boolean;
}

export interface FieldConflict {
  manager: string;
  path: FieldPath;
}

interface OwnedConflict extends FieldConflict {
  owner: Owner;
}

// ---- server-side apply ----

export function serverSideApply(live: KObject | undefined, applied: KObject, opts: FieldOwnerOptions & { force: boolean }): KObject {
  const tracking = makeTracking(opts.semantics, opts.ignoreTopLevel);
  const missingKey = missingListKey(applied, tracking);
  if (missingKey) {
    throw new ApiError(
      500,
      'InternalError',
      `failed to create typed patch object (${applied.apiVersion}, Kind=${applied.kind}): ${missingKey}`,
    );
  }
  const appliedSet = objectFieldSet(applied, tracking);
  const owners = live ? ownersForApply(live, opts, tracking) : [];
  const self = owners.find((o) => isEntry(o.entry, opts.manager, 'Apply', opts.subresource));
  const others = owners.filter((o) => o !== self);

  const merged = mergeApplied(live ? withoutManagedFields(live) : newObjectBase(applied), applied, tracking);
  const stillOwned = appliedSet.union(...others.map((o) => o.set));
  removePaths(merged, (self?.set ?? new PathSet()).difference(stillOwned), stillOwned);

  const { changed } = compareObjects(live, merged, tracking);
  const conflicts = findConflicts(others, appliedSet.intersection(changed), opts.subresource);
  if (conflicts.length > 0 && !opts.force) throw conflictError(conflicts);
  for (const { owner, path } of conflicts) takeAway(owner, new PathSet([path]));

  const changedSomething = !live || !self || !self.set.equals(appliedSet) || !deepEqual(withoutManagedFields(live), merged);
  const entry = { manager: opts.manager, operation: 'Apply' as const, apiVersion: opts.apiVersion, subresource: opts.subresource };
  const next = setOwner(owners, self, entry, appliedSet, changedSomething, opts.now);
  const result = withOwners(merged, next);
  return live && sameIgnoringTimes(result, live) ? clone(live) : result;
}

function newObjectBase(applied: KObject): KObject {
  const metadata: KObject['metadata'] = {};
  for (const [k, v] of Object.entries(applied.metadata ?? {})) {
    if (!SYSTEM_METADATA.includes(k) && !(TRACKED_METADATA as readonly string[]).includes(k)) metadata[k] = clone(v);
  }
  return { apiVersion: applied.apiVersion, kind: applied.kind, metadata };
}

/** Fields other managers of the same subresource own and this apply would change, ordered by manager then path. */
function findConflicts(others: Owner[], contested: PathSet, subresource: string | undefined): OwnedConflict[] {
  const conflicts: OwnedConflict[] = [];
  const sameSubresource = others.filter((o) => (o.entry.subresource ?? '') === (subresource ?? ''));
  const byManager = [...sameSubresource].sort((a, b) =>
    a.entry.manager < b.entry.manager ? -1 : a.entry.manager > b.entry.manager ? 1 : 0,
  );
  for (const owner of byManager) {
    for (const path of sortedPaths(owner.set.intersection(contested))) conflicts.push({ manager: owner.entry.manager, path, owner });
  }
  return conflicts;
}

/** The 409 kube-apiserver answers an apply with when other managers own fields it would change. */
export function conflictError(all: FieldConflict[]): ApiError {
  const conflicts = all.filter((c, i) => all.findIndex((d) => d.manager === c.manager && formatPath(d.path) === formatPath(c.path)) === i);
  const causes: StatusCause[] = conflicts.map(({ manager, path }) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${JSON.stringify(manager)}: ${formatPath(path)}`,
    field: formatPath(path),
  }));
  return new ApiError(409, 'Conflict', conflictMessage(conflicts), { causes });
}

function conflictMessage(conflicts: FieldConflict[]): string {
  if (conflicts.length === 1) {
    const [{ manager, path }] = conflicts;
    return `Apply failed with 1 conflict: conflict with ${JSON.stringify(manager)}: ${formatPath(path)}`;
  }
  const lines: string[] = [];
  for (const manager of [...new Set(conflicts.map((c) => c.manager))].sort()) {
    lines.push(`conflicts with ${JSON.stringify(manager)}:`);
    for (const c of conflicts) if (c.manager === manager) lines.push(`- ${formatPath(c.path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

// ---- updates by non-apply clients ----

export function recordUpdate(oldObj: KObject | undefined, newObj: KObject, opts: FieldOwnerOptions): KObject {
  const tracking = makeTracking(opts.semantics, opts.ignoreTopLevel);
  const { changed, removed } = compareObjects(oldObj, newObj, tracking);
  if (changed.isEmpty() && removed.isEmpty()) {
    return withEntries(newObj, oldObj?.metadata?.managedFields ? clone(oldObj.metadata.managedFields) : undefined);
  }
  const owners = oldObj ? ownersOf(oldObj) : [];
  const self = owners.find((o) => isEntry(o.entry, opts.manager, 'Update', opts.subresource, opts.apiVersion));
  for (const o of owners) if (o !== self) takeAway(o, changed.union(removed));
  const set = (self?.set ?? new PathSet()).difference(removed).union(changed);
  const entry = { manager: opts.manager, operation: 'Update' as const, apiVersion: opts.apiVersion, subresource: opts.subresource };
  return withOwners(newObj, setOwner(owners, self, entry, set, !changed.isEmpty(), opts.now));
}

// ---- entries ----

function isEntry(
  e: ManagedFieldsEntry,
  manager: string,
  operation: 'Apply' | 'Update',
  subresource?: string,
  apiVersion?: string,
): boolean {
  return (
    e.manager === manager &&
    e.operation === operation &&
    (e.subresource ?? '') === (subresource ?? '') &&
    // Update entries are per API version; an applier has a single entry whatever version it applies.
    (operation === 'Apply' || e.apiVersion === apiVersion)
  );
}

/** The decoded managedFields of an object. */
function ownersOf(obj: KObject): Owner[] {
  const entries = obj.metadata?.managedFields;
  if (!Array.isArray(entries)) return [];
  return entries.filter(isObject).map((e) => ({ entry: clone(e), set: fromFieldsV1(e.fieldsV1), dirty: false }));
}

/** Owners of a live object being applied to; one without any managedFields is credited to `before-first-apply`. */
function ownersForApply(live: KObject, opts: FieldOwnerOptions, tracking: Tracking): Owner[] {
  const owners = ownersOf(live);
  if (owners.length > 0) return owners;
  const set = objectFieldSet(live, tracking);
  if (set.isEmpty()) return [];
  const entry: ManagedFieldsEntry = {
    manager: BEFORE_FIRST_APPLY,
    operation: 'Update',
    apiVersion: opts.apiVersion,
    time: opts.now,
    fieldsType: 'FieldsV1',
    fieldsV1: {},
  };
  return [{ entry, set, dirty: true }];
}

function takeAway(owner: Owner, paths: PathSet): void {
  const rest = owner.set.difference(paths);
  if (rest.size !== owner.set.size) {
    owner.set = rest;
    owner.dirty = true;
  }
}

/**
 * Gives `self` (or a new entry appended at the end) the field set `set`. Its time moves to `now` only
 * when `bumpTime` (the operation changed something); otherwise the entry keeps its time.
 */
function setOwner(
  owners: Owner[],
  self: Owner | undefined,
  entry: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
  set: PathSet,
  bumpTime: boolean,
  now: string,
): Owner[] {
  if (self && !bumpTime && self.set.equals(set) && self.entry.apiVersion === entry.apiVersion) return owners;
  const updated: Owner = {
    entry: {
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      time: bumpTime || !self?.entry.time ? now : self.entry.time,
      fieldsType: 'FieldsV1',
      fieldsV1: {},
      ...(entry.subresource ? { subresource: entry.subresource } : {}),
    },
    set,
    dirty: true,
  };
  return self ? owners.map((o) => (o === self ? updated : o)) : [...owners, updated];
}

function withOwners(obj: KObject, owners: Owner[]): KObject {
  const entries = owners
    .filter((o) => !o.set.isEmpty())
    .map((o) => (o.dirty ? { ...o.entry, fieldsType: 'FieldsV1' as const, fieldsV1: toFieldsV1(o.set) } : o.entry));
  return withEntries(obj, entries.length > 0 ? entries : undefined);
}

function withEntries(obj: KObject, entries: ManagedFieldsEntry[] | undefined): KObject {
  const out = clone(obj);
  out.metadata = { ...(out.metadata ?? {}) };
  if (entries) out.metadata.managedFields = entries;
  else delete out.metadata.managedFields;
  return out;
}

function withoutManagedFields(obj: KObject): KObject {
  return withEntries(obj, undefined);
}

function sameIgnoringTimes(a: KObject, b: KObject): boolean {
  const strip = (o: KObject): KObject => {
    const out = clone(o);
    for (const e of out.metadata?.managedFields ?? []) delete e.time;
    return out;
  };
  return deepEqual(strip(a), strip(b));
}
