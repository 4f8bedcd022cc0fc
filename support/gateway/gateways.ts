// INS-GW-06: gateways.yaml of §7.6 of the reference — the Service knative-local-gateway in
// istio-system and the Gateways knative-ingress-gateway (HTTPS 443, SIMPLE, credentialName
// wildcard-certs) and knative-local-gateway (HTTPS 8081, ISTIO_MUTUAL) in knative-serving — and
// the checks §7.6 lists (`oc get gateway -A`, `oc get svc knative-local-gateway -n istio-system`,
// the credentialName). Hosts are the docs' '*' (see the fixtures for the variants of §15.6).
// The Gateways select the Service Mesh ingress gateway pods (label knative: ingressgateway, set by
// the ServiceMeshControlPlane's gateways.ingress.service.metadata.labels), so the mesh comes first.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { hasCondition, UnknownKindError, type KObject, type ObjectRef } from '../core/cluster';
import { lastWriterOf } from '../core/cluster/owned-fields';
import type { RhoaiWorld } from '../core/world';
import { TLS_SECRET } from './certificates';

export const MESH_NAMESPACE = 'istio-system';
export const KNATIVE_NAMESPACE = 'knative-serving';
export const INGRESS_GATEWAY = 'istio-ingressgateway';
export const GATEWAY_SELECTOR = { knative: 'ingressgateway' } as const;
const GATEWAY_API = 'networking.istio.io/v1beta1';

export const gatewayRef = (name: string, namespace = KNATIVE_NAMESPACE): ObjectRef => ({
  apiVersion: GATEWAY_API,
  kind: 'Gateway',
  name,
  namespace,
});
const serviceRef = (name: string, namespace = MESH_NAMESPACE): ObjectRef => ({ apiVersion: 'v1', kind: 'Service', name, namespace });

type World = Pick<RhoaiWorld, 'cluster' | 'report' | 'applyFixture'>;

async function listOrExplain(world: World, ref: ObjectRef, missing: string): Promise<KObject[]> {
  try {
    return await world.cluster.list(ref);
  } catch (error) {
    if (error instanceof UnknownKindError) expect.fail(missing);
    throw error;
  }
}

/**
 * The Service Mesh the gateways need: the Gateway kind is served, a ServiceMeshControlPlane exists
 * in istio-system, and its ingress gateway Deployment is available. Fails at once, naming what is
 * missing, when the mesh was never set up; waits (watching) while it is coming up.
 */
