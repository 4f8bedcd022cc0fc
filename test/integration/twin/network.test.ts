// The twin's cluster network and router: Endpoints kept by the endpoints controller, in-cluster
// names resolving to the ready pods behind a Service port, Routes admitted by the default router and
// served on the ingress by host (edge with the default or the route's own certificate), 503
// "Application is not available" without a ready endpoint, and host claims decided by age.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { createCa, createServingCert } from '../../../twin/api/tls';
import type { KObject } from '../../../twin/api/types';
import { workloadRuntimeOf } from '../../../twin/network/index';
import { serverErrors, startLocalTwin, type LocalTwin } from './helpers';
import { deployMinio, ingressGet, isReady, routeHost, until } from './minio-helpers';

let t: LocalTwin;
const NS = 'net-a';

function get(agent: http.Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

const admin = () => t.twin.controllers.clientFor('network-test');

describe('cluster network and router', () => {
  before(async () => {
    t = await startLocalTwin();
    await deployMinio(t, NS);
  });
  after(async () => {
    if (t) assert.deepEqual(serverErrors(t.auditLog), [], 'the server answered no request with an error of its own');
    await t?.stop();
  });

  it('keeps Endpoints for a Service: the ready pod, with named target ports resolved to container ports', () => {
    const eps = admin().get('v1', 'Endpoints', 'minio', NS)!;
    const pod = admin().list('v1', 'Pod', NS).find(isReady)!;
    assert.equal(eps.subsets.length, 1);
    assert.deepEqual(
      eps.subsets[0].addresses.map((a: KObject) => a.targetRef.name),
      [pod.metadata.name],
    );
    assert.equal(eps.subsets[0].addresses[0].ip, pod.status.podIP);
    assert.deepEqual(eps.subsets[0].ports, [
      { name: 'api', port: 9000, protocol: 'TCP' },
      { name: 'console', port: 9090, protocol: 'TCP' },
    ]);
    assert.equal(eps.metadata.labels?.app, 'minio', 'Endpoints carry the Service labels');
  });

  it('resolves <svc>.<ns>.svc.cluster.local, <svc>.<ns>.svc, <svc>.<ns> and, within the namespace, <svc> to the pod', async () => {
    const net = workloadRuntimeOf(t.twin.controllers).network;
    for (const [host, from] of [
      [`minio.${NS}.svc.cluster.local`, undefined],
      [`minio.${NS}.svc`, undefined],
      [`minio.${NS}`, 'other'],
      ['minio', NS],
    ] as const) {
      const { http: agent } = net.agents(from);
      const r = await get(agent, `http://${host}:9000/minio/health/live`);
      assert.equal(r.status, 200, `${host} from ${from ?? 'anywhere'}`);
    }
    const svc = admin().get('v1', 'Service', 'minio', NS)!;
    const r = await get(net.agents().http, `http://${svc.spec.clusterIP}:9000/minio/health/ready`);
    assert.equal(r.status, 200, 'the cluster IP reaches the pod too');
    await assert.rejects(
      get(net.agents('other').http, 'http://minio:9000/'),
      /ENOTFOUND minio/,
      'a short name resolves only in its own namespace',
    );
    await assert.rejects(
      get(net.agents().http, `http://minio.${NS}.svc:9999/`),
      /ECONNREFUSED/,
      'a port the Service does not have refuses',
    );
  });

  it('admits a Route as the default router does and serves it (edge) on the ingress through RHOAI_RESOLVE', async () => {
    const route = admin().get('route.openshift.io/v1', 'Route', 'minio-s3', NS)!;
    assert.equal(route.spec.host, `minio-s3-${NS}.apps.twin.local`);
    const ingress = route.status.ingress[0];
    assert.equal(ingress.host, route.spec.host);
    assert.equal(ingress.routerName, 'default');
    assert.equal(ingress.wildcardPolicy, 'None');
    assert.equal(ingress.routerCanonicalHostname, 'router-default.apps.twin.local');
    assert.deepEqual(
      ingress.conditions.map((c: KObject) => [c.type, c.status]),
      [['Admitted', 'True']],
    );
    const health = await ingressGet(t, `https://${route.spec.host}/minio/health/live`);
    assert.equal(health.status, 200);
    assert.equal(health.headers.server, 'MinIO', 'the answer comes from the pod');
    assert.equal(health.peerSubject, '*.apps.twin.local', 'edge TLS with the default ingress certificate');
    const console = await ingressGet(t, `https://${routeHost(t, NS, 'minio-console')}/`);
    assert.equal(console.status, 200);
    assert.match(console.body, /MinIO Console/, 'the console route reaches port 9090 (targetPort by name)');
  });

  it("presents the route's own certificate for an edge route that has one", async () => {
    const ca = createCa('route-test-ca');
    const host = `custom-${NS}.apps.twin.local`;
    const cert = createServingCert(ca, host, [host]);
    admin().create({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: 'custom', namespace: NS },
      spec: {
        host,
        to: { kind: 'Service', name: 'minio' },
        port: { targetPort: 'api' },
        tls: { termination: 'edge', certificate: cert.certPem, key: cert.keyPem },
      },
    });
    await until(
      admin(),
      'route.openshift.io/v1',
      'Route',
      (rs) => rs.some((r) => r.metadata.name === 'custom' && r.status?.ingress?.[0]?.conditions?.[0]?.status === 'True'),
      'route custom admitted',
    );
    const https = await import('node:https');
    const { resolvingHttpsAgent } = await import('../../../support/core/http/agent');
    const { parseResolveRules } = await import('../../../support/core/http/resolve-rules');
    const seen = await new Promise<{ status: number; cn?: string }>((resolve, reject) => {
      https
        .get(
          `https://${host}/minio/health/live`,
          { agent: resolvingHttpsAgent(parseResolveRules(t.twin.resolve), { ca: ca.certPem, keepAlive: false }) },
          (res) => {
            res.resume();
            resolve({
              status: res.statusCode ?? 0,
              cn: (res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN as string | undefined,
            });
          },
        )
        .on('error', reject);
    });
    assert.deepEqual(seen, { status: 200, cn: host });
  });

  it('answers 503 "Application is not available" when no ready endpoint exists', async () => {
    admin().create({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: 'nowhere', namespace: NS },
      spec: { to: { kind: 'Service', name: 'missing' }, tls: { termination: 'edge' } },
    });
    await until(
      admin(),
      'route.openshift.io/v1',
      'Route',
      (rs) => rs.some((r) => r.metadata.name === 'nowhere' && r.status?.ingress),
      'route nowhere admitted',
    );
    const missing = await ingressGet(t, `https://nowhere-${NS}.apps.twin.local/`);
    assert.equal(missing.status, 503);
    assert.match(missing.body, /Application is not available/);
    const unknownHost = await ingressGet(t, 'https://no-such-route.apps.twin.local/');
    assert.equal(unknownHost.status, 503, 'a host no route claims');

    admin().patch('apps/v1', 'Deployment', 'minio', NS, { spec: { replicas: 0 } });
    await until(
      admin(),
      'v1',
      'Endpoints',
      (eps) => eps.some((e) => e.metadata.namespace === NS && e.metadata.name === 'minio' && !e.subsets?.length),
      'the minio Endpoints to empty',
    );
    const down = await ingressGet(t, `https://${routeHost(t, NS)}/minio/health/live`);
    assert.equal(down.status, 503);
    assert.match(down.body, /Application is not available/);
    await assert.rejects(get(workloadRuntimeOf(t.twin.controllers).network.agents().http, `http://minio.${NS}.svc:9000/`), /ECONNREFUSED/);

    admin().patch('apps/v1', 'Deployment', 'minio', NS, { spec: { replicas: 1 } });
    await until(
      admin(),
      'v1',
      'Endpoints',
      (eps) => eps.some((e) => e.metadata.namespace === NS && e.metadata.name === 'minio' && e.subsets?.[0]?.addresses?.length),
      'the minio Endpoints to fill again',
    );
    assert.equal((await ingressGet(t, `https://${routeHost(t, NS)}/minio/health/live`)).status, 200, 'served again once a pod is ready');
  });

  it('leaves a host to the oldest route: a newer claim is not admitted (HostAlreadyClaimed)', async () => {
    const host = routeHost(t, NS);
    admin().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'net-b' } });
    admin().create({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: 'thief', namespace: 'net-b' },
      spec: { host, to: { kind: 'Service', name: 'x' }, tls: { termination: 'edge' } },
    });
    const [thief] = (
      await until(
        admin(),
        'route.openshift.io/v1',
        'Route',
        (rs) => rs.some((r) => r.metadata.name === 'thief' && r.status?.ingress),
        'route thief processed',
      )
    ).filter((r) => r.metadata.name === 'thief');
    const c = thief.status.ingress[0].conditions[0];
    assert.deepEqual([c.type, c.status, c.reason], ['Admitted', 'False', 'HostAlreadyClaimed']);
    assert.equal(c.message, `a route in another namespace holds ${host} and is older than thief`);
    assert.equal((await ingressGet(t, `https://${host}/minio/health/live`)).headers.server, 'MinIO', 'the older route keeps serving');
  });

  it('refuses a wildcard route and a route whose certificate does not match its key', async () => {
    const other = createServingCert(createCa('x'), 'a.apps.twin.local', ['a.apps.twin.local']);
    const mine = createServingCert(createCa('y'), 'b.apps.twin.local', ['b.apps.twin.local']);
    admin().create({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: 'wild', namespace: NS },
      spec: { host: `wild-${NS}.apps.twin.local`, wildcardPolicy: 'Subdomain', to: { kind: 'Service', name: 'minio' } },
    });
    admin().create({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: 'badcert', namespace: NS },
      spec: { to: { kind: 'Service', name: 'minio' }, tls: { termination: 'edge', certificate: other.certPem, key: mine.keyPem } },
    });
    const routes = await until(
      admin(),
      'route.openshift.io/v1',
      'Route',
      (rs) => ['wild', 'badcert'].every((n) => rs.some((r) => r.metadata.name === n && r.status?.ingress)),
      'both routes processed',
    );
    const cond = (n: string) => routes.find((r) => r.metadata.name === n)!.status.ingress[0].conditions[0];
    assert.deepEqual(
      [cond('wild').status, cond('wild').reason, cond('wild').message],
      ['False', 'RouteNotAdmitted', 'wildcard routes are not allowed'],
    );
    assert.deepEqual([cond('badcert').status, cond('badcert').reason], ['False', 'ExtendedValidationFailed']);
    assert.doesNotMatch(cond('badcert').message, /BEGIN/, 'the message never quotes key material');
  });
});
