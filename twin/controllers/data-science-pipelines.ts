// The data-science-pipelines-operator of RHOAI 2.9 (DSP 2.0): while its controller manager
// (data-science-pipelines-operator-controller-manager, deployed by the rhods-operator for the
// Managed datasciencepipelines component) is available, each DataSciencePipelinesApplication gets its
// database, its object-storage check, the API server behind an oauth-proxy and a Route, the
// persistence agent, the scheduled-workflow controller and the Argo workflow controller, and the
// conditions the dashboard and the harness read.
//
// Upstream it follows (github.com/red-hat-data-services/data-science-pipelines-operator, branch
// rhoai-2.9):
// - controllers/dspipeline_controller.go Reconcile: ExtractParams first (an error there — e.g. the
//   credentials Secret without the keys — is logged and requeued, no status is written); then
//   ReconcileDatabase, ReconcileStorage, the two health checks (isDatabaseAccessible,
//   isObjectStorageAccessible); only when both pass the API server, persistence agent, scheduled
//   workflow and workflow controller are applied; GenerateStatus: DatabaseAvailable ("Database
//   connectivity successfully verified"), ObjectStoreAvailable ("Object Store connectivity
//   successfully verified"), APIServerReady, PersistenceAgentReady, ScheduledWorkflowReady from
//   handleReadyCondition (ComponentDeploymentNotFound "Deployment for component \"x\" is missing -
//   pre-requisite component may not yet be available.", MinimumReplicasAvailable "Component [x] is
//   minimally available.", Deploying "Component [x] is deploying."), and Ready ("All components are
//   ready." or the failing messages); conditions carry observedGeneration; the reason of the two
//   availability conditions is their type; the DSPA Owns Deployments, so their status changes
//   reconcile it again (no 20 s requeue needed for a database that is starting);
// - controllers/dspipeline_params.go SetupObjectParams/SetupDBParams: externalStorage host, port,
//   scheme (secure from scheme https), bucket, region, s3CredentialsSecret; externalDB host, port,
//   username, pipelineDBName and passwordSecret ("DB Password from secret [x] for key [y] was not
//   successfully retrieved, ensure that the secret with this key exist."); the default MariaDB
//   mariadb-<name>:3306, user and database mlpipeline, generated Secret ds-pipeline-db-<name>
//   key password; APIServerDefaultResourceName ds-pipeline-<name>; the CA bundle of
//   spec.apiServer.cABundle copied to ConfigMap dsp-trusted-ca-<name> key dsp-ca.crt and trusted by
//   the API server (with the namespace's odh-trusted-ca-bundle when present);
// - controllers/database.go ConnectAndQueryDatabase (SELECT 1 with the user, password and host) and
//   controllers/storage.go ConnectAndQueryObjStore (StatObject of "some-random-object": NoSuchKey
//   and NoSuchBucket count as reachable; "Could not connect to (<endpoint>), Error: <e>"; the x509
//   UnknownAuthorityError message);
// - config/internal/apiserver/default/deployment.yaml.tmpl (the ds-pipeline-api-server container on
//   8888/8887 with DBCONFIG_*/OBJECTSTORECONFIG_* env, and oauth-proxy on 8443 with
//   --openshift-delegate-urls {"/": get routes/ds-pipeline-<name>} and --skip-auth-regex of
//   /metrics and the v1beta1 healthz), service.yaml.tmpl (http 8888, grpc 8887, oauth 8443, serving
//   certificate ds-pipelines-proxy-tls-<name>), route/route.yaml.tmpl (Reencrypt to targetPort
//   oauth), role_ds-pipeline-user-access.yaml.tmpl (get on routes/ds-pipeline-<name>);
//   config/internal/mariadb/default/*.tmpl; persistence-agent, scheduled-workflow and
//   workflow-controller deployment templates.
// What runs inside the pods is twin/emulators/pipelines (the API server, its database, the
// execution of runs and the ScheduledWorkflow controller) and twin/emulators/oauth-proxy.ts.
import { randomBytes } from 'node:crypto';
import type { TwinClient } from '../api/client';
import { ownerReference, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { pipelinesApiServerEmulator } from '../emulators/pipelines/api-server';
import {
  checkObjectStore,
  PipelineBackend,
  RUN_DETAILS_FAULT,
  RUN_EXPERIMENT_FAULT,
  TASK_FAILS_FAULT,
  VERSION_SPEC_FAULT,
  type ObjectStoreConfig,
} from '../emulators/pipelines/backend';
import { mysqlEmulator, mysqlLogin } from '../emulators/pipelines/mysql';
import {
  CRON_FAULT,
  END_TIME_FAULT,
  INTERVAL_FAULT,
  pipelinesClockRate,
  SCHEDULER_CATCHUP_FAULT,
  SCHEDULER_MAX_CONCURRENCY_FAULT,
  ScheduledWorkflowController,
} from '../emulators/pipelines/scheduler';
import { workloadRuntimeOf } from '../network/index';
import { deploymentSpec } from './deployment-spec';
import { applicationsNamespace, deploymentAvailable } from './kueue';
import { conditionOf, keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from './runtime';

export const DSPA_API = 'datasciencepipelinesapplications.opendatahub.io/v1alpha1';
const DSPA_KIND = 'DataSciencePipelinesApplication';
const OPERATOR = 'data-science-pipelines-operator-controller-manager';
const STORAGE_CREDENTIALS_FAULT = 'dspa-without-storage-credentials';
const DATABASE_FAULT = 'pipelines-database-unreachable';
const ROUTE_FAULT = 'pipelines-route-accepts-no-token';
const IR_FAULT = 'pipelines-server-refuses-ir';
const CA_BUNDLE_FAULT = 'pipelines-ca-bundle-ignored';

export const DATA_SCIENCE_PIPELINES_FAULTS: FaultDefinition[] = [
  {
    name: STORAGE_CREDENTIALS_FAULT,
    description:
      "The operator's object-storage check and the API server get no credentials from the DSPA's s3CredentialsSecret (as when the Secret lacks the keys): the store answers Access Denied and ObjectStoreAvailable stays False, so no API server is deployed",
    caughtBy: '@req.UI-DC-02 or @req.CMP-04',
    expectMessage: 'refuses the credentials of the pipeline server',
  },
  {
    name: DATABASE_FAULT,
    description:
      'The operator cannot resolve the pipeline server\'s database host (the cluster DNS fails it): DatabaseAvailable stays False with "dial tcp: lookup <host>: no such host", so no API server is deployed',
    caughtBy: '@req.UI-DC-02 or @req.UI-DC-03',
    expectMessage: 'cannot reach its database',
  },
  {
    name: TASK_FAILS_FAULT,
    description: "The fraud-detection pipeline's train-model task fails (a Python ValueError in the task's pod): the run ends FAILED",
    caughtBy: '@req.TUT-KFP-01',
    expectMessage: 'task train-model FAILED',
  },
  {
    name: IR_FAULT,
    description: 'The API server refuses every uploaded pipeline IR as invalid (InvalidArgument): nothing can be imported',
    caughtBy: '@req.UI-PIPE-01',
    expectMessage: 'the pipeline server refused the pipeline',
  },
  {
    name: SCHEDULER_MAX_CONCURRENCY_FAULT,
    description: 'The scheduled-workflow controller starts runs of a recurring run beyond its max_concurrency',
    caughtBy: '@req.UI-PIPE-05',
    expectMessage: 'ran at the same time',
  },
  {
    name: SCHEDULER_CATCHUP_FAULT,
    description:
      'The scheduled-workflow controller ignores catch-up: a schedule behind its start time runs once instead of once per missed interval',
    caughtBy: '@req.UI-PIPE-07',
    expectMessage: 'missed intervals were not caught up',
  },
  {
    name: RUN_EXPERIMENT_FAULT,
    description: 'The API server files every run under the Default experiment, whatever experiment_id the request names',
    caughtBy: '@req.UI-PIPE-02',
    expectMessage: 'not in the experiment chosen',
  },
  {
    name: INTERVAL_FAULT,
    description:
      "The scheduled-workflow controller reads a periodic schedule's interval_second as minutes: runs come 60 times too far apart",
    caughtBy: '@req.UI-PIPE-03',
    expectMessage: 'scheduled 3600 s apart, not 60 s',
  },
  {
    name: CRON_FAULT,
    description:
      'The scheduled-workflow controller reads the six-field cron (seconds first) as a five-field one: "0 * * * * *" runs hourly instead of every minute',
    caughtBy: '@req.UI-PIPE-04',
    expectMessage: 'scheduled 3600 s apart, not 60 s',
  },
  {
    name: END_TIME_FAULT,
    description: "The scheduled-workflow controller ignores a schedule's end_time: it goes on starting runs after the end of the timeframe",
    caughtBy: '@req.UI-PIPE-06',
    expectMessage: 'outside its timeframe',
  },
  {
    name: RUN_DETAILS_FAULT,
    description:
      "The persistence agent reports no task of a run: the run's run_details.task_details are empty (the dashboard's graph has no states)",
    caughtBy: '@req.TUT-KFP-01 or @req.UI-PIPE-08',
    expectMessage: 'no state for the task',
  },
  {
    name: VERSION_SPEC_FAULT,
    description: "The API server answers a pipeline version without its pipeline_spec (the dashboard's YAML tab is empty)",
    caughtBy: '@req.UI-PIPE-09',
    expectMessage: 'has no pipeline_spec',
  },
  {
    name: CA_BUNDLE_FAULT,
    description:
      "The operator ignores the DSPA's spec.apiServer.cABundle: no dsp-trusted-ca-<dspa> ConfigMap, nothing mounted on the API server",
    caughtBy: '@req.ADV-09',
    expectMessage: "from the DSPA's spec.apiServer.cABundle",
  },
  {
    name: ROUTE_FAULT,
    description:
      "The operator points the API server's Route at its plain http port (8888, edge TLS) instead of the oauth-proxy: a request without a token is answered",
    caughtBy: '@req.UI-PIPE-01',
    expectMessage: 'answered a request without a token',
  },
];

const IMAGE = (repo: string) =>
  `registry.redhat.io/rhoai/${repo}@sha256:${Buffer.from(`${repo}:v2.9`).toString('hex').padEnd(64, '0').slice(0, 64)}`;
const OAUTH_PROXY_IMAGE =
  'registry.redhat.io/openshift4/ose-oauth-proxy@sha256:4bef31eb993feb6f1096b51b4876c65a6fb1f4401fee97fa4f4542b6b7c9bc46';
const MARIADB_IMAGE = 'registry.redhat.io/rhel8/mariadb-103@sha256:3d30992e60774f887c4e7959c81b0c41b0d82d042250b3b56f05ab67fd4cdee1';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of the API and of Kubernetes objects
type Json = Record<string, any>;
type Owner = ReturnType<typeof ownerReference>;

interface Params {
  name: string;
  namespace: string;
  db: {
    host: string;
    port: string;
    user: string;
    dbName: string;
    password: string;
    secret: { name: string; key: string };
    mariadb: boolean;
  };
  store: ObjectStoreConfig & { secretName: string; accessKey: string; secretKey: string; host: string; port: string; secure: boolean };
}

export class DataSciencePipelinesOperator implements Controller {
  readonly name = 'data-science-pipelines-operator';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  private readonly backends = new Map<string, PipelineBackend>();
  private readonly scheduler: ScheduledWorkflowController;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor(
      'data-science-pipelines-operator',
      'redhat-ods-applications:data-science-pipelines-operator-controller-manager',
    );
    this.queue = new WorkQueue('dspo', ctx.settings.latencyMs, (k) => this.reconcileOnce(k), ctx.settings.log);
    this.scheduler = new ScheduledWorkflowController({
      client: ctx.clientFor('ds-pipeline-scheduledworkflow'),
      faults: ctx.faults,
      rate: pipelinesClockRate(),
      backendFor: (ns) => this.runningBackend(ns, 'scheduledworkflow'),
      log: ctx.settings.log,
    });
  }

  start(): void {
    const runtime = workloadRuntimeOf(this.ctx);
    runtime.emulators.register(mysqlEmulator);
    runtime.emulators.register(pipelinesApiServerEmulator({ backendFor: (ns, dspa) => this.backends.get(`${ns}/${dspa}`) }));
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      if (d.metadata.name === OPERATOR) return this.requeueAll();
      const dspa = d.metadata.labels?.dspa;
      if (dspa) this.queue.enqueue(`${d.metadata.namespace}/${dspa}`);
      if (d.metadata.name?.startsWith('ds-pipeline-scheduledworkflow-') && conditionOf(d, 'Available')?.status === 'True')
        this.scheduler.wakeNamespace(d.metadata.namespace!);
    });
    this.client.watch(DSPA_API, DSPA_KIND, (type, dspa) => {
      if (type !== 'DELETED') this.queue.enqueue(keyOf(dspa));
      else this.backends.delete(keyOf(dspa));
    });
    this.client.watch('v1', 'Secret', (_t, s) => this.requeueNamespace(s.metadata.namespace!));
    this.client.watch('v1', 'ConfigMap', (_t, cm) => this.requeueNamespace(cm.metadata.namespace!));
    // A database Service gaining its endpoint (the pod became ready) is worth a health check again.
    this.client.watch('v1', 'Endpoints', (_t, ep) => this.requeueNamespace(ep.metadata.namespace!));
    this.scheduler.start();
  }

  private requeueAll(): void {
    if (!this.client.hasKind(DSPA_API, DSPA_KIND)) return;
    for (const d of this.client.list(DSPA_API, DSPA_KIND)) this.queue.enqueue(keyOf(d));
  }

  private requeueNamespace(ns: string): void {
    if (!this.client.hasKind(DSPA_API, DSPA_KIND)) return;
    for (const d of this.client.list(DSPA_API, DSPA_KIND, ns)) this.queue.enqueue(keyOf(d));
  }

  private running(): boolean {
    return deploymentAvailable(this.client, OPERATOR, applicationsNamespace(this.client));
  }

  /** The backend of the DSPA in `ns` whose component Deployment runs (the scheduler acts inside it). */
  private runningBackend(ns: string, component: string): PipelineBackend | undefined {
    for (const [key, b] of this.backends) {
      const { namespace, name } = splitKey(key);
      if (namespace === ns && deploymentAvailable(this.client, `ds-pipeline-${component}-${name}`, ns)) return b;
    }
    return undefined;
  }

  private readonly inFlight = new Map<string, boolean>();

  /** One reconcile of a key at a time (its health checks are asynchronous); a change meanwhile runs it again. */
  private reconcileOnce(key: string): void {
    if (this.inFlight.has(key)) {
      this.inFlight.set(key, true);
      return;
    }
    this.inFlight.set(key, false);
    void this.reconcile(key)
      .catch((e) => this.ctx.settings.log(`dspo: reconcile ${key} failed: ${(e as Error).message}`))
      .finally(() => {
        const again = this.inFlight.get(key);
        this.inFlight.delete(key);
        if (again) this.queue.enqueue(key);
      });
  }

  private async reconcile(key: string): Promise<void> {
    if (!this.running()) return;
    const { namespace, name } = splitKey(key);
    const dspa = this.client.get(DSPA_API, DSPA_KIND, name, namespace);
    if (!dspa || dspa.metadata.deletionTimestamp) return;
    const params = this.extractParams(dspa);
    if (typeof params === 'string') {
      this.ctx.settings.log(`dspo: ${key}: Encountered error when parsing CR: [${params}]`);
      return;
    }
    const owner = [ownerReference({ ...dspa, apiVersion: DSPA_API, kind: DSPA_KIND })];
    if (params.db.mariadb) this.applyMariaDb(params, owner);
    const dbError = await this.checkDatabase(dspa, params);
    const storeError = dspa.spec?.objectStorage?.disableHealthCheck
      ? undefined
      : await checkObjectStore(workloadRuntimeOf(this.ctx).network, namespace!, params.store);
    if (!dbError && !storeError) {
      this.applyApiServer(dspa, params, owner);
      this.applyComponent(params, owner, 'persistenceagent', IMAGE('odh-data-science-pipelines-argo-persistenceagent-rhel8'));
      this.applyComponent(params, owner, 'scheduledworkflow', IMAGE('odh-data-science-pipelines-argo-scheduledworkflow-rhel8'));
      this.applyComponent(params, owner, 'workflow-controller', IMAGE('odh-data-science-pipelines-argo-workflowcontroller-rhel8'));
      this.ensureBackend(params);
    }
    this.writeStatus(dspa, params, dbError, storeError);
    // "Health check for Database or Object Store failed, retrying in 20 seconds" (DSPO.RequeueTime);
    // the twin retries after 2 s.
    if (dbError || storeError) setTimeout(() => this.queue.enqueue(key), 2000).unref();
  }

  private secretValue(ns: string, name: string, key: string): string | undefined {
    const raw = this.client.get('v1', 'Secret', name, ns)?.data?.[key];
    return raw === undefined ? undefined : Buffer.from(raw, 'base64').toString('utf8');
  }

  /** dspipeline_params.go ExtractParams: a string is the error that stops the reconcile (no status). */
  private extractParams(dspa: KObject): Params | string {
    const ns = dspa.metadata.namespace!;
    const name = dspa.metadata.name!;
    const spec = dspa.spec ?? {};
    const ext = spec.objectStorage?.externalStorage;
    if (!ext) {
      if (!spec.objectStorage?.minio)
        return 'either [spec.objectStorage.minio] or [spec.objectStorage.externalStorage] need to be specified in DSPA spec';
      return 'minio specified, but no image provided in the DSPA CR Spec (the twin deploys no MinIO for a DSPA: use externalStorage)';
    }
    const cred = ext.s3CredentialsSecret;
    let accessKeyId = this.secretValue(ns, cred.secretName, cred.accessKey) ?? '';
    let secretAccessKey = this.secretValue(ns, cred.secretName, cred.secretKey) ?? '';
    if (!accessKeyId || !secretAccessKey)
      return `Object Storage Password from secret [${cred.secretName}] for keys [${cred.accessKey}, ${cred.secretKey}] was not successfully retrieved, ensure that the secret with this key exist.`;
    if (this.ctx.faults.has(STORAGE_CREDENTIALS_FAULT)) accessKeyId = secretAccessKey = '';
    const secure = ext.secure ?? ext.scheme === 'https';
    const scheme = ext.scheme ?? 'https';
    const endpoint = `${scheme}://${ext.host}${ext.port ? `:${ext.port}` : ''}`;
    const ca = [this.ctx.settings.ingressCaPem, ...this.trustedCa(dspa)];
    const store = {
      endpoint,
      bucket: ext.bucket,
      region: ext.region || 'auto',
      accessKeyId,
      secretAccessKey,
      ca,
      secretName: cred.secretName,
      accessKey: cred.accessKey,
      secretKey: cred.secretKey,
      host: ext.host,
      port: ext.port ?? '',
      secure,
    };
    const extDb = spec.database?.externalDB;
    if (extDb) {
      const password = this.secretValue(ns, extDb.passwordSecret.name, extDb.passwordSecret.key);
      if (password === undefined)
        return `DB Password from secret [${extDb.passwordSecret.name}] for key [${extDb.passwordSecret.key}] was not successfully retrieved, ensure that the secret with this key exist.`;
      return {
        name,
        namespace: ns,
        db: {
          host: extDb.host,
          port: extDb.port,
          user: extDb.username,
          dbName: extDb.pipelineDBName,
          password,
          secret: extDb.passwordSecret,
          mariadb: false,
        },
        store,
      };
    }
    const maria = spec.database?.mariaDB ?? {};
    const secret = maria.passwordSecret ?? { name: `ds-pipeline-db-${name}`, key: 'password' };
    let password = this.secretValue(ns, secret.name, secret.key);
    if (password === undefined && !maria.passwordSecret) {
      password = randomBytes(9)
        .toString('base64')
        .replace(/[^A-Za-z0-9]/g, 'x')
        .slice(0, 12);
      this.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: secret.name,
          namespace: ns,
          labels: { app: `mariadb-${name}`, component: 'data-science-pipelines' },
          ownerReferences: [ownerReference({ ...dspa, apiVersion: DSPA_API, kind: DSPA_KIND })],
        },
        type: 'Opaque',
        data: { [secret.key]: Buffer.from(password).toString('base64') },
      });
    }
    if (password === undefined)
      return `DB Password from secret [${secret.name}] for key [${secret.key}] was not successfully retrieved, ensure that the secret with this key exist.`;
    return {
      name,
      namespace: ns,
      db: {
        host: `mariadb-${name}.${ns}.svc.cluster.local`,
        port: '3306',
        user: maria.username ?? 'mlpipeline',
        dbName: maria.pipelineDBName ?? 'mlpipeline',
        password,
        secret,
        mariadb: true,
      },
      store,
    };
  }

  /** spec.apiServer.cABundle (copied into dsp-trusted-ca-<name>) and the namespace's odh-trusted-ca-bundle. */
  private trustedCa(dspa: KObject): string[] {
    const ns = dspa.metadata.namespace!;
    const out: string[] = [];
    const odh = this.client.get('v1', 'ConfigMap', 'odh-trusted-ca-bundle', ns);
    for (const k of ['ca-bundle.crt', 'odh-ca-bundle.crt']) if (odh?.data?.[k]) out.push(odh.data[k]);
    const bundle = this.ctx.faults.has(CA_BUNDLE_FAULT) ? undefined : dspa.spec?.apiServer?.cABundle;
    if (bundle) {
      const cm = this.client.get('v1', 'ConfigMap', bundle.configMapName, ns);
      const pem = cm?.data?.[bundle.configMapKey];
      if (pem) {
        out.push(pem);
        this.client.apply({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: `dsp-trusted-ca-${dspa.metadata.name}`,
            namespace: ns,
            labels: { component: 'data-science-pipelines', dspa: dspa.metadata.name! },
          },
          data: { 'dsp-ca.crt': out.join('\n') },
        });
      }
    }
    return out;
  }

  private async checkDatabase(dspa: KObject, p: Params): Promise<string | undefined> {
    if (dspa.spec?.database?.disableHealthCheck) return undefined;
    if (this.ctx.faults.has(DATABASE_FAULT)) return `dial tcp: lookup ${p.db.host}: no such host`;
    return mysqlLogin(workloadRuntimeOf(this.ctx).network, p.namespace, p.db.host, Number(p.db.port), {
      user: p.db.user,
      password: p.db.password,
      database: p.db.dbName,
    });
  }

  private applyMariaDb(p: Params, owner: Owner[]): void {
    const name = `mariadb-${p.name}`;
    const labels = { app: name, component: 'data-science-pipelines', dspa: p.name };
    this.client.apply({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: `ds-pipelines-mariadb-sa-${p.name}`, namespace: p.namespace, labels, ownerReferences: owner },
    });
    this.client.apply({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: p.namespace, labels, ownerReferences: owner },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    });
    this.client.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: p.namespace, labels, ownerReferences: owner },
      spec: { ports: [{ name: 'http', port: 3306, protocol: 'TCP', targetPort: 3306 }], selector: labels },
    });
    this.client.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: p.namespace, labels, ownerReferences: owner },
      spec: {
        strategy: { type: 'Recreate' },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: `ds-pipelines-mariadb-sa-${p.name}`,
            containers: [
              {
                name: 'mariadb',
                image: MARIADB_IMAGE,
                ports: [{ containerPort: 3306, protocol: 'TCP' }],
                env: [
                  { name: 'MYSQL_USER', value: p.db.user },
                  { name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: p.db.secret.name, key: p.db.secret.key } } },
                  { name: 'MYSQL_DATABASE', value: p.db.dbName },
                  { name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: 'true' },
                ],
                resources: { requests: { cpu: '300m', memory: '800Mi' }, limits: { cpu: '1', memory: '1Gi' } },
                volumeMounts: [{ name: 'mariadb-persistent-storage', mountPath: '/var/lib/mysql' }],
              },
            ],
            volumes: [{ name: 'mariadb-persistent-storage', persistentVolumeClaim: { claimName: name } }],
          },
        },
      },
    });
  }

  private applyApiServer(dspa: KObject, p: Params, owner: Owner[]): void {
    const name = `ds-pipeline-${p.name}`;
    const labels = { app: name, component: 'data-science-pipelines', dspa: p.name };
    const meta = (n: string) => ({ name: n, namespace: p.namespace, labels, ownerReferences: owner });
    this.client.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name) });
    this.client.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(`pipeline-runner-${p.name}`) });
    this.client.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`ds-pipeline-user-access-${p.name}`),
      rules: [
        { apiGroups: ['route.openshift.io'], resources: ['routes'], resourceNames: [name], verbs: ['get'] },
        {
          apiGroups: ['datasciencepipelinesapplications.opendatahub.io'],
          resources: ['datasciencepipelinesapplications/api'],
          resourceNames: [p.name],
          verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'],
        },
      ],
    });
    this.client.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`ds-pipeline-server-config-${p.name}`),
      data: {
        'config.json': JSON.stringify(
          {
            DBConfig: { MySQLConfig: { ExtraParams: { tls: 'false' } }, ConMaxLifeTime: '120s' },
            ObjectStoreConfig: { PipelinePath: 'pipelines' },
            DBDriverName: 'mysql',
            ARCHIVE_CONFIG_LOG_FILE_NAME: 'main.log',
            InitConnectionTimeout: '6m',
          },
          null,
          2,
        ),
      },
    });
    this.client.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        ...meta(name),
        annotations: { 'service.beta.openshift.io/serving-cert-secret-name': `ds-pipelines-proxy-tls-${p.name}` },
      },
      spec: {
        ports: [
          { name: 'oauth', port: 8443, protocol: 'TCP', targetPort: 'oauth' },
          { name: 'http', port: 8888, protocol: 'TCP', targetPort: 8888 },
          { name: 'grpc', port: 8887, protocol: 'TCP', targetPort: 8887 },
        ],
        selector: labels,
      },
    });
    const bundle = this.ctx.faults.has(CA_BUNDLE_FAULT) ? undefined : dspa.spec?.apiServer?.cABundle;
    const env: Json[] = [
      { name: 'POD_NAMESPACE', value: p.namespace },
      { name: 'DBCONFIG_USER', value: p.db.user },
      { name: 'DBCONFIG_PASSWORD', valueFrom: { secretKeyRef: { key: p.db.secret.key, name: p.db.secret.name } } },
      { name: 'DBCONFIG_DBNAME', value: p.db.dbName },
      { name: 'DBCONFIG_HOST', value: p.db.host },
      { name: 'DBCONFIG_PORT', value: p.db.port },
      ...(bundle
        ? [
            { name: 'ARTIFACT_COPY_STEP_CABUNDLE_CONFIGMAP_NAME', value: `dsp-trusted-ca-${p.name}` },
            { name: 'ARTIFACT_COPY_STEP_CABUNDLE_CONFIGMAP_KEY', value: 'dsp-ca.crt' },
            { name: 'ARTIFACT_COPY_STEP_CABUNDLE_MOUNTPATH', value: '/dsp-custom-certs' },
            { name: 'SSL_CERT_DIR', value: '/dsp-custom-certs:/etc/ssl/certs:/etc/pki/tls/certs' },
          ]
        : []),
      { name: 'AUTO_UPDATE_PIPELINE_DEFAULT_VERSION', value: 'true' },
      { name: 'DBCONFIG_CONMAXLIFETIMESEC', value: '120' },
      { name: 'OBJECTSTORECONFIG_CREDENTIALSSECRET', value: p.store.secretName },
      { name: 'OBJECTSTORECONFIG_CREDENTIALSACCESSKEYKEY', value: p.store.accessKey },
      { name: 'OBJECTSTORECONFIG_CREDENTIALSSECRETKEYKEY', value: p.store.secretKey },
      { name: 'DEFAULTPIPELINERUNNERSERVICEACCOUNT', value: `pipeline-runner-${p.name}` },
      { name: 'OBJECTSTORECONFIG_BUCKETNAME', value: p.store.bucket },
      { name: 'OBJECTSTORECONFIG_ACCESSKEY', valueFrom: { secretKeyRef: { key: p.store.accessKey, name: p.store.secretName } } },
      { name: 'OBJECTSTORECONFIG_SECRETACCESSKEY', valueFrom: { secretKeyRef: { key: p.store.secretKey, name: p.store.secretName } } },
      { name: 'OBJECTSTORECONFIG_SECURE', value: String(p.store.secure) },
      { name: 'MINIO_SERVICE_SERVICE_HOST', value: p.store.host },
      { name: 'MINIO_SERVICE_SERVICE_PORT', value: p.store.port },
      { name: 'ML_PIPELINE_SERVICE_HOST', value: `${name}.${p.namespace}.svc.cluster.local` },
      { name: 'ML_PIPELINE_SERVICE_PORT_GRPC', value: '8887' },
      { name: 'EXECUTIONTYPE', value: 'Workflow' },
      { name: 'DB_DRIVER_NAME', value: 'mysql' },
      { name: 'DBCONFIG_MYSQLCONFIG_USER', value: p.db.user },
      { name: 'DBCONFIG_MYSQLCONFIG_PASSWORD', valueFrom: { secretKeyRef: { key: p.db.secret.key, name: p.db.secret.name } } },
      { name: 'DBCONFIG_MYSQLCONFIG_DBNAME', value: p.db.dbName },
      { name: 'DBCONFIG_MYSQLCONFIG_HOST', value: p.db.host },
      { name: 'DBCONFIG_MYSQLCONFIG_PORT', value: p.db.port },
    ];
    this.client.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: deploymentSpec(labels, {
        serviceAccountName: name,
        containers: [
          {
            name: 'ds-pipeline-api-server',
            image: IMAGE('odh-ml-pipelines-api-server-v2-rhel8'),
            command: ['/bin/apiserver'],
            args: ['--config=/config', '-logtostderr=true'],
            env,
            ports: [
              { containerPort: 8888, name: 'http' },
              { containerPort: 8887, name: 'grpc' },
            ],
            resources: { requests: { cpu: '250m', memory: '500Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
            volumeMounts: [
              { name: 'server-config', mountPath: '/config/config.json', subPath: 'config.json' },
              ...(bundle ? [{ name: 'ca-bundle', mountPath: '/dsp-custom-certs' }] : []),
            ],
          },
          {
            name: 'oauth-proxy',
            image: OAUTH_PROXY_IMAGE,
            args: [
              '--https-address=:8443',
              '--provider=openshift',
              `--openshift-service-account=${name}`,
              '--upstream=http://localhost:8888',
              '--tls-cert=/etc/tls/private/tls.crt',
              '--tls-key=/etc/tls/private/tls.key',
              '--cookie-secret=SECRET',
              `--openshift-delegate-urls={"/": {"group":"route.openshift.io","resource":"routes","verb":"get","name":"${name}","namespace":"${p.namespace}"}}`,
              `--openshift-sar={"namespace":"${p.namespace}","resource":"routes","resourceName":"${name}","verb":"get","resourceAPIGroup":"route.openshift.io"}`,
              "--skip-auth-regex='(^/metrics|^/apis/v1beta1/healthz)'",
            ],
            ports: [{ containerPort: 8443, name: 'oauth' }],
            resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '100m', memory: '256Mi' } },
            volumeMounts: [{ mountPath: '/etc/tls/private', name: 'proxy-tls' }],
          },
        ],
        volumes: [
          { name: 'proxy-tls', secret: { secretName: `ds-pipelines-proxy-tls-${p.name}` } },
          { name: 'server-config', configMap: { name: `ds-pipeline-server-config-${p.name}` } },
          ...(bundle ? [{ name: 'ca-bundle', configMap: { name: `dsp-trusted-ca-${p.name}` } }] : []),
        ],
      }),
    });
    // Fault pipelines-route-accepts-no-token: the Route reaches the API server's own http port, past the proxy.
    const open = this.ctx.faults.has(ROUTE_FAULT);
    this.client.apply({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { ...meta(name), annotations: { 'kubernetes.io/tls-acme': 'true' } },
      spec: {
        to: { kind: 'Service', name, weight: 100 },
        port: { targetPort: open ? 'http' : 'oauth' },
        tls: { termination: open ? 'edge' : 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect' },
      },
    });
  }

  private applyComponent(p: Params, owner: Owner[], component: string, image: string): void {
    const name = `ds-pipeline-${component}-${p.name}`;
    const labels = { app: name, component: 'data-science-pipelines', dspa: p.name };
    this.client.apply({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: p.namespace, labels, ownerReferences: owner },
    });
    this.client.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: p.namespace, labels, ownerReferences: owner },
      spec: deploymentSpec(labels, {
        serviceAccountName: name,
        containers: [
          {
            name: `ds-pipeline-${component}`,
            image,
            env: [
              { name: 'NAMESPACE', value: p.namespace },
              ...(component === 'scheduledworkflow' ? [{ name: 'CRON_SCHEDULE_TIMEZONE', value: 'UTC' }] : []),
            ],
            resources: { requests: { cpu: '120m', memory: '100Mi' }, limits: { cpu: '250m', memory: '250Mi' } },
          },
        ],
      }),
    });
  }

  /** The pipeline server's database (kept across API server restarts), its object storage and faults. */
  private ensureBackend(p: Params): void {
    const key = `${p.namespace}/${p.name}`;
    let b = this.backends.get(key);
    if (!b) {
      const ctx = this.ctx;
      const faults = { has: (n: string) => ctx.faults.has(n) };
      b = new PipelineBackend({
        namespace: p.namespace,
        client: this.ctx.clientFor('ds-pipeline-api-server', `${p.namespace}:ds-pipeline-${p.name}`),
        network: workloadRuntimeOf(this.ctx).network,
        faults,
        now: () => new Date(),
        log: this.ctx.settings.log,
      });
      b.refuseEveryIr = this.ctx.faults.has(IR_FAULT);
      b.onRunFinished = (run) => this.scheduler.runFinished(run, p.namespace);
      this.backends.set(key, b);
    }
    b.objectStoreConfig = {
      endpoint: p.store.endpoint,
      bucket: p.store.bucket,
      region: p.store.region === 'auto' ? 'us-east-1' : p.store.region,
      accessKeyId: p.store.accessKeyId,
      secretAccessKey: p.store.secretAccessKey,
      ca: p.store.ca,
    };
  }

  private readyCondition(ns: string, component: string, type: string, generation: number): Json {
    const d = this.client.get('apps/v1', 'Deployment', component, ns);
    const c = (status: string, reason: string, message: string) => ({ type, status, reason, message, observedGeneration: generation });
    if (!d)
      return c(
        'False',
        'ComponentDeploymentNotFound',
        `Deployment for component "${component}" is missing - pre-requisite component may not yet be available.`,
      );
    if (conditionOf(d, 'Available')?.status === 'True')
      return c('True', 'MinimumReplicasAvailable', `Component [${component}] is minimally available.`);
    const crash = this.client
      .list('v1', 'Pod', ns, { labelSelector: `app=${component}` })
      .flatMap((pod) => pod.status?.containerStatuses ?? [])
      .find((s: Json) => s.state?.waiting?.reason === 'CrashLoopBackOff');
    if (crash)
      return c(
        'False',
        'FailingToDeploy',
        `Component [${component}] is in CrashLoopBackOff. Message from pod: [${crash.state.waiting.message ?? ''}]`,
      );
    return c('False', 'Deploying', `Component [${component}] is deploying.`);
  }

  private writeStatus(dspa: KObject, p: Params, dbError: string | undefined, storeError: string | undefined): void {
    const generation = dspa.metadata.generation ?? 1;
    const ns = p.namespace;
    const conditions: Json[] = [
      {
        type: 'DatabaseAvailable',
        status: dbError ? 'False' : 'True',
        reason: 'DatabaseAvailable',
        message: dbError ?? 'Database connectivity successfully verified',
        observedGeneration: generation,
      },
      {
        type: 'ObjectStoreAvailable',
        status: storeError ? 'False' : 'True',
        reason: 'ObjectStoreAvailable',
        message: storeError ?? 'Object Store connectivity successfully verified',
        observedGeneration: generation,
      },
      this.readyCondition(ns, `ds-pipeline-${p.name}`, 'APIServerReady', generation),
      this.readyCondition(ns, `ds-pipeline-persistenceagent-${p.name}`, 'PersistenceAgentReady', generation),
      this.readyCondition(ns, `ds-pipeline-scheduledworkflow-${p.name}`, 'ScheduledWorkflowReady', generation),
    ];
    const failing = conditions.filter((c) => c.status === 'False');
    conditions.push({
      type: 'Ready',
      status: failing.length ? 'False' : 'True',
      reason: 'MinimumReplicasAvailable',
      message: failing.length ? failing.map((c) => `${c.message} \n`).join('') : 'All components are ready.',
      observedGeneration: generation,
    });
    const previous: Json[] = dspa.status?.conditions ?? [];
    const now = timestamp();
    for (const c of conditions) {
      const old = previous.find((o) => o.type === c.type);
      c.lastTransitionTime = old && old.status === c.status ? old.lastTransitionTime : now;
    }
    if (JSON.stringify(previous) === JSON.stringify(conditions)) return;
    this.client.patchStatus(DSPA_API, DSPA_KIND, p.name, ns, { conditions });
  }
}
