// kind → resource mapping through API discovery (GET /api/v1, /apis/GROUP/VERSION), cached per
// client. A kind that is not (yet) served is re-discovered on the next call, because a CRD applied
// a moment ago may not be in the first answer.
import { ApiError, type ApiTransport } from './transport';
import type { ObjectRef } from './types';

export interface ApiResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
}

interface ResourceList {
  groupVersion: string;
  resources: ApiResource[];
}

export interface ResolvedResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** `/api/v1` or `/apis/GROUP/VERSION`. */
  readonly basePath: string;
}

export class UnknownKindError extends Error {
  constructor(apiVersion: string, kind: string, detail: string) {
    super(`the API server does not serve kind ${kind} in ${apiVersion}: ${detail}`);
    this.name = 'UnknownKindError';
  }
}

export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export class Discovery {
  private readonly cache = new Map<string, Promise<ResourceList>>();

  constructor(private readonly transport: ApiTransport) {}

  async resolve(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): Promise<ResolvedResource> {
    if (!ref.apiVersion || !ref.kind) throw new Error(`an object reference needs apiVersion and kind, got ${JSON.stringify(ref)}`);
    const basePath = groupVersionPath(ref.apiVersion);
    let list: ResourceList;
    try {
      list = await this.resources(ref.apiVersion, basePath);
    } catch (error) {
      this.cache.delete(ref.apiVersion);
      if (error instanceof ApiError && error.status === 404) {
        throw new UnknownKindError(ref.apiVersion, ref.kind, `${basePath} is not served (HTTP 404)`);
      }
      throw error;
    }
    const resource = list.resources.find((r) => r.kind === ref.kind && !r.name.includes('/'));
    if (!resource) {
      this.cache.delete(ref.apiVersion);
      const served = [...new Set(list.resources.filter((r) => !r.name.includes('/')).map((r) => r.kind))].sort().join(', ');
      throw new UnknownKindError(ref.apiVersion, ref.kind, `${basePath} serves ${served || 'no kinds'}`);
    }
    return { apiVersion: ref.apiVersion, kind: ref.kind, plural: resource.name, namespaced: resource.namespaced, basePath };
  }

  /** Forgets everything (after CRDs change). */
  reset(): void {
    this.cache.clear();
  }

  private resources(apiVersion: string, basePath: string): Promise<ResourceList> {
    let pending = this.cache.get(apiVersion);
    if (!pending) {
      pending = this.transport.json<ResourceList>({ method: 'GET', path: basePath });
      this.cache.set(apiVersion, pending);
    }
    return pending;
  }
}

/** The path of a collection (no name) or an object (with name) of a resolved resource. */
export function resourcePath(resource: ResolvedResource, namespace: string | undefined, name?: string, subresource?: string): string {
  let path = resource.basePath;
  if (resource.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${resource.plural}`;
  if (name) path += `/${encodeURIComponent(name)}`;
  if (name && subresource) path += `/${subresource}`;
  return path;
}
