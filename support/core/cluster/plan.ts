// Plan mode (RHOAI_PLAN=1): every write the harness makes goes to the API server as a server-side
// dry run (dryRun=All: admission, defaulting, validation and field management run, nothing is
// persisted), and the answer is compared with the live object. The Plan collects, per object, what
// the run would do: create it, change it (which fields, from what to what), leave it unchanged, or
// delete it. ClusterClient records into it; hooks.ts prints it and attaches it to the report.
import { refKey, type KObject, type ObjectRef } from './types';

export type PlanAction = 'create' | 'change' | 'unchanged' | 'delete';

export interface FieldChange {
  /** JSON-path-like location: spec.channel, metadata.labels["a/b"], spec.env[0].value */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface PlanEntry {
  action: PlanAction;
  ref: ObjectRef;
  /** The client call that was sent as a dry run: apply, create, patch, delete. */
  via: string;
  changes: FieldChange[];
  /** Why the server could not check it, or what else a reader should know. */
  note?: string;
}

/** A step whose assertion needs a change the plan only lists: reported as skipped, never passed. */
export class NotRunInPlanMode extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRunInPlanMode';
  }
}

/** Metadata the server stamps on every write: not a change anyone made. */
const VOLATILE_METADATA = new Set(['resourceVersion', 'managedFields', 'generation', 'uid', 'creationTimestamp', 'selfLink']);
const MASK = '<secret value>';

export class Plan {
  private readonly entries = new Map<string, PlanEntry>();
  /** Steps not judged in plan mode, with the reason (for the plan's last section). */
  readonly notRun: { scenario: string; step: string; reason: string }[] = [];

  /**
   * Records what one dry-run write showed. An object seen twice keeps its strongest action
   * (create > delete > change > unchanged) and the union of its field changes.
   */
  record(entry: PlanEntry): void {
    const key = refKey(entry.ref);
    const old = this.entries.get(key);
    if (!old) {
      this.entries.set(key, { ...entry, changes: [...entry.changes] });
      return;
    }
    const rank: Record<PlanAction, number> = { create: 3, delete: 2, change: 1, unchanged: 0 };
    if (rank[entry.action] > rank[old.action]) {
      old.action = entry.action;
      old.via = entry.via;
    }
    for (const c of entry.changes) if (!old.changes.some((o) => o.path === c.path)) old.changes.push(c);
    if (entry.note && !old.note) old.note = entry.note;
  }

  /** Objects the run would create, change or delete. */
  get pending(): number {
    return this.list().filter((e) => e.action !== 'unchanged').length;
  }

  list(action?: PlanAction): PlanEntry[] {
    return [...this.entries.values()].filter((e) => !action || e.action === action);
  }

  toJSON(): unknown {
    const name = (e: PlanEntry) => ({ apiVersion: e.ref.apiVersion, kind: e.ref.kind, namespace: e.ref.namespace, name: e.ref.name });
    return {
      wouldCreate: this.list('create').map((e) => ({ ...name(e), via: e.via, note: e.note })),
      wouldChange: this.list('change').map((e) => ({ ...name(e), via: e.via, changes: e.changes })),
      wouldDelete: this.list('delete').map((e) => ({ ...name(e), via: e.via })),
      unchanged: this.list('unchanged').map(name),
      notRun: this.notRun,
    };
  }

  /** The plan as a person reads it. */
  format(): string {
    const lines: string[] = [];
    const show = (e: PlanEntry) => `${e.ref.kind} ${e.ref.namespace ? `${e.ref.namespace}/` : ''}${e.ref.name} (${e.ref.apiVersion})`;
    const section = (title: string, entries: PlanEntry[], detail: (e: PlanEntry) => string[] = () => []) => {
      lines.push(`${title}: ${entries.length}`);
      for (const e of entries) lines.push(`  ${show(e)}${e.note ? ` — ${e.note}` : ''}`, ...detail(e).map((d) => `      ${d}`));
    };
    lines.push('rhoai-harness plan (RHOAI_PLAN=1: every write was sent with dryRun=All; nothing was created or changed)');
    section('would create', this.list('create'));
    section('would change', this.list('change'), (e) => e.changes.map(formatChange));
    section('would delete', this.list('delete'));
    section('unchanged', this.list('unchanged'));
    lines.push(`steps not run in plan mode: ${this.notRun.length}`);
    for (const n of this.notRun) lines.push(`  ${n.scenario} / ${n.step}: ${n.reason}`);
    return lines.join('\n');
  }
}

function formatChange(c: FieldChange): string {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return `${c.path}: ${show(c.before)} → ${show(c.after)}`;
}

/** Fields of `after` that differ from `before` (the live object and the dry-run answer). */
export function fieldChanges(before: KObject | undefined, after: KObject | undefined): FieldChange[] {
  const secret = (after?.kind ?? before?.kind) === 'Secret';
  const out: FieldChange[] = [];
  const walk = (a: unknown, b: unknown, path: string, depth: number) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const objects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
    if (objects && depth < 12) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of keys) {
        if (path === 'metadata' && VOLATILE_METADATA.has(k)) continue;
        const child = Array.isArray(a) ? `${path}[${k}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}["${k}"]`;
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], child, depth + 1);
      }
      return;
    }
    const masked = secret && /^(data|stringData)\b/.test(path);
    out.push({ path, before: masked && a !== undefined ? MASK : a, after: masked && b !== undefined ? MASK : b });
  };
  const top = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of top) {
    if (k === 'apiVersion' || k === 'kind') continue;
    walk((before as Record<string, unknown> | undefined)?.[k], (after as Record<string, unknown> | undefined)?.[k], k, 0);
  }
  return out.map((c) => ({ ...c, path: c.path.replace(/^\./, '') }));
}

/** The fields the harness's field manager owns (its managedFields entries), for an ownership diff. */
export function ownedBy(obj: KObject | undefined, manager: string): unknown {
  type Entry = { manager?: string; operation?: string; subresource?: string; fieldsV1?: unknown };
  return ((obj?.metadata.managedFields ?? []) as Entry[])
    .filter((m) => m.manager === manager)
    .map((m) => ({ operation: m.operation, subresource: m.subresource, fieldsV1: m.fieldsV1 }));
}
