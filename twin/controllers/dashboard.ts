// The RHOAI 2.9 dashboard component's cluster objects. Upstream: red-hat-data-services/rhods-operator,
// branch rhoai-2.9, components/dashboard/dashboard.go (ReconcileComponent, applyRHOAISpecificConfigs:
// the OdhDashboardConfig from odh-dashboard manifests, deployed only when missing, with the admin
// group rhods-admins on self-managed); red-hat-data-services/odh-dashboard, branch rhoai-2.9,
// manifests/ (odhdashboardconfig, serving-runtime templates, notebook ImageStreams) and
// backend/src/utils (cleanupGPU, the start-up GPU migration). While the rhods-dashboard Deployment exists
// (the rhods-operator deploys it when DataScienceCluster `dashboard` is Managed) this controller
// plays what ships with it: the OdhDashboardConfig `odh-dashboard-config` (created once, then the
// admins' to change, as the 2.9 operator never updates an existing one), the serving-runtime
// Templates and — while `workbenches` is Managed — the notebook ImageStreams (re-applied with force
// whenever they drift, as the operator's manifests are), and, each time a dashboard rollout becomes
// available, the backend's start-up GPU migration (odh-dashboard backend `cleanupGPU`).
// It also plays the rhods-operator's secret generator for the dashboard (rhods-operator rhoai-2.9
// controllers/secretgenerator/secretgenerator_controller.go: the Secrets dashboard-oauth-config and
// dashboard-oauth-client of odh-dashboard manifests/base/oauth.secret.yaml get their -generated
// copies with random values, and the OAuthClient dashboard-oauth-client is created with that secret
// and the redirect URI https://<rhods-dashboard route host>), and registers the dashboard image's
// emulator (twin/emulators/dashboard.ts), the backend and pages the oauth-proxy sidecar fronts.
// It also plays the NVIDIA device plugin's part the dashboard depends on: the GPU node's
// `nvidia.com/gpu` allocatable, which a fault takes away.
import { createHash, randomBytes } from 'node:crypto';
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { DASHBOARD_UI_FAULTS, dashboardEmulator } from '../emulators/dashboard';
import { DASHBOARD_APPS_FAULTS } from '../emulators/dashboard-apps';
import { APPLICATION_KINDS, shippedApplications } from './dashboard-apps';
import { workloadRuntimeOf } from '../network/index';
import { conditionOf, WorkQueue, type Controller, type ControllerContext } from './runtime';

export const DASHBOARD_FAULTS: FaultDefinition[] = [
  {
    name: 'dashboard-config-no-kserve-switch',
    description:
      'The cluster keeps the OdhDashboardConfig CRD of a dashboard older than single-model serving: its schema has no dashboardConfig.disableKServe, so the API server prunes the KServe switch from odh-dashboard-config',
    caughtBy: '@req.INS-KS-01',
    expectMessage: 'disableKServe',
  },
  {
    name: 'dashboard-missing-tgis-template',
    description:
      'The dashboard ships without the pre-installed serving runtime template tgis-grpc-serving-template (TGIS Standalone ServingRuntime for KServe)',
    caughtBy: '@req.INS-KS-01',
    expectMessage: 'tgis-grpc-serving-template',
  },
  {
    name: 'dashboard-runtime-disabled-earlier',
    description:
      'odh-dashboard-config already lists kserve-ovms-gpu in spec.templateDisablement (an admin disabled a serving runtime of that name under Settings > Serving runtimes on an earlier install, and the 2.9 operator keeps an existing OdhDashboardConfig), so a duplicate under that name is listed but disabled',
    caughtBy: '@req.INS-GPU-03',
    expectMessage: 'serving runtime kserve-ovms-gpu is disabled',
  },
  {
    name: 'gpu-no-capacity',
    description:
      'The NVIDIA device plugin is not running on the GPU worker: no node advertises nvidia.com/gpu in status.allocatable (the GPU Operator ClusterPolicy is not ready)',
    caughtBy: '@req.INS-GPU-01',
    expectMessage: 'no node advertises nvidia.com/gpu',
  },
  {
    name: 'dashboard-oauth-client-stale-redirect',
    description:
      "The OAuthClient dashboard-oauth-client still names the redirect URI of an earlier install's dashboard route (the secret generator only creates it once), so the OAuth server refuses the dashboard's login",
    caughtBy: '@req.CMP-01',
    expectMessage: 'refused the authorization request of client dashboard-oauth-client',
  },
  ...DASHBOARD_UI_FAULTS,
  ...DASHBOARD_APPS_FAULTS,
];

