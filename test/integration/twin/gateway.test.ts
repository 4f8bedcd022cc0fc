// The twin's Istio ingress gateway (twin/controllers/istio-gateways.ts): a passthrough Route in
// istio-system to the istio-ingressgateway Service is admitted, and the twin's ingress presents the
// certificate of the Gateway's credentialName Secret for its host; a missing Secret, a Gateway
// outside the mesh or a host no server covers serve nothing (the handshake is reset); Secret
// changes are picked up; and each fault of the controller breaks the handshake its own way.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as https from 'node:https';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { TwinClient } from '../../../twin/api/client';
import { TWIN_SYSTEM } from '../../../twin/api/auth';
import { createCa, createServingCert } from '../../../twin/api/tls';
import { loadYamlObjects } from '../../../twin/bootstrap';
import { startLocalTwin, waitFor, type LocalTwin } from './helpers';

const MESH = 'istio-system';
const KNATIVE = 'knative-serving';
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface Handshake {
  error?: string;
  authorized?: boolean;
  authorizationError?: string;
  leaf?: X509Certificate;
}

function handshake(t: LocalTwin, host: string, ca?: string): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port: t.twin.ingressPort, servername: host, ca, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      resolve({
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
        leaf: raw ? new X509Certificate(raw) : undefined,
      });
      socket.destroy();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

function get(t: LocalTwin, host: string, ca: string): Promise<{ status: number; server?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port: t.twin.ingressPort, servername: host, headers: { host }, path: '/', ca, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, server: res.headers.server as string | undefined }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A cluster with what the Service Mesh operator would have made: the Gateway and SMMR kinds, the ingress gateway, knative-serving a member. */
async function meshCluster(faults: string[] = []): Promise<{ t: LocalTwin; client: TwinClient; domain: string }> {
  const t = await startLocalTwin({ faults });
  const client = new TwinClient(t.twin.api, 'test-setup', TWIN_SYSTEM);
  for (const crd of loadYamlObjects(path.join(t.twin.controllers.settings.crdDir, 'service-mesh.yaml'))) {
    if (['gateways.networking.istio.io', 'servicemeshmemberrolls.maistra.io'].includes(crd.metadata.name!)) client.create(crd);
  }
  await waitFor(
    'the Gateway kind to be served',
    () => client.hasKind('networking.istio.io/v1beta1', 'Gateway') && client.hasKind('maistra.io/v1', 'ServiceMeshMemberRoll'),
  );
  for (const name of [MESH, KNATIVE, 'outsider']) client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway', knative: 'ingressgateway' };
  client.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istio-ingressgateway', namespace: MESH },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'istio-proxy', image: 'registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:2.5', args: ['proxy', 'router'] },
          ],
        },
      },
    },
  });
  client.apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: MESH, labels },
    spec: {
      selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      ports: [
        { name: 'http2', port: 80, targetPort: 8080 },
        { name: 'https', port: 443, targetPort: 8443 },
      ],
    },
  });
  client.apply({
    apiVersion: 'maistra.io/v1',
    kind: 'ServiceMeshMemberRoll',
    metadata: { name: 'default', namespace: MESH },
    spec: { members: [KNATIVE] },
  });
  client.patchStatus('maistra.io/v1', 'ServiceMeshMemberRoll', 'default', MESH, { configuredMembers: [KNATIVE] });
  await waitFor('a ready ingress gateway pod', () => client.list('v1', 'Pod', MESH).some((p) => p.status?.phase === 'Running'));
  return { t, client, domain: t.twin.appsDomain };
}

function gateway(client: TwinClient, namespace: string, hosts: string[], credentialName = 'wildcard-certs'): void {
  client.apply({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: { name: 'knative-ingress-gateway', namespace },
    spec: {
      selector: { knative: 'ingressgateway' },
      servers: [{ hosts, port: { name: 'https', number: 443, protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName } }],
    },
  });
}

function tlsSecret(client: TwinClient, pair: { certPem: string; keyPem: string }, name = 'wildcard-certs'): void {
  client.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: MESH },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(pair.certPem), 'tls.key': b64(pair.keyPem) },
  });
}

async function route(client: TwinClient, host: string, name = 'check'): Promise<void> {
  client.apply({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name, namespace: MESH },
    spec: {
      host,
      to: { kind: 'Service', name: 'istio-ingressgateway' },
      port: { targetPort: 'https' },
      tls: { termination: 'passthrough' },
    },
  });
  await waitFor(`Route ${name} to be admitted`, () =>
    client
      .get('route.openshift.io/v1', 'Route', name, MESH)
      ?.status?.ingress?.[0]?.conditions?.some((c: { type: string; status: string }) => c.type === 'Admitted' && c.status === 'True'),
  );
}

