// Structural schemas of CustomResourceDefinitions: pruning, defaulting and validation as
// kube-apiserver applies them to custom resources.
import type { JSONSchemaProps, ListSemantics, ListSemanticsFn, StatusCause } from './types';
import { clone, isObject, type JsonObject } from './fields/json';
import { additionalSchema, validateValue } from './fields/validation';

// ---- pruning ----

/** Fields every resource keeps whatever its schema says. */
const RESOURCE_FIELDS = ['apiVersion', 'kind', 'metadata'];
/** The metadata an embedded resource (x-kubernetes-embedded-resource) may carry. */
const EMBEDDED_METADATA = ['name', 'namespace', 'labels', 'annotations', 'generateName', 'finalizers'];

const preservesUnknown = (s: JSONSchemaProps | undefined): boolean => s?.['x-kubernetes-preserve-unknown-fields'] === true;
const isEmbedded = (s: JSONSchemaProps | undefined): boolean => s?.['x-kubernetes-embedded-resource'] === true;

/**
 * Removes (in place) every field the schema does not declare, and returns their paths
 * (`.spec.foo`, `.spec.items[0].bar`).
 */
export function pruneUnknownFields(obj: unknown, schema: JSONSchemaProps): string[] {
  const pruned: string[] = [];
  pruneValue(obj, schema, '', true, pruned);
  return pruned;
}

function pruneValue(x: unknown, s: JSONSchemaProps | undefined, path: string, isRoot: boolean, pruned: string[]): void {
  if (isObject(x)) pruneObject(x, s, path, isRoot, pruned);
  else if (Array.isArray(x) && !(preservesUnknown(s) && !s?.items)) {
    x.forEach((item, i) => pruneValue(item, s?.items, `${path}[${i}]`, false, pruned));
  }
}

function pruneObject(x: JsonObject, s: JSONSchemaProps | undefined, path: string, isRoot: boolean, pruned: string[]): void {
  const resource = isRoot || isEmbedded(s);
  for (const name of Object.keys(x)) {
    const child = `${path}.${name}`;
    if (resource && RESOURCE_FIELDS.includes(name)) {
      if (name === 'metadata' && !isRoot) pruneEmbeddedMetadata(x[name], child, pruned);
      continue;
    }
    const prop = s?.properties?.[name] ?? (s && additionalSchema(s));
    if (prop) pruneValue(x[name], prop, child, false, pruned);
    else if (!preservesUnknown(s) && s?.additionalProperties !== true) {
      delete x[name];
      pruned.push(child);
    }
  }
}

function pruneEmbeddedMetadata(meta: unknown, path: string, pruned: string[]): void {
  if (!isObject(meta)) return;
  for (const name of Object.keys(meta)) {
    if (EMBEDDED_METADATA.includes(name)) continue;
    delete meta[name];
    pruned.push(`${path}.${name}`);
  }
}

// ---- defaulting ----

/**
 * Sets (in place) the `default` of every missing property, recursively (inside defaulted values and
 * array items too). Nulls are kept where the schema is nullable, replaced by the default where there
 * is one, and dropped otherwise.
 */
export function applyDefaults(obj: unknown, schema: JSONSchemaProps): void {
  dropNonNullableNulls(obj, schema);
  defaultValue(obj, schema);
}

const isNonNullableNull = (x: unknown, s: JSONSchemaProps | undefined): s is JSONSchemaProps => x === null && !!s && !s.nullable;

function dropNonNullableNulls(x: unknown, s: JSONSchemaProps): void {
  if (isObject(x)) {
    for (const [name, value] of Object.entries(x)) {
      const prop = s.properties?.[name] ?? additionalSchema(s);
      if (!prop) continue;
      if (isNonNullableNull(value, prop) && prop.default === undefined) delete x[name];
      else dropNonNullableNulls(value, prop);
    }
  } else if (Array.isArray(x) && s.items) {
    for (const item of x) dropNonNullableNulls(item, s.items);
  }
}

function defaultValue(x: unknown, s: JSONSchemaProps): void {
  if (isObject(x)) {
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      if (prop.default !== undefined && (x[name] === undefined || isNonNullableNull(x[name], prop))) x[name] = clone(prop.default);
    }
    for (const name of Object.keys(x)) {
      const prop = s.properties?.[name] ?? additionalSchema(s);
      if (!prop) continue;
      if (isNonNullableNull(x[name], prop) && prop.default !== undefined) x[name] = clone(prop.default);
      defaultValue(x[name], prop);
    }
  } else if (Array.isArray(x) && s.items) {
    const items = s.items;
    x.forEach((item, i) => {
      if (isNonNullableNull(item, items) && items.default !== undefined) x[i] = clone(items.default);
      defaultValue(x[i], items);
    });
  }
}

// ---- validation ----

/** The field errors kube-apiserver reports (as the causes of a 422 Invalid) for an object failing its schema. */
export function validateAgainstSchema(obj: unknown, schema: JSONSchemaProps): StatusCause[] {
  return validateValue(obj, schema, '');
}

// ---- list semantics ----

const ATOMIC: ListSemantics = { type: 'atomic' };

/** ObjectMeta's lists, which every custom resource has whatever its schema says. */
const METADATA_LISTS: Record<string, ListSemantics> = {
  finalizers: { type: 'set' },
  ownerReferences: { type: 'map', keys: ['uid'] },
};

export function listSemanticsFromSchema(schema: JSONSchemaProps | undefined): ListSemanticsFn {
  return (path) => {
    if (path.length === 2 && path[0] === 'metadata' && METADATA_LISTS[path[1]]) return METADATA_LISTS[path[1]];
    let node = schema;
    for (const name of path) {
      node = skipArrays(node);
      node = node?.properties?.[name] ?? (node && additionalSchema(node));
      if (!node) return ATOMIC;
    }
    return node && isArraySchema(node) ? semanticsOf(node) : ATOMIC;
  };
}

const isArraySchema = (s: JSONSchemaProps): boolean => s.type === 'array' || (s.type === undefined && s.items !== undefined);

/** List indices are omitted from paths: from an array node, field names continue inside its items. */
function skipArrays(s: JSONSchemaProps | undefined): JSONSchemaProps | undefined {
  let node = s;
  while (node && isArraySchema(node)) node = node.items;
  return node;
}

function semanticsOf(s: JSONSchemaProps): ListSemantics {
  const keys = s['x-kubernetes-list-map-keys'];
  switch (s['x-kubernetes-list-type']) {
    case 'map':
      return keys?.length ? { type: 'map', keys: [...keys] } : ATOMIC;
    case 'set':
      return { type: 'set' };
    default:
      return ATOMIC;
  }
}
