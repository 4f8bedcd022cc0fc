// Label and field selectors with the syntax and semantics of kube-apiserver.
// Parsing, matching and the checks of which fields a kind may be selected by (field labels).
import { ApiError, type KObject } from './types';

type LabelRequirement = { key: string; op: 'exists' | 'notexists' } | { key: string; op: 'in' | 'notin'; values: string[] };

export type LabelSelector = LabelRequirement[];

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h` into requirements; throws 400 on bad syntax. */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (!text || !text.trim()) return [];
  const reqs: LabelSelector = [];
  for (const part of splitTopLevel(text)) {
    const s = part.trim();
    if (!s) continue;
    let m: RegExpMatchArray | null;
    if ((m = s.match(/^!\s*([\w./-]+)$/))) reqs.push({ key: m[1], op: 'notexists' });
    else if ((m = s.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      reqs.push({
        key: m[1],
        op: m[2] as 'in' | 'notin',
        values: m[3]
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      });
    } else if ((m = s.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/))) {
      reqs.push({ key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] });
    } else if ((m = s.match(/^([\w./-]+)$/))) reqs.push({ key: m[1], op: 'exists' });
    else
      throw new ApiError(
        400,
        'BadRequest',
        `unable to parse requirement: found '${s}', expected: key, !key, key=value, key!=value, key in (...), key notin (...)`,
      );
  }
  return reqs;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
    }
  });
}

/** A Kubernetes metav1.LabelSelector object (matchLabels / matchExpressions) turned into requirements. */
export function labelSelectorFromObject(
  sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
): LabelSelector {
  const reqs: LabelSelector = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) reqs.push({ key: k, op: 'in', values: [v] });
  for (const e of sel?.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') reqs.push({ key: e.key, op: 'notexists' });
  }
  return reqs;
}

export type FieldSelector = { path: string; op: '=' | '!='; value: string }[];

export function parseFieldSelector(text: string | undefined): FieldSelector {
  if (!text || !text.trim()) return [];
  return text.split(',').map((part) => {
    const m = part.trim().match(/^([\w.]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid field selector: '${part}'`);
    return { path: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] };
  });
}

// The field labels each kind can be selected by (Kubernetes 1.28's field label conversions, and
// openshift-apiserver's): metadata.name and metadata.namespace for every kind, these besides.
const FIELD_LABELS: Record<string, string[]> = {
  '/Pod': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  '/Event': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/Namespace': ['status.phase'],
  '/Secret': ['type'],
  '/Node': ['spec.unschedulable'],
  '/ReplicationController': ['status.replicas'],
  'apps/ReplicaSet': ['status.replicas'],
  'batch/Job': ['status.successful'],
  'route.openshift.io/Route': ['spec.path', 'spec.host', 'spec.to.name'],
  'project.openshift.io/Project': ['status.phase'],
};

/** 400 for a field the kind cannot be selected by, as kube-apiserver's field label conversion answers. */
export function checkFieldLabels(selector: FieldSelector, group: string, kind: string, custom: boolean): void {
  const extra = custom ? [] : (FIELD_LABELS[`${group}/${kind}`] ?? []);
  for (const { path } of selector) {
    if (path === 'metadata.name' || path === 'metadata.namespace' || extra.includes(path)) continue;
    throw new ApiError(400, 'BadRequest', `field label not supported: ${path}`);
  }
}

/** Field selectors the twin supports: metadata.name/namespace on every kind, plus a few per kind as the real server does. */
export function matchesFields(selector: FieldSelector, obj: KObject): boolean {
  return selector.every(({ path, op, value }) => {
    const actual = fieldValue(obj, path);
    return op === '=' ? actual === value : actual !== value;
  });
}

function fieldValue(obj: KObject, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined || cur === null) return '';
  return String(cur);
}
