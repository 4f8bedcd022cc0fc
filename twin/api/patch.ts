// PATCH bodies as kube-apiserver understands them: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902) and strategic merge patch (built-in kinds only).
import type { KObject, ListSemantics, ListSemanticsFn } from './types';
import { ApiError } from './types';
import { clone, deepEqual, isObject, type JsonObject } from './fields/json';

// ---- JSON merge patch ----

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (value !== undefined) out[key] = mergePatch(out[key], value);
  }
  return clone(out);
}

// ---- JSON patch ----

const INVALID_REQUEST = 'the server rejected our request due to an error in our request';

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string[];
  rawPath: string;
  from?: string[];
  rawFrom?: string;
  value?: unknown;
}

function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** A patch that is well-formed but does not apply to the object: 422 Invalid, as kube-apiserver answers. */
function doesNotApply(detail: string): ApiError {
  return new ApiError(422, 'Invalid', `${INVALID_REQUEST}: ${detail}`);
}

/** RFC 6901 pointer to reference tokens: `/a~1b/c~0d` → ['a/b', 'c~d']. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`json patch path must start with "/": ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parseOperation(raw: unknown, index: number): Operation {
  if (!isObject(raw)) throw badRequest(`json patch operation ${index} is not an object`);
  const { op, path, from } = raw;
  if (typeof op !== 'string' || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op)) {
    throw badRequest(`Unexpected kind: ${String(op)}`);
  }
  if (typeof path !== 'string') throw badRequest(`json patch ${op} operation is missing "path"`);
  const parsed: Operation = { op: op as Operation['op'], path: parsePointer(path), rawPath: path, value: raw.value };
  if ((op === 'add' || op === 'replace' || op === 'test') && !('value' in raw)) {
    throw badRequest(`json patch ${op} operation is missing "value"`);
  }
  if (op === 'move' || op === 'copy') {
    if (typeof from !== 'string') throw badRequest(`json patch ${op} operation is missing "from"`);
    parsed.from = parsePointer(from);
    parsed.rawFrom = from;
  }
  return parsed;
}

/** Mutable holder so that operations on the root (`path: ""`) can replace the whole document. */
interface Doc {
  root: unknown;
}

function resolve(doc: Doc, tokens: string[]): { found: boolean; value?: unknown } {
  let cur = doc.root;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(t, cur.length - 1);
      if (i === undefined) return { found: false };
      cur = cur[i];
    } else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) {
      cur = cur[t];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}

function arrayIndex(token: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const i = Number(token);
  return i <= max ? i : undefined;
}

function add(doc: Doc, op: Operation, path: string[], value: unknown, rawPath: string): void {
  if (path.length === 0) {
    doc.root = value;
    return;
  }
  const parent = resolve(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent.value)) {
    const i = last === '-' ? parent.value.length : arrayIndex(last, parent.value.length);
    if (i === undefined) throw doesNotApply(`jsonpatch ${op.op} operation does not apply: index out of range: ${rawPath}`);
    parent.value.splice(i, 0, value);
  } else if (isObject(parent.value)) {
    parent.value[last] = value;
  } else {
    throw doesNotApply(`jsonpatch ${op.op} operation does not apply: doc is missing path: ${rawPath}`);
  }
}

function remove(doc: Doc, op: Operation, path: string[], rawPath: string, missing: string): unknown {
  const target = resolve(doc, path);
  if (!target.found) throw doesNotApply(`jsonpatch ${op.op} operation does not apply: doc is missing ${missing}: ${rawPath}`);
  if (path.length === 0) {
    doc.root = undefined;
    return target.value;
  }
  const parent = resolve(doc, path.slice(0, -1)).value;
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as JsonObject)[last];
  return target.value;
}