const MANAGER = 'rhods-dashboard';
const DEPLOYMENT = 'rhods-dashboard';
const DSCI_API = 'dscinitialization.opendatahub.io/v1';
const DSC_API = 'datasciencecluster.opendatahub.io/v1';
const CONFIG_API = 'opendatahub.io/v1alpha';
const PROFILE_API = 'dashboard.opendatahub.io/v1';
const CONFIG_CRD = 'odhdashboardconfigs.opendatahub.io';
const GPU = 'nvidia.com/gpu';
const MIGRATION_CONFIG_MAP = 'migration-gpu-status';

export class DashboardComponent implements Controller {
  readonly name = 'rhods-dashboard';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  /** Dashboard rollouts (Deployment uid/generation) whose pods have run the start-up migration. */
  private readonly migrated = new Set<string>();
  private readonly devicePlugin: NvidiaDevicePlugin;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor(MANAGER, 'redhat-ods-applications:rhods-dashboard');
    this.queue = new WorkQueue('rhods-dashboard', ctx.settings.latencyMs, () => this.reconcile(), ctx.settings.log);
    this.devicePlugin = new NvidiaDevicePlugin(ctx);
  }

  start(): void {
    this.devicePlugin.start();
    workloadRuntimeOf(this.ctx).emulators.register(dashboardEmulator({ client: this.client, faults: this.ctx.faults }));
    this.client.watch('route.openshift.io/v1', 'Route', (_t, r) => r.metadata.name === DEPLOYMENT && this.queue.enqueue('dashboard'));
    this.client.watch(
      'v1',
      'Secret',
      (_t, o) => o.metadata.name?.startsWith('dashboard-oauth-') === true && this.queue.enqueue('dashboard'),
    );
    const wake = () => this.queue.enqueue('dashboard');
    this.client.watch('apps/v1', 'Deployment', (_t, d) => d.metadata.name === DEPLOYMENT && wake());
    this.client.watch(DSCI_API, 'DSCInitialization', wake);
    this.client.watch(DSC_API, 'DataScienceCluster', wake);
    this.client.watch('apiextensions.k8s.io/v1', 'CustomResourceDefinition', (type, crd) => {
      if (type !== 'DELETED' && crd.metadata.name === CONFIG_CRD && this.ctx.faults.has('dashboard-config-no-kserve-switch'))
        this.forgetKServeSwitch(crd);
      if (crd.spec?.group === 'opendatahub.io' || crd.spec?.group === 'dashboard.opendatahub.io') wake();
    });
    // What it ships comes back when someone deletes or edits it.
    this.client.watch('template.openshift.io/v1', 'Template', (_t, o) => isOotb(o) && wake());
    this.client.watch(
      'image.openshift.io/v1',
      'ImageStream',
      (_t, o) => o.metadata.labels?.['opendatahub.io/notebook-image'] === 'true' && wake(),
    );
    this.client.watch(CONFIG_API, 'OdhDashboardConfig', (type) => type === 'DELETED' && wake());
    for (const kind of APPLICATION_KINDS) this.client.watch(PROFILE_API, kind, (type) => type !== 'ADDED' && wake());
  }

  private applicationsNamespace(): string {
    const dsci = this.client.list(DSCI_API, 'DSCInitialization')[0];
    return dsci?.spec?.applicationsNamespace ?? 'redhat-ods-applications';
  }

  private reconcile(): void {
    const ns = this.applicationsNamespace();
    const deployment = this.client.get('apps/v1', 'Deployment', DEPLOYMENT, ns);
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    if (!this.client.hasKind(CONFIG_API, 'OdhDashboardConfig') || !this.client.hasKind(PROFILE_API, 'AcceleratorProfile')) return;
    this.ensureConfig(ns);
    this.ensureOAuthSecrets(ns);
    // rhods-operator rhoai-2.9 controllers/dscinitialization/monitoring.go configureSegmentIO deploys
    // config/monitoring/segment/segment-key-config.yaml into the applications namespace (then it is the admins').
    if (!this.ctx.faults.has('dashboard-segment-key-config-missing') && !this.client.get('v1', 'ConfigMap', 'odh-segment-key-config', ns))
      this.client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'odh-segment-key-config', namespace: ns },
        data: { segmentKeyEnabled: 'true' },
      });
    for (const template of servingRuntimeTemplates(ns)) {
      if (template.metadata.name === 'tgis-grpc-serving-template' && this.ctx.faults.has('dashboard-missing-tgis-template')) continue;
      this.ensureShipped(template);
    }
    if (this.workbenchesManaged()) for (const image of notebookImageStreams(ns)) this.ensureImageStream(image);
    // The Enabled, Explore and Resources pages' applications and documents (dashboard-apps.ts).
    if (APPLICATION_KINDS.every((k) => this.client.hasKind(PROFILE_API, k))) for (const o of shippedApplications(ns)) this.ensureShipped(o);
    if (conditionOf(deployment, 'Available')?.status === 'True') this.migrateOnStart(deployment, ns);
  }

  /** The secret generator: the annotated Secrets, their -generated copies and the dashboard's OAuthClient. */
  private ensureOAuthSecrets(ns: string): void {
    const generated = (name: string, key: string, bytes: number): string => {
      const annotated = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          namespace: ns,
          annotations: {
            'secret-generator.opendatahub.io/name': key,
            'secret-generator.opendatahub.io/type': key === 'secret' ? 'random' : 'oauth',
            'secret-generator.opendatahub.io/complexity': String(bytes),
            ...(key === 'secret' ? { 'secret-generator.opendatahub.io/oauth-client-route': DEPLOYMENT } : {}),
          },
        },
        type: 'Opaque',
      };
      if (!this.client.get('v1', 'Secret', name, ns)) this.client.create(annotated);
      const live = this.client.get('v1', 'Secret', `${name}-generated`, ns);
      if (live?.data?.[key]) return Buffer.from(live.data[key], 'base64').toString('utf8');
      const value = randomBytes(bytes).toString('base64url').slice(0, bytes);
      this.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${name}-generated`, namespace: ns },
        type: 'Opaque',
        data: { [key]: Buffer.from(value).toString('base64') },
      });
      return value;
    };
    generated('dashboard-oauth-config', 'cookie_secret', 16);
    const secret = generated('dashboard-oauth-client', 'secret', 32);
    const host = this.client.get('route.openshift.io/v1', 'Route', DEPLOYMENT, ns)?.spec?.host;
    if (!host || this.client.get('oauth.openshift.io/v1', 'OAuthClient', 'dashboard-oauth-client')) return;
    const redirect = this.ctx.faults.has('dashboard-oauth-client-stale-redirect')
      ? `https://rhods-dashboard-${ns}.apps.previous-install.example.com`
      : `https://${host}`;
    this.client.create({
      apiVersion: 'oauth.openshift.io/v1',
      kind: 'OAuthClient',
      metadata: { name: 'dashboard-oauth-client' },
      secret,
      redirectURIs: [redirect],
      grantMethod: 'auto',
    });
  }

  private workbenchesManaged(): boolean {
    return this.client.list(DSC_API, 'DataScienceCluster').some((dsc) => dsc.spec?.components?.workbenches?.managementState === 'Managed');
  }

  /** Created once; after that the object is the admins' (the 2.9 operator skips an existing OdhDashboardConfig). */
  private ensureConfig(ns: string): void {
    if (this.client.get(CONFIG_API, 'OdhDashboardConfig', 'odh-dashboard-config', ns)) return;
    const config = dashboardConfig(ns);
    if (this.ctx.faults.has('dashboard-config-no-kserve-switch')) delete config.spec.dashboardConfig.disableKServe;
    if (this.ctx.faults.has('dashboard-runtime-disabled-earlier')) config.spec.templateDisablement = ['kserve-ovms-gpu'];
    this.client.create(config);
  }

  /** Server-side apply with force when the live object has drifted from what ships (the operator's manifests win). */
  private ensureShipped(desired: KObject): KObject {
    const live = this.client.get(desired.apiVersion, desired.kind, desired.metadata.name!, desired.metadata.namespace);
    if (live && contains(live, desired)) return live;
    return this.client.apply(desired, { force: true });
  }

  private ensureImageStream(desired: KObject): void {
    const { status, ...spec } = desired;
    const live = this.ensureShipped(spec as KObject);
    if (!contains(live, { status }))
      this.client.patchStatus('image.openshift.io/v1', 'ImageStream', live.metadata.name!, live.metadata.namespace, status);
  }

  /**
   * odh-dashboard 2.22 `cleanupGPU`, run by each new dashboard pod: unless the ConfigMap
   * migration-gpu-status exists, and only when there is no AcceleratorProfile, it creates
   * `migrated-gpu` if a node advertises nvidia.com/gpu; then it records the migration.
   */
  private migrateOnStart(deployment: KObject, ns: string): void {
    const rollout = `${deployment.metadata.uid}/${deployment.metadata.generation}`;
    if (this.migrated.has(rollout)) return;
    this.migrated.add(rollout);
    if (this.client.get('v1', 'ConfigMap', MIGRATION_CONFIG_MAP, ns)) return;
    if (!this.client.list(PROFILE_API, 'AcceleratorProfile', ns).length && this.nodesAdvertise(GPU)) {
      this.client.create({
        apiVersion: PROFILE_API,
        kind: 'AcceleratorProfile',
        metadata: { name: 'migrated-gpu', namespace: ns },
        spec: {
          displayName: 'NVIDIA GPU',
          identifier: GPU,
          enabled: true,
          tolerations: [{ effect: 'NoSchedule', key: GPU, operator: 'Exists' }],
        },
      });
    }
    this.client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: MIGRATION_CONFIG_MAP, namespace: ns },
      data: { migratedCompleted: 'true' },
    });
  }

  private nodesAdvertise(resource: string): boolean {
    return this.client.list('v1', 'Node').some((n) => Number.parseInt(n.status?.allocatable?.[resource] ?? '0', 10) > 0);
  }

  /** Fault: the CRD on the cluster is an older one, without the KServe switch. */
  private forgetKServeSwitch(crd: KObject): void {
    const i = (crd.spec.versions as KObject[]).findIndex(
      (v) => v.schema?.openAPIV3Schema?.properties?.spec?.properties?.dashboardConfig?.properties?.disableKServe,
    );
    if (i < 0) return;
    this.client.patch(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      CONFIG_CRD,
      undefined,
      [
        {
          op: 'remove',
          path: `/spec/versions/${i}/schema/openAPIV3Schema/properties/spec/properties/dashboardConfig/properties/disableKServe`,
        },
      ] as unknown as object,
      'json',
    );
  }
}

