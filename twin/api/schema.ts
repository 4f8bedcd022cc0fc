// Structural schemas of CustomResourceDefinitions: pruning, defaulting and validation as
// kube-apiserver applies them to custom resources.
import type { JSONSchemaProps, ListSemanticsFn, StatusCause } from './types';

export function pruneUnknownFields(obj: unknown, schema: JSONSchemaProps): string[] {
  throw new Error('not implemented');
}

export function applyDefaults(obj: unknown, schema: JSONSchemaProps): void {
  throw new Error('not implemented');
}

export function validateAgainstSchema(obj: unknown, schema: JSONSchemaProps): StatusCause[] {
  throw new Error('not implemented');
}

export function listSemanticsFromSchema(schema: JSONSchemaProps | undefined): ListSemanticsFn {
  throw new Error('not implemented');
}
