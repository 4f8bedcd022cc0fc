// The pipeline server of a data science project, made as the RHOAI 2.9 dashboard makes it
// ("Configure pipeline server"; odh-dashboard rhoai-2.9 concepts/pipelines/content/
// configurePipelinesServer/utils.ts, api/pipelines/k8s.ts; workloads.md §6.1): the Secret
// dashboard-dspa-secret with the keys of the project's "Pipeline Artifacts" data connection, for an
// external MySQL the Secret pipelines-db-password, then the DataSciencePipelinesApplication "dspa"
// with dspVersion v2 and the connection's endpoint and bucket as its external object storage.
// Ready is what the data-science-pipelines-operator reports (DatabaseAvailable, ObjectStoreAvailable,
// APIServerReady, PersistenceAgentReady, ScheduledWorkflowReady, Ready); then the API is reached
// through the Route ds-pipeline-dspa with a bearer token, as its oauth-proxy wants.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type * as https from 'node:https';
import type { KObject, ObjectRef } from '../core/cluster';
import { waitForObjectExplained } from '../core/cluster/explained-wait';
import { routeHttpsAgent, routeTrust } from '../core/http/route-trust';
import { dataConnection } from '../s3';
import { readServiceAccountToken } from '../serving/token-auth';
import { dataConnectionSecretName } from '../tutorial/names';
import { dashboardOrigin } from '../tutorial/workbenches';
import type { RhoaiWorld } from '../core/world';
import { KfpClient } from './kfp-client';

export const DSPA_API = 'datasciencepipelinesapplications.opendatahub.io/v1alpha1';
export const DSPA_NAME = 'dspa';
export const ARTIFACTS_CONNECTION = 'Pipeline Artifacts';
const CONDITIONS = [
  'DatabaseAvailable',
  'ObjectStoreAvailable',
  'APIServerReady',
  'PersistenceAgentReady',
  'ScheduledWorkflowReady',
  'Ready',
];
/** The service accounts the harness calls the API as: a project member with pipelines access, and one without any. */
export const MEMBER = 'pipelines-harness';
export const OUTSIDER = 'pipelines-outsider';

export type Database = 'default' | 'external';

export interface PipelineServerFacts {
  namespace: string;
  database: Database;
  /** https://<route host> */
  url: string;
}

declare module '../core/world' {
  interface ScenarioFacts {
    pipelineServer?: PipelineServerFacts;
  }
}

export const dspaRef = (namespace: string): ObjectRef => ({
  apiVersion: DSPA_API,
  kind: 'DataSciencePipelinesApplication',
  name: DSPA_NAME,
  namespace,
});

/** The object storage of a data connection as the dashboard writes it into the DSPA: host (with port) without scheme, the scheme, bucket, region. */
export function externalStorageOf(
  endpoint: string,
  bucket: string,
  region: string,
): { host: string; scheme: string; bucket: string; region: string } {
  const url = new URL(endpoint);
  return { host: url.host, scheme: url.protocol.replace(':', '') || 'https', bucket, region: region || 'us-east-1' };
}

/** "Configure pipeline server" with the project's Pipeline Artifacts data connection and the chosen database. */
export async function configurePipelineServer(world: RhoaiWorld, namespace: string, database: Database): Promise<void> {
  const secretName = dataConnectionSecretName(ARTIFACTS_CONNECTION);
  const connection = await dataConnection(world, namespace, secretName);
  expect(
    Boolean(connection.bucket),
    `the data connection ${namespace}/${secretName} names no bucket: the pipeline server form requires all five fields`,
  ).to.equal(true);
  await world.applyFixture('pipelines/dspa-secret', {
    namespace,
    accessKeyId: connection.accessKeyId,
    secretAccessKey: connection.secretAccessKey,
  });
  const storage = externalStorageOf(connection.endpoint, connection.bucket!, connection.region);
  if (database === 'external') {
    const db = await externalMysql(world, namespace);
    await world.applyFixture('pipelines/db-password-secret', { namespace, password: db.password });
    await world.applyFixture('pipelines/dspa-external-db', {
      namespace,
      ...storage,
      dbHost: db.host,
      dbPort: '3306',
      dbUser: db.user,
      dbName: db.database,
    });
  } else {
    await world.applyFixture('pipelines/dspa', { namespace, ...storage });
  }
  world.report.text(
    'pipeline server',
    `DataSciencePipelinesApplication ${namespace}/${DSPA_NAME}: dspVersion v2, object storage ${storage.scheme}://${storage.host} bucket ${storage.bucket} (data connection "${ARTIFACTS_CONNECTION}"), database ${database === 'default' ? 'the default MariaDB on the cluster' : 'an external MySQL (password Secret pipelines-db-password)'}`,
  );
}

