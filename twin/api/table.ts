// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for with `Accept: ...;as=Table`,
// from kube-apiserver's printers for built-in kinds (printers.ts) or a kind's printer columns.
import { age, builtinPrinter } from './printers';
import type { KObject, PrinterColumn, ResourceType } from './types';

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

/** `Accept: application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1` (client-go's metadata client). */
export function wantsPartialMetadata(accept: string | undefined): boolean {
  return !!accept && /as=PartialObjectMetadata(List)?\b/.test(accept) && !wantsTable(accept);
}

/** An object as PartialObjectMetadata, or a list as PartialObjectMetadataList: metadata only. */
export function toPartialMetadata(result: KObject, isList: boolean): KObject {
  const partial = (o: KObject): KObject => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });
  if (!isList) return partial(result);
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: 'meta.k8s.io/v1',
    metadata: result.metadata,
    items: (result.items as KObject[]).map(partial),
  } as KObject;
}

/** The ListMeta a Table carries: a chunked list's continue token (and count) too, which kubectl follows. */
export interface TableListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function toTable(
  rt: ResourceType,
  version: string,
  objects: KObject[],
  listMeta: TableListMeta,
  includeObject: string | undefined,
): KObject {
  const metadata = {
    resourceVersion: listMeta.resourceVersion,
    ...(listMeta.continue ? { continue: listMeta.continue } : {}),
    ...(listMeta.remainingItemCount !== undefined ? { remainingItemCount: listMeta.remainingItemCount } : {}),
  };
  const rowObject = (o: KObject) =>
    includeObject === 'None'
      ? {}
      : { object: includeObject === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } };
  const printer = rt.crdName ? undefined : builtinPrinter(rt.group, rt.kind);
  if (printer) {
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata,
      columnDefinitions: printer.columns,
      rows: objects.map((o) => ({ cells: printer.cells(o), ...rowObject(o) })),
    } as KObject;
  }
  const columns: PrinterColumn[] = rt.printerColumns?.[version] ?? [];
  const hasAge = columns.some((c) => c.jsonPath === '.metadata.creationTimestamp');
  const defs = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
    ...columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
    ...(hasAge ? [] : [{ name: 'Age', type: 'date', format: '', description: 'CreationTimestamp', priority: 0 }]),
  ];
  const rows = objects.map((o) => ({
    cells: [o.metadata.name, ...columns.map((c) => cell(c, o, !!rt.crdName)), ...(hasAge ? [] : [age(o.metadata.creationTimestamp)])],
    ...rowObject(o),
  }));
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: defs,
    rows,
  } as KObject;
}

function cell(c: PrinterColumn, o: KObject, custom: boolean): unknown {
  const v = evalJsonPath(o, c.jsonPath);
  if (c.type === 'date') return typeof v === 'string' ? age(v) : '<unknown>';
  // A custom resource's missing column value is a null cell (kubectl shows <none>); the built-in
  // printers write "<none>" themselves.
  if (v === undefined || v === null) return custom ? null : '<none>';
  if (c.type === 'integer' && typeof v === 'object') return Object.keys(v as object).length;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

/** The JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[?(@.k=="v")].b`, `.a['x\.y']`. */
export function evalJsonPath(obj: unknown, path: string): unknown {
  const tokens = path.match(/\.[A-Za-z0-9_-]+|\[\d+\]|\[\?\(@\.[A-Za-z0-9_-]+=="[^"]*"\)\]|\['(?:[^'\\]|\\.)*'\]/g) ?? [];
  let cur: unknown = obj;
  for (const t of tokens) {
    if (cur === undefined || cur === null) return undefined;
    if (t.startsWith('.')) cur = (cur as Record<string, unknown>)[t.slice(1)];
    else if (/^\[\d+\]$/.test(t)) cur = Array.isArray(cur) ? cur[Number(t.slice(1, -1))] : undefined;
    else if (t.startsWith("['")) cur = (cur as Record<string, unknown>)[t.slice(2, -2).replace(/\\(.)/g, '$1')];
    else {
      const m = t.match(/@\.([A-Za-z0-9_-]+)=="([^"]*)"/)!;
      cur = Array.isArray(cur) ? cur.find((x) => x && String((x as Record<string, unknown>)[m[1]]) === m[2]) : undefined;
    }
  }
  return cur;
}
