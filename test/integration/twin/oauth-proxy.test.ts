// The one emulator of OpenShift's oauth-proxy image, started with the arguments the twin's notebook
// controller and ModelMesh controller give it (copied from controllers/notebooks.ts and
// controllers/modelmesh.ts), on a fake container: the arguments alone decide between the browser's
// login redirect and the API client's bearer-token review.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { oauthProxyEmulator, type OauthProxyDeps } from '../../../twin/emulators/oauth-proxy';
import { ContainerExit, type ContainerContext, type ContainerEmulator } from '../../../twin/emulators/types';
import type { PodFilesystem } from '../../../twin/emulators/volumes';

const NS = 'proxy-test';
const IMAGE = 'registry.redhat.io/openshift4/ose-oauth-proxy@sha256:4bef31eb993feb6f1096b51b4876c65a6fb1f4401fee97fa4f4542b6b7c9bc46';
const TLS_MOUNT = { name: 'tls-certificates', mountPath: '/etc/tls/private' };

const WORKBENCH_ARGS = [
  '--provider=openshift',
  '--https-address=:8443',
  '--http-address=',
  '--openshift-service-account=wb',
  '--cookie-secret-file=/etc/oauth/config/cookie_secret',
  '--tls-cert=/etc/tls/private/tls.crt',
  '--tls-key=/etc/tls/private/tls.key',
  '--upstream=http://localhost:8888',
  '--email-domain=*',
  '--skip-provider-button',
  `--openshift-sar={"verb":"get","resource":"notebooks","resourceAPIGroup":"kubeflow.org","resourceName":"wb","namespace":"${NS}"}`,
];

const MODELMESH_ARGS = [
  '--https-address=:8443',
  '--provider=openshift',
  '--openshift-service-account=modelmesh-serving-sa',
  '--upstream=http://localhost:8008',
  '--tls-cert=/etc/tls/private/tls.crt',
  '--tls-key=/etc/tls/private/tls.key',
  '--cookie-secret=SECRET',
  `--openshift-delegate-urls={"/": {"namespace": "${NS}", "resource": "services", "verb": "get"}}`,
  `--openshift-sar={"namespace": "${NS}", "resource": "services", "verb": "get"}`,
  "--skip-auth-regex='(^/metrics|^/apis/v1beta1/healthz)'",
];

/** A TokenReview that knows one token, a SubjectAccessReview that allows one verb; records what it was asked. */
function reviewer(asked: KObject[]): TwinClient {
  return {
    create(obj: KObject): KObject {
      asked.push(obj);
      if (obj.kind === 'TokenReview')
        return {
          ...obj,
          status:
            obj.spec.token === 'good' || obj.spec.token === 'viewer'
              ? {
                  authenticated: true,
                  user: { username: `system:serviceaccount:${NS}:${obj.spec.token}`, groups: ['system:serviceaccounts'] },
                }
              : { authenticated: false },
        };
      return { ...obj, status: { allowed: obj.spec.user.endsWith(':good') } };
    },
  } as unknown as TwinClient;
}

