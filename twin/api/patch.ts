// PATCH bodies as kube-apiserver understands them: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902) and strategic merge patch (built-in kinds only).
import type { KObject, ListSemanticsFn } from './types';

export function mergePatch(target: unknown, patch: unknown): unknown {
  throw new Error('not implemented');
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  throw new Error('not implemented');
}

export function strategicMergePatch(original: KObject, patch: unknown, semantics: ListSemanticsFn): KObject {
  throw new Error('not implemented');
}
