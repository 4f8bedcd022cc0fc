// Shared shapes of the twin's API server: Kubernetes objects, resource types and the errors the
// server answers with. Everything here mirrors what a real kube-apiserver exposes on the wire.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** The FieldsV1 trie of managedFields: keys are `f:<name>`, `k:<json>`, `v:<json>`, `i:<n>` or `.`. */
export interface FieldsV1 {
  [key: string]: FieldsV1;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

/** An OpenAPI v3 schema as CRDs carry it (structural schema, with the x-kubernetes-* extensions). */
export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: { rule: string; message?: string }[];
  [key: string]: unknown;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** How a list inside an object merges: one of the three list types of server-side apply. */
export interface ListSemantics {
  type: 'atomic' | 'set' | 'map';
  /** For `map` lists: the fields that identify an item (e.g. ['name'] for containers). */
  keys?: string[];
}

/**
 * Says how the list found at `path` (field names from the object root, list indices omitted)
 * merges. Built-in kinds answer from a table of Kubernetes' patchMergeKeys; custom resources from
 * the x-kubernetes-list-type/-map-keys of their schema. Unknown lists are atomic.
 */
export type ListSemanticsFn = (path: readonly string[]) => ListSemantics;

export interface ResourceType {
  group: string; // '' for the core group
  versions: string[]; // served versions, preferred first
  storageVersion: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  verbs: string[];
  subresources: { status?: boolean; scale?: boolean; extra?: string[] };
  /** Where the scale subresource reads and writes, per version (a CRD's subresources.scale; built-ins use .spec.replicas). */
  scalePaths?: Record<string, ScalePaths>;
  /** Structural schema per version (custom resources; built-ins may give a loose one or none). */
  schemas?: Record<string, JSONSchemaProps | undefined>;
  printerColumns?: Record<string, PrinterColumn[]>;
  listSemantics: ListSemanticsFn;
  /** Defined by a CustomResourceDefinition object (and removed with it). */
  crdName?: string;
  /** True for kinds served only for create (TokenReview, SelfSubjectAccessReview, ...). */
  virtual?: boolean;
  /** A built-in kind's top-level fields besides apiVersion, kind and metadata (what its Go type can hold). */
  topLevelFields?: string[];
}

export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** A Kubernetes `Status` failure, thrown inside the server and written as the response body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
  }

  /** ListMeta of the Status (a 410 to a stale continue token carries a fresh token here). */
  listMeta?: { continue?: string };

  toStatus(): KObject {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: { ...(this.listMeta ?? {}) },
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Human name of a resource as error messages give it: `subscriptions.operators.coreos.com`. */
export function qualifiedResource(rt: Pick<ResourceType, 'plural' | 'group'>): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}
