// The tutorial's object storage and data connections (checklist "Storage", "Data connections";
// workloads.md §1.5 and §2): the project's S3 (RHOAI_S3_ENDPOINT with its keys, or MinIO deployed
// into the project as the tutorial's setup-s3.yaml does), the buckets my-storage (models and data)
// and pipeline-artifacts, and data connections exactly as the dashboard makes them.
//
// The endpoint written into a data connection is the one pods use. For an external S3 it is
// RHOAI_S3_ENDPOINT. For MinIO in the project it is the in-cluster Service,
// http://minio.<project>.svc.cluster.local:9000, as the tutorial's current setup-s3.yaml writes it
// (its v2.9 branch wrote the https route, which a workbench's boto3 trusts only when the cluster's
// ingress certificate is publicly signed). The harness, outside the cluster, reaches that same
// MinIO through its route minio-s3, and says so in the report.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { randomBytes } from 'node:crypto';
import type { KObject } from '../core/cluster';
import { DATA_CONNECTION_KEYS, dataConnection, describeConnection, MINIO_S3_ROUTE, projectStorage, withS3, type S3Connection } from '../s3';
import type { RhoaiWorld } from '../core/world';
import { dataConnectionSecretName } from './names';
import { DASHBOARD_LABEL } from '../rhoai/names';

export interface ProjectStorage {
  namespace: string;
  /** How the harness reaches the storage (the route for MinIO in the project). */
  harness: S3Connection;
  /** The endpoint pods use, written into the data connections. */
  clusterEndpoint: string;
  /** MinIO deployed into the project (rather than RHOAI_S3_ENDPOINT). */
  minio: boolean;
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The S3 storage of the scenario's project, as the harness and as pods reach it. */
    storage?: ProjectStorage;
  }
}

/** The project's S3 storage (deployed or external), remembered for the scenario. */
export async function ensureProjectStorage(world: RhoaiWorld, namespace: string): Promise<ProjectStorage> {
  if (world.facts.storage?.namespace === namespace) return world.facts.storage;
  const harness = await projectStorage(world, namespace);
  const minio = !world.settings.s3Endpoint;
  const clusterEndpoint = minio ? `http://minio.${namespace}.svc.cluster.local:9000` : harness.endpoint;
  world.facts.storage = { namespace, harness, clusterEndpoint, minio };
  // The data connections will hold this endpoint in a Secret (AWS_S3_ENDPOINT): whatever a Secret
  // holds is redacted, from the first time the harness says it.
  world.secret(clusterEndpoint, 'S3 endpoint of the data connections (held in their Secrets)');
  if (minio)
    world.report.text(
      'S3 endpoint of the data connections',
      `pods reach MinIO at ${clusterEndpoint} (Service minio); the harness reaches the same MinIO through its route: ${harness.endpoint}`,
    );
  return world.facts.storage;
}

function storageOf(world: RhoaiWorld): ProjectStorage {
  const s = world.facts.storage;
  if (!s)
    throw new Error('the project has no S3 storage yet in this scenario: a step "Given the project has S3 storage ..." must come first');
  return s;
}

/** Creates the bucket unless it exists. */
export async function ensureBucket(world: RhoaiWorld, bucket: string): Promise<void> {
  const s = storageOf(world);
  await withS3(world, s.harness, `bucket ${bucket}`, async (s3) => {
    const outcome = await s3.ensureBucket(bucket);
    world.report.text(`bucket ${bucket}`, `${outcome} at ${describeConnection(s.harness)}`);
  });
}

/** The bucket exists, as the storage lists it. */
export async function assertBucketExists(world: RhoaiWorld, bucket: string): Promise<void> {
  const s = storageOf(world);
  await withS3(world, s.harness, `bucket ${bucket}`, async (s3) => {
    expect(await s3.bucketExists(bucket), `the bucket ${bucket} does not exist at ${describeConnection(s.harness)}`).to.equal(true);
  });
}

/** Adds (or keeps) the data connection as "Add data connection" does: the Secret aws-connection-<name> with the five keys. */
export async function addDataConnection(world: RhoaiWorld, namespace: string, displayName: string, bucket: string): Promise<KObject> {
  const s = storageOf(world);
  world.secret(s.harness.secretAccessKey, 'S3 secret key');
  const [secret] = await world.applyFixture('tutorial/data-connection', {
    name: dataConnectionSecretName(displayName),
    namespace,
    displayName,
    accessKeyId: s.harness.accessKeyId,
    secretAccessKey: s.harness.secretAccessKey,
    endpoint: s.clusterEndpoint,
    region: s.harness.region,
    bucket,
  });
  return secret!;
}