/**
 * The GPU worker's device plugin (NVIDIA GPU Operator). The twin's nodes declare their
 * nvidia.com/gpu capacity; under `gpu-no-capacity` the plugin is not running, so no node
 * advertises it, as on a cluster whose ClusterPolicy is not ready.
 */
class NvidiaDevicePlugin {
  private readonly client: TwinClient;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('kubelet');
  }

  start(): void {
    if (!this.ctx.faults.has('gpu-no-capacity')) return;
    this.client.watch('v1', 'Node', (type, node) => {
      if (type === 'DELETED') return;
      const { capacity, allocatable } = node.status ?? {};
      if (capacity?.[GPU] === undefined && allocatable?.[GPU] === undefined) return;
      this.client.patchStatus('v1', 'Node', node.metadata.name!, undefined, { capacity: { [GPU]: null }, allocatable: { [GPU]: null } });
    });
  }
}

/** Whether every field of `desired` (maps recursively, lists and scalars exactly) is in `live`. */
export function contains(live: unknown, desired: unknown): boolean {
  if (desired === null || typeof desired !== 'object') return live === desired;
  if (Array.isArray(desired)) return Array.isArray(live) && live.length === desired.length && desired.every((d, i) => contains(live[i], d));
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
  return Object.entries(desired).every(([k, v]) => contains((live as Record<string, unknown>)[k], v));
}

