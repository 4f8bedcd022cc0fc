// Shared by the network, exec and MinIO tests: MinIO deployed into a namespace of an in-process twin
// from the harness's own fixtures (fixtures/minio, as the tutorial's setup-s3.yaml), S3 clients that
// reach its route through RHOAI_RESOLVE, and event-driven waits on the twin's store.
import type { KObject } from '../../../twin/api/types';
import type { TwinClient } from '../../../twin/api/client';
import { renderFixture } from '../../../support/core/fixtures';
import { resolvingHttpsAgent } from '../../../support/core/http/agent';
import { parseResolveRules } from '../../../support/core/http/resolve-rules';
import { S3Store } from '../../../support/s3/store';
import type { LocalTwin } from './helpers';

export const ROOT_USER = 'twin-minio-user';
export const ROOT_PASSWORD = 'twin-minio-password-0123';

/** Resolves when `pred` holds for the object (checked now, then on every change), or rejects after `timeoutMs`. */
export function until(
  client: TwinClient,
  apiVersion: string,
  kind: string,
  pred: (objs: KObject[]) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<KObject[]> {
  return new Promise((resolve, reject) => {
    let stop: () => void = () => undefined;
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const check = () => {
      if (done) return;
      const objs = client.list(apiVersion, kind);
      if (pred(objs)) {
        done = true;
        clearTimeout(timer);
        queueMicrotask(() => stop());
        resolve(objs);
      }
    };
    stop = client.watch(apiVersion, kind, () => check());
    check();
  });
}

export function isReady(pod: KObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True')
  );
}

/** Applies fixtures/minio/* (optionally changed) into `ns`; waits for a ready pod and an admitted route; returns the pod. */
export async function deployMinio(
  t: LocalTwin,
  ns: string,
  change: (objs: KObject[]) => void = () => undefined,
  creds = { rootUser: ROOT_USER, rootPassword: ROOT_PASSWORD },
): Promise<KObject> {
  const admin = t.twin.controllers.clientFor('minio-test');
  if (!admin.get('v1', 'Namespace', ns)) admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const objs = ['secret', 'pvc', 'deployment', 'service', 'route-s3', 'route-console'].flatMap(
    (f) => renderFixture(`minio/${f}`, { namespace: ns, image: 'quay.io/minio/minio:latest', ...creds }) as KObject[],
  );
  change(objs);
  for (const o of objs) admin.apply(o);
  const [pods] = await Promise.all([
    until(admin, 'v1', 'Pod', (ps) => ps.some((p) => p.metadata.namespace === ns && isReady(p)), `a ready MinIO pod in ${ns}`),
    until(
      admin,
      'route.openshift.io/v1',
      'Route',
      (rs) =>
        rs.some(
          (r) =>
            r.metadata.namespace === ns && r.metadata.name === 'minio-s3' && r.status?.ingress?.[0]?.conditions?.[0]?.status === 'True',
        ),
      'the minio-s3 route to be admitted',
    ),
    until(
      admin,
      'v1',
      'Endpoints',
      (eps) =>
        eps.some((e) => e.metadata.namespace === ns && e.metadata.name === 'minio' && e.subsets?.some((s: KObject) => s.addresses?.length)),
      'the minio Endpoints to list a ready pod',
    ),
  ]);
  return pods.find((p) => p.metadata.namespace === ns && isReady(p))!;
}

export function routeHost(t: LocalTwin, ns: string, name = 'minio-s3'): string {
  return t.twin.controllers.clientFor('minio-test').get('route.openshift.io/v1', 'Route', name, ns)!.spec.host;
}

/** An HTTPS agent that reaches the twin's route hosts (RHOAI_RESOLVE) and trusts its ingress CA. */
export function ingressAgent(t: LocalTwin): import('node:https').Agent {
  return resolvingHttpsAgent(parseResolveRules(t.twin.resolve), { ca: t.twin.ingressCaPem, keepAlive: false });
}

/** The harness's S3 client for the MinIO route of `ns`. */
export function s3For(t: LocalTwin, ns: string, creds: { accessKeyId?: string; secretAccessKey?: string } = {}): S3Store {
  return new S3Store(
    {
      endpoint: `https://${routeHost(t, ns)}`,
      region: 'us-east-1',
      accessKeyId: creds.accessKeyId ?? ROOT_USER,
      secretAccessKey: creds.secretAccessKey ?? ROOT_PASSWORD,
    },
    { https: ingressAgent(t) },
  );
}

/** GET over HTTPS through the ingress: status, headers, body. */
export function ingressGet(
  t: LocalTwin,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: string; peerSubject?: string }> {
  return import('node:https').then(
    (https) =>
      new Promise((resolve, reject) => {
        const req = https.get(url, { agent: ingressAgent(t), headers }, (res) => {
          const chunks: Buffer[] = [];
          const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate?.();
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              peerSubject: peer?.subject?.CN as string | undefined,
            }),
          );
        });
        req.on('error', reject);
      }),
  );
}
