// Server-side apply of a few fields of an object that several steps of the install apply to under
// the one field manager `rhoai-harness` (default-dsci: the custom CA bundle and the manual
// Service Mesh mode; odh-dashboard-config; the notebook ImageStreams). An apply is the manager's
// whole intent: a field the manager applied before and leaves out now is removed from the object
// (or falls back to its default). So each apply first extracts what the manager already owns
// (its Apply entry in managedFields, as client-go's Extract* functions do) and adds its own fields
// to that, and an apply never takes away another step's fields.
import type { ClusterClient } from './client';
import { FIELD_MANAGER, refOf, type KObject } from './types';

type FieldSet = { [key: string]: FieldSet };

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The part of `value` that `fields` (a FieldsV1 set) names; a leaf is the whole value. */
function extract(value: unknown, fields: FieldSet): unknown {
  const keys = Object.keys(fields).filter((k) => k !== '.');
  if (keys.length === 0) return structuredClone(value);
  if (Array.isArray(value)) {
    const picked: { index: number; item: unknown }[] = [];
    for (const key of keys) {
      if (key.startsWith('k:')) {
        const id = JSON.parse(key.slice(2)) as Record<string, unknown>;
        const index = value.findIndex((item) => isObject(item) && Object.entries(id).every(([k, v]) => sameValue(item[k], v)));
        if (index < 0) continue;
        const sub = extract(value[index], fields[key]!);
        picked.push({ index, item: isObject(sub) ? { ...id, ...sub } : sub });
      } else if (key.startsWith('v:')) {
        const wanted = JSON.parse(key.slice(2));
        const index = value.findIndex((item) => sameValue(item, wanted));
        if (index >= 0) picked.push({ index, item: wanted });
      } else if (key.startsWith('i:')) {
        const index = Number(key.slice(2));
        if (index < value.length) picked.push({ index, item: extract(value[index], fields[key]!) });
      }
    }
    return picked.sort((a, b) => a.index - b.index).map((p) => p.item);
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      if (!key.startsWith('f:')) continue;
      const name = key.slice(2);
      if (Object.prototype.hasOwnProperty.call(value, name)) out[name] = extract(value[name], fields[key]!);
    }
    return out;
  }
  return value;
}

/**
 * What `manager` has applied to the live object (its Apply entry in managedFields, main resource),
 * as an apply configuration: apiVersion, kind, name and namespace plus the owned fields with their
 * live values. Undefined when the manager has applied nothing to it.
 */
export function appliedConfiguration(live: KObject, manager = FIELD_MANAGER): KObject | undefined {
  const entries = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const entry = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource && e.fieldsType === 'FieldsV1');
  if (!entry?.fieldsV1) return undefined;
  const owned = extract(live, entry.fieldsV1) as KObject;
  const metadata = isObject(owned.metadata) ? owned.metadata : {};
  return {
    ...owned,
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: { ...metadata, name: live.metadata.name, ...(live.metadata.namespace ? { namespace: live.metadata.namespace } : {}) },
  };
}

/** `base` with `overlay` merged in: maps recursively, anything else (lists too) taken from `overlay`. */
export function mergeConfiguration<T>(base: T, overlay: T): T {
  if (!isObject(base) || !isObject(overlay)) return structuredClone(overlay);
  const out: Record<string, unknown> = { ...structuredClone(base) };
  for (const [k, v] of Object.entries(overlay)) out[k] = k in out ? mergeConfiguration(out[k], v) : structuredClone(v);
  return out as T;
}

/**
 * Server-side applies `obj` together with everything the harness already applied to the same
 * object, so that applying a few fields never removes another step's. Returns the live object.
 */
export async function applyAlongsideOwnedFields(cluster: ClusterClient, obj: KObject, options: { force?: boolean } = {}): Promise<KObject> {
  const live = await cluster.get(refOf(obj));
  const owned = live ? appliedConfiguration(live) : undefined;
  return cluster.apply(owned ? mergeConfiguration(owned, obj) : obj, options);
}

/**
 * Who last wrote a field, by the object's managedFields (the API server's record of each manager's
 * fields and when it last changed them): for a failure message to name another writer that changed
 * what the harness wrote (a controller syncing the object from elsewhere). `path` is the field's
 * FieldsV1 path, e.g. ['f:data', 'f:htpasswd']. Empty when no entry owns it.
 */
export function lastWriterOf(live: KObject, path: string[], label = path.map((p) => p.replace(/^f:/, '')).join('.')): string {
  const owners = ((live.metadata.managedFields ?? []) as (ManagedFieldsEntry & { time?: string })[]).filter((entry) => {
    let fields: FieldSet | undefined = entry.fieldsV1;
    for (const key of path) fields = fields?.[key];
    return !entry.subresource && fields !== undefined;
  });
  const last = owners.sort((a, b) => Date.parse(b.time ?? '') - Date.parse(a.time ?? ''))[0];
  return last ? ` (${label} was last written by ${last.manager} (${last.operation}) at ${last.time})` : '';
}