function isOotb(o: KObject): boolean {
  return o.metadata.labels?.['opendatahub.io/ootb'] === 'true';
}

// ---- what the 2.9 dashboard component ships ----

const size = (name: string, request: [string, string], limit: [string, string]) => ({
  name,
  resources: { requests: { cpu: request[0], memory: request[1] }, limits: { cpu: limit[0], memory: limit[1] } },
});

/**
 * odh-dashboard rhoai-2.9 manifests/overlays/odhdashboardconfig/odhdashboardconfig.yaml, with
 * `<admin_groups>` replaced by `rhods-admins` as the operator does on self-managed.
 */
export function dashboardConfig(ns: string): KObject {
  return {
    apiVersion: CONFIG_API,
    kind: 'OdhDashboardConfig',
    metadata: {
      name: 'odh-dashboard-config',
      namespace: ns,
      labels: { 'app.kubernetes.io/part-of': 'rhods-dashboard', 'app.opendatahub.io/rhods-dashboard': 'true' },
    },
    spec: {
      dashboardConfig: {
        enablement: true,
        disableInfo: false,
        disableSupport: false,
        disableClusterManager: false,
        disableTracking: false,
        disableBYONImageStream: false,
        disableISVBadges: false,
        disableUserManagement: false,
        disableProjects: false,
        disableModelServing: false,
        disableProjectSharing: false,
        disableCustomServingRuntimes: false,
        disablePipelines: false,
        disableBiasMetrics: false,
        disablePerformanceMetrics: false,
        disableKServe: false,
        disableKServeAuth: false,
        disableModelMesh: false,
        disableAcceleratorProfiles: false,
        disableDistributedWorkloads: false,
        disableModelRegistry: true,
      },
      groupsConfig: { adminGroups: 'rhods-admins', allowedGroups: 'system:authenticated' },
      notebookController: {
        enabled: true,
        pvcSize: '20Gi',
        notebookNamespace: 'rhods-notebooks',
        notebookTolerationSettings: { enabled: false, key: 'NotebooksOnly' },
      },
      notebookSizes: [
        size('Small', ['1', '8Gi'], ['2', '8Gi']),
        size('Medium', ['3', '24Gi'], ['6', '24Gi']),
        size('Large', ['7', '56Gi'], ['14', '56Gi']),
        size('X Large', ['15', '120Gi'], ['30', '120Gi']),
      ],
      modelServerSizes: [
        size('Small', ['1', '4Gi'], ['2', '8Gi']),
        size('Medium', ['4', '8Gi'], ['8', '10Gi']),
        size('Large', ['6', '16Gi'], ['10', '20Gi']),
      ],
      templateOrder: [],
      templateDisablement: [],
    },
  };
}