export async function waitForMeshIngressGateway(world: World, namespace = MESH_NAMESPACE): Promise<void> {
  await listOrExplain(
    world,
    { apiVersion: GATEWAY_API, kind: 'Gateway', namespace },
    'the cluster does not serve networking.istio.io Gateways: the Service Mesh operator is not installed (the Service Mesh scenarios, @req.INS-SM-02, install it)',
  );
  const planes = await listOrExplain(
    world,
    { apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane', namespace },
    'the cluster does not serve maistra.io ServiceMeshControlPlanes: the Service Mesh operator is not installed (@req.INS-SM-02)',
  );
  expectOk(
    planes.length,
    `there is no ServiceMeshControlPlane in ${namespace}, so no ingress gateway for the Gateways to select: create the control plane first (@req.INS-SM-03)`,
  );
  const plane = planes.map((p) => p.metadata.name).join(', ');
  await world.cluster.waitFor({ apiVersion: 'apps/v1', kind: 'Deployment', name: INGRESS_GATEWAY, namespace }, hasCondition('Available'), {
    describe: `the ingress gateway Deployment ${namespace}/${INGRESS_GATEWAY} of ServiceMeshControlPlane ${plane} to be Available`,
  });
  await world.cluster.waitFor(serviceRef(INGRESS_GATEWAY, namespace), (svc) => !!svc, {
    describe: `the ingress gateway Service ${namespace}/${INGRESS_GATEWAY} of ServiceMeshControlPlane ${plane} to exist`,
  });
}

/** `oc apply -f gateways.yaml`: the Service, then the two Gateways. */
export async function applyGateways(world: World): Promise<void> {
  const vars = { meshNamespace: MESH_NAMESPACE, knativeNamespace: KNATIVE_NAMESPACE, credentialName: TLS_SECRET.name };
  for (const fixture of ['gateway/knative-local-gateway-service', 'gateway/knative-ingress-gateway', 'gateway/knative-local-gateway'])
    await world.applyFixture(fixture, vars);
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** `oc get svc knative-local-gateway -n istio-system`: selects the gateway pods and sends port 80 to 8081. */
export async function assertLocalGatewayService(world: World, name = 'knative-local-gateway'): Promise<KObject> {
  const svc = await world.cluster.get(serviceRef(name));
  expectOk(svc, `there is no Service ${MESH_NAMESPACE}/${name}`);
  expect(
    svc.spec?.selector,
    `Service ${MESH_NAMESPACE}/${name} selects ${JSON.stringify(svc.spec?.selector)}, not the ingress gateway pods (knative: ingressgateway)`,
  ).to.deep.equal(GATEWAY_SELECTOR);
  const port = (svc.spec?.ports ?? []).find((p: KObject) => p.port === 80);
  expectOk(port, `Service ${MESH_NAMESPACE}/${name} has no port 80 (ports: ${JSON.stringify(svc.spec?.ports)})`);
  expect(
    port.targetPort,
    `Service ${MESH_NAMESPACE}/${name} sends port 80 to ${port.targetPort}, not to the local gateway's 8081`,
  ).to.equal(8081);
  return svc;
}

export interface ExpectedServer {
  port: number;
  mode: 'SIMPLE' | 'ISTIO_MUTUAL';
  credentialName?: string;
}

/** The Gateway selects the ingress gateway pods and has an HTTPS server on the port with the TLS mode (and credential). */
export async function assertGateway(world: World, name: string, expected: ExpectedServer): Promise<KObject> {
  const gw = await world.cluster.get(gatewayRef(name));
  const all = (await world.cluster.list({ apiVersion: GATEWAY_API, kind: 'Gateway' })).map(
    (g) => `${g.metadata.namespace}/${g.metadata.name}`,
  );
  expectOk(gw, `there is no Gateway ${KNATIVE_NAMESPACE}/${name} (oc get gateway -A lists: ${all.join(', ') || 'nothing'})`);
  expect(
    gw.spec?.selector,
    `Gateway ${KNATIVE_NAMESPACE}/${name} selects ${JSON.stringify(gw.spec?.selector)}, not the ingress gateway pods (knative: ingressgateway)`,
  ).to.deep.equal(GATEWAY_SELECTOR);
  // gateways.yaml's servers, read back: another writer (a GitOps sync, an operator) may have put its own there.
  const writer = lastWriterOf(gw, ['f:spec', 'f:servers'], 'spec.servers');
  const server = (gw.spec?.servers ?? []).find((s: KObject) => s.port?.number === expected.port);
  expectOk(
    server,
    `Gateway ${KNATIVE_NAMESPACE}/${name} has no server on port ${expected.port} (servers: ${JSON.stringify(gw.spec?.servers)})${writer}`,
  );
  expect(
    server.port.protocol,
    `Gateway ${KNATIVE_NAMESPACE}/${name}: the server on port ${expected.port} speaks ${server.port.protocol}, not HTTPS${writer}`,
  ).to.equal('HTTPS');
  expect(
    server.tls?.mode,
    `Gateway ${KNATIVE_NAMESPACE}/${name}: the server on port ${expected.port} has TLS mode ${server.tls?.mode}, not ${expected.mode}${writer}`,
  ).to.equal(expected.mode);
  if (expected.credentialName)
    expect(
      server.tls?.credentialName,
      `Gateway ${KNATIVE_NAMESPACE}/${name}: credentialName is ${server.tls?.credentialName}, not ${expected.credentialName}${writer}`,
    ).to.equal(expected.credentialName);
  world.report.text(
    `Gateway ${name}`,
    `${KNATIVE_NAMESPACE}/${name}: selector knative=ingressgateway; ${server.port.protocol} ${expected.port}, hosts ${JSON.stringify(server.hosts)}, TLS ${server.tls.mode}${server.tls.credentialName ? `, credentialName ${server.tls.credentialName}` : ''}`,
  );
  return gw;
}

/**
 * The local gateway has somewhere to go: running, ready ingress gateway pods that both the Service
 * knative-local-gateway and the two Gateways select (`oc get pods -n istio-system -l knative=ingressgateway`).
 */
export async function assertLocalGatewayBackends(world: World): Promise<void> {
  const svc = await assertLocalGatewayService(world);
  const selector = Object.entries(svc.spec.selector as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await world.cluster.waitForList({ apiVersion: 'v1', kind: 'Pod', namespace: MESH_NAMESPACE }, (list) => list.some(ready), {
    describe: `a running, ready ingress gateway pod in ${MESH_NAMESPACE} selected by Service knative-local-gateway (${selector})`,
    labelSelector: selector,
  });
  const backends = pods.filter(ready);
  for (const name of ['knative-ingress-gateway', 'knative-local-gateway']) {
    const gw = await world.cluster.get(gatewayRef(name));
    expectOk(gw, `there is no Gateway ${KNATIVE_NAMESPACE}/${name}`);
    expect(
      backends.some((p) => matches(gw.spec?.selector, p.metadata.labels)),
      `Gateway ${KNATIVE_NAMESPACE}/${name} selects ${JSON.stringify(gw.spec?.selector)}, which matches none of the ingress gateway pods the local Service sends to (${backends.map((p) => p.metadata.name).join(', ')})`,
    ).to.equal(true);
  }
  world.report.text(
    'local gateway',
    `Service ${MESH_NAMESPACE}/knative-local-gateway (80 -> 8081) sends to ${backends.map((p) => p.metadata.name).join(', ')}, which Gateways knative-ingress-gateway and knative-local-gateway select`,
  );
}

function ready(pod: KObject): boolean {
  return (
    pod.status?.phase === 'Running' &&
    !pod.metadata.deletionTimestamp &&
    (pod.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True')
  );
}
