// S3 for scenarios: the tutorial's storage (an external endpoint from the settings, or MinIO
// deployed into the project) and a client that reaches it from where the harness runs — route hosts
// through RHOAI_RESOLVE and trusted with the cluster's ingress CA. What a scenario learns about its
// storage is kept in world.facts.s3.
import { resolvingHttpAgent } from '../core/http/agent';
import { routeHttpsAgent, routeTrust } from '../core/http/route-trust';
import type { RhoaiWorld } from '../core/world';
import { describeConnection, fromDataConnection, fromSettings, type S3Connection } from './connection';
import { deployMinio } from './minio';
import { S3Store } from './store';

export {
  describeConnection,
  fromDataConnection,
  fromSettings,
  S3ConfigurationError,
  DATA_CONNECTION_KEYS,
  type S3Connection,
} from './connection';
export { deployMinio, minioCredentials, waitForAdmittedRoute, MINIO_REGION, MINIO_SECRET, MINIO_S3_ROUTE } from './minio';
export { S3RequestError, S3Store, type ObjectHead, type S3Exchange } from './store';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The S3 storage of the scenario's project. */
    s3?: S3Connection;
  }
}

/**
 * The project's S3 storage: RHOAI_S3_ENDPOINT with its keys when set, else MinIO deployed into the
 * project as the tutorial's setup-s3.yaml does. Kept in world.facts.s3.
 */
export async function projectStorage(world: RhoaiWorld, namespace: string): Promise<S3Connection> {
  const external = fromSettings(world.settings);
  const connection = external ?? (await deployMinio(world, namespace));
  world.secret(connection.secretAccessKey, 'S3 secret key');
  world.facts.s3 = connection;
  world.report.text(
    'S3 storage',
    `${external ? 'external S3 (RHOAI_S3_ENDPOINT)' : `MinIO in project ${namespace}`}: ${describeConnection(connection)}`,
  );
  return connection;
}

/**
 * A client for a connection, reaching route hosts as the harness does (RHOAI_RESOLVE, the cluster's
 * ingress CA plus the system roots). Destroy it (store.destroy()) when done.
 */
export async function s3Client(world: RhoaiWorld, connection: S3Connection): Promise<S3Store> {
  const target = await world.target();
  const trust = await routeTrust(world.cluster);
  world.secret(connection.secretAccessKey, 'S3 secret key');
  return new S3Store(connection, {
    https: routeHttpsAgent(trust, target.resolve, { keepAlive: false }),
    http: resolvingHttpAgent(target.resolve, { keepAlive: false }),
  });
}

/** Runs `fn` with a client for the connection, attaches the S3 exchanges to the report, and destroys the client. */
export async function withS3<T>(
  world: RhoaiWorld,
  connection: S3Connection,
  title: string,
  fn: (store: S3Store) => Promise<T>,
): Promise<T> {
  const store = await s3Client(world, connection);
  try {
    return await fn(store);
  } finally {
    if (store.exchanges.length) world.report.text(`S3 ${title}`, store.transcript());
    store.destroy();
  }
}

/** The S3 connection a data connection Secret describes (the Secret as the dashboard writes it). */
export async function dataConnection(world: RhoaiWorld, namespace: string, name: string): Promise<S3Connection> {
  const secret = await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', name, namespace });
  if (!secret) throw new Error(`data connection Secret ${namespace}/${name} does not exist`);
  const connection = fromDataConnection(secret);
  world.secret(connection.secretAccessKey, 'S3 secret key');
  return connection;
}
