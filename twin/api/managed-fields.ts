// Server-side apply and managedFields bookkeeping.
import type { KObject, ListSemanticsFn } from './types';

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

export function serverSideApply(live: KObject | undefined, applied: KObject, opts: FieldOwnerOptions & { force: boolean }): KObject {
  throw new Error('not implemented');
}

export function recordUpdate(oldObj: KObject | undefined, newObj: KObject, opts: FieldOwnerOptions): KObject {
  throw new Error('not implemented');
}
