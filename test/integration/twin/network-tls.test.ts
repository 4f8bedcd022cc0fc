// Routes that reach a pod over TLS, with an image emulator registered the way the tutorial's
// emulators (workbench, model server) will be: reencrypt (the router verifies the pod against
// destinationCACertificate; a pod it cannot verify is not served), passthrough (the client sees the
// pod's own certificate, and no X-Forwarded headers), passthrough to a plain port (the handshake
// fails), and an emulator's own exec command.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { execInPod } from '../../../support/core/exec';
import { resolvingHttpsAgent } from '../../../support/core/http/agent';
import { parseResolveRules } from '../../../support/core/http/resolve-rules';
import { createCa, createServingCert } from '../../../twin/api/tls';
import { imageBaseName, type ImageEmulator } from '../../../twin/emulators/types';
import { workloadRuntimeOf } from '../../../twin/network/index';
import { serverErrors, startLocalTwin, type LocalTwin } from './helpers';
import { isReady, until } from './minio-helpers';

const NS = 'tls-a';
const podCa = createCa('pod-ca');
const otherCa = createCa('other-ca');
const HOSTS = ['reencrypt', 'wrong-ca', 'passthrough', 'plain'].map((n) => `${n}-${NS}.apps.twin.local`);
const podCert = createServingCert(podCa, `echo.${NS}.svc`, [`echo.${NS}.svc`, ...HOSTS]);

/** An image emulator as another engineer would write one: HTTPS on 8443, HTTP on 8080, one command. */
const echoEmulator: ImageEmulator = {
  name: 'tls-echo',
  matches: (image) => imageBaseName(image) === 'tls-echo',
  start: (ctx) => {
    ctx.log(`tls-echo serving for ${ctx.env.GREETING ?? 'nobody'}`);
    const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const body = JSON.stringify({
        path: req.url,
        proto: req.headers['x-forwarded-proto'] ?? null,
        sni: (req.socket as TLSSocket).servername ?? null,
      });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    };
    return {
      ports: [
        { port: 8443, handler, tls: { cert: podCert.certPem, key: podCert.keyPem } },
        { port: 8080, handler },
      ],
      commands: { greet: (c) => (c.stdout(`hello ${c.argv[1] ?? ''} from ${ctx.env.GREETING}\n`), 0) },
    };
  },
};

let t: LocalTwin;
const admin = () => t.twin.controllers.clientFor('tls-test');

function get(host: string, ca: string): Promise<{ status: number; body: string; cn?: string; issuer?: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(`https://${host}/hello`, { agent: resolvingHttpsAgent(parseResolveRules(t.twin.resolve), { ca, keepAlive: false }) }, (res) => {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            cn: cert.subject?.CN as string | undefined,
            issuer: cert.issuer?.CN as string | undefined,
          }),
        );
      })
      .on('error', reject);
  });
}

function route(name: string, tls: Record<string, unknown>, targetPort: string) {
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name, namespace: NS },
    spec: { to: { kind: 'Service', name: 'echo' }, port: { targetPort }, tls },
  };
}

describe('TLS routes to an emulated pod', () => {
  before(async () => {
    t = await startLocalTwin();
    workloadRuntimeOf(t.twin.controllers).emulators.register(echoEmulator);
    const c = admin();
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    c.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'echo', namespace: NS, labels: { app: 'echo' } },
      spec: {
        containers: [
          {
            name: 'echo',
            image: 'registry.example.com/demo/tls-echo:1.0',
            env: [{ name: 'GREETING', value: 'the twin' }],
            ports: [
              { name: 'https', containerPort: 8443 },
              { name: 'http', containerPort: 8080 },
            ],
          },
        ],
      },
    });
    c.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'echo', namespace: NS },
      spec: {
        selector: { app: 'echo' },
        ports: [
          { name: 'https', port: 443, targetPort: 'https' },
          { name: 'http', port: 80, targetPort: 'http' },
        ],
      },
    });
    c.create(route('reencrypt', { termination: 'reencrypt', destinationCACertificate: podCa.certPem }, 'https'));
    c.create(route('wrong-ca', { termination: 'reencrypt', destinationCACertificate: otherCa.certPem }, 'https'));
    c.create(route('passthrough', { termination: 'passthrough' }, 'https'));
    c.create(route('plain', { termination: 'passthrough' }, 'http'));
    await until(
      c,
      'v1',
      'Endpoints',
      (eps) => eps.some((e) => e.metadata.namespace === NS && e.subsets?.[0]?.addresses?.length),
      'the echo Endpoints',
    );
    await until(
      c,
      'route.openshift.io/v1',
      'Route',
      (rs) => rs.filter((r) => r.metadata.namespace === NS && r.status?.ingress?.[0]?.conditions?.[0]?.status === 'True').length === 4,
      'four admitted routes',
    );
    assert.ok(c.list('v1', 'Pod', NS).some(isReady));
  });
  after(async () => {
    if (t) assert.deepEqual(serverErrors(t.auditLog), [], 'the server answered no request with an error of its own');
    await t?.stop();
  });

  it('reencrypt: TLS at the router with the default certificate, then TLS to the pod, verified against destinationCACertificate', async () => {
    const r = await get(HOSTS[0], t.twin.ingressCaPem);
    assert.equal(r.status, 200);
    assert.equal(r.cn, '*.apps.twin.local');
    assert.deepEqual(JSON.parse(r.body), { path: '/hello', proto: 'https', sni: `echo.${NS}.svc` });
    const refused = await get(HOSTS[1], t.twin.ingressCaPem);
    assert.equal(refused.status, 503, 'a pod the router cannot verify is not served');
  });

  it("passthrough: the client sees the pod's own certificate and gets the pod's answer", async () => {
    const r = await get(HOSTS[2], podCa.certPem);
    assert.equal(r.status, 200);
    assert.deepEqual([r.cn, r.issuer], [`echo.${NS}.svc`, 'pod-ca']);
    assert.deepEqual(JSON.parse(r.body), { path: '/hello', proto: null, sni: HOSTS[2] });
  });

  it('passthrough to a port without TLS: the connection fails', async () => {
    await assert.rejects(get(HOSTS[3], t.twin.ingressCaPem), /socket hang up|ECONNRESET/);
  });

  it("runs the emulator's own commands in the pod, with its environment", async () => {
    const r = await execInPod(t.kc, { namespace: NS, pod: 'echo' }, ['greet', 'tests']);
    assert.deepEqual([r.exitCode, r.stdout], [0, 'hello tests from the twin\n']);
  });
});
