// MinIO in a project, as the fraud-detection tutorial's setup/setup-s3.yaml deploys it: the
// minio-root-user Secret (a random user and password), the minio PVC, Deployment and Service, and
// the edge routes minio-s3 (the S3 endpoint of the data connections in v2.9) and minio-console.
// The root credentials are the cluster's when the Secret already exists (a re-run, or MinIO set up
// by the tutorial's own script); otherwise they are generated once into RHOAI_WORK_DIR (0600) and
// reused. Both are registered with the redactor.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { conditionOf, type KObject } from '../core/cluster';
import { ensureWorkDir } from '../core/target/connect';
import type { RhoaiWorld } from '../core/world';
import type { S3Connection } from './connection';

export const MINIO_SECRET = 'minio-root-user';
export const MINIO_S3_ROUTE = 'minio-s3';
/** MinIO's region unless MINIO_SITE_REGION says otherwise; setup-s3.yaml's data connections say us-east-1. */
export const MINIO_REGION = 'us-east-1';
const OBJECTS = ['secret', 'pvc', 'deployment', 'service', 'route-s3', 'route-console'];

export interface MinioCredentials {
  rootUser: string;
  rootPassword: string;
}

/** Deploys MinIO into the namespace (idempotently) and waits until it serves; returns its S3 connection. */
export async function deployMinio(world: RhoaiWorld, namespace: string): Promise<S3Connection> {
  const creds = await minioCredentials(world, namespace);
  for (const name of OBJECTS) {
    await world.applyFixture(`minio/${name}`, { namespace, image: world.settings.minioImage, ...creds });
  }
  await waitForMinioPod(world, namespace);
  const route = await waitForAdmittedRoute(world, namespace, MINIO_S3_ROUTE);
  return { endpoint: `https://${route.spec.host}`, region: MINIO_REGION, accessKeyId: creds.rootUser, secretAccessKey: creds.rootPassword };
}

/** The root credentials: the live Secret's, else the ones kept in RHOAI_WORK_DIR/minio/<namespace>.json, else new ones. */
export async function minioCredentials(world: RhoaiWorld, namespace: string): Promise<MinioCredentials> {
  const live = await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: MINIO_SECRET, namespace });
  const decode = (k: string) => (typeof live?.data?.[k] === 'string' ? Buffer.from(live.data[k], 'base64').toString('utf8') : undefined);
  let creds: MinioCredentials | undefined;
  if (decode('MINIO_ROOT_USER') && decode('MINIO_ROOT_PASSWORD'))
    creds = { rootUser: decode('MINIO_ROOT_USER')!, rootPassword: decode('MINIO_ROOT_PASSWORD')! };
  else creds = keptCredentials(world.settings.workDir, namespace);
  world.secret(creds.rootPassword, 'MinIO root password');
  world.secret(creds.rootUser, 'MinIO root user');
  return creds;
}

function keptCredentials(workDir: string, namespace: string): MinioCredentials {
  const dir = path.join(ensureWorkDir(workDir), 'minio');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${namespace}.json`);
  const fresh: MinioCredentials = { rootUser: token(16), rootPassword: token(32) };
  try {
    fs.writeFileSync(file, JSON.stringify(fresh), { flag: 'wx', mode: 0o600 });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as MinioCredentials;
    if (!kept.rootUser || !kept.rootPassword)
      throw new Error(`${file} does not hold MinIO root credentials ({"rootUser","rootPassword"}); delete it to generate new ones`, {
        cause: error,
      });
    return kept;
  }
}

/** Letters and digits only, as setup-s3.yaml's genpass makes them (minus _ and -). */
function token(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** Waits for a ready MinIO pod; a crash-looping one fails at once with what the container said. */
async function waitForMinioPod(world: RhoaiWorld, namespace: string): Promise<void> {
  await world.cluster.waitForList(
    { apiVersion: 'v1', kind: 'Pod', namespace },
    (pods) => {
      const live = pods.filter((p) => !p.metadata.deletionTimestamp);
      if (live.some((p) => conditionOf(p, 'Ready')?.status === 'True')) return true;
      const crashed = live
        .flatMap((p) => (p.status?.containerStatuses ?? []) as KObject[])
        .find((s) => s.state?.waiting?.reason === 'CrashLoopBackOff');
      if (crashed)
        return {
          fail: `MinIO crash-loops in ${namespace}: ${crashed.lastState?.terminated?.message ?? crashed.state.waiting.message ?? 'CrashLoopBackOff'}`,
        };
      return false;
    },
    { labelSelector: 'app=minio', describe: `a ready MinIO pod in ${namespace}` },
  );
}

/** Waits until the default router admitted the route; a rejection fails at once with the router's reason. */
export async function waitForAdmittedRoute(world: RhoaiWorld, namespace: string, name: string): Promise<KObject> {
  const route = await world.cluster.waitFor(
    { apiVersion: 'route.openshift.io/v1', kind: 'Route', name, namespace },
    (r) => {
      const conditions = ((r?.status?.ingress ?? []) as KObject[])
        .flatMap((i) => (i.conditions ?? []) as KObject[])
        .filter((c) => c.type === 'Admitted');
      if (conditions.some((c) => c.status === 'True')) return true;
      const rejected = conditions.find((c) => c.status === 'False');
      return rejected ? { fail: `Route ${namespace}/${name} was not admitted: ${rejected.reason}: ${rejected.message}` } : false;
    },
    { describe: `Route ${namespace}/${name} to be admitted by the router` },
  );
  return route!;
}