/** A stable, image-like digest for the twin's pretend image references. */
function digest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

type RuntimeSpec = { metadata: KObject['metadata']; spec: Record<string, unknown> };

function template(ns: string, name: string, annotations: Record<string, string>, runtime: RuntimeSpec): KObject {
  return {
    apiVersion: 'template.openshift.io/v1',
    kind: 'Template',
    metadata: {
      name,
      namespace: ns,
      labels: { 'opendatahub.io/dashboard': 'true', 'opendatahub.io/ootb': 'true' },
      annotations: { tags: `${name},servingruntime`, ...annotations },
    },
    objects: [{ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', ...runtime }],
    parameters: [],
  };
}

/**
 * odh-dashboard rhoai-2.9 manifests/modelserving/*.yaml (workloads.md §5.1; v2.22): every built-in
 * runtime recommends nvidia.com/gpu already; the docs' "recommended accelerator for serving
 * runtimes" is about a custom runtime, since the built-in ones cannot be edited.
 */
export function servingRuntimeTemplates(ns: string): KObject[] {
  const ovmsImage = `quay.io/modh/openvino_model_server@${digest('ovms-2024.1')}`;
  const tgisImage = `quay.io/modh/text-generation-inference@${digest('tgis-0.1.1')}`;
  return [
    template(
      ns,
      'caikit-tgis-serving-template',
      {
        description:
          'Caikit is an AI toolkit that enables users to manage models through a set of developer friendly APIs. It provides a consistent format for creating and using AI models against a wide variety of data domains and tasks.',
        'openshift.io/display-name': 'Caikit TGIS ServingRuntime for KServe',
        'openshift.io/provider-display-name': 'Red Hat, Inc.',
        'opendatahub.io/modelServingSupport': '["single"]',
        'opendatahub.io/apiProtocol': 'REST',
      },
      {
        metadata: {
          name: 'caikit-tgis-runtime',
          annotations: {
            'openshift.io/display-name': 'Caikit TGIS ServingRuntime for KServe',
            'opendatahub.io/recommended-accelerators': '["nvidia.com/gpu"]',
          },
          labels: { 'opendatahub.io/dashboard': 'true' },
        },
        spec: {
          multiModel: false,
          supportedModelFormats: [{ autoSelect: true, name: 'caikit' }],
          containers: [
            {
              name: 'kserve-container',
              image: tgisImage,
              command: ['text-generation-launcher'],
              args: ['--model-name=/mnt/models/artifacts/'],
              env: [{ name: 'TRANSFORMERS_CACHE', value: '/tmp/transformers_cache' }],
            },
            {
              name: 'transformer-container',
              image: `quay.io/modh/caikit-tgis-serving@${digest('caikit-tgis-0.25')}`,
              env: [
                { name: 'RUNTIME_LOCAL_MODELS_DIR', value: '/mnt/models' },
                { name: 'TRANSFORMERS_CACHE', value: '/tmp/transformers_cache' },
                { name: 'RUNTIME_GRPC_ENABLED', value: 'false' },
                { name: 'RUNTIME_HTTP_ENABLED', value: 'true' },
                { name: 'RUNTIME_GRPC_SERVER_THREAD_POOL_SIZE', value: '64' },
              ],
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              readinessProbe: { exec: { command: ['python', '-m', 'caikit_health_probe', 'readiness'] } },
              livenessProbe: { exec: { command: ['python', '-m', 'caikit_health_probe', 'liveness'] } },
            },
          ],
        },
      },
    ),
    template(
      ns,
      'kserve-ovms',
      {
        description: 'OpenVino Model Serving Definition',
        'openshift.io/display-name': 'OpenVINO Model Server',
        'opendatahub.io/modelServingSupport': '["single"]',
        'opendatahub.io/apiProtocol': 'REST',
      },
      {
        metadata: {
          name: 'kserve-ovms',
          annotations: {
            'openshift.io/display-name': 'OpenVINO Model Server',
            'opendatahub.io/recommended-accelerators': '["nvidia.com/gpu"]',
          },
          labels: { 'opendatahub.io/dashboard': 'true' },
        },
        spec: {
          multiModel: false,
          annotations: { 'prometheus.kserve.io/port': '8888', 'prometheus.kserve.io/path': '/metrics' },
          supportedModelFormats: [
            { name: 'openvino_ir', version: 'opset13', autoSelect: true },
            { name: 'onnx', version: '1' },
            { name: 'tensorflow', version: '1', autoSelect: true },
            { name: 'tensorflow', version: '2', autoSelect: true },
            { name: 'paddle', version: '2', autoSelect: true },
            { name: 'pytorch', version: '2', autoSelect: true },
          ],
          protocolVersions: ['v2', 'grpc-v2'],
          containers: [
            {
              name: 'kserve-container',
              image: ovmsImage,
              args: [
                '--model_name={{.Name}}',
                '--port=8001',
                '--rest_port=8888',
                '--model_path=/mnt/models',
                '--file_system_poll_wait_seconds=0',
                '--grpc_bind_address=127.0.0.1',
                '--rest_bind_address=127.0.0.1',
                '--target_device=AUTO',
                '--metrics_enable',
              ],
              ports: [{ containerPort: 8888, protocol: 'TCP' }],
            },
          ],
        },
      },
    ),
    template(
      ns,
      'ovms',
      {
        description: 'OpenVino Model Serving Definition',
        'openshift.io/display-name': 'OpenVINO Model Server',
        'opendatahub.io/modelServingSupport': '["multi"]',
        'opendatahub.io/apiProtocol': 'REST',
      },
      {
        metadata: {
          name: 'ovms',
          annotations: {
            'openshift.io/display-name': 'OpenVINO Model Server',
            'opendatahub.io/recommended-accelerators': '["nvidia.com/gpu"]',
          },
          labels: { 'opendatahub.io/dashboard': 'true' },
        },
        spec: {
          builtInAdapter: {
            env: [{ name: 'OVMS_FORCE_TARGET_DEVICE', value: 'AUTO' }],
            memBufferBytes: 134217728,
            modelLoadingTimeoutMillis: 90000,
            runtimeManagementPort: 8888,
            serverType: 'ovms',
          },
          containers: [
            {
              name: 'ovms',
              image: ovmsImage,
              args: [
                '--port=8001',
                '--rest_port=8888',
                '--config_path=/models/model_config_list.json',
                '--file_system_poll_wait_seconds=0',
                '--grpc_bind_address=127.0.0.1',
                '--rest_bind_address=127.0.0.1',
              ],
              resources: { limits: { cpu: '0', memory: '0Gi' }, requests: { cpu: '0', memory: '0Gi' } },
            },
          ],
          grpcDataEndpoint: 'port:8001',
          grpcEndpoint: 'port:8085',
          multiModel: true,
          protocolVersions: ['grpc-v1'],
          replicas: 1,
          supportedModelFormats: [
            { autoSelect: true, name: 'openvino_ir', version: 'opset1' },
            { autoSelect: true, name: 'onnx', version: '1' },
            { autoSelect: true, name: 'tensorflow', version: '2' },
          ],
        },
      },
    ),
    template(
      ns,
      'tgis-grpc-serving-template',
      {
        description:
          'Text Generation Inference Server (TGIS) is a high performance inference engine that deploys and serves Large Language Models.',
        'openshift.io/display-name': 'TGIS Standalone ServingRuntime for KServe',
        'openshift.io/provider-display-name': 'Red Hat, Inc.',
        'opendatahub.io/modelServingSupport': '["single"]',
        'opendatahub.io/apiProtocol': 'gRPC',
      },
      {
        metadata: {
          name: 'tgis-grpc-runtime',
          annotations: {
            'openshift.io/display-name': 'TGIS Standalone ServingRuntime for KServe',
            'opendatahub.io/recommended-accelerators': '["nvidia.com/gpu"]',
          },
          labels: { 'opendatahub.io/dashboard': 'true' },
        },
        spec: {
          multiModel: false,
          supportedModelFormats: [{ autoSelect: true, name: 'pytorch' }],
          containers: [
            {
              name: 'kserve-container',
              image: tgisImage,
              command: ['text-generation-launcher'],
              args: ['--model-name=/mnt/models/', '--port=3000', '--grpc-port=8033'],
              env: [{ name: 'TRANSFORMERS_CACHE', value: '/tmp/transformers_cache' }],
              ports: [{ containerPort: 8033, name: 'h2c', protocol: 'TCP' }],
            },
          ],
        },
      },
    ),
  ];
}

interface NotebookImage {
  name: string;
  display: string;
  order: number;
  desc: string;
  repository: string;
  /** Recommended accelerators (opendatahub.io/recommended-accelerators). */
  accelerators?: string[];
  software: Record<'2024.1' | '2023.2', Record<string, string>>;
  packages: Record<'2024.1' | '2023.2', Record<string, string>>;
}

const JUPYTER = { '2024.1': { JupyterLab: '3.6', Notebook: '6.5' }, '2023.2': { JupyterLab: '3.6', Notebook: '6.5' } };
const DATA_SCIENCE = {
  '2024.1': {
    Boto3: '1.34',
    'Kafka-Python': '2.0',
    Kfp: '2.5',
    Matplotlib: '3.8',
    Numpy: '1.26',
    Pandas: '2.2',
    'Scikit-learn': '1.4',
    Scipy: '1.12',
    'Odh-Elyra': '3.16',
    PyMongo: '4.6',
    Pyodbc: '5.1',
    'Codeflare-SDK': '0.16',
  },
  '2023.2': {
    Boto3: '1.28',
    'Kafka-Python': '2.0',
    'Kfp-tekton': '1.5',
    Matplotlib: '3.6',
    Numpy: '1.24',
    Pandas: '1.5',
    'Scikit-learn': '1.3',
    Scipy: '1.11',
    Elyra: '3.15',
    PyMongo: '4.5',
    Pyodbc: '4.0',
    'Codeflare-SDK': '0.12',
  },
};
const withJupyter = (extra: Partial<typeof DATA_SCIENCE>) => ({
  '2024.1': { ...JUPYTER['2024.1'], ...(extra['2024.1'] ?? {}) },
  '2023.2': { ...JUPYTER['2023.2'], ...(extra['2023.2'] ?? {}) },
});

/** red-hat-data-services/notebooks rhoai-2.9 manifests/base/*-imagestream.yaml (workloads.md §4). */
const NOTEBOOK_IMAGES: NotebookImage[] = [
  {
    name: 's2i-minimal-notebook',
    display: 'Minimal Python',
    order: 10,
    desc: 'Jupyter notebook image with minimal dependency set to start experimenting with Jupyter environment.',
    repository: 'quay.io/modh/odh-minimal-notebook-container',
    software: { '2024.1': { Python: 'v3.9' }, '2023.2': { Python: 'v3.9' } },
    packages: JUPYTER,
  },
  {
    name: 's2i-generic-data-science-notebook',
    display: 'Standard Data Science',
    order: 20,
    desc: 'Jupyter notebook image with a set of data science libraries that advanced AI/ML notebooks will use as a base image to provide a standard for libraries avialable in all notebooks',
    repository: 'quay.io/modh/odh-generic-data-science-notebook',
    software: { '2024.1': { Python: 'v3.9' }, '2023.2': { Python: 'v3.9' } },
    packages: withJupyter(DATA_SCIENCE),
  },
  {
    name: 'minimal-gpu',
    display: 'CUDA',
    order: 30,
    desc: 'Jupyter notebook image with GPU support and minimal dependency set to start experimenting with Jupyter environment.',
    repository: 'quay.io/modh/cuda-notebooks',
    accelerators: ['nvidia.com/gpu'],
    software: { '2024.1': { CUDA: '12.1', Python: 'v3.9' }, '2023.2': { CUDA: '11.8', Python: 'v3.9' } },
    packages: JUPYTER,
  },
  {
    name: 'pytorch',
    display: 'PyTorch',
    order: 40,
    desc: 'Jupyter notebook image with PyTorch libraries and dependencies to start experimenting with advanced AI/ML notebooks.',
    repository: 'quay.io/modh/odh-pytorch-notebook',
    accelerators: ['nvidia.com/gpu'],
    software: { '2024.1': { CUDA: '12.1', Python: 'v3.9', PyTorch: '2.2' }, '2023.2': { CUDA: '11.8', Python: 'v3.9', PyTorch: '2.0' } },
    packages: withJupyter(DATA_SCIENCE),
  },
  {
    name: 'tensorflow',
    display: 'TensorFlow',
    order: 50,
    desc: 'Jupyter notebook image with TensorFlow libraries and dependencies to start experimenting with advanced AI/ML notebooks.',
    repository: 'quay.io/modh/cuda-notebooks',
    accelerators: ['nvidia.com/gpu'],
    software: {
      '2024.1': { CUDA: '12.1', Python: 'v3.9', TensorFlow: '2.15' },
      '2023.2': { CUDA: '11.8', Python: 'v3.9', TensorFlow: '2.13' },
    },
    packages: withJupyter(DATA_SCIENCE),
  },
  {
    name: 'odh-trustyai-notebook',
    display: 'TrustyAI',
    order: 60,
    desc: 'Jupyter TrustyAI notebook integrates the TrustyAI Explainability Toolkit on Jupyter environment.',
    repository: 'quay.io/modh/odh-trustyai-notebook',
    software: { '2024.1': { Python: 'v3.9', TrustyAI: '0.5' }, '2023.2': { Python: 'v3.9', TrustyAI: '0.3' } },
    packages: withJupyter(DATA_SCIENCE),
  },
  {
    name: 'habana-notebook',
    display: 'HabanaAI',
    order: 70,
    desc: 'Jupyter HabanaAI notebook integrates the Habana AI libraries on Jupyter environment.',
    repository: 'quay.io/modh/odh-habana-notebooks',
    accelerators: ['habana.ai/gaudi'],
    software: { '2024.1': { Habana: '1.13', Python: 'v3.8' }, '2023.2': { Habana: '1.10', Python: 'v3.8' } },
    packages: JUPYTER,
  },
  {
    name: 'code-server-notebook',
    display: 'code-server',
    order: 80,
    desc: 'code-server workbench allows users to code, build, and collaborate on projects directly from web.',
    repository: 'quay.io/modh/codeserver',
    software: { '2024.1': { 'code-server': '4.22', Python: 'v3.9' }, '2023.2': { 'code-server': '4.16', Python: 'v3.9' } },
    packages: {
      '2024.1': { Boto3: '1.34', Kafka: '2.0', Matplotlib: '3.8', Numpy: '1.26', Pandas: '2.2', Scipy: '1.12' },
      '2023.2': { Boto3: '1.28', Kafka: '2.0', Matplotlib: '3.6', Numpy: '1.24', Pandas: '1.5', Scipy: '1.11' },
    },
  },
];

const asList = (versions: Record<string, string>) => JSON.stringify(Object.entries(versions).map(([name, version]) => ({ name, version })));

export function notebookImageStreams(ns: string): KObject[] {
  return NOTEBOOK_IMAGES.map((image) => {
    const tags = (['2024.1', '2023.2'] as const).map((tag) => ({
      name: tag,
      annotations: {
        'opendatahub.io/notebook-software': asList(image.software[tag]),
        'opendatahub.io/notebook-python-dependencies': asList(image.packages[tag]),
        'openshift.io/imported-from': image.repository,
        'opendatahub.io/workbench-image-recommended': String(tag === '2024.1'),
        ...(tag === '2024.1' && image.name === 's2i-minimal-notebook' ? { 'opendatahub.io/default-image': 'true' } : {}),
      },
      from: { kind: 'DockerImage', name: `${image.repository}@${digest(`${image.name}:${tag}`)}` },
      importPolicy: {},
      referencePolicy: { type: 'Local' },
    }));
    return {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: {
        name: image.name,
        namespace: ns,
        labels: { 'opendatahub.io/notebook-image': 'true', 'opendatahub.io/dashboard': 'true' },
        annotations: {
          'opendatahub.io/notebook-image-url': `https://github.com/red-hat-data-services/notebooks/tree/rhoai-2.9`,
          'opendatahub.io/notebook-image-name': image.display,
          'opendatahub.io/notebook-image-desc': image.desc,
          'opendatahub.io/notebook-image-order': String(image.order),
          ...(image.accelerators ? { 'opendatahub.io/recommended-accelerators': JSON.stringify(image.accelerators) } : {}),
        },
      },
      spec: { lookupPolicy: { local: true }, tags },
      status: {
        dockerImageRepository: `image-registry.openshift-image-registry.svc:5000/${ns}/${image.name}`,
        tags: tags.map((t) => ({
          tag: t.name,
          items: [{ created: '2024-05-20T00:50:00Z', dockerImageReference: t.from.name, image: t.from.name.split('@')[1], generation: 2 }],
        })),
      },
    };
  });
}
