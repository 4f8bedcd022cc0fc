// Which resources the API server serves: the built-in kinds plus every established
// CustomResourceDefinition. Answers lookups by path segment, by kind and for discovery.
import { builtinListSemantics, builtinResourceTypes } from './builtin-types';
import { listSemanticsFromSchema } from './schema';
import { groupVersion, type JSONSchemaProps, type KObject, type PrinterColumn, type ResourceType, type ScalePaths } from './types';

export class Registry {
  private readonly types = new Map<string, ResourceType>(); // key: group/plural
  private readonly listeners: (() => void)[] = [];

  constructor() {
    for (const rt of builtinResourceTypes()) this.types.set(key(rt.group, rt.plural), rt);
  }

  onChange(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  byResource(group: string, plural: string): ResourceType | undefined {
    return this.types.get(key(group, plural));
  }

  /** Finds a type served at group/version by plural, singular or short name (as kubectl resolves names). */
  resolve(group: string, version: string, name: string): ResourceType | undefined {
    for (const rt of this.types.values()) {
      if (rt.group !== group || !rt.versions.includes(version)) continue;
      if (rt.plural === name) return rt;
    }
    return undefined;
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const rt of this.types.values()) {
      if (rt.kind === kind && rt.versions.some((v) => groupVersion(rt.group, v) === apiVersion)) return rt;
    }
    return undefined;
  }

  /** group -> versions served (preferred first), for /api and /apis. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const rt of this.types.values()) {
      const vs = out.get(rt.group) ?? [];
      for (const v of rt.versions) if (!vs.includes(v)) vs.push(v);
      out.set(rt.group, vs);
    }
    for (const [g, vs] of out) out.set(g, sortVersions(vs));
    return out;
  }

  typesIn(group: string, version: string): ResourceType[] {
    return [...this.types.values()].filter((rt) => rt.group === group && rt.versions.includes(version));
  }

  /** Registers (or replaces) the type a CustomResourceDefinition defines. Returns problems that keep it from being established. */
  registerCrd(crd: KObject): string[] {
    const spec = crd.spec ?? {};
    const problems: string[] = [];
    const names = spec.names ?? {};
    if (!spec.group) problems.push('spec.group: Required value');
    if (!names.plural) problems.push('spec.names.plural: Required value');
    if (!names.kind) problems.push('spec.names.kind: Required value');
    if (crd.metadata.name !== `${names.plural}.${spec.group}`)
      problems.push(`metadata.name: Invalid value: "${crd.metadata.name}": must be spec.names.plural+"."+spec.group`);
    const versions: KObject[] = (spec.versions ?? []).filter((v: KObject) => v.served !== false);
    if (!versions.length) problems.push('spec.versions: Invalid value: must have exactly one version marked as storage version');
    if (problems.length) return problems;
    const existing = this.byResource(spec.group, names.plural);
    if (existing && !existing.crdName) return [`the resource ${names.plural}.${spec.group} is built in and cannot be redefined`];
    const storage = (spec.versions as KObject[]).find((v) => v.storage)?.name ?? versions[0].name;
    const schemas: Record<string, JSONSchemaProps | undefined> = {};
    const printerColumns: Record<string, PrinterColumn[]> = {};
    let status = false;
    let scale = false;
    const scalePaths: Record<string, ScalePaths> = {};
    for (const v of versions) {
      schemas[v.name] = v.schema?.openAPIV3Schema;
      printerColumns[v.name] = v.additionalPrinterColumns ?? [];
      status ||= !!v.subresources?.status;
      scale ||= !!v.subresources?.scale;
      if (v.subresources?.scale) scalePaths[v.name] = v.subresources.scale;
    }
    const storageSchema = schemas[storage];
    const rt: ResourceType = {
      group: spec.group,
      versions: sortVersions(versions.map((v) => v.name)),
      storageVersion: storage,
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      namespaced: spec.scope !== 'Cluster',
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      subresources: { status, scale },
      scalePaths,
      schemas,
      printerColumns,
      listSemantics: storageSchema ? listSemanticsFromSchema(storageSchema) : builtinListSemantics,
      crdName: crd.metadata.name,
    };
    this.types.set(key(rt.group, rt.plural), rt);
    this.changed();
    return [];
  }

  unregisterCrd(crdName: string): ResourceType | undefined {
    for (const [k, rt] of this.types) {
      if (rt.crdName === crdName) {
        this.types.delete(k);
        this.changed();
        return rt;
      }
    }
    return undefined;
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }
}

function key(group: string, plural: string): string {
  return `${group}/${plural}`;
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v1 > v1beta2 > v1beta1 > v1alpha1). */
export function sortVersions(versions: string[]): string[] {
  const rank = (v: string): [number, number, number] => {
    const m = v.match(/^v(\d+)(?:(alpha|beta)(\d*))?$/);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] || 0)];
  };
  return [...versions].sort((a, b) => {
    const [sa, ma, na] = rank(a);
    const [sb, mb, nb] = rank(b);
    return sb - sa || mb - ma || nb - na || a.localeCompare(b);
  });
}
