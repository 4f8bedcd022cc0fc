// Small helpers on object metadata shared by the API server and its controllers.
// (uids, generated name suffixes, timestamps, the spec part of an object for generation bumps).
import { randomInt, randomUUID } from 'node:crypto';
import type { KObject } from './types';

export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function newUid(): string {
  return randomUUID();
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix kube-apiserver appends to generateName. */
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return s;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Everything except metadata (and status when it is a subresource): a change here bumps metadata.generation. */
export function specPart(obj: KObject, statusIsSubresource: boolean): Record<string, unknown> {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = obj;
  if (statusIsSubresource) delete rest.status;
  return rest;
}

export function refOf(obj: KObject): string {
  return `${obj.kind} ${obj.metadata.namespace ? obj.metadata.namespace + '/' : ''}${obj.metadata.name}`;
}

export function ownerReference(owner: KObject, controller = true): NonNullable<KObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller,
    blockOwnerDeletion: true,
  };
}
