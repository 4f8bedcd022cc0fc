// OpenAPI v3 documents per group-version: enough for kubectl to discover that the server validates
// fields itself (the fieldValidation parameter) and which patch types each kind accepts, and for
// `kubectl explain` on custom resources.
import { createHash } from 'node:crypto';
import type { Registry } from './registry';
import { groupVersion, type JSONSchemaProps, type ResourceType } from './types';

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

export function openApiRoot(registry: Registry): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of registry.groups()) {
    for (const v of versions) {
      const p = group ? `apis/${group}/${v}` : `api/${v}`;
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(groupVersionDoc(registry, group, v))}` };
    }
  }
  return { paths };
}

function hashOf(doc: object): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
}

export function groupVersionDoc(registry: Registry, group: string, version: string): object {
  const paths: Record<string, object> = {};
  const schemas: Record<string, object> = {};
  for (const rt of registry.typesIn(group, version)) {
    const gvk = { group, version, kind: rt.kind };
    const schemaName = `${reverseDomain(group)}.${version}.${rt.kind}`;
    schemas[schemaName] = { ...(rt.schemas?.[version] ?? { type: 'object' }), 'x-kubernetes-group-version-kind': [gvk] } as JSONSchemaProps;
    const ref = { $ref: `#/components/schemas/${schemaName}` };
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const collection = rt.namespaced ? `${base}/namespaces/{namespace}/${rt.plural}` : `${base}/${rt.plural}`;
    paths[collection] = collectionPath(rt, gvk, ref);
    paths[`${collection}/{name}`] = itemPath(rt, gvk, ref);
    if (rt.subresources.status) paths[`${collection}/{name}/status`] = itemPath(rt, gvk, ref);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.28.11+add48d0' },
    paths,
    components: { schemas },
  };
}

function reverseDomain(group: string): string {
  return group ? group.split('.').reverse().join('.') : 'io.k8s.api.core';
}

const json = (ref: object) => ({ content: { 'application/json': { schema: ref } } });

function collectionPath(rt: ResourceType, gvk: object, ref: object): object {
  const ops: Record<string, object> = {
    get: {
      operationId: `list${rt.kind}`,
      responses: { '200': json({ type: 'object' }) },
      'x-kubernetes-action': 'list',
      'x-kubernetes-group-version-kind': gvk,
    },
  };
  if (rt.verbs.includes('create')) {
    ops.post = {
      operationId: `create${rt.kind}`,
      requestBody: json(ref),
      responses: { '201': json(ref) },
      parameters: writeParams(),
      'x-kubernetes-action': 'post',
      'x-kubernetes-group-version-kind': gvk,
    };
  }
  return ops;
}

function itemPath(rt: ResourceType, gvk: object, ref: object): object {
  const ops: Record<string, object> = {
    get: {
      operationId: `read${rt.kind}`,
      responses: { '200': json(ref) },
      'x-kubernetes-action': 'get',
      'x-kubernetes-group-version-kind': gvk,
    },
  };
  if (rt.verbs.includes('update'))
    ops.put = {
      operationId: `replace${rt.kind}`,
      requestBody: json(ref),
      responses: { '200': json(ref) },
      parameters: writeParams(),
      'x-kubernetes-action': 'put',
      'x-kubernetes-group-version-kind': gvk,
    };
  if (rt.verbs.includes('patch')) {
    ops.patch = {
      operationId: `patch${rt.kind}`,
      requestBody: { content: Object.fromEntries(PATCH_TYPES.map((t) => [t, { schema: { type: 'object' } }])) },
      responses: { '200': json(ref) },
      parameters: [...writeParams(), { name: 'force', in: 'query', schema: { type: 'boolean' } }],
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': gvk,
    };
  }
  if (rt.verbs.includes('delete'))
    ops.delete = {
      operationId: `delete${rt.kind}`,
      responses: { '200': json(ref) },
      'x-kubernetes-action': 'delete',
      'x-kubernetes-group-version-kind': gvk,
    };
  return ops;
}

function writeParams(): object[] {
  return ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({
    name,
    in: 'query',
    schema: { type: 'string', uniqueItems: true },
  }));
}

export function openApiPathFor(group: string, version: string): string {
  return group ? `apis/${groupVersion(group, version)}` : `api/${version}`;
}

/**
 * The /openapi/v2 document. kubectl (1.28, as OpenShift 4.15 pairs with) loads it as a gnostic
 * protobuf before every `apply`/`create -f` and falls back to client-side validation only when the
 * server does not validate fields itself, which the v3 documents above say it does; so a minimal
 * Document {swagger, info} is enough.
 */
export function openApiV2(protobuf: boolean): Buffer | object {
  const info = { title: 'Kubernetes', version: 'v1.28.11+add48d0' };
  if (!protobuf) return { swagger: '2.0', info, paths: {}, definitions: {} };
  const str = (field: number, s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
  };
  const infoMsg = Buffer.concat([str(1, info.title), str(2, info.version)]);
  return Buffer.concat([str(1, '2.0'), Buffer.from([(2 << 3) | 2, infoMsg.length]), infoMsg]);
}
