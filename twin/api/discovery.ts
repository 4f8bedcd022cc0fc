// Discovery documents (/api, /apis, /api/v1, /apis/G, /apis/G/V) and /version, as kubectl and
// client-node read them.
import type { Registry } from './registry';
import { groupVersion, type KObject, type ResourceType } from './types';

export const KUBE_VERSION = { major: '1', minor: '28', gitVersion: 'v1.28.11+add48d0', platform: 'linux/amd64' };

export function versionInfo(): KObject {
  return {
    ...KUBE_VERSION,
    gitCommit: 'add48d0a1f1c5a7f3c7a2e1b9b3e1a1c0d9f7e21',
    gitTreeState: 'clean',
    buildDate: '2024-05-01T00:00:00Z',
    goVersion: 'go1.20.12 X:strictfipsruntime',
    compiler: 'gc',
  } as unknown as KObject;
}

export function coreVersions(serverAddress: string): KObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  } as unknown as KObject;
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const gv = versions.map((v) => ({ groupVersion: groupVersion(name, v), version: v }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

export function groupList(registry: Registry): KObject {
  // As kube-apiserver orders them (by APIService group priority): built-in and aggregated groups
  // (OpenShift's project.openshift.io, route.openshift.io, ...) before the groups of CRDs, so that
  // `kubectl get project` means project.openshift.io, not projects.config.openshift.io.
  const fromCrds = (g: string, vs: string[]) => vs.every((v) => registry.typesIn(g, v).every((rt) => rt.crdName));
  const groups = [...registry.groups()]
    .filter(([g]) => g !== '')
    .sort(([a, av], [b, bv]) => Number(fromCrds(a, av)) - Number(fromCrds(b, bv)) || a.localeCompare(b));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(([g, vs]) => apiGroup(g, vs)) } as unknown as KObject;
}

export function groupDocument(registry: Registry, group: string): KObject | undefined {
  const versions = registry.groups().get(group);
  if (!versions) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) } as unknown as KObject;
}

export function resourceList(registry: Registry, group: string, version: string): KObject | undefined {
  const types = registry.typesIn(group, version);
  if (!types.length) return undefined;
  const resources: object[] = [];
  for (const rt of types.sort((a, b) => a.plural.localeCompare(b.plural))) {
    resources.push(resourceEntry(rt));
    if (rt.subresources.status) resources.push(subresourceEntry(rt, 'status', ['get', 'patch', 'update']));
    if (rt.subresources.scale) resources.push(subresourceEntry(rt, 'scale', ['get', 'patch', 'update']));
    for (const extra of rt.subresources.extra ?? [])
      resources.push(subresourceEntry(rt, extra, extra === 'finalize' ? ['update'] : ['create', 'get']));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources } as unknown as KObject;
}

function resourceEntry(rt: ResourceType): object {
  return {
    name: rt.plural,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: rt.verbs,
    ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
    ...(rt.categories.length ? { categories: rt.categories } : {}),
    storageVersionHash: Buffer.from(`${rt.group}/${rt.storageVersion}/${rt.kind}`).toString('base64').slice(0, 11),
  };
}

function subresourceEntry(rt: ResourceType, sub: string, verbs: string[]): object {
  // Subresources of another group's kind say so (deployments/scale is an autoscaling/v1 Scale).
  if (sub === 'scale')
    return {
      name: `${rt.plural}/${sub}`,
      singularName: '',
      namespaced: rt.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs,
    };
  if (sub === 'token')
    return {
      name: `${rt.plural}/${sub}`,
      singularName: '',
      namespaced: rt.namespaced,
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs,
    };
  return { name: `${rt.plural}/${sub}`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs };
}
