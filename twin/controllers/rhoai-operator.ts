// The RHOAI 2.9 operator (rhods-operator), once its CSV has succeeded. It follows
// red-hat-data-services/rhods-operator, branch rhoai-2.9:
// - main.go and pkg/upgrade/upgrade.go: the DSCInitialization `default-dsci` created on a new
//   install (serviceMesh Managed, controlPlane data-science-smcp in istio-system, metrics Istio),
//   and RemoveDeprecatedTrustyAI at start;
// - controllers/dscinitialization/dscinitialization_controller.go (Reconcile): SetProgressingCondition
//   on a DSCI without conditions, the applications and monitoring namespaces, configureServiceMesh,
//   and only then SetCompleteCondition with phase Ready; controllers/status/status.go for the
//   conditions each of those sets;
// - controllers/dscinitialization/servicemesh_setup.go and capabilities.go, pkg/feature/handler.go,
//   pkg/feature/feature.go, pkg/feature/conditions.go, pkg/feature/resources.go,
//   pkg/feature/servicemesh/{conditions,resources}.go, pkg/deploy/deploy.go ClusterSubscriptionExists:
//   with serviceMesh Managed and no Subscription named servicemeshoperator the Service Mesh
//   capability fails (MissingOperator) and the DSCI stays Progressing — what a fresh cluster shows
//   right after the operator install (install.md §3.6); as soon as that Subscription exists (and the
//   SMCP kind is served) it builds `data-science-smcp`, the trap the manual path avoids by setting
//   serviceMesh Unmanaged first (install.md §8.1); Unmanaged does nothing and leaves the conditions;
// - controllers/datasciencecluster/datasciencecluster_controller.go (Reconcile, reconcileSubComponent):
//   one DSC only, every component in turn, `<component>Ready` per Managed component (TrustyAI's is
//   `trustyaiDeprecated`), status.installedComponents, the overall ReconcileComplete whose reason says
//   whether some component failed — with phase Ready either way (install.md §4.4, §15.1) — and the
//   upgrade precondition that puts a Ready DSC with a foreign Argo Workflows CRD in phase Error.
//   A Managed component gets its CRDs (twin/crds/component-<key>.yaml when that file exists), its
//   Deployments in the applications namespace (with resource requests, so the scheduler accounts for
//   them) and what else ships with it; a Removed one loses its Deployments;
// - components/codeflare/codeflare.go: a separate CodeFlare operator (OperatorCondition named
//   rhods-codeflare-operator*, deploy.OperatorExists) blocks the component;
// - components/datasciencepipelines/datasciencepipelines.go UnmanagedArgoWorkFlowExists;
// - components/kserve/{kserve,kserve_config_handler,servicemesh_setup}.go: serving Managed needs DSCI
//   serviceMesh Managed and the servicemeshoperator and serverless-operator operators (found by
//   OperatorCondition name prefix), and refuses a KnativeServing it does not own; serving Unmanaged
//   leaves Serverless alone; with DSCI serviceMesh Managed the component applies its mesh features
//   after its manifests, and only when an authorino-operator Subscription exists;
// - components/trustyai/trustyai.go: deprecated in 2.9, Managed deploys nothing and says so.
// As on a self-managed 2.9 cluster, a component's condition says its manifests were reconciled,
// not that its pods run: only the managed (OSD) platform waited for the deployments. A crash-looping
// component shows in its Deployment, not in the DSC. Where 2.9 retries with the controller's
// backoff, the twin reconciles again when what the retry waits for changes (Subscriptions, CRDs,
// OperatorConditions, ServiceMeshControlPlanes).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TwinClient } from '../api/client';
import { ownerReference, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import { loadYamlObjects } from '../bootstrap';
import type { FaultDefinition } from '../fault-definition';
import { conditionOf, setCondition, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';

export const RHOAI_OPERATOR_FAULTS: FaultDefinition[] = [
  {
    name: 'rhoai-dsci-ready-without-mesh',
    description:
      "The operator sets default-dsci Ready although its Service Mesh capability failed (serviceMesh Managed, no servicemeshoperator Subscription): 2.9's reconcile returns that error before SetCompleteCondition, so a cluster that reports Ready here is not running 2.9's order",
    caughtBy: '@req.INS-OP-03',
    expectMessage: 'Ready although its Service Mesh capability failed',
  },
  {
    name: 'rhoai-dsci-mesh-ignores-unmanaged',
    description:
      'The operator keeps running the Service Mesh capability after serviceMesh is set Unmanaged (it re-reports CapabilityServiceMesh=False MissingOperator on every retry), so default-dsci never becomes Ready',
    caughtBy: '@req.INS-MAN-01',
    expectMessage: 'still configuring the Service Mesh',
  },
  {
    name: 'rhoai-dsci-mesh-reverted-to-managed',
    description:
      "Something else (a GitOps tool replaying the operator's defaults) sets default-dsci's serviceMesh back to Managed when the servicemeshoperator Subscription appears: 2.9 then builds data-science-smcp in istio-system, and OSSM refuses the manual control plane minimal beside it",
    caughtBy: '@req.INS-SM-03',
    expectMessage: 'ServiceMeshControlPlane data-science-smcp already exists',
  },
  {
    name: 'rhoai-codeflare-operator-installed',
    description:
      'A separate CodeFlare operator (OperatorCondition rhods-codeflare-operator.v1.2.0) is installed on the cluster: the 2.9 codeflare component refuses to deploy, codeflareReady=False, while the DSC phase stays Ready',
    caughtBy: '@req.INS-CMP-02',
    expectMessage: 'operator rhods-codeflare-operator is found',
  },
  {
    name: 'rhoai-modelmesh-crashloop',
    description:
      "The model-mesh controller's pod (modelmesh-controller) crash-loops: model-meshReady stays True (2.9 only applies the manifests), only the Deployment shows it",
    caughtBy: '@req.INS-CMP-03',
    expectMessage: 'modelmesh-controller is crash-looping',
  },
  {
    name: 'rhoai-kserve-controller-crashloop',
    description:
      "The KServe controller's pod (kserve-controller-manager) crash-loops once KServe is Managed: kserveReady stays True, only the Deployment shows it",
    caughtBy: '@req.INS-MAN-03',
    expectMessage: 'kserve-controller-manager is crash-looping',
  },
  {
    name: 'rhoai-dsci-error',
    description:
      'The RHOAI operator fails to reconcile default-dsci: phase Error with ReconcileComplete=False (e.g. it cannot create the monitoring namespace)',
    caughtBy: '@req.INS-OP-03',
    expectMessage: 'ReconcileFailed',
  },
  {
    name: 'rhoai-cluster-too-small',
    description:
      'The cluster is below the documented minimum of RHOAI 2.9 (at least 2 worker nodes with 8 CPUs and 32 GiB each): one 8-CPU/32 GiB worker and one 4-CPU/16 GiB worker (and three tainted control-plane nodes), so the preflight capacity check must stop the install before any component is applied',
    caughtBy: '@req.INS-CMP-04',
    expectMessage: 'it has 1 (worker-0) of that size',
    nodes: [
      { name: 'master-0', role: 'master', cpu: '8', memory: '32Gi' },
      { name: 'master-1', role: 'master', cpu: '8', memory: '32Gi' },
      { name: 'master-2', role: 'master', cpu: '8', memory: '32Gi' },
      { name: 'worker-0', role: 'worker', cpu: '8', memory: '32Gi' },
      { name: 'worker-1', role: 'worker', cpu: '4', memory: '16Gi' },
    ],
  },
  {
    name: 'rhoai-component-crashloop',
    description:
      "The CodeFlare operator's pod (codeflare-operator-manager) crash-loops: as on a real self-managed 2.9 cluster, codeflareReady stays True and the DSC phase Ready (2.9 only applies the manifests), so only the Deployment shows it",
    caughtBy: '@req.INS-CMP-01',
    expectMessage: 'codeflare-operator-manager is crash-looping',
  },
  {
    name: 'rhoai-foreign-argo-workflows',
    description:
      'An Argo Workflows install the operator did not make is on the cluster (CRD workflows.argoproj.io without its label): the 2.9 data science pipelines component refuses to deploy, data-science-pipelines-operatorReady=False, while the DSC phase stays Ready (ReconcileCompletedWithComponentErrors)',
    caughtBy: '@req.INS-CMP-01',
    expectMessage: 'workflows.argoproj.io CRD already exists',
  },
  {
    name: 'rhoai-kserve-dependency-missing',
    description:
      "The KServe component reports the Serverless operator missing (2.9's checkDependentOperators finds no OperatorCondition serverless-operator*, as with an operator installed under another name): kserveReady=False with the 2.9 message, DSC phase still Ready",
    caughtBy: '@req.INS-MAN-02',
    expectMessage: 'operator serverless-operator not found',
  },
];

const DSCI_API = 'dscinitialization.opendatahub.io/v1';
const DSC_API = 'datasciencecluster.opendatahub.io/v1';
const OLM = 'operators.coreos.com/v1alpha1';
const OPERATOR_CONDITION_API = 'operators.coreos.com/v2';
const CRD_API = 'apiextensions.k8s.io/v1';
const SMCP_API = 'maistra.io/v2';
const KNATIVE_SERVING_API = 'operator.knative.dev/v1beta1';
const DSC_FINALIZER = 'datasciencecluster.opendatahub.io/finalizer';
const ARGO_WORKFLOW_CRD = 'workflows.argoproj.io';
/** 2.9 requeues a DataScienceCluster whose components failed every 30 s. */
const COMPONENT_ERROR_REQUEUE_MS = 30_000;

/** The DSCInitialization the 2.9 operator creates on a new self-managed install (pkg/upgrade/upgrade.go). */
export function defaultDsci(): KObject {
  return {
    apiVersion: DSCI_API,
    kind: 'DSCInitialization',
    metadata: { name: 'default-dsci' },
    spec: {
      applicationsNamespace: 'redhat-ods-applications',
      monitoring: { managementState: 'Managed', namespace: 'redhat-ods-monitoring' },
      serviceMesh: {
        managementState: 'Managed',
        controlPlane: { name: 'data-science-smcp', namespace: 'istio-system', metricsCollection: 'Istio' },
      },
      trustedCABundle: { managementState: 'Managed', customCABundle: '' },
    },
  };
}

// ---- the components of 2.9 ----

/** A Deployment a component ships. Requests are those of the 2.9 manifests where known, else close to them. */
interface Workload {
  name: string;
  container: string;
  image: string;
  cpu: string;
  memory: string;
  replicas?: number;
  /** The main container's ports, sidecar containers and volumes (the dashboard's oauth-proxy). */
  pod?: (namespace: string) => { ports?: Json[]; sidecars: Json[]; volumes: Json[] };
}

export interface Component {
  /** The key under spec.components. */
  key: string;
  /** The name 2.9 uses for `<name>Ready` and status.installedComponents. */
  name: string;
  workloads: Workload[];
}

/**
 * The dashboard pod of red-hat-data-services/odh-dashboard rhoai-2.9 manifests/base/deployment.yaml
 * (with overlays/rhoai/deployment.yaml): the backend on 8080 behind OpenShift's oauth-proxy on 8443,
 * OAuth client dashboard-oauth-client, the access token passed upstream, bearer tokens delegated
 * (`get services/rhods-dashboard`).
 */
function dashboardPod(namespace: string): { ports: Json[]; sidecars: Json[]; volumes: Json[] } {
  return {
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    sidecars: [
      {
        name: 'oauth-proxy',
        image: 'registry.redhat.io/openshift4/ose-oauth-proxy@sha256:4bef31eb993feb6f1096b51b4876c65a6fb1f4401fee97fa4f4542b6b7c9bc46',
        args: [
          '--https-address=:8443',
          '--provider=openshift',
          '--upstream=http://localhost:8080',
          '--tls-cert=/etc/tls/private/tls.crt',
          '--tls-key=/etc/tls/private/tls.key',
          '--client-id=dashboard-oauth-client',
          '--client-secret-file=/etc/oauth/client/secret',
          '--scope=user:full',
          '--cookie-secret-file=/etc/oauth/config/cookie_secret',
          '--cookie-expire=23h0m0s',
          '--pass-access-token',
          `--openshift-delegate-urls={"/": {"resource": "services", "verb": "get", "name": "rhods-dashboard", "namespace": "${namespace}"}}`,
          '--skip-auth-regex=^/metrics',
        ],
        ports: [{ containerPort: 8443, name: 'https', protocol: 'TCP' }],
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
        volumeMounts: [
          { mountPath: '/etc/tls/private', name: 'proxy-tls' },
          { mountPath: '/etc/oauth/config', name: 'oauth-config' },
          { mountPath: '/etc/oauth/client', name: 'oauth-client' },
        ],
      },
    ],
    volumes: [
      { name: 'proxy-tls', secret: { secretName: 'dashboard-proxy-tls' } },
      { name: 'oauth-config', secret: { secretName: 'dashboard-oauth-config-generated' } },
      { name: 'oauth-client', secret: { secretName: 'dashboard-oauth-client-generated' } },
    ],
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const image = (repo: string) => `registry.redhat.io/rhoai/${repo}@sha256:${createHash('sha256').update(`${repo}:v2.9.1`).digest('hex')}`;

const ODH_MODEL_CONTROLLER: Workload = {
  name: 'odh-model-controller',
  container: 'manager',
  image: image('odh-model-controller-rhel8'),
  cpu: '10m',
  memory: '64Mi',
};

/** In the order of the DSC's Components struct, which is the order 2.9 reconciles them in. */
export const COMPONENTS: Component[] = [
  {
    key: 'dashboard',
    name: 'dashboard',
    workloads: [
      {
        name: 'rhods-dashboard',
        container: 'rhods-dashboard',
        image: image('odh-dashboard-rhel8'),
        cpu: '500m',
        memory: '1Gi',
        replicas: 2,
        pod: dashboardPod,
      },
    ],
  },
  {
    key: 'workbenches',
    name: 'workbenches',
    workloads: [
      {
        name: 'notebook-controller-deployment',
        container: 'manager',
        image: image('odh-kf-notebook-controller-rhel8'),
        cpu: '500m',
        memory: '256Mi',
      },
      {
        name: 'odh-notebook-controller-manager',
        container: 'manager',
        image: image('odh-notebook-controller-rhel8'),
        cpu: '500m',
        memory: '256Mi',
      },
    ],
  },
  {
    key: 'modelmeshserving',
    name: 'model-mesh',
    workloads: [
      { name: 'modelmesh-controller', container: 'manager', image: image('odh-modelmesh-controller-rhel8'), cpu: '50m', memory: '96Mi' },
      ODH_MODEL_CONTROLLER,
    ],
  },
  {
    key: 'datasciencepipelines',
    name: 'data-science-pipelines-operator',
    workloads: [
      {
        name: 'data-science-pipelines-operator-controller-manager',
        container: 'manager',
        image: image('odh-data-science-pipelines-operator-controller-rhel8'),
        cpu: '200m',
        memory: '400Mi',
      },
    ],
  },
  {
    key: 'kserve',
    name: 'kserve',
    workloads: [
      {
        name: 'kserve-controller-manager',
        container: 'manager',
        image: image('odh-kserve-controller-rhel8'),
        cpu: '100m',
        memory: '300Mi',
      },
      ODH_MODEL_CONTROLLER,
    ],
  },
  // Distributed workloads: 1.6 CPU and 2 GiB between the three, as the 2.9 docs say they need.
  {
    key: 'kueue',
    name: 'kueue',
    workloads: [
      { name: 'kueue-controller-manager', container: 'manager', image: image('odh-kueue-controller-rhel8'), cpu: '500m', memory: '512Mi' },
    ],
  },
  {
    key: 'codeflare',
    name: 'codeflare',
    workloads: [
      { name: 'codeflare-operator-manager', container: 'manager', image: image('odh-codeflare-operator-rhel8'), cpu: '1', memory: '1Gi' },
    ],
  },
  {
    key: 'ray',
    name: 'ray',
    workloads: [
      {
        name: 'kuberay-operator',
        container: 'kuberay-operator',
        image: image('odh-kuberay-operator-controller-rhel9'),
        cpu: '100m',
        memory: '512Mi',
      },
    ],
  },
  { key: 'trustyai', name: 'trustyai', workloads: [] },
];

/** Pods of these Deployments crash under a fault. */
const CRASHING: Record<string, string> = {
  'rhoai-component-crashloop': 'codeflare-operator-manager',
  'rhoai-modelmesh-crashloop': 'modelmesh-controller',
  'rhoai-kserve-controller-crashloop': 'kserve-controller-manager',
};

const componentLabel = (c: Component) => `app.opendatahub.io/${c.name}`;

/** The KnativeServing 2.9 creates when serving is Managed (kserve serving-install/service-mesh-subscription templates), trimmed. */
function knativeServing(dsc: KObject, name: string): KObject {
  return {
    apiVersion: KNATIVE_SERVING_API,
    kind: 'KnativeServing',
    metadata: {
      name,
      namespace: 'knative-serving',
      labels: { 'app.opendatahub.io/kserve': 'true' },
      ownerReferences: [ownerReference(dsc, false)],
    },
    spec: {
      workloads: [
        { name: 'activator', annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' } },
        { name: 'autoscaler', annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' } },
      ],
      ingress: { istio: { enabled: true } },
      config: {
        features: {
          'kubernetes.podspec-affinity': 'enabled',
          'kubernetes.podspec-nodeselector': 'enabled',
          'kubernetes.podspec-tolerations': 'enabled',
        },
      },
    },
  };
}

/** The SMCP 2.9 builds while DSCI serviceMesh is Managed (pkg/feature/templates/servicemesh/base/create-smcp.tmpl). */
function dataScienceSmcp(name: string, namespace: string): KObject {
  return {
    apiVersion: SMCP_API,
    kind: 'ServiceMeshControlPlane',
    metadata: { name, namespace },
    spec: {
      tracing: { type: 'None' },
      addons: {
        prometheus: { enabled: false },
        grafana: { enabled: false },
        jaeger: { name: 'jaeger' },
        kiali: { name: 'kiali', enabled: false },
      },
      security: { dataPlane: { mtls: true }, identity: { type: 'ThirdParty' } },
      techPreview: { meshConfig: { defaultConfig: { terminationDrainDuration: '35s' } } },
      gateways: { ingress: { service: { metadata: { labels: { knative: 'ingressgateway' } } } }, openshiftRoute: { enabled: false } },
      proxy: { networking: { trafficControl: { inbound: { excludedPorts: [8444, 8022] } } } },
    },
  };
}

/** hashicorp/go-multierror's text, which 2.9 puts into its messages. */
function multiError(errors: string[]): string {
  return `${errors.length} error${errors.length === 1 ? '' : 's'} occurred:\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`;
}

type DscCondition = Condition & { lastHeartbeatTime?: string };

/** controllers/status/status.go: the statuses SetProgressingCondition, SetErrorCondition and SetCompleteCondition give the five conditions. */
const PROGRESSING_CONDITIONS: [string, Condition['status']][] = [
  ['ReconcileComplete', 'Unknown'],
  ['Available', 'False'],
  ['Progressing', 'True'],
  ['Degraded', 'False'],
  ['Upgradeable', 'Unknown'],
];
const ERROR_CONDITIONS: [string, Condition['status']][] = [
  ['ReconcileComplete', 'False'],
  ['Available', 'False'],
  ['Progressing', 'False'],
  ['Degraded', 'True'],
  ['Upgradeable', 'False'],
];
const COMPLETE_CONDITIONS: [string, Condition['status']][] = [
  ['ReconcileComplete', 'True'],
  ['Available', 'True'],
  ['Progressing', 'False'],
  ['Degraded', 'False'],
  ['Upgradeable', 'True'],
];

function setConditions(
  conditions: DscCondition[],
  statuses: [string, Condition['status']][],
  reason: string,
  message: string,
  now: string,
): DscCondition[] {
  for (const [type, status] of statuses) conditions = setDscCondition(conditions, { type, status, reason, message }, now);
  return conditions;
}

/**
 * The error of EnsureServiceMeshOperatorInstalled (pkg/feature/servicemesh/conditions.go) wrapping
 * EnsureOperatorIsInstalled's and the MissingOperatorError (pkg/feature/conditions.go).
 */
const MISSING_MESH_OPERATOR =
  'failed to find the pre-requisite Service Mesh Operator subscription, please ensure Service Mesh Operator is installed. failed to find the pre-requisite operator subscription "servicemeshoperator", please ensure operator is installed. missing operator "servicemeshoperator"';

/**
 * conditionsv1.SetStatusCondition, except that the heartbeat moves only when the condition changes
 * (the twin does not churn status) or when `refresh` asks for what 2.9 does on every pass.
 */
function setDscCondition(conditions: DscCondition[], next: Condition, now: string, refresh = false): DscCondition[] {
  const prev = conditions.find((c) => c.type === next.type);
  if (!refresh && prev && prev.status === next.status && prev.reason === next.reason && prev.message === next.message) return conditions;
  return setCondition(conditions, { ...next, lastHeartbeatTime: now }, now) as DscCondition[];
}

export class RhoaiOperator implements Controller {
  readonly name = 'rhods-operator';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  private readonly dscQueue: WorkQueue;
  /** Whether the operator's start-up (default DSCI, TrustyAI clean-up) has run since its CSV succeeded. */
  private startedUp = false;
  private readonly componentCrds = new Map<string, KObject[]>();

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('rhods-operator', 'redhat-ods-operator:rhods-operator');
    this.queue = new WorkQueue('rhods-operator/dsci', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
    this.dscQueue = new WorkQueue('rhods-operator/dsc', ctx.settings.latencyMs, () => this.reconcileDsc(), ctx.settings.log);
    ctx.podRuntimes.push({ behaviour: (pod) => this.podBehaviour(pod) });
  }

  start(): void {
    if (this.ctx.faults.has('rhoai-foreign-argo-workflows')) this.installForeignArgo();
    if (this.ctx.faults.has('rhoai-codeflare-operator-installed')) this.installCodeflareOperatorCondition();
    const requeueDscis = () => {
      for (const d of this.client.list(DSCI_API, 'DSCInitialization')) this.queue.enqueue(`dsci/${d.metadata.name}`);
    };
    const requeueDsc = () => this.dscQueue.enqueue('dsc');
    this.client.watch(OLM, 'ClusterServiceVersion', () => {
      this.queue.enqueue('bootstrap');
      requeueDsc();
    });
    this.client.watch(DSCI_API, 'DSCInitialization', (type, d) => {
      if (type !== 'DELETED') this.queue.enqueue(`dsci/${d.metadata.name}`);
      requeueDsc();
    });
    this.client.watch(DSC_API, 'DataScienceCluster', requeueDsc);
    // Namespaces it owns going away, and operator subscriptions appearing, change what a DSCI reports.
    this.client.watch('v1', 'Namespace', (type) => type === 'DELETED' && requeueDscis());
    this.client.watch(OLM, 'Subscription', (type, sub) => {
      if (type === 'ADDED' && sub.metadata.name === 'servicemeshoperator' && this.ctx.faults.has('rhoai-dsci-mesh-reverted-to-managed'))
        this.revertMeshToManaged();
      requeueDscis();
      requeueDsc();
    });
    this.client.watch(OPERATOR_CONDITION_API, 'OperatorCondition', requeueDsc);
    // Kinds appearing (the SMCP of the mesh operator, KnativeServing, a foreign Argo) and component CRDs going away.
    this.client.watch(CRD_API, 'CustomResourceDefinition', () => {
      requeueDscis();
      requeueDsc();
    });
    // The control plane's readiness ends the capability's wait (EnsureServiceMeshInstalled).
    this.client.watch(SMCP_API, 'ServiceMeshControlPlane', requeueDscis);
    this.client.watch(KNATIVE_SERVING_API, 'KnativeServing', requeueDsc);
    // What the operator deploys comes back when someone deletes it (2.9 owns its Deployments).
    this.client.watch(
      'apps/v1',
      'Deployment',
      (type, d) => type === 'DELETED' && d.metadata.ownerReferences?.some((r) => r.kind === 'DataScienceCluster') && requeueDsc(),
    );
  }

  /** The operator acts only while its CSV has succeeded somewhere. */
  private running(): boolean {
    return this.client
      .list(OLM, 'ClusterServiceVersion')
      .some((c) => c.metadata.name!.startsWith('rhods-operator.') && c.status?.phase === 'Succeeded');
  }

  private reconcile(key: string): void {
    if (!this.running()) {
      this.startedUp = false;
      return;
    }
    if (key === 'bootstrap') {
      if (this.startedUp) return;
      if (!this.client.list(DSCI_API, 'DSCInitialization').length) this.client.create(defaultDsci());
      this.removeDeprecatedTrustyAI();
      this.startedUp = true;
      return;
    }
    const dsci = this.client.get(DSCI_API, 'DSCInitialization', key.split('/')[1]);
    if (!dsci || dsci.metadata.deletionTimestamp) return;
    this.reconcileDsci(dsci);
  }

  // ---- DSCInitialization ----

  /**
   * DSCInitializationReconciler.Reconcile of 2.9 (controllers/dscinitialization/dscinitialization_controller.go):
   * a DSCI without conditions gets SetProgressingCondition (phase Progressing, ReconcileInit); the
   * namespaces; then configureServiceMesh (servicemesh_setup.go), whose error returns from the
   * reconcile before SetCompleteCondition — so with serviceMesh Managed and no servicemeshoperator
   * Subscription the DSCI stays Progressing with CapabilityServiceMesh=False (MissingOperator). 2.9
   * retries with the controller's backoff; the twin retries when Subscriptions, CRDs or SMCPs change.
   */
  private reconcileDsci(dsci: KObject): void {
    const now = timestamp();
    let conditions: DscCondition[] = [...(dsci.status?.conditions ?? [])];
    let phase: string = dsci.status?.phase ?? 'Progressing';
    if (!conditions.length) {
      conditions = setConditions(conditions, PROGRESSING_CONDITIONS, 'ReconcileInit', 'Initializing DSCInitialization resource', now);
      phase = 'Progressing';
    }
    if (this.ctx.faults.has('rhoai-dsci-error')) {
      const message = `failed to create namespace ${dsci.spec.monitoring?.namespace ?? 'redhat-ods-monitoring'}: injected fault rhoai-dsci-error`;
      conditions = setConditions(conditions, ERROR_CONDITIONS, 'ReconcileFailed', message, now);
      this.writeDsciStatus(dsci, { phase: 'Error', conditions });
      this.client.event(dsci, 'Warning', 'DSCInitializationReconcileError', message);
      return;
    }
    this.ensureNamespace(dsci.spec.applicationsNamespace, {
      'opendatahub.io/generated-namespace': 'true',
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
    if (dsci.spec.monitoring?.managementState === 'Managed') {
      this.ensureNamespace(dsci.spec.monitoring.namespace ?? 'redhat-ods-monitoring', {
        'opendatahub.io/generated-namespace': 'true',
        'openshift.io/cluster-monitoring': 'true',
      });
    }
    const mesh = this.configureServiceMesh(dsci, conditions, now);
    conditions = mesh.conditions;
    if (mesh.outcome !== 'done' && !(mesh.outcome === 'failed' && this.ctx.faults.has('rhoai-dsci-ready-without-mesh'))) {
      // The reconcile returns the capability's error (or is still inside its 5-minute wait): no SetCompleteCondition.
      this.writeDsciStatus(dsci, { phase, conditions });
      if (mesh.outcome === 'failed' && mesh.changed)
        this.client.event(dsci, 'Warning', 'DSCInitializationReconcileError', 'failed applying service mesh resources');
      if (mesh.outcome === 'failed' && this.ctx.faults.has('rhoai-dsci-mesh-ignores-unmanaged'))
        this.queue.enqueue(`dsci/${dsci.metadata.name}/retry`, 1_000);
      return;
    }
    // SetCompleteCondition: the five conditions, and CapabilityDSPv2Argo removed.
    conditions = setConditions(conditions, COMPLETE_CONDITIONS, 'ReconcileCompleted', 'Reconcile completed successfully', now).filter(
      (c) => c.type !== 'CapabilityDSPv2Argo',
    );
    this.writeDsciStatus(dsci, { phase: 'Ready', conditions });
  }

  private subscribed(name: string): boolean {
    return this.client.list(OLM, 'Subscription').some((s) => s.metadata.name === name);
  }

  /**
   * configureServiceMesh of 2.9 (controllers/dscinitialization/servicemesh_setup.go, capabilities.go):
   * - Managed: the Service Mesh capability applies its three features, collecting their errors
   *   (pkg/feature/handler.go FeaturesHandler.Apply):
   *   1. mesh-control-plane-creation: preconditions EnsureServiceMeshOperatorInstalled (a
   *      Subscription named servicemeshoperator, pkg/feature/servicemesh/conditions.go) and
   *      CreateNamespaceIfNotExists(controlPlane.namespace) — both run, so istio-system is created
   *      even when the operator is missing; then create-smcp.tmpl (data-science-smcp) and
   *      WaitForPodsToBeReady(istio-system);
   *   2. mesh-metrics-collection (metricsCollection Istio): EnsureServiceMeshInstalled, which also
   *      waits up to 5 minutes for the SMCP's status.readiness;
   *   3. mesh-shared-configmap: service-mesh-refs and auth-refs in the applications namespace.
   *   Its reporter sets CapabilityServiceMesh True/Configured, or False with the error's text and
   *   reason MissingOperator when a MissingOperatorError is among the errors (CapabilityFailed
   *   otherwise). Only when it succeeded does the authorization capability run: without an
   *   authorino-operator Subscription it reports CapabilityServiceMeshAuthorization=False
   *   MissingOperator and applies nothing (its features are not played here).
   * - Unmanaged: "ServiceMesh CR is not configured by the operator, we won't do anything" — the
   *   conditions stay as they were (2.9 removes none of them). Removed: nothing is Managed to remove.
   */
  private configureServiceMesh(
    dsci: KObject,
    conditions: DscCondition[],
    now: string,
  ): { outcome: 'done' | 'failed' | 'waiting'; conditions: DscCondition[]; changed?: boolean } {
    const state = this.ctx.faults.has('rhoai-dsci-mesh-ignores-unmanaged') ? 'Managed' : dsci.spec.serviceMesh?.managementState;
    if (state !== 'Managed') return { outcome: 'done', conditions };
    const name: string = dsci.spec.serviceMesh?.controlPlane?.name ?? 'data-science-smcp';
    const namespace: string = dsci.spec.serviceMesh?.controlPlane?.namespace ?? 'istio-system';
    const operator = this.subscribed('servicemeshoperator');
    const errors: string[] = [];
    let waiting = false;
    // 1. mesh-control-plane-creation
    if (!this.client.get('v1', 'Namespace', namespace))
      this.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    if (!operator) errors.push(MISSING_MESH_OPERATOR);
    else if (!this.client.hasKind(SMCP_API, 'ServiceMeshControlPlane'))
      errors.push(`no matches for kind "ServiceMeshControlPlane" in version "${SMCP_API}"`);
    else {
      if (!this.client.get(SMCP_API, 'ServiceMeshControlPlane', name, namespace)) {
        this.client.create(dataScienceSmcp(name, namespace));
        this.client.event(
          dsci,
          'Normal',
          'ServiceMeshControlPlaneCreated',
          `created ServiceMeshControlPlane ${namespace}/${name} (serviceMesh is Managed)`,
        );
      }
      if (!this.controlPlaneReady(name, namespace)) waiting = true;
    }
    // 2. mesh-metrics-collection: EnsureServiceMeshInstalled checks the operator first.
    if ((dsci.spec.serviceMesh?.controlPlane?.metricsCollection ?? 'Istio') === 'Istio' && !operator) errors.push(MISSING_MESH_OPERATOR);
    // 3. mesh-shared-configmap
    this.ensureMeshRefs(dsci, name, namespace);
    if (errors.length) {
      const next: Condition = {
        type: 'CapabilityServiceMesh',
        status: 'False',
        reason: errors.includes(MISSING_MESH_OPERATOR) ? 'MissingOperator' : 'CapabilityFailed',
        message: multiError(errors),
      };
      const refreshed = this.ctx.faults.has('rhoai-dsci-mesh-ignores-unmanaged');
      const updated = setDscCondition(conditions, next, now, refreshed);
      return { outcome: 'failed', conditions: updated, changed: updated !== conditions };
    }
    if (waiting) return { outcome: 'waiting', conditions };
    conditions = setDscCondition(
      conditions,
      { type: 'CapabilityServiceMesh', status: 'True', reason: 'Configured', message: 'Service Mesh configured' },
      now,
    );
    return {
      outcome: 'done',
      conditions: setDscCondition(
        conditions,
        this.subscribed('authorino-operator')
          ? {
              type: 'CapabilityServiceMeshAuthorization',
              status: 'True',
              reason: 'Configured',
              message: 'Service Mesh Authorization configured',
            }
          : {
              type: 'CapabilityServiceMeshAuthorization',
              status: 'False',
              reason: 'MissingOperator',
              message: 'Authorino operator is not installed on the cluster, skipping authorization capability',
            },
        now,
      ),
    };
  }

  /** servicemesh.CheckControlPlaneComponentReadiness: status.readiness.components with ready ones and no pending or unready. */
  private controlPlaneReady(name: string, namespace: string): boolean {
    const components = this.client.get(SMCP_API, 'ServiceMeshControlPlane', name, namespace)?.status?.readiness?.components;
    return !!components && (components.ready ?? []).length > 0 && !(components.pending ?? []).length && !(components.unready ?? []).length;
  }

  /** servicemesh.MeshRefs and AuthRefs (pkg/feature/servicemesh/resources.go). */
  private ensureMeshRefs(dsci: KObject, name: string, namespace: string): void {
    const appNs: string = dsci.spec.applicationsNamespace ?? 'redhat-ods-applications';
    const audiences: string[] = dsci.spec.serviceMesh?.auth?.audiences ?? ['https://kubernetes.default.svc'];
    const maps: Record<string, Record<string, string>> = {
      'service-mesh-refs': { CONTROL_PLANE_NAME: name, MESH_NAMESPACE: namespace },
      'auth-refs': {
        AUTH_AUDIENCE: audiences.join(','),
        AUTH_PROVIDER: `${appNs}-auth-provider`,
        AUTHORINO_LABEL: 'security.opendatahub.io/authorization-group=default',
      },
    };
    for (const [cm, data] of Object.entries(maps)) {
      const live = this.client.get('v1', 'ConfigMap', cm, appNs);
      if (live && JSON.stringify(live.data) === JSON.stringify(data)) continue;
      this.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm, namespace: appNs }, data });
    }
  }

  private ensureNamespace(name: string, labels: Record<string, string>): void {
    const ns = this.client.get('v1', 'Namespace', name);
    if (ns && Object.entries(labels).every(([k, v]) => ns.metadata.labels?.[k] === v)) return;
    this.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  }

  private writeDsciStatus(dsci: KObject, status: { phase: string; conditions: DscCondition[] }): void {
    if (dsci.status?.phase === status.phase && JSON.stringify(dsci.status?.conditions) === JSON.stringify(status.conditions)) return;
    this.client.patchStatus(DSCI_API, 'DSCInitialization', dsci.metadata.name!, undefined, status);
  }

  // ---- DataScienceCluster ----

  /** pkg/upgrade RemoveDeprecatedTrustyAI, run when the operator starts: one DSC whose trustyai is not Removed is set to Removed. */
  private removeDeprecatedTrustyAI(): void {
    const dscs = this.client.list(DSC_API, 'DataScienceCluster');
    if (dscs.length !== 1) return;
    const trustyai = dscs[0].spec?.components?.trustyai;
    if (trustyai?.managementState === 'Removed') return;
    this.client.patch(DSC_API, 'DataScienceCluster', dscs[0].metadata.name!, undefined, {
      spec: { components: { trustyai: { managementState: 'Removed' } } },
    });
  }

  /** One pass of 2.9's DataScienceCluster Reconcile: it reconciles the first DSC of the list and refuses a second. */
  private reconcileDsc(): void {
    if (!this.running()) return;
    const dscs = this.client.list(DSC_API, 'DataScienceCluster');
    if (!dscs.length) return;
    let dsc = dscs[0];
    const now = timestamp();
    if (dscs.length > 1) {
      // What 2.9 does with a second DSC: the first of the list (by name) goes to phase Error.
      const message = `only one instance of DataScienceCluster object is allowed. Update existing instance ${dscs.find((d) => d !== dsc)?.metadata.name ?? dsc.metadata.name}`;
      this.client.event(dsc, 'Warning', 'DataScienceClusterReconcileError', `${message} for instance ${dsc.metadata.name}`);
      this.writeDscStatus(dsc, this.errorStatus(dsc, 'DuplicateDataScienceCluster', message, now));
      return;
    }
    const dscis = this.client.list(DSCI_API, 'DSCInitialization');
    if (dscis.length !== 1) {
      const [reason, message] = dscis.length
        ? ['DuplicateDSCInitialization', 'only one instance of DSCInitialization object is allowed']
        : ['ReconcileFailed', 'Failed to get a valid DSCInitialization instance'];
      this.writeDscStatus(
        dsc,
        dscis.length ? this.errorStatus(dsc, reason, message, now) : this.progressingStatus(dsc, reason, message, 'Error', now),
      );
      return;
    }
    const dsci = dscis[0];
    if (dsc.metadata.deletionTimestamp) return this.finalize(dsc);
    if (!dsc.metadata.finalizers?.includes(DSC_FINALIZER)) {
      dsc = this.client.patch(DSC_API, 'DataScienceCluster', dsc.metadata.name!, undefined, {
        metadata: { finalizers: [...(dsc.metadata.finalizers ?? []), DSC_FINALIZER] },
      });
    }
    if (!dsc.status?.conditions)
      dsc = this.writeDscStatus(
        dsc,
        this.progressingStatus(dsc, 'ReconcileInit', 'Initializing DataScienceCluster resource', 'Progressing', now),
      );

    const appNs: string = dsci.spec.applicationsNamespace ?? 'redhat-ods-applications';
    const installed: Record<string, boolean> = { ...(dsc.status?.installedComponents ?? {}) };
    // "Check preconditions if this is an upgrade": a DSC already Ready (or Error) with pipelines
    // Managed and a foreign Argo Workflows goes to phase Error (status.SetExistingArgoCondition + SetErrorCondition).
    if (
      (dsc.status?.phase === 'Ready' || dsc.status?.phase === 'Error') &&
      dsc.spec?.components?.datasciencepipelines?.managementState === 'Managed'
    ) {
      const argo = this.foreignArgoError();
      if (argo) {
        const message = `Failed upgrade: ${argo} `;
        let conditions: DscCondition[] = [...(dsc.status?.conditions ?? [])];
        conditions = setDscCondition(
          conditions,
          { type: 'CapabilityDSPv2Argo', status: 'False', reason: 'ArgoWorkflowExist', message },
          now,
        );
        conditions = setDscCondition(
          conditions,
          { type: 'data-science-pipelines-operatorReady', status: 'False', reason: 'ReconcileFailed', message },
          now,
        );
        conditions = setConditions(conditions, ERROR_CONDITIONS, 'ArgoWorkflowExist', message, now);
        this.writeDscStatus(dsc, {
          phase: 'Error',
          conditions,
          installedComponents: { ...installed, 'data-science-pipelines-operator': false },
        });
        return;
      }
    }
    // go-multierror's Append flattens a component's multierror into the DSC's list.
    const errors: string[] = [];
    let conditions: DscCondition[] = [...(dsc.status?.conditions ?? [])];
    const failed = new Set<string>();
    for (const c of COMPONENTS) {
      const managed = dsc.spec?.components?.[c.key]?.managementState === 'Managed';
      // status.SetComponentCondition: TrustyAI's condition is trustyaiDeprecated, the others' <name>Ready.
      const type = c.key === 'trustyai' ? 'trustyaiDeprecated' : `${c.name}Ready`;
      const outcome = managed ? this.componentError(c, dsc, dsci) : undefined;
      const error = outcome?.error;
      if (error) {
        const text = typeof error === 'string' ? error : multiError(error);
        errors.push(...(typeof error === 'string' ? [error] : error));
        if (!outcome.afterManifests) failed.add(c.key);
        if (text.includes(`${ARGO_WORKFLOW_CRD} CRD already exists`)) {
          // reconcileSubComponent: status.SetExistingArgoCondition, one message for both conditions.
          const message = `Component update failed: ${text}`;
          conditions = setDscCondition(
            conditions,
            { type: 'CapabilityDSPv2Argo', status: 'False', reason: 'ArgoWorkflowExist', message },
            now,
          );
          conditions = setDscCondition(conditions, { type, status: 'False', reason: 'ReconcileFailed', message }, now);
          installed[c.name] = false;
        } else {
          conditions = setDscCondition(
            conditions,
            { type, status: 'False', reason: 'ReconcileFailed', message: `Component reconciliation failed: ${text}` },
            now,
          );
        }
        continue;
      }
      if (managed) this.installComponentCrds(c);
      installed[c.name] = managed && c.key !== 'trustyai';
      if (!managed) conditions = conditions.filter((x) => x.type !== type);
      else {
        const message =
          c.key === 'trustyai'
            ? 'TrustyAI is deprecated. Setting this field to Managed will not result in the deployment of TrustyAI.'
            : 'Component reconciled successfully';
        conditions = setDscCondition(conditions, { type, status: 'True', reason: 'ReconcileCompleted', message }, now);
      }
    }
    this.deployComponents(dsc, appNs, failed);

    const reason = errors.length ? 'ReconcileCompletedWithComponentErrors' : 'ReconcileCompleted';
    const message = errors.length
      ? `DataScienceCluster resource reconciled with component errors: ${multiError(errors)}`
      : 'DataScienceCluster resource reconciled successfully';
    // SetCompleteCondition, with or without component errors; it removes CapabilityDSPv2Argo.
    conditions = setConditions(conditions, COMPLETE_CONDITIONS, reason, message, now).filter((c) => c.type !== 'CapabilityDSPv2Argo');
    const before = conditionOf(dsc, 'ReconcileComplete');
    this.writeDscStatus(dsc, { phase: 'Ready', conditions, installedComponents: installed });
    if (before?.reason !== reason || before?.message !== message) {
      if (errors.length)
        this.client.event(
          dsc,
          'Normal',
          'DataScienceClusterComponentFailures',
          `DataScienceCluster instance ${dsc.metadata.name} created, but have some failures in component ${multiError(errors)}`,
        );
      else
        this.client.event(
          dsc,
          'Normal',
          'DataScienceClusterCreationSuccessful',
          `DataScienceCluster instance ${dsc.metadata.name} created and deployed successfully`,
        );
    }
    // Its own key, so that events meanwhile still reconcile at once.
    if (errors.length) this.dscQueue.enqueue('dsc/requeue-after-errors', COMPONENT_ERROR_REQUEUE_MS);
  }

  /**
   * Why a Managed component cannot be reconciled, in 2.9's words (a list: a multierror); undefined
   * when it can. afterManifests: the error comes after the component's manifests were applied.
   */
  private componentError(c: Component, dsc: KObject, dsci: KObject): { error: string | string[]; afterManifests?: boolean } | undefined {
    const error =
      c.key === 'datasciencepipelines'
        ? this.foreignArgoError()
        : c.key === 'codeflare'
          ? this.codeflareOperatorError()
          : c.key === 'kserve'
            ? this.kserveError(dsc, dsci)
            : undefined;
    if (error) return { error };
    if (c.key === 'kserve') {
      const mesh = this.kserveMeshError(dsci);
      if (mesh) return { error: mesh, afterManifests: true };
    }
    return undefined;
  }

  /**
   * components/codeflare/codeflare.go ReconcileComponent: on RHOAI the separate CodeFlare operator
   * (RHCodeflareOperator, found by deploy.OperatorExists: an OperatorCondition whose name starts
   * with rhods-codeflare-operator) must not be installed.
   */
  private codeflareOperatorError(): string | undefined {
    if (!this.operatorExists('rhods-codeflare-operator')) return undefined;
    return 'operator rhods-codeflare-operator is found. Please uninstall the operator before enabling codeflare component';
  }

  /** datasciencepipelines UnmanagedArgoWorkFlowExists: an Argo Workflows CRD without the component's label belongs to someone else. */
  private foreignArgoError(): string | undefined {
    const crd = this.client.get(CRD_API, 'CustomResourceDefinition', ARGO_WORKFLOW_CRD);
    // The label's presence is enough (labels.ODH.Component(ComponentName)); the text keeps 2.9's leading and trailing space.
    if (!crd || 'app.opendatahub.io/data-science-pipelines-operator' in (crd.metadata.labels ?? {})) return undefined;
    return ` ${ARGO_WORKFLOW_CRD} CRD already exists but not deployed by this operator. Remove existing Argo workflows or set datasciencepipelines to Removed to proceed `;
  }

  /** KServe's ReconcileComponent up to its manifests: configureServerless, then configureServiceMesh. */
  private kserveError(dsc: KObject, dsci: KObject): string | string[] | undefined {
    const kserve = dsc.spec.components.kserve;
    const meshState = dsci.spec.serviceMesh?.managementState;
    if (this.ctx.faults.has('rhoai-kserve-dependency-missing')) {
      // Worded as 2.9's checkDependentOperators (components/kserve/kserve_config_handler.go).
      return ['operator serverless-operator not found. Please install the operator before enabling kserve component'];
    }
    switch (kserve.serving?.managementState) {
      case 'Managed': {
        if (meshState !== 'Managed') return "ServiceMesh is need to set to 'Managed' in DSCI CR, it is required by KServe serving field";
        const missing = ['servicemeshoperator', 'serverless-operator'].filter((op) => !this.operatorExists(op));
        // checkDependentOperators (kserve_config_handler.go): one line per missing operator, as a multierror.
        if (missing.length)
          return missing.map((op) => `operator ${op} not found. Please install the operator before enabling kserve component`);
        const servingError = this.configureServerless(dsc, kserve.serving.name ?? 'knative-serving');
        if (servingError) return servingError;
        break;
      }
      case 'Unmanaged': // "Serverless CR is not configured by the operator, we won't do anything"
      default:
        break;
    }
    return undefined;
  }

  /**
   * components/kserve/servicemesh_setup.go configureServiceMesh, after the manifests: with DSCI
   * serviceMesh Managed, the feature kserve-external-authz applies its EnvoyFilter and
   * AuthorizationPolicy into the mesh only when an authorino-operator Subscription exists (it has no
   * precondition; without Authorino 2.9 prints a warning and does nothing). Unmanaged: nothing.
   */
  private kserveMeshError(dsci: KObject): string[] | undefined {
    if (dsci.spec.serviceMesh?.managementState !== 'Managed' || !this.subscribed('authorino-operator')) return undefined;
    for (const [api, kind] of [
      ['networking.istio.io/v1alpha3', 'EnvoyFilter'],
      ['security.istio.io/v1beta1', 'AuthorizationPolicy'],
    ]) {
      if (!this.client.hasKind(api, kind)) return [`no matches for kind "${kind}" in version "${api}"`];
    }
    return undefined;
  }

  /** 2.9 cluster.OperatorExists: an OperatorCondition whose name starts with the operator's name. */
  private operatorExists(prefix: string): boolean {
    return this.client.list(OPERATOR_CONDITION_API, 'OperatorCondition').some((oc) => oc.metadata.name!.startsWith(prefix));
  }

  /** serving Managed: refuse a KnativeServing the operator does not own (serverless.EnsureServerlessAbsent), else create its own. */
  private configureServerless(dsc: KObject, name: string): string | undefined {
    if (!this.client.hasKind(KNATIVE_SERVING_API, 'KnativeServing'))
      return `no matches for kind "KnativeServing" in version "${KNATIVE_SERVING_API}"`;
    const existing = this.client.list(KNATIVE_SERVING_API, 'KnativeServing');
    if (existing.length > 1) return 'multiple KNativeServing resources found, which is an unsupported state';
    if (existing.length === 1) {
      const ours = existing[0].metadata.ownerReferences?.some((r) => r.uid === dsc.metadata.uid);
      return ours ? undefined : 'existing KNativeServing resource was found; integrating to an existing installation is not supported';
    }
    if (!this.client.get('v1', 'Namespace', 'knative-serving'))
      this.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-serving' } });
    this.client.create(knativeServing(dsc, name));
    return undefined;
  }

  /** The CRDs a component brings (twin/crds/component-<key>.yaml), created when missing; kept when the component is Removed. */
  private installComponentCrds(c: Component): void {
    let crds = this.componentCrds.get(c.key);
    if (!crds) {
      const file = join(this.ctx.settings.crdDir, `component-${c.key}.yaml`);
      crds = existsSync(file) ? loadYamlObjects(file) : [];
      this.componentCrds.set(c.key, crds);
    }
    for (const crd of crds) {
      if (this.client.get(CRD_API, 'CustomResourceDefinition', crd.metadata.name!)) continue;
      this.client.create({
        ...crd,
        metadata: { ...crd.metadata, labels: { ...(crd.metadata.labels ?? {}), [componentLabel(c)]: 'true' } },
      });
    }
  }

  /**
   * Deployments (and the dashboard's Service and Route, the workbenches' namespace) of the Managed
   * components; those of Removed components deleted. A Managed component that failed keeps what it
   * had (2.9 returns before its manifests). odh-model-controller is shared by kserve and model-mesh.
   */
  private deployComponents(dsc: KObject, appNs: string, failed: Set<string>): void {
    const managed = COMPONENTS.filter((c) => dsc.spec?.components?.[c.key]?.managementState === 'Managed' && c.key !== 'trustyai');
    const wanted = new Map<string, { workload: Workload; owners: Component[] }>();
    const keep = new Set<string>();
    for (const c of managed) {
      for (const w of c.workloads) {
        if (failed.has(c.key)) {
          keep.add(w.name);
          continue;
        }
        const entry = wanted.get(w.name) ?? { workload: w, owners: [] };
        entry.owners.push(c);
        wanted.set(w.name, entry);
      }
    }
    for (const { workload, owners } of wanted.values()) this.ensureDeployment(dsc, appNs, workload, owners);
    for (const c of COMPONENTS) {
      for (const w of c.workloads) {
        if (wanted.has(w.name) || keep.has(w.name)) continue;
        if (this.client.get('apps/v1', 'Deployment', w.name, appNs)) this.client.delete('apps/v1', 'Deployment', w.name, appNs);
      }
    }
    const dashboard = managed.some((c) => c.key === 'dashboard') && !failed.has('dashboard');
    this.ensureDashboardEndpoints(dsc, appNs, dashboard);
    if (managed.some((c) => c.key === 'workbenches'))
      this.ensureNamespace('rhods-notebooks', {
        'opendatahub.io/generated-namespace': 'true',
        'pod-security.kubernetes.io/enforce': 'baseline',
      });
  }

  private ensureDeployment(dsc: KObject, namespace: string, w: Workload, owners: Component[]): void {
    const labels = {
      app: w.name,
      'app.kubernetes.io/part-of': owners[0].name,
      ...Object.fromEntries(owners.map((c) => [componentLabel(c), 'true'])),
    };
    const podLabels = { app: w.name, 'control-plane': w.name };
    const extra = w.pod?.(namespace);
    const desired: KObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, namespace, labels, ownerReferences: [ownerReference(dsc)] },
      spec: {
        replicas: w.replicas ?? 1,
        selector: { matchLabels: podLabels },
        template: {
          metadata: { labels: podLabels },
          spec: {
            containers: [
              {
                name: w.container,
                image: w.image,
                resources: { requests: { cpu: w.cpu, memory: w.memory }, limits: { memory: w.memory } },
                ...(extra?.ports ? { ports: extra.ports } : {}),
              },
              ...(extra?.sidecars ?? []),
            ],
            ...(extra ? { volumes: extra.volumes } : {}),
          },
        },
      },
    };
    const live = this.client.get('apps/v1', 'Deployment', w.name, namespace);
    const container = live?.spec?.template?.spec?.containers?.[0];
    const same =
      live &&
      Object.entries(labels).every(([k, v]) => live.metadata.labels?.[k] === v) &&
      live.spec.replicas === desired.spec.replicas &&
      container?.image === w.image &&
      JSON.stringify(container?.resources?.requests) === JSON.stringify({ cpu: w.cpu, memory: w.memory }) &&
      (live.spec.template.spec.containers?.length ?? 0) === 1 + (extra?.sidecars.length ?? 0);
    if (!same) this.client.apply(desired);
  }

  /** The dashboard's Service and Route (rhods-dashboard), as its manifests ship them; the host is OpenShift's default. */
  private ensureDashboardEndpoints(dsc: KObject, namespace: string, wanted: boolean): void {
    if (!wanted) {
      for (const kind of [
        ['route.openshift.io/v1', 'Route'],
        ['v1', 'Service'],
      ])
        if (this.client.get(kind[0], kind[1], 'rhods-dashboard', namespace))
          this.client.delete(kind[0], kind[1], 'rhods-dashboard', namespace);
      return;
    }
    const labels = { app: 'rhods-dashboard', 'app.opendatahub.io/dashboard': 'true' };
    if (!this.client.get('v1', 'Service', 'rhods-dashboard', namespace)) {
      this.client.apply({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'rhods-dashboard',
          namespace,
          labels,
          ownerReferences: [ownerReference(dsc)],
          annotations: { 'service.alpha.openshift.io/serving-cert-secret-name': 'dashboard-proxy-tls' },
        },
        spec: {
          selector: { app: 'rhods-dashboard', 'control-plane': 'rhods-dashboard' },
          ports: [{ name: 'dashboard-ui', port: 8443, targetPort: 8443, protocol: 'TCP' }],
        },
      });
    }
    if (!this.client.get('route.openshift.io/v1', 'Route', 'rhods-dashboard', namespace)) {
      this.client.apply({
        apiVersion: 'route.openshift.io/v1',
        kind: 'Route',
        metadata: { name: 'rhods-dashboard', namespace, labels, ownerReferences: [ownerReference(dsc)] },
        spec: {
          to: { kind: 'Service', name: 'rhods-dashboard', weight: 100 },
          port: { targetPort: 'dashboard-ui' },
          tls: { termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect' },
          wildcardPolicy: 'None',
        },
      });
    }
  }

  /** A DSC being deleted: its components cleaned up (owned objects go with it), then the finalizer released. */
  private finalize(dsc: KObject): void {
    if (!dsc.metadata.finalizers?.includes(DSC_FINALIZER)) return;
    const rest = dsc.metadata.finalizers.filter((f) => f !== DSC_FINALIZER);
    this.client.patch(DSC_API, 'DataScienceCluster', dsc.metadata.name!, undefined, {
      metadata: { finalizers: rest.length ? rest : null },
    });
  }

  private errorStatus(dsc: KObject, reason: string, message: string, now: string): KObject['status'] {
    let conditions: DscCondition[] = [...(dsc.status?.conditions ?? [])];
    conditions = setDscCondition(conditions, { type: 'ReconcileComplete', status: 'False', reason, message }, now);
    conditions = setDscCondition(conditions, { type: 'Degraded', status: 'True', reason, message }, now);
    return { ...dsc.status, phase: 'Error', conditions };
  }

  private progressingStatus(dsc: KObject, reason: string, message: string, phase: string, now: string): KObject['status'] {
    let conditions: DscCondition[] = [...(dsc.status?.conditions ?? [])];
    conditions = setDscCondition(conditions, { type: 'Progressing', status: 'True', reason, message }, now);
    conditions = setDscCondition(conditions, { type: 'ReconcileComplete', status: 'Unknown', reason, message }, now);
    return { ...dsc.status, phase, conditions };
  }

  private writeDscStatus(dsc: KObject, status: KObject['status']): KObject {
    if (JSON.stringify(dsc.status ?? {}) === JSON.stringify({ ...(dsc.status ?? {}), ...status })) return dsc;
    return this.client.patchStatus(DSC_API, 'DataScienceCluster', dsc.metadata.name!, undefined, status);
  }

  // ---- faults ----

  /** rhoai-foreign-argo-workflows: an Argo Workflows CRD from an earlier, unrelated install. */
  private installForeignArgo(): void {
    const argo = this.client.as('argo-workflows-installer');
    if (argo.get(CRD_API, 'CustomResourceDefinition', ARGO_WORKFLOW_CRD)) return;
    argo.create({
      apiVersion: CRD_API,
      kind: 'CustomResourceDefinition',
      metadata: { name: ARGO_WORKFLOW_CRD, labels: { 'app.kubernetes.io/part-of': 'argo-workflows' } },
      spec: {
        group: 'argoproj.io',
        scope: 'Namespaced',
        names: { kind: 'Workflow', listKind: 'WorkflowList', plural: 'workflows', singular: 'workflow', shortNames: ['wf'] },
        versions: [
          {
            name: 'v1alpha1',
            served: true,
            storage: true,
            subresources: {},
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
  }

  /** rhoai-dsci-mesh-reverted-to-managed: another field manager puts serviceMesh back to Managed. */
  private revertMeshToManaged(): void {
    const gitops = this.client.as('gitops-controller');
    for (const d of gitops.list(DSCI_API, 'DSCInitialization')) {
      if (d.spec?.serviceMesh?.managementState !== 'Managed')
        gitops.patch(DSCI_API, 'DSCInitialization', d.metadata.name!, undefined, { spec: { serviceMesh: { managementState: 'Managed' } } });
    }
  }

  /** rhoai-codeflare-operator-installed: what OLM leaves for an installed separate CodeFlare operator, its OperatorCondition. */
  private installCodeflareOperatorCondition(): void {
    const olm = this.client.as('olm-operator');
    const name = 'rhods-codeflare-operator.v1.2.0';
    if (!olm.get('v1', 'Namespace', 'openshift-operators') || !olm.hasKind(OPERATOR_CONDITION_API, 'OperatorCondition')) return;
    if (olm.get(OPERATOR_CONDITION_API, 'OperatorCondition', name, 'openshift-operators')) return;
    olm.create({
      apiVersion: OPERATOR_CONDITION_API,
      kind: 'OperatorCondition',
      metadata: { name, namespace: 'openshift-operators' },
      spec: {},
    });
  }

  private podBehaviour(pod: KObject): { crash?: string } | undefined {
    for (const [fault, deployment] of Object.entries(CRASHING)) {
      if (this.ctx.faults.has(fault) && pod.metadata.name?.startsWith(`${deployment}-`) && pod.metadata.labels?.app === deployment) {
        return {
          crash: `injected fault ${fault}: ${deployment} exits with status 1 (failed to start manager: open /etc/${deployment}/config.yaml: permission denied)`,
        };
      }
    }
    return undefined;
  }
}
