// A fresh OpenShift 4.15 cluster: namespaces, default RBAC, cluster configuration, OLM's catalog
// sources and the nodes, created through the API like the installer would leave them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import type { TwinClient } from './api/client';
import type { KObject } from './api/types';

export interface NodeSpec {
  name: string;
  role: 'master' | 'worker';
  cpu: string;
  memory: string;
  /** Extended resources, e.g. {"nvidia.com/gpu": "4"}. */
  extended?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
}

const HERE = join(__dirname, 'bootstrap');

/**
 * How the cluster begins. `empty`: a fresh cluster, as the installer leaves it. `brownfield`: a
 * cluster in use (bootstrap/profiles/brownfield.yaml): identity providers with their users and
 * Secrets, team projects with workloads, a cluster-admin binding of their own.
 */
export const TWIN_PROFILES = ['empty', 'brownfield'] as const;
export type TwinProfile = (typeof TWIN_PROFILES)[number];

export function parseProfile(value: string | undefined): TwinProfile {
  const v = value === undefined || value === '' ? 'empty' : value;
  if (!(TWIN_PROFILES as readonly string[]).includes(v))
    throw new Error(`unknown twin profile "${v}": allowed are ${TWIN_PROFILES.join(', ')}`);
  return v as TwinProfile;
}

/** The objects of a start profile, as written in bootstrap/profiles/<profile>.yaml (none for empty). */
export function profileObjects(profile: TwinProfile): KObject[] {
  return profile === 'empty' ? [] : loadYamlObjects(join(HERE, 'profiles', `${profile}.yaml`));
}

/**
 * Creates the profile's objects as their users would have, under the field manager of
 * `oc apply`/`kubectl apply` (kubectl-client-side-apply). An object every cluster has (OAuth
 * cluster) gets the profile's spec as an update by that manager.
 */
export function applyProfile(client: TwinClient, profile: TwinProfile): void {
  const users = client.as('kubectl-client-side-apply');
  for (const obj of profileObjects(profile)) {
    const current = users.get(obj.apiVersion, obj.kind, obj.metadata.name!, obj.metadata.namespace);
    if (current) users.update({ ...current, spec: obj.spec });
    else users.create(obj);
  }
}

export function loadYamlObjects(file: string, vars: Record<string, string> = {}): KObject[] {
  const text = readFileSync(file, 'utf8').replace(/\$\{(\w+)\}/g, (m, v) => (v in vars ? vars[v] : m));
  const out: KObject[] = [];
  for (const doc of yaml.loadAll(text) as KObject[]) {
    if (!doc) continue;
    if (doc.kind === 'List') out.push(...(doc.items as KObject[]));
    else out.push(doc);
  }
  return out;
}

export function loadNodes(file = join(HERE, 'nodes.yaml')): NodeSpec[] {
  const doc = yaml.load(readFileSync(file, 'utf8')) as { nodes?: NodeSpec[] };
  if (!doc?.nodes?.length) throw new Error(`${file}: expected a "nodes:" list with at least one node`);
  return doc.nodes;
}

/** The named node sets of `rhoai-twin serve --nodes` / RHOAI_TWIN_NODES. */
export const NODE_SETS = ['default', 'no-gpu'] as const;

/**
 * The nodes of a named set or a nodes file: `default` is twin/bootstrap/nodes.yaml; `no-gpu` the same
 * cluster without the nodes that advertise nvidia.com/gpu (most conformance clusters have no NVIDIA
 * GPU); anything else is the path of a file in the nodes.yaml format.
 */
export function nodeSet(nameOrFile: string): NodeSpec[] {
  if (nameOrFile === 'default') return loadNodes();
  if (nameOrFile === 'no-gpu') return loadNodes().filter((n) => !n.extended?.['nvidia.com/gpu']);
  return loadNodes(nameOrFile);
}

export function bootstrapCluster(
  client: TwinClient,
  opts: { crdDir: string; appsDomain: string; apiServerURL: string; ingressCaPem: string; nodes: NodeSpec[] },
): void {
  const vars = { appsDomain: opts.appsDomain, apiServerURL: opts.apiServerURL };
  for (const file of ['olm.yaml', 'openshift-config.yaml']) for (const crd of loadYamlObjects(join(opts.crdDir, file))) client.create(crd);
  for (const file of ['namespaces.yaml', 'rbac.yaml', 'cluster-config.yaml']) {
    for (const obj of loadYamlObjects(join(HERE, file), vars)) client.create(obj);
  }
  client.patchStatus('config.openshift.io/v1', 'ClusterVersion', 'version', undefined, {
    desired: { version: '4.15.14', image: 'quay.io/openshift-release-dev/ocp-release@sha256:twin' },
    history: [
      {
        state: 'Completed',
        version: '4.15.14',
        startedTime: '2024-05-20T00:00:00Z',
        completionTime: '2024-05-20T00:40:00Z',
        verified: true,
      },
    ],
    conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '2024-05-20T00:40:00Z', message: 'Done applying 4.15.14' }],
  });
  client.patchStatus('config.openshift.io/v1', 'Infrastructure', 'cluster', undefined, {
    apiServerURL: opts.apiServerURL,
    platform: 'None',
    infrastructureName: 'twin-x7k2p',
    controlPlaneTopology: 'HighlyAvailable',
  });
  client.patchStatus('config.openshift.io/v1', 'ClusterOperator', 'authentication', undefined, {
    conditions: ['Available=True', 'Progressing=False', 'Degraded=False'].map((c) => {
      const [type, status] = c.split('=');
      return { type, status, reason: 'AsExpected', lastTransitionTime: '2024-05-20T00:40:00Z' };
    }),
    versions: [{ name: 'operator', version: '4.15.14' }],
  });
  client.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'default-ingress-cert', namespace: 'openshift-config-managed' },
    data: { 'ca-bundle.crt': opts.ingressCaPem },
  });
  for (const n of opts.nodes) createNode(client, n);
}

function createNode(client: TwinClient, n: NodeSpec): void {
  const roleLabel: Record<string, string> =
    n.role === 'master'
      ? { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '' }
      : { 'node-role.kubernetes.io/worker': '' };
  const taints = [...(n.role === 'master' ? [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] : []), ...(n.taints ?? [])];
  client.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...roleLabel,
        ...(n.labels ?? {}),
      },
    },
    spec: taints.length ? { taints } : {},
  });
  const resources = { cpu: n.cpu, memory: n.memory, pods: '250', 'ephemeral-storage': '120Gi', ...(n.extended ?? {}) };
  client.patchStatus('v1', 'Node', n.name, undefined, {
    capacity: resources,
    allocatable: resources,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastHeartbeatTime: '2024-05-20T00:40:00Z',
        lastTransitionTime: '2024-05-20T00:40:00Z',
      },
    ],
    addresses: [
      { type: 'InternalIP', address: `10.0.0.${10 + (Math.abs(hash(n.name)) % 200)}` },
      { type: 'Hostname', address: n.name },
    ],
    nodeInfo: {
      kubeletVersion: 'v1.28.11+add48d0',
      osImage: 'Red Hat Enterprise Linux CoreOS 415.92.202405201956-0 (Plow)',
      containerRuntimeVersion: 'cri-o://1.28.6',
      architecture: 'amd64',
      operatingSystem: 'linux',
    },
  });
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}
