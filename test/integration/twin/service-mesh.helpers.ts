// Shared setup of the Service Mesh, Serverless and Authorino twin tests: operators installed
// through the twin's OLM (as on a cluster: a Subscription, then the CSV succeeds), a ready control
// plane and mesh members, with small readers of conditions.
import { TwinClient } from '../../../twin/api/client';
import { TWIN_SYSTEM } from '../../../twin/api/auth';
import type { KObject } from '../../../twin/api/types';
import { startLocalTwin, waitFor, type LocalTwin } from './helpers';

export const MESH = 'istio-system';
export const SMCP_API = 'maistra.io/v2';
export const MEMBER_API = 'maistra.io/v1';
const OLM = 'operators.coreos.com/v1alpha1';

export interface MeshTwin {
  t: LocalTwin;
  client: TwinClient;
  stop(): Promise<void>;
}

export async function meshTwin(faults: string[] = []): Promise<MeshTwin> {
  const t = await startLocalTwin({ faults });
  const client = new TwinClient(t.twin.api, 'test', TWIN_SYSTEM);
  return { t, client, stop: () => t.stop() };
}

/** Subscribes to a package of redhat-operators in a namespace with an AllNamespaces operator group; resolves when its CSV succeeded. */
export async function installOperator(client: TwinClient, pkg: string, namespace = 'openshift-operators'): Promise<void> {
  if (!client.get('v1', 'Namespace', namespace)) client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  if (!client.list('operators.coreos.com/v1', 'OperatorGroup', namespace).length) {
    client.create({
      apiVersion: 'operators.coreos.com/v1',
      kind: 'OperatorGroup',
      metadata: { name: `${pkg}-group`, namespace },
      spec: {},
    });
  }
  const manifest = client.get('packages.operators.coreos.com/v1', 'PackageManifest', pkg, 'openshift-marketplace');
  client.create({
    apiVersion: OLM,
    kind: 'Subscription',
    metadata: { name: pkg, namespace },
    spec: {
      name: pkg,
      channel: manifest?.status?.defaultChannel,
      source: 'redhat-operators',
      sourceNamespace: 'openshift-marketplace',
      installPlanApproval: 'Automatic',
    },
  });
  await waitFor(
    `the ${pkg} CSV to succeed`,
    () =>
      client
        .list(OLM, 'ClusterServiceVersion', namespace)
        .some((c) => c.metadata.name!.startsWith(`${pkg}.`) && c.status?.phase === 'Succeeded'),
    10_000,
  );
}

export function ensureNamespace(client: TwinClient, name: string): void {
  if (!client.get('v1', 'Namespace', name)) client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** The control plane of the RHOAI docs (what fixtures/mesh/service-mesh-control-plane.yaml renders to). */
export function documentedControlPlane(name = 'minimal', namespace = MESH, extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: SMCP_API,
    kind: 'ServiceMeshControlPlane',
    metadata: { name, namespace },
    spec: {
      tracing: { type: 'None' },
      addons: {
        grafana: { enabled: false },
        kiali: { name: 'kiali', enabled: false },
        prometheus: { enabled: false },
        jaeger: { name: 'jaeger' },
      },
      security: { dataPlane: { mtls: true }, identity: { type: 'ThirdParty' } },
      techPreview: { meshConfig: { defaultConfig: { terminationDrainDuration: '35s' } } },
      gateways: { ingress: { service: { metadata: { labels: { knative: 'ingressgateway' } } } } },
      proxy: { networking: { trafficControl: { inbound: { excludedPorts: [8444, 8022] } } } },
      ...extra,
    },
  };
}

export function condition(obj: KObject | undefined, type: string): KObject | undefined {
  return obj?.status?.conditions?.find((c: KObject) => c.type === type);
}

export function smcp(client: TwinClient, name = 'minimal', namespace = MESH): KObject | undefined {
  return client.get(SMCP_API, 'ServiceMeshControlPlane', name, namespace);
}

export async function readyControlPlane(client: TwinClient, name = 'minimal'): Promise<KObject> {
  ensureNamespace(client, MESH);
  client.create(documentedControlPlane(name));
  return waitFor(
    `ServiceMeshControlPlane ${name} to be ready`,
    () => {
      const s = smcp(client, name);
      return condition(s, 'Ready')?.status === 'True' && s;
    },
    10_000,
  );
}

export function member(namespace: string, controlPlane = 'minimal'): KObject {
  return {
    apiVersion: MEMBER_API,
    kind: 'ServiceMeshMember',
    metadata: { name: 'default', namespace },
    spec: { controlPlaneRef: { name: controlPlane, namespace: MESH } },
  };
}

export function roll(client: TwinClient): KObject | undefined {
  return client.get(MEMBER_API, 'ServiceMeshMemberRoll', 'default', MESH);
}

/** Joins a (new) namespace to the mesh and waits until it is configured. */
export async function joinedNamespace(client: TwinClient, name: string): Promise<void> {
  ensureNamespace(client, name);
  client.create(member(name));
  await waitFor(`${name} to be a configured member`, () => roll(client)?.status?.configuredMembers?.includes(name), 10_000);
}

/** The pods of a label selector that are running, with their container names. */
export function runningPods(client: TwinClient, namespace: string, labelSelector: string): KObject[] {
  return client
    .list('v1', 'Pod', namespace, { labelSelector })
    .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
}

export const containerNames = (pod: KObject): string[] => pod.spec.containers.map((c: KObject) => c.name);