/** The Secret is exactly what the dashboard makes, and the dashboard lists it (label opendatahub.io/managed=true). */
export async function assertDataConnectionAsDashboard(
  world: RhoaiWorld,
  namespace: string,
  displayName: string,
  bucket: string,
): Promise<KObject> {
  const name = dataConnectionSecretName(displayName);
  const listed = await world.cluster.list(
    { apiVersion: 'v1', kind: 'Secret', namespace },
    { labelSelector: 'opendatahub.io/managed=true' },
  );
  const secret = listed.find((s) => s.metadata.name === name);
  expectOk(
    secret,
    `the dashboard lists no data connection ${name} in ${namespace} (Secrets labelled opendatahub.io/managed=true: ${listed.map((s) => s.metadata.name).join(', ') || 'none'})`,
  );
  const problems: string[] = [];
  const compare = (what: string, actual: unknown, wanted: unknown) =>
    actual !== wanted && problems.push(`${what} is ${JSON.stringify(actual)}, not ${JSON.stringify(wanted)}`);
  compare(`label ${DASHBOARD_LABEL}`, secret.metadata.labels?.[DASHBOARD_LABEL], 'true');
  compare('annotation opendatahub.io/connection-type', secret.metadata.annotations?.['opendatahub.io/connection-type'], 's3');
  compare('annotation openshift.io/display-name', secret.metadata.annotations?.['openshift.io/display-name'], displayName);
  compare('type', secret.type ?? 'Opaque', 'Opaque');
  const keys = Object.keys(secret.data ?? {}).sort();
  if (JSON.stringify(keys) !== JSON.stringify([...DATA_CONNECTION_KEYS].sort()))
    problems.push(`keys are ${keys.join(', ')}, not ${[...DATA_CONNECTION_KEYS].join(', ')}`);
  const value = (k: string) => Buffer.from(String(secret.data?.[k] ?? ''), 'base64').toString('utf8');
  for (const k of DATA_CONNECTION_KEYS) if (!value(k)) problems.push(`${k} is empty`);
  compare('AWS_S3_BUCKET', value('AWS_S3_BUCKET'), bucket);
  expect(
    problems,
    `data connection ${namespace}/${name} ("${displayName}") is not as the dashboard makes it: ${problems.join('; ')}`,
  ).to.deep.equal([]);
  const connection = dataConnectionOf(secret);
  world.report.text(`data connection ${displayName}`, `${namespace}/${name}: ${describeConnection(connection)}`);
  return secret;
}

function dataConnectionOf(secret: KObject): S3Connection {
  const value = (k: string) => Buffer.from(String(secret.data?.[k] ?? ''), 'base64').toString('utf8');
  return {
    endpoint: value('AWS_S3_ENDPOINT'),
    region: value('AWS_DEFAULT_REGION'),
    accessKeyId: value('AWS_ACCESS_KEY_ID'),
    secretAccessKey: value('AWS_SECRET_ACCESS_KEY'),
    bucket: value('AWS_S3_BUCKET'),
  };
}

/**
 * The data connection as the harness can use it: its credentials, region and bucket, and its
 * endpoint — or, when that endpoint is the project's MinIO Service (reachable only from pods), the
 * route that fronts the same Service.
 */
export async function reachableDataConnection(world: RhoaiWorld, namespace: string, displayName: string): Promise<S3Connection> {
  const connection = await dataConnection(world, namespace, dataConnectionSecretName(displayName));
  const host = new URL(connection.endpoint).hostname;
  const service = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(host);
  if (!service) return connection;
  const routes = await world.cluster.list({ apiVersion: 'route.openshift.io/v1', kind: 'Route', namespace: service[2] });
  const route =
    routes.find((r) => r.spec?.to?.name === service[1] && r.spec?.host && r.metadata.name === MINIO_S3_ROUTE) ??
    routes.find((r) => r.spec?.to?.name === service[1] && r.spec?.host);
  expectOk(
    route,
    `data connection "${displayName}" names the in-cluster endpoint ${connection.endpoint}, and no Route in ${service[2]} exposes the Service ${service[1]} for the harness to reach it from outside the cluster`,
  );
  const reached = { ...connection, endpoint: `${route.spec.tls ? 'https' : 'http'}://${route.spec.host}` };
  world.report.text(
    `reaching "${displayName}"`,
    `its endpoint ${connection.endpoint} is the Service ${service[2]}/${service[1]}; the harness reaches it through the Route ${route.metadata.name}: ${reached.endpoint}`,
  );
  return reached;
}

/** An object written with the data connection's endpoint, credentials and bucket reads back byte for byte. */
export async function assertRoundTripThroughConnection(world: RhoaiWorld, namespace: string, displayName: string): Promise<void> {
  const connection = await reachableDataConnection(world, namespace, displayName);
  const bucket = connection.bucket!;
  const key = `rhoai-harness/${randomBytes(6).toString('hex')}.bin`;
  const content = randomBytes(4096);
  await withS3(world, connection, `round trip through "${displayName}"`, async (s3) => {
    await s3.put(bucket, key, content);
    const back = await s3.get(bucket, key);
    expect(
      back.equals(content),
      `s3://${bucket}/${key} read back through "${displayName}" differs from the ${content.length} bytes written (got ${back.length} bytes)`,
    ).to.equal(true);
    await s3.delete(bucket, key);
  });
}