function applyOperation(doc: Doc, op: Operation): void {
  switch (op.op) {
    case 'add':
      return add(doc, op, op.path, clone(op.value), op.rawPath);
    case 'remove':
      remove(doc, op, op.path, op.rawPath, 'path');
      return;
    case 'replace':
      remove(doc, op, op.path, op.rawPath, 'key');
      return add(doc, op, op.path, clone(op.value), op.rawPath);
    case 'move': {
      const from = op.from ?? [];
      if (from.length < op.path.length && from.every((t, i) => op.path[i] === t)) {
        throw doesNotApply(`jsonpatch move operation does not apply: from ${op.rawFrom} is a prefix of path ${op.rawPath}`);
      }
      const value = remove(doc, op, from, op.rawFrom ?? '', 'from path');
      return add(doc, op, op.path, value, op.rawPath);
    }
    case 'copy': {
      const source = resolve(doc, op.from ?? []);
      if (!source.found) throw doesNotApply(`jsonpatch copy operation does not apply: doc is missing from path: ${op.rawFrom}`);
      return add(doc, op, op.path, clone(source.value), op.rawPath);
    }
    case 'test': {
      const target = resolve(doc, op.path);
      const matches = target.found ? deepEqual(target.value, op.value) : op.value === null;
      if (!matches) throw doesNotApply(`testing value ${op.rawPath} failed`);
      return;
    }
  }
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const operations = ops.map(parseOperation);
  const state: Doc = { root: clone(doc) };
  for (const op of operations) applyOperation(state, op);
  return state.root;
}

// ---- strategic merge patch ----

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

export function strategicMergePatch(original: KObject, patch: unknown, semantics: ListSemanticsFn): KObject {
  if (!isObject(patch)) throw badRequest('unable to find api field in struct for the patch: the patch must be a JSON object');
  const merged = mergeMap(clone(original), patch, [], semantics);
  if (merged === undefined) throw badRequest('$patch: delete is not supported on the whole object');
  return merged as KObject;
}

/** Merges `patch` into `original` (a fresh copy, mutated); undefined means the map is deleted. */
function mergeMap(original: JsonObject, patch: JsonObject, path: string[], semantics: ListSemanticsFn): JsonObject | undefined {
  const directive = patch[DIRECTIVE];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(patch, path, semantics);
  if (directive !== undefined && directive !== 'merge')
    throw badRequest(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);

  const out = applyRetainKeys(original, patch);
  // $setElementOrder orders a list against its value before this patch.
  const before = new Map<string, unknown>();
  for (const key of Object.keys(patch)) {
    if (key.startsWith(SET_ELEMENT_ORDER)) before.set(key, clone(out[key.slice(SET_ELEMENT_ORDER.length)]));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) deleteFromPrimitiveList(out, key.slice(DELETE_FROM_PRIMITIVE_LIST.length), value);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$') || value === undefined) continue;
    const merged = mergeField(out[key], value, [...path, key], semantics);
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(SET_ELEMENT_ORDER))
      applyElementOrder(
        out,
        key.slice(SET_ELEMENT_ORDER.length),
        value,
        before.get(key),
        [...path, key.slice(SET_ELEMENT_ORDER.length)],
        semantics,
      );
  }
  return out;
}

function mergeField(original: unknown, patch: unknown, path: string[], semantics: ListSemanticsFn): unknown {
  if (patch === null) return undefined;
  if (isObject(patch)) return mergeMap(isObject(original) ? original : {}, patch, path, semantics);
  if (Array.isArray(patch)) return mergeList(Array.isArray(original) ? original : [], patch, path, semantics);
  return patch;
}

/** A patch value without directives, as stored when there is nothing to merge it with. */
function stripDirectives(patch: JsonObject, path: string[], semantics: ListSemanticsFn): JsonObject {
  const { [DIRECTIVE]: _ignored, ...rest } = patch;
  return mergeMap({}, rest, path, semantics) ?? {};
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): JsonObject {
  const retain = patch[RETAIN_KEYS];
  if (retain === undefined) return original;
  if (!Array.isArray(retain)) throw badRequest('invalid patch: $retainKeys must be a list of strings');
  for (const key of Object.keys(patch)) {
    if (!key.startsWith('$') && !retain.includes(key))
      throw new ApiError(422, 'Invalid', `${INVALID_REQUEST}: the content of the patch does not match the $retainKeys list`);
  }
  return Object.fromEntries(Object.entries(original).filter(([k]) => retain.includes(k)));
}

function deleteFromPrimitiveList(out: JsonObject, field: string, values: unknown): void {
  if (!Array.isArray(values)) throw badRequest('invalid patch: $deleteFromPrimitiveList must be a list');
  const list = out[field];
  if (!Array.isArray(list)) return;
  const kept = list.filter((x) => !values.some((v) => deepEqual(v, x)));
  if (kept.length > 0) out[field] = kept;
  else delete out[field];
}

function mergeList(original: unknown[], patch: unknown[], path: string[], semantics: ListSemanticsFn): unknown[] {
  const ls: ListSemantics = semantics(path);
  if (ls.type === 'atomic') return clone(patch);
  if (ls.type === 'set') return unionList(original, patch);
  const replace = patch.find((x) => isObject(x) && x[DIRECTIVE] === 'replace');
  if (replace) return patch.filter((x) => x !== replace).map((x) => (isObject(x) ? stripDirectives(x, path, semantics) : x));
  return mergeListByKeys(original, patch, ls.keys ?? [], path, semantics);
}