describe('the oauth-proxy emulator', () => {
  let root: string;
  let upstream: http.Server;
  let upstreamPort: number;
  const servers: http.Server[] = [];
  const asked: KObject[] = [];
  const deps: OauthProxyDeps = { clientFor: () => reviewer(asked), localAddress: async () => ({ host: '127.0.0.1', port: upstreamPort }) };

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'oauth-proxy-test-'));
    upstream = http.createServer((req, res) => res.end(`upstream ${req.url}`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamPort = (upstream.address() as { port: number }).port;
  });
  after(async () => {
    for (const s of [...servers, upstream]) await new Promise((resolve) => s.close(resolve));
    fs.rmSync(root, { recursive: true, force: true });
  });

  function start(
    args: string[],
    volumeMounts: { name: string; mountPath: string }[],
    labels: Record<string, string> = {},
  ): ContainerEmulator {
    const ctx: ContainerContext = {
      pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p-0', namespace: NS, uid: 'uid-1', labels }, spec: {} },
      container: { name: 'oauth-proxy', image: IMAGE, args, volumeMounts } as unknown as KObject,
      argv: args,
      env: {},
      fs: { hostPath: (p: string) => path.join(root, p) } as unknown as PodFilesystem,
      log: () => undefined,
      appsDomain: 'apps.twin.local',
    };
    return oauthProxyEmulator(deps).start(ctx);
  }

  /** Serves the proxy's port handler over plain HTTP: what is asked here is what it answers, not its TLS. */
  async function serve(
    proxy: ContainerEmulator,
  ): Promise<(p: string, headers?: Record<string, string>) => Promise<{ status: number; location?: string; body: string }>> {
    const server = http.createServer(proxy.ports[0].handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    return async (p, headers = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}${p}`, {
        headers: { 'x-forwarded-host': 'wb-proxy-test.apps.twin.local', ...headers },
        redirect: 'manual',
      });
      return { status: res.status, location: res.headers.get('location') ?? undefined, body: await res.text() };
    };
  }

  test('plays the image by its repository name', () => {
    assert.ok(oauthProxyEmulator(deps).matches(IMAGE));
    assert.ok(!oauthProxyEmulator(deps).matches('quay.io/minio/minio:latest'));
  });

  test('serves the certificate files it is given, and exits when they are missing', () => {
    fs.mkdirSync(path.join(root, 'etc/tls/private'), { recursive: true });
    assert.throws(
      () => start(WORKBENCH_ARGS, [TLS_MOUNT]),
      (e: unknown) =>
        e instanceof ContainerExit && e.message === 'oauth-proxy: FATAL: open /etc/tls/private/tls.crt: no such file or directory',
    );
    assert.throws(
      () =>
        start(
          WORKBENCH_ARGS.filter((a) => !a.startsWith('--tls-key')),
          [TLS_MOUNT],
        ),
      /--https-address requires --tls-cert and --tls-key/,
    );
    fs.writeFileSync(path.join(root, 'etc/tls/private/tls.crt'), 'CERT');
    fs.writeFileSync(path.join(root, 'etc/tls/private/tls.key'), 'KEY');
    const proxy = start(WORKBENCH_ARGS, [TLS_MOUNT]);
    assert.deepEqual([proxy.ports[0].port, proxy.ports[0].tls?.cert, proxy.ports[0].tls?.key], [8443, 'CERT', 'KEY']);
  });

  test('a workbench’s proxy (--skip-provider-button, no delegate URLs) sends every visitor to log in, bearer token or not', async () => {
    const get = await serve(start(WORKBENCH_ARGS, [TLS_MOUNT]));
    assert.deepEqual([(await get('/oauth/healthz')).status, (await get('/oauth/healthz')).body], [200, 'OK']);
    for (const headers of [{}, { authorization: 'Bearer good' }] as Record<string, string>[]) {
      const r = await get(`/notebook/${NS}/wb/api?x=1`, headers);
      assert.equal(r.status, 302);
      const login = new URL(r.location!);
      assert.equal(`${login.origin}${login.pathname}`, 'https://oauth-openshift.apps.twin.local/oauth/authorize');
      assert.equal(login.searchParams.get('client_id'), `system:serviceaccount:${NS}:wb`);
      assert.equal(login.searchParams.get('redirect_uri'), 'https://wb-proxy-test.apps.twin.local/oauth/callback');
      assert.match(login.searchParams.get('state')!, new RegExp(`^[0-9a-f]{32}:/notebook/${NS}/wb/api\\?x=1$`));
    }
    assert.equal((await get('/oauth/callback?code=c')).status, 500);
    assert.deepEqual(asked, [], 'no review without --openshift-delegate-urls');
  });

  test('a ModelMesh proxy (delegate URLs, no provider button) reviews bearer tokens, refuses requests without one and lets --skip-auth-regex through', async () => {
    const get = await serve(start(MODELMESH_ARGS, [TLS_MOUNT], { 'modelmesh-service': 'modelmesh-serving' }));
    assert.equal((await get('/v2/models/fraud')).status, 403);
    assert.equal((await get('/v2/models/fraud', { authorization: 'Bearer nonsense' })).status, 401);
    assert.equal((await get('/v2/models/fraud', { authorization: 'Bearer viewer' })).status, 403);
    assert.deepEqual(await get('/v2/models/fraud', { authorization: 'Bearer good' }), {
      status: 200,
      location: undefined,
      body: 'upstream /v2/models/fraud',
    });
    assert.deepEqual([(await get('/metrics')).status, (await get('/metrics')).body], [200, 'upstream /metrics']);
    assert.equal((await get('/oauth/healthz')).status, 200);
    const sar = asked.find((o) => o.kind === 'SubjectAccessReview')!;
    assert.deepEqual(sar.spec.resourceAttributes, { namespace: NS, resource: 'services', verb: 'get', group: '', name: '' });
  });
});