/** The MySQL server the external database of UI-DC-03 is: deployed into the project once, its password generated and kept in its Secret. */
async function externalMysql(
  world: RhoaiWorld,
  namespace: string,
): Promise<{ host: string; user: string; password: string; database: string }> {
  const existing = await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'pipelines-mysql', namespace });
  const value = (k: string) => (existing?.data?.[k] ? Buffer.from(existing.data[k], 'base64').toString('utf8') : undefined);
  const password = world.secret(value('database-password') ?? randomBytes(12).toString('hex'), 'external MySQL password');
  const account = { user: 'pipelines', password, database: 'mlpipelines' };
  await world.applyFixture('pipelines/mysql-credentials', { namespace, ...account });
  await world.applyFixture('pipelines/mysql-deployment', { namespace });
  await world.applyFixture('pipelines/mysql-service', { namespace });
  await world.cluster.waitFor(
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'pipelines-mysql', namespace },
    (d) => d?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Available' && c.status === 'True') === true,
    { describe: `the external MySQL pipelines-mysql in ${namespace} to be available` },
  );
  return { host: `pipelines-mysql.${namespace}.svc.cluster.local`, ...account };
}

/** What is still wrong with the pipeline server, as its conditions say; a {fail} for what waiting will not mend. */
export function pipelineServerProblem(dspa: KObject | undefined, database: Database): string | undefined | { fail: string } {
  if (!dspa) return `there is no DataSciencePipelinesApplication ${DSPA_NAME}`;
  const conditions: { type: string; status: string; reason?: string; message?: string; observedGeneration?: number }[] =
    dspa.status?.conditions ?? [];
  if (!conditions.length)
    return `the data-science-pipelines-operator has not reported on DSPA ${dspa.metadata.namespace}/${DSPA_NAME} yet (no conditions: it stops before its status when the DSPA's Secrets lack keys)`;
  const c = (type: string) => conditions.find((x) => x.type === type);
  const store = c('ObjectStoreAvailable');
  if (
    store?.status === 'False' &&
    /Access Denied|InvalidAccessKeyId|SignatureDoesNotMatch|x509|UnknownAuthority/i.test(store.message ?? '')
  )
    return {
      fail: `the object store refuses the credentials of the pipeline server (Secret dashboard-dspa-secret, from the data connection "${ARTIFACTS_CONNECTION}"): ObjectStoreAvailable=False: ${store.message}`,
    };
  const db = c('DatabaseAvailable');
  if (db?.status === 'False' && /no such host/i.test(db.message ?? ''))
    return {
      fail: `the pipeline server cannot reach its database (${database === 'default' ? 'the default MariaDB' : 'the external MySQL'}): DatabaseAvailable=False: ${db.message}`,
    };
  if (db?.status === 'False' && /Access denied|Unknown database/i.test(db.message ?? ''))
    return {
      fail: `the database refuses the pipeline server's login (${database === 'external' ? 'password Secret pipelines-db-password' : 'Secret ds-pipeline-db-dspa'}): DatabaseAvailable=False: ${db.message}`,
    };
  const stale = conditions.find((x) => x.observedGeneration !== undefined && x.observedGeneration !== dspa.metadata.generation);
  if (stale)
    return `the operator has not reported on generation ${dspa.metadata.generation} of the DSPA yet (its conditions are of generation ${stale.observedGeneration})`;
  const notTrue = CONDITIONS.map((t) => c(t) ?? { type: t, status: 'missing', message: '' }).filter((x) => x.status !== 'True');
  if (notTrue.length)
    return `DSPA ${dspa.metadata.namespace}/${DSPA_NAME} is not ready: ${notTrue.map((x) => `${x.type}=${x.status} (${x.message ?? ''})`.trim()).join('; ')}`;
  return undefined;
}

/** Waits until the operator reports every condition True; fails at once for what waiting will not mend. */
export async function waitForPipelineServer(world: RhoaiWorld, namespace: string, database: Database): Promise<KObject> {
  const dspa = await waitForObjectExplained(
    world.cluster,
    dspaRef(namespace),
    (d) => pipelineServerProblem(d, database),
    `the pipeline server ${namespace}/${DSPA_NAME} to be ready`,
  );
  const conditions: { type: string; status: string; reason?: string; message?: string }[] = dspa!.status.conditions;
  world.report.text(
    'pipeline server conditions',
    conditions.map((c) => `${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`).join('\n'),
  );
  const route = await world.cluster.waitFor(
    { apiVersion: 'route.openshift.io/v1', kind: 'Route', name: `ds-pipeline-${DSPA_NAME}`, namespace },
    (r) =>
      r?.status?.ingress?.some((i: { conditions?: { type: string; status: string }[] }) =>
        i.conditions?.some((c) => c.type === 'Admitted' && c.status === 'True'),
      ) === true,
    { describe: `the pipeline API route ds-pipeline-${DSPA_NAME} in ${namespace} to be admitted` },
  );
  world.facts.pipelineServer = { namespace, database, url: `https://${route!.spec.host}` };
  await applyElyraRuntimeSecret(world, dspa!, `https://${route!.spec.host}`);
  return dspa!;
}

/**
 * The Elyra runtime configuration the dashboard keeps for a project with a ready pipeline server:
 * the Secret ds-pipeline-config (key odh_dsp.json) that workbenches created afterwards mount at
 * /opt/app-root/runtimes. As odh-dashboard rhoai-2.9 frontend/src/concepts/pipelines/elyra/utils.ts
 * generateElyraSecret (written by context/useManageElyraSecret.ts once the server is ready), with
 * the object storage and credentials of the DSPA's data connection.
 */