describe('the twin ingress gateway serves Gateway credentials on passthrough routes', () => {
  let t: LocalTwin;
  let client: TwinClient;
  let domain: string;
  const root = createCa('example.com');
  let wildcard: { certPem: string; keyPem: string };

  before(async () => {
    ({ t, client, domain } = await meshCluster());
    wildcard = createServingCert(root, `wildcard.${domain}`, [`*.${domain}`]);
  });
  after(() => t?.stop());

  test('a host routed to the gateway gets the credential of the Gateway server; the chain verifies against the root; Envoy answers 404', async () => {
    tlsSecret(client, wildcard);
    gateway(client, KNATIVE, ['*']);
    const host = `check.${domain}`;
    await route(client, host);
    const seen = await waitFor('the gateway certificate', async () => {
      const h = await handshake(t, host, root.certPem);
      return h.leaf?.subjectAltName === `DNS:*.${domain}` && h;
    });
    assert.equal(seen.authorized, true, seen.authorizationError);
    assert.deepEqual(await get(t, host, root.certPem), { status: 404, server: 'istio-envoy' });
    const admitted = client.get('route.openshift.io/v1', 'Route', 'check', MESH)!.status.ingress[0];
    assert.equal(admitted.host, host);
    assert.equal(admitted.routerName, 'default');
  });

  test('a change of the Secret is picked up', async () => {
    const host = `check.${domain}`;
    const renewed = createServingCert(root, `wildcard.${domain}`, [`*.${domain}`]);
    tlsSecret(client, renewed);
    const want = new X509Certificate(renewed.certPem).fingerprint256;
    await waitFor('the renewed certificate', async () => (await handshake(t, host, root.certPem)).leaf?.fingerprint256 === want);
  });

  test('a missing Secret serves nothing: the handshake is reset and a Warning event on the Gateway says why', async () => {
    const host = `check.${domain}`;
    client.delete('v1', 'Secret', 'wildcard-certs', MESH);
    await waitFor('the handshake to be refused', async () => (await handshake(t, host)).error === 'ECONNRESET');
    const events = client.list('v1', 'Event', KNATIVE).filter((e) => e.involvedObject?.name === 'knative-ingress-gateway');
    assert.ok(
      events.some((e) => e.type === 'Warning' && /secret istio-system\/wildcard-certs not found/.test(e.message)),
      JSON.stringify(events.map((e) => e.message)),
    );
    tlsSecret(client, wildcard);
    await waitFor('the certificate to be served again', async () => !!(await handshake(t, host, root.certPem)).authorized);
  });

  test("a Secret whose key is not the certificate's serves nothing", async () => {
    const host = `check.${domain}`;
    const other = createServingCert(root, `wildcard.${domain}`, [`*.${domain}`]);
    tlsSecret(client, { certPem: wildcard.certPem, keyPem: other.keyPem });
    await waitFor('the handshake to be refused', async () => (await handshake(t, host)).error === 'ECONNRESET');
    tlsSecret(client, wildcard);
    await waitFor('the certificate to be served again', async () => !!(await handshake(t, host, root.certPem)).authorized);
  });

  test('a host no Gateway server covers, or a Gateway outside the mesh, serves nothing', async () => {
    gateway(client, KNATIVE, ['*.example.org']);
    const host = `check.${domain}`;
    await waitFor('the handshake to be refused', async () => (await handshake(t, host)).error === 'ECONNRESET');
    // The outsider's Gateway is made first, then the mesh's Gateway serves the host again: once the
    // handshake succeeds, the twin has seen both. Deleting the mesh's Gateway must then refuse the
    // handshake although the outsider's (every host) is still there: refusal is a change to wait
    // for, not the state it already was in.
    gateway(client, 'outsider', ['*']);
    gateway(client, KNATIVE, [`*.${domain}`]);
    await waitFor('the certificate to be served again', async () => !!(await handshake(t, host, root.certPem)).authorized);
    client.delete('networking.istio.io/v1beta1', 'Gateway', 'knative-ingress-gateway', KNATIVE);
    await waitFor(
      "the handshake to be refused with only the outsider's Gateway left",
      async () => (await handshake(t, host)).error === 'ECONNRESET',
    );
    client.delete('networking.istio.io/v1beta1', 'Gateway', 'knative-ingress-gateway', 'outsider');
    gateway(client, KNATIVE, [`*.${domain}`]);
    await waitFor('the certificate to be served again', async () => !!(await handshake(t, host, root.certPem)).authorized);
  });

  test("a host that is not routed to the gateway gets the router's default certificate", async () => {
    const h = await handshake(t, `elsewhere.${domain}`, root.certPem);
    assert.equal(h.authorized, false);
    assert.match(new X509Certificate(h.leaf!.raw).issuer, /ingress-operator/);
  });
});

describe('the faults of the twin ingress gateway', () => {
  const root = createCa('example.com');

  async function under(fault: string): Promise<{ t: LocalTwin; host: string }> {
    const { t, client, domain } = await meshCluster([fault]);
    tlsSecret(client, createServingCert(root, `wildcard.${domain}`, [`*.${domain}`]));
    gateway(client, KNATIVE, ['*']);
    const host = `check.${domain}`;
    await route(client, host);
    return { t, host };
  }

  test('gateway-secret-wrong-host: a certificate for *.<last two labels>, from another CA', async () => {
    const { t, host } = await under('gateway-secret-wrong-host');
    try {
      const h = await handshake(t, host, root.certPem);
      assert.equal(h.leaf?.subjectAltName, 'DNS:*.twin.local');
      assert.equal(h.leaf?.checkHost(host), undefined);
      assert.equal(h.authorized, false);
    } finally {
      await t.stop();
    }
  });

  test('gateway-credential-not-loaded: the handshake is reset', async () => {
    const { t, host } = await under('gateway-credential-not-loaded');
    try {
      assert.equal((await handshake(t, host)).error, 'ECONNRESET');
    } finally {
      await t.stop();
    }
  });

  test("router-ignores-passthrough-route: the router's default certificate and its 503", async () => {
    const { t, host } = await under('router-ignores-passthrough-route');
    try {
      const h = await handshake(t, host, root.certPem);
      assert.equal(h.authorized, false);
      assert.match(h.leaf!.issuer, /ingress-operator/);
      assert.ok(h.leaf!.checkHost(host), 'the default certificate covers every apps host');
      assert.equal((await get(t, host, t.twin.ingressCaPem)).status, 503);
    } finally {
      await t.stop();
    }
  });
});