function unionList(original: unknown[], patch: unknown[]): unknown[] {
  const merged = [...original];
  for (const x of patch) if (!merged.some((y) => deepEqual(x, y))) merged.push(clone(x));
  return normalizeElementOrder(merged, patch, original, deepEqual);
}

/**
 * The order Kubernetes gives a merged list (apimachinery's strategicpatch normalizeElementOrder and
 * mergeSortedSlice): the items the patch names come in the patch's order, the server-only items in
 * their original order, and the two are interleaved by their positions in the original list; an item
 * the original did not have goes before the server-only items still to place. So a container added
 * by `kubectl patch` comes first, and a patch listing existing items in another order reorders them.
 */
function normalizeElementOrder(
  merged: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  same: (a: unknown, b: unknown) => boolean,
): unknown[] {
  const indexIn = (list: unknown[], x: unknown) => list.findIndex((y) => same(x, y));
  const byIndexIn = (list: unknown[]) => (a: unknown, b: unknown) => {
    const ia = indexIn(list, a);
    const ib = indexIn(list, b);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  };
  const patchItems = merged.filter((x) => indexIn(patchOrder, x) >= 0).sort(byIndexIn(patchOrder));
  const serverOnly = merged.filter((x) => indexIn(patchOrder, x) < 0).sort(byIndexIn(serverOrder));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) out.push(patchItems[j++]);
    else if (j >= patchItems.length) out.push(serverOnly[i++]);
    else {
      const li = indexIn(serverOrder, serverOnly[i]);
      const ri = indexIn(serverOrder, patchItems[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patchItems[j++]);
    }
  }
  return out;
}

/** Items of a map list are the same item when their (first) merge key is equal, as patchMergeKey compares them. */
const sameByKey =
  (keys: string[]) =>
  (a: unknown, b: unknown): boolean =>
    isObject(a) && isObject(b) && keys.length > 0 && deepEqual(a[keys[0]], b[keys[0]]);

/**
 * Merges a patch list into a map list. Like Kubernetes' patchMergeKey, the first key field must be
 * present in every patch item; further key fields (e.g. a port's protocol) only narrow the match
 * when the patch item gives them.
 */
function mergeListByKeys(original: unknown[], patch: unknown[], keys: string[], path: string[], semantics: ListSemanticsFn): unknown[] {
  const matcher =
    (item: JsonObject) =>
    (x: unknown): boolean =>
      isObject(x) && keys.every((k) => item[k] === undefined || deepEqual(x[k], item[k]));
  // Deletions first (they change the original the order is taken from), then merges and additions.
  let base = [...original];
  const plain: JsonObject[] = [];
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`invalid patch: list ${path.join('.')} must contain objects`);
    if (keys.length > 0 && item[keys[0]] === undefined) {
      throw new ApiError(
        500,
        'InternalError',
        `Internal error occurred: map: ${JSON.stringify(item)} does not contain declared merge key: ${keys[0]}`,
      );
    }
    if (item[DIRECTIVE] === 'delete') base = base.filter((x) => !matcher(item)(x));
    else plain.push(item);
  }
  const merged = [...base];
  for (const item of plain) {
    const i = merged.findIndex(matcher(item));
    if (i < 0) merged.push(stripDirectives(item, path, semantics));
    else merged[i] = mergeMap(merged[i] as JsonObject, item, path, semantics) ?? merged[i];
  }
  return normalizeElementOrder(merged, plain, base, sameByKey(keys));
}

/**
 * `$setElementOrder/<field>` (what kubectl apply sends): the items it lists take its order; items it
 * does not list (added by the server or other clients) keep their places relative to the list as it
 * was before the patch, as Kubernetes' normalizeElementOrder interleaves them.
 */
function applyElementOrder(
  out: JsonObject,
  field: string,
  order: unknown,
  before: unknown,
  path: string[],
  semantics: ListSemanticsFn,
): void {
  const list = out[field];
  if (!Array.isArray(order) || !Array.isArray(list)) return;
  const ls = semantics(path);
  const same = ls.type === 'map' ? sameByKey(ls.keys ?? []) : deepEqual;
  out[field] = normalizeElementOrder(list, order, Array.isArray(before) ? before : [], same);
}