async function applyElyraRuntimeSecret(world: RhoaiWorld, dspa: KObject, apiEndpoint: string): Promise<void> {
  const namespace = dspa.metadata.namespace!;
  const storage = dspa.spec.objectStorage.externalStorage;
  const credentials = storage.s3CredentialsSecret;
  const connection = await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: credentials.secretName, namespace });
  const decode = (key: string) => world.secret(Buffer.from(String(connection?.data?.[key] ?? ''), 'base64').toString('utf8'));
  expect(
    Boolean(connection && decode(credentials.accessKey) && decode(credentials.secretKey)),
    `the data connection Secret ${namespace}/${credentials.secretName} of the pipeline server has no ${credentials.accessKey}/${credentials.secretKey}: the dashboard could not write the Elyra runtime configuration`,
  ).to.equal(true);
  const runtime = {
    display_name: 'Data Science Pipeline',
    metadata: {
      tags: [],
      display_name: 'Data Science Pipeline',
      engine: 'Argo',
      auth_type: 'KUBERNETES_SERVICE_ACCOUNT_TOKEN',
      api_endpoint: apiEndpoint,
      public_api_endpoint: `${await dashboardOrigin(world)}/pipelines/${namespace}/pipelineRun/view/`,
      cos_auth_type: 'KUBERNETES_SECRET',
      cos_secret: credentials.secretName,
      cos_endpoint: `${storage.scheme}://${storage.host}`,
      cos_bucket: storage.bucket,
      cos_username: decode(credentials.accessKey),
      cos_password: decode(credentials.secretKey),
      runtime_type: 'KUBEFLOW_PIPELINES',
    },
    schema_name: 'kfp',
  };
  await world.cluster.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'ds-pipeline-config', namespace },
    type: 'Opaque',
    stringData: { 'odh_dsp.json': JSON.stringify(runtime) },
  });
}

/** The pipeline server of the scenario (a step must have made it ready). */
export function currentPipelineServer(world: RhoaiWorld): PipelineServerFacts {
  const p = world.facts.pipelineServer;
  if (!p) throw new Error('no pipeline server in this scenario: a step "Given the project has a pipeline server ..." must come first');
  return p;
}

/** A token of a service account of the project: the member (bound to ds-pipeline-user-access-dspa) or the outsider. */
export async function serviceAccountToken(world: RhoaiWorld, namespace: string, who: typeof MEMBER | typeof OUTSIDER): Promise<string> {
  await world.applyFixture('pipelines/client-service-account', { namespace, name: who });
  await world.applyFixture('pipelines/client-token-secret', { namespace, name: who });
  if (who === MEMBER) await world.applyFixture('pipelines/client-role-binding', { namespace, name: who, dspa: DSPA_NAME });
  const t = await readServiceAccountToken(world, namespace, `${who}-token`, who, `pipelines ${who}`);
  return t.token;
}

/** A KFP client of the scenario's pipeline server, as the project member; its exchanges go to the report when `fn` ends. */
export async function withKfp<T>(world: RhoaiWorld, title: string, fn: (kfp: KfpClient) => Promise<T>, token?: string | null): Promise<T> {
  const server = currentPipelineServer(world);
  const bearer = token === null ? undefined : (token ?? (await serviceAccountToken(world, server.namespace, MEMBER)));
  const target = await world.target();
  const agent = routeHttpsAgent(await routeTrust(world.cluster), target.resolve, { keepAlive: false });
  const kfp = new KfpClient(server.url, bearer, agent);
  try {
    return await fn(kfp);
  } finally {
    if (kfp.exchanges.length) world.report.text(`pipelines API: ${title}`, kfp.transcript());
    agent.destroy();
  }
}

/** The API route answers the member's token (200) and refuses a token without access and no token at all. */
export async function assertRouteGuarded(world: RhoaiWorld): Promise<void> {
  const server = currentPipelineServer(world);
  const outsider = await serviceAccountToken(world, server.namespace, OUTSIDER);
  const status = async (token: string | null | undefined) =>
    withKfp(world, 'route access', async (kfp) => (await kfp.raw('GET', '/apis/v2beta1/healthz')).status, token);
  const member = await status(undefined);
  const without = await status(null);
  const stranger = await status(outsider);
  world.report.text(
    'pipeline API route access',
    `member's token → HTTP ${member}\nno token → HTTP ${without}\ntoken of a service account without access → HTTP ${stranger}`,
  );
  expect(
    member,
    `the pipeline API route answered HTTP ${member} to a project member's token (bound to ds-pipeline-user-access-${DSPA_NAME}), not 200`,
  ).to.equal(200);
  expect(
    Boolean(without === 401 || without === 403 || (without >= 300 && without < 400)),
    `the pipeline API route answered a request without a token with HTTP ${without}: its oauth-proxy must refuse it`,
  ).to.equal(true);
  expect(
    Boolean(stranger === 401 || stranger === 403),
    `the pipeline API route answered HTTP ${stranger} to the token of a service account with no access to the project, not 401/403`,
  ).to.equal(true);
}

export type { https };
