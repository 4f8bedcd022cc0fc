// The audit log: one audit.k8s.io/v1 Event per request and JSON line, at level Request (the request
// body of writes is kept) except for kinds whose bodies are credentials, which OpenShift's audit
// policy logs at Metadata level only: Secrets (a client-side apply also copies their data into the
// last-applied-configuration annotation), OAuth tokens and token reviews.
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { UserInfo } from './auth';
import { timestamp } from './meta';

export interface AuditRecord {
  verb: string;
  requestURI: string;
  user: UserInfo;
  impersonatedUser?: UserInfo;
  userAgent?: string;
  sourceIP?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string; subresource?: string };
  code: number;
  reason?: string;
  message?: string;
  contentType?: string;
  requestObject?: unknown;
  received: Date;
}

const REDACTED = '<redacted>';
const WRITE_VERBS = new Set(['create', 'update', 'patch']);
/** group/resource whose request bodies never reach the log. */
const METADATA_ONLY = new Set([
  '/secrets',
  'oauth.openshift.io/oauthaccesstokens',
  'oauth.openshift.io/oauthauthorizetokens',
  'authentication.k8s.io/tokenreviews',
]);

export class AuditLog {
  private readonly out: WriteStream | undefined;

  constructor(path: string | undefined) {
    if (!path) return;
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path, { flags: 'a', mode: 0o644 });
  }

  record(r: AuditRecord): void {
    if (!this.out) return;
    const sensitive =
      METADATA_ONLY.has(`${r.objectRef?.apiGroup ?? ''}/${r.objectRef?.resource ?? ''}`) ||
      (r.objectRef?.resource === 'serviceaccounts' && r.objectRef.subresource === 'token');
    const requestObject =
      WRITE_VERBS.has(r.verb) && r.requestObject !== undefined && !sensitive
        ? redactRequest(r.objectRef?.resource, r.requestObject)
        : undefined;
    // As kube-apiserver does, a create names the object it made (from the request body).
    const created = r.verb === 'create' && r.objectRef && !r.objectRef.name ? nameOf(r.requestObject) : undefined;
    const objectRef = r.objectRef && { ...r.objectRef, ...(created ? { name: created } : {}) };
    const event = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: requestObject !== undefined ? 'Request' : 'Metadata',
      auditID: randomUUID(),
      stage: 'ResponseComplete',
      requestURI: r.requestURI,
      verb: r.verb,
      user: userOf(r.user),
      ...(r.impersonatedUser ? { impersonatedUser: userOf(r.impersonatedUser) } : {}),
      sourceIPs: [r.sourceIP ?? '127.0.0.1'],
      ...(r.userAgent ? { userAgent: r.userAgent } : {}),
      ...(objectRef ? { objectRef } : {}),
      responseStatus: { metadata: {}, code: r.code, ...(r.code >= 400 ? { status: 'Failure', reason: r.reason, message: r.message } : {}) },
      ...(requestObject !== undefined ? { requestObject } : {}),
      requestReceivedTimestamp: r.received.toISOString(),
      stageTimestamp: new Date().toISOString(),
      annotations: {
        'authorization.k8s.io/decision': r.code === 403 ? 'forbid' : 'allow',
        ...(r.contentType ? { 'content-type': r.contentType } : {}),
      },
    };
    this.out.write(JSON.stringify(event) + '\n');
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.out ? this.out.end(resolve) : resolve()));
  }
}

function userOf(u: UserInfo): { username: string; uid?: string; groups: string[] } {
  return { username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups };
}

function nameOf(body: unknown): string | undefined {
  const name = (body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  return typeof name === 'string' && name ? name : undefined;
}

/** Secret values, tokens under review and token-bearing JSON patches never reach the log (a second line of defence: those kinds are logged at Metadata level). */
export function redactRequest(resource: string | undefined, body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  const copy = structuredClone(body) as Record<string, unknown>;
  if (resource === 'secrets') {
    if (Array.isArray(copy)) return copy.map((op) => ('value' in op ? { ...op, value: REDACTED } : op));
    for (const field of ['data', 'stringData']) {
      const m = copy[field];
      if (m && typeof m === 'object') copy[field] = Object.fromEntries(Object.keys(m).map((k) => [k, REDACTED]));
    }
  }
  if (resource === 'tokenreviews' && copy.spec && typeof copy.spec === 'object') (copy.spec as Record<string, unknown>).token = REDACTED;
  return copy;
}

export function auditTimestamp(): string {
  return timestamp();
}
