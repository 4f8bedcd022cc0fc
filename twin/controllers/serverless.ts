// OpenShift Serverless (knative-operator + knative-openshift) reconciling KnativeServing, as the
// RHOAI 2.9 manual install uses it: Knative Serving with the Istio ingress of OpenShift Service Mesh.
// The release played is the one OLM installed (the Succeeded serverless-operator CSV's
// spec.version; the twin catalog's stable channel gives 1.32.0): Serverless 1.N ships Knative
// Upstream followed: github.com/openshift-knative/serverless-operator, release-1.3x,
// openshift-knative-operator/cmd/operator/kodata/knative-serving/<version>/2-serving-core.yaml (the
// Deployments each release ships; domain-mapping only up to 1.31).
// Serving 1.(N-21) (openshift-knative/serverless-operator release-1.31 → kodata/knative-serving/1.10,
// release-1.32 → 1.11, release-1.33 → 1.12). The twin's contract:
// - a KnativeServing lives in knative-serving and there is one (the Serverless webhook's rule);
// - its dependencies are the Istio ingress (spec.ingress.istio.enabled; the twin has no Kourier)
//   and the mesh membership of knative-serving (a ServiceMeshMemberRoll lists it in
//   status.configuredMembers): until both hold, DependenciesInstalled=False says which is missing
//   and nothing is deployed (the activator must start inside the mesh to get its sidecar);
// - then the Serving deployments that release ships: activator, autoscaler, controller, webhook
//   (openshift-knative-operator/cmd/operator/kodata/knative-serving/<ver>/2-serving-core.yaml),
//   autoscaler-hpa (3-serving-hpa.yaml), net-istio-controller and net-istio-webhook
//   (kodata/ingress/<ver>/istio/*-net-istio-core.yaml), and up to Serverless 1.31 only also
//   domain-mapping and domainmapping-webhook (release-1.31's 1.10/2-serving-core.yaml has them,
//   release-1.32's 1.11 and later do not: domain mapping moved into the controller); with
//   spec.workloads applied to them (annotations and labels on the pod template, env, replicas,
//   resources...), and the config-<name> ConfigMaps of spec.config;
// - conditions as Knative's operator sets them: DependenciesInstalled, DeploymentsAvailable
//   (NotReady "Waiting on deployments: ..."), InstallSucceeded, VersionMigrationEligible, and
//   Ready carrying the first unhappy condition's reason and message.
import { join } from 'node:path';
import type { TwinClient } from '../api/client';
import { ownerReference, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import { loadYamlObjects } from '../bootstrap';
import type { FaultDefinition } from '../fault-definition';
import { conditionOf, keyOf, setCondition, splitKey, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';
import { MEMBER_OF } from './service-mesh';

export const SERVERLESS_FAULTS: FaultDefinition[] = [
  {
    name: 'serverless-ignores-workload-overrides',
    description:
      'The Serverless operator ignores spec.workloads (as releases that only knew spec.deployments did): the activator and autoscaler pods start without the sidecar.istio.io/inject annotation, so they run without istio-proxy',
    caughtBy: '@req.INS-SL-06',
    expectMessage: 'the Serverless operator did not apply spec.workloads',
  },
  {
    name: 'serverless-leftover-serving-project',
    description:
      'A previous Serverless uninstall removed the operator before its KnativeServing: the project knative-serving is still terminating, held by the finalizer of the KnativeServing that no controller will remove (the CRD stays, as CRDs do after an operator uninstall)',
    caughtBy: '@req.INS-SL-02',
    expectMessage: 'finalizers remaining: knativeservings.operator.knative.dev',
  },
  {
    name: 'serverless-leftover-own-namespace-group',
    description:
      'openshift-serverless already has an OperatorGroup from an earlier install in "A specific namespace" mode (targetNamespaces [openshift-serverless]); the Serverless CSV supports only AllNamespaces, so OLM would fail it with UnsupportedOperatorGroup',
    caughtBy: '@req.INS-SL-03',
    expectMessage: 'targets ["openshift-serverless"]',
  },
  {
    name: 'serverless-net-istio-webhook-unavailable',
    description:
      'The net-istio-webhook Deployment of Knative Serving never becomes available (its pod crash-loops), so the KnativeServing reports DeploymentsAvailable=False "Waiting on deployments: net-istio-webhook" and is not Ready',
    caughtBy: '@req.INS-SL-06',
    expectMessage: 'Waiting on deployments: net-istio-webhook',
  },
];

const KS_API = 'operator.knative.dev/v1beta1';
const OLM = 'operators.coreos.com/v1alpha1';
const SERVING_NAMESPACE = 'knative-serving';
/** The release played when no Succeeded CSV says otherwise (twin/catalog/serverless-operator.yaml). */
const DEFAULT_SERVERLESS_VERSION = '1.32.0';
const IMAGE = 'registry.redhat.io/openshift-serverless-1';

type ServingDeployment = { name: string; container: string; image: string; component: string; untilServerless?: number };

/** The Serving deployments of Knative Serving + net-istio: name → container name and image; `untilServerless`: the last minor that ships it. */
const DEPLOYMENTS: ServingDeployment[] = [
  { name: 'activator', container: 'activator', image: 'serving-activator-rhel8', component: 'activator' },
  { name: 'autoscaler', container: 'autoscaler', image: 'serving-autoscaler-rhel8', component: 'autoscaler' },
  { name: 'autoscaler-hpa', container: 'autoscaler-hpa', image: 'serving-autoscaler-hpa-rhel8', component: 'autoscaler-hpa' },
  { name: 'controller', container: 'controller', image: 'serving-controller-rhel8', component: 'controller' },
  {
    name: 'domain-mapping',
    container: 'domain-mapping',
    image: 'serving-domain-mapping-rhel8',
    component: 'domain-mapping',
    untilServerless: 31,
  },
  {
    name: 'domainmapping-webhook',
    container: 'domainmapping-webhook',
    image: 'serving-domain-mapping-webhook-rhel8',
    component: 'domain-mapping',
    untilServerless: 31,
  },
  { name: 'webhook', container: 'webhook', image: 'serving-webhook-rhel8', component: 'webhook' },
  { name: 'net-istio-controller', container: 'controller', image: 'net-istio-controller-rhel8', component: 'net-istio' },
  { name: 'net-istio-webhook', container: 'webhook', image: 'net-istio-webhook-rhel8', component: 'net-istio' },
];

/** What a Serverless release ships: its Knative Serving version and Serving deployments. */
export function servingRelease(serverlessVersion: string): { serverless: string; knative: string; deployments: ServingDeployment[] } {
  const minor = Number(/^1\.(\d+)\./.exec(serverlessVersion)?.[1] ?? NaN);
  if (!Number.isInteger(minor) || minor < 21) throw new Error(`unexpected Serverless version ${serverlessVersion}`);
  return {
    serverless: serverlessVersion,
    knative: `1.${minor - 21}`,
    deployments: DEPLOYMENTS.filter((d) => d.untilServerless === undefined || minor <= d.untilServerless),
  };
}

export class ServerlessOperator implements Controller {
  readonly name = 'knative-operator';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('knative-operator', 'openshift-serverless:knative-operator');
    this.queue = new WorkQueue('knative-operator/knativeserving', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
  }

  start(): void {
    if (this.ctx.faults.has('serverless-leftover-serving-project')) this.leaveServingProjectTerminating();
    if (this.ctx.faults.has('serverless-leftover-own-namespace-group')) this.leaveOwnNamespaceGroup();
    if (this.ctx.faults.has('serverless-net-istio-webhook-unavailable')) {
      this.ctx.podRuntimes.push({
        behaviour: (pod) =>
          pod.metadata.namespace === SERVING_NAMESPACE && pod.metadata.labels?.app === 'net-istio-webhook'
            ? { crash: 'webhook: failed to start: certificate secret net-istio-webhook-certs not found' }
            : undefined,
      });
    }
    const requeueAll = () => {
      for (const ks of this.client.list(KS_API, 'KnativeServing')) this.queue.enqueue(keyOf(ks));
    };
    this.client.watch(OLM, 'ClusterServiceVersion', (_t, csv) => csv.metadata.name!.startsWith('serverless-operator.') && requeueAll());
    this.client.watch(KS_API, 'KnativeServing', (type, ks) => type !== 'DELETED' && this.queue.enqueue(keyOf(ks)));
    // Mesh membership and the deployments' availability change what a KnativeServing reports.
    this.client.watch('maistra.io/v1', 'ServiceMeshMemberRoll', () => requeueAll());
    this.client.watch('v1', 'Namespace', (_t, ns) => ns.metadata.name === SERVING_NAMESPACE && requeueAll());
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      const owner = d.metadata.ownerReferences?.find((r) => r.kind === 'KnativeServing');
      if (owner) this.queue.enqueue(`${d.metadata.namespace}/${owner.name}`);
    });
  }

  /** Fault: knative-serving terminating, held by a KnativeServing whose operator was uninstalled first. */
  private leaveServingProjectTerminating(): void {
    const admin = this.ctx.clientFor('kubectl-delete');
    for (const crd of loadYamlObjects(join(this.ctx.settings.crdDir, 'serverless.yaml')))
      if (!admin.get(crd.apiVersion, crd.kind, crd.metadata.name!)) admin.create(crd);
    admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: SERVING_NAMESPACE } });
    admin.create({
      apiVersion: KS_API,
      kind: 'KnativeServing',
      metadata: { name: 'knative-serving', namespace: SERVING_NAMESPACE, finalizers: ['knativeservings.operator.knative.dev'] },
      spec: {},
    });
    admin.delete('v1', 'Namespace', SERVING_NAMESPACE);
  }

  /** Fault: an OperatorGroup of an earlier install in OwnNamespace mode. */
  private leaveOwnNamespaceGroup(): void {
    const admin = this.ctx.clientFor('kubectl-create');
    admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'openshift-serverless' } });
    admin.create({
      apiVersion: 'operators.coreos.com/v1',
      kind: 'OperatorGroup',
      metadata: { name: 'openshift-serverless-x7k2p', namespace: 'openshift-serverless' },
      spec: { targetNamespaces: ['openshift-serverless'], upgradeStrategy: 'Default' },
    });
  }

  /** The Succeeded serverless-operator CSV, whose release this operator plays. */
  private running(): KObject | undefined {
    return this.client
      .list(OLM, 'ClusterServiceVersion')
      .find((c) => c.metadata.name!.startsWith('serverless-operator.') && c.status?.phase === 'Succeeded');
  }

  private reconcile(key: string): void {
    const csv = this.running();
    if (!csv) return;
    const release = servingRelease(csv.spec?.version ?? DEFAULT_SERVERLESS_VERSION);
    const { namespace, name } = splitKey(key);
    const ks = this.client.get(KS_API, 'KnativeServing', name, namespace);
    if (!ks || ks.metadata.deletionTimestamp) return;
    const now = timestamp();
    let conditions: Condition[] = ks.status?.conditions ?? [];
    const set = (type: string, status: 'True' | 'False' | 'Unknown', reason?: string, message?: string) => {
      conditions = setCondition(conditions, { type, status, reason, message }, now);
    };
    set('VersionMigrationEligible', 'True');

    const refusal = this.refusal(ks);
    if (refusal) {
      set('InstallSucceeded', 'False', 'Error', `Install failed with message: ${refusal}`);
      return this.writeStatus(ks, conditions, now, release.knative);
    }
    const missing = this.missingDependency(ks);
    if (missing) {
      set('DependenciesInstalled', 'False', missing.reason, missing.message);
      set('DeploymentsAvailable', 'Unknown');
      set('InstallSucceeded', 'Unknown');
      return this.writeStatus(ks, conditions, now, release.knative);
    }
    set('DependenciesInstalled', 'True');
    this.applyConfig(ks, release.knative);
    const deployments = release.deployments.map((d) =>
      this.client.apply(
        servingDeployment(ks, d, release.knative, release.serverless, this.ctx.faults.has('serverless-ignores-workload-overrides')),
      ),
    );
    set('InstallSucceeded', 'True');
    const waiting = deployments
      .map((d) => this.client.get('apps/v1', 'Deployment', d.metadata.name!, d.metadata.namespace))
      .filter((d) => conditionOf(d, 'Available')?.status !== 'True');
    if (waiting.length)
      set('DeploymentsAvailable', 'False', 'NotReady', `Waiting on deployments: ${waiting.map((d) => d!.metadata.name).join(', ')}`);
    else set('DeploymentsAvailable', 'True');
    this.writeStatus(ks, conditions, now, release.knative);
  }

  /** What the Serverless admission webhook refuses. */
  private refusal(ks: KObject): string | undefined {
    if (ks.metadata.namespace !== SERVING_NAMESPACE)
      return `KnativeServing may only be created in the ${SERVING_NAMESPACE} namespace, not ${ks.metadata.namespace}`;
    // Only those the webhook let in count; creationTimestamp has second precision, so ties go by name.
    const older = (o: KObject) =>
      o.metadata.creationTimestamp! < ks.metadata.creationTimestamp! ||
      (o.metadata.creationTimestamp === ks.metadata.creationTimestamp && o.metadata.name! < ks.metadata.name!);
    const others = this.client
      .list(KS_API, 'KnativeServing', SERVING_NAMESPACE)
      .filter((o) => o.metadata.uid !== ks.metadata.uid && older(o));
    if (others.length)
      return `Only one KnativeServing is allowed per cluster; ${others[0].metadata.namespace}/${others[0].metadata.name} already exists`;
    return undefined;
  }

  private missingDependency(ks: KObject): { reason: string; message: string } | undefined {
    if (ks.spec?.ingress?.istio?.enabled !== true) {
      return {
        reason: 'Error',
        message:
          'Dependency missing: spec.ingress.istio.enabled is not true; KServe needs the Istio ingress of OpenShift Service Mesh (Kourier is not provided by this cluster)',
      };
    }
    const ns = ks.metadata.namespace!;
    const meshNs = this.client.get('v1', 'Namespace', ns)?.metadata.labels?.[MEMBER_OF];
    const rolls = this.client.list('maistra.io/v1', 'ServiceMeshMemberRoll');
    const configured = rolls.some((r) => (r.status?.configuredMembers ?? []).includes(ns) && (!meshNs || r.metadata.namespace === meshNs));
    if (!configured || !meshNs) {
      const listed = rolls.find((r) => (r.status?.members ?? r.spec?.members ?? []).includes(ns));
      const why = listed
        ? `ServiceMeshMemberRoll ${listed.metadata.namespace}/${listed.metadata.name} lists ${ns} but has not configured it (status.configuredMembers: [${(listed.status?.configuredMembers ?? []).join(' ')}])`
        : `no ServiceMeshMemberRoll lists ${ns}: create the ServiceMeshMember "default" in ${ns}`;
      return {
        reason: 'Installing',
        message: `Dependency installing: Istio: namespace ${ns} is not a configured member of the Service Mesh (${why})`,
      };
    }
    return undefined;
  }

  /** spec.config.<name> → ConfigMap config-<name> in the Serving namespace. */
  private applyConfig(ks: KObject, knative: string): void {
    const config: Record<string, Record<string, string>> = ks.spec?.config ?? {};
    for (const [name, data] of Object.entries(config)) {
      this.client.apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `config-${name}`,
          namespace: ks.metadata.namespace,
          labels: servingLabels(name, knative),
          ownerReferences: [ownerReference({ ...ks, apiVersion: KS_API, kind: 'KnativeServing' })],
        },
        data,
      });
    }
  }

  private writeStatus(ks: KObject, conditions: Condition[], now: string, knative: string): void {
    // Ready follows the first dependent condition that is not True (Knative's ConditionSet).
    const unhappy = DEPENDENTS.map((t): Condition => conditions.find((c) => c.type === t) ?? { type: t, status: 'Unknown' }).find(
      (c) => c.status !== 'True',
    );
    const ready: Condition = unhappy
      ? { type: 'Ready', status: unhappy.status === 'False' ? 'False' : 'Unknown', reason: unhappy.reason, message: unhappy.message }
      : { type: 'Ready', status: 'True' };
    const all = setCondition(conditions, ready, now)
      .map(knativeCondition)
      .sort((a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type));
    const status = {
      observedGeneration: ks.metadata.generation ?? 1,
      version: knative,
      manifests: [`/var/run/ko/knative-serving/${knative}`, `/var/run/ko/ingress/${knative}/istio`],
      conditions: all,
    };
    const strip = (s: unknown) => JSON.stringify(s, (k, v) => (k === 'lastTransitionTime' ? undefined : v));
    if (strip(ks.status) === strip(status)) return;
    this.client.patchStatus(KS_API, 'KnativeServing', ks.metadata.name!, ks.metadata.namespace, status);
  }
}

const DEPENDENTS = ['DependenciesInstalled', 'DeploymentsAvailable', 'InstallSucceeded'];
const CONDITION_ORDER = ['DependenciesInstalled', 'DeploymentsAvailable', 'InstallSucceeded', 'Ready', 'VersionMigrationEligible'];

/** A condition as Knative writes it: a True one carries no reason or message; no undefined fields. */
function knativeCondition(c: Condition): Condition {
  if (c.status === 'True') return { type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime };
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Condition;
}

function servingLabels(component: string, knative: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/component': component, 'app.kubernetes.io/version': knative };
}

interface WorkloadOverride {
  name: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  replicas?: number;
  nodeSelector?: Record<string, string>;
  tolerations?: KObject[];
  env?: { container: string; envVars?: KObject[] }[];
  resources?: { container?: string; limits?: Record<string, string>; requests?: Record<string, string> }[];
}

/** A Serving deployment with spec.workloads (or the older spec.deployments) of its name applied. */
export function servingDeployment(
  ks: KObject,
  d: ServingDeployment,
  knative: string,
  serverless: string,
  ignoreOverrides = false,
): KObject {
  const overrides: WorkloadOverride[] = ignoreOverrides ? [] : [...(ks.spec?.workloads ?? []), ...(ks.spec?.deployments ?? [])];
  const o: WorkloadOverride = overrides.find((w) => w.name === d.name) ?? { name: d.name };
  const base = { app: d.name, ...servingLabels(d.component, knative) };
  const env = (o.env ?? []).filter((e) => e.container === d.container).flatMap((e) => e.envVars ?? []);
  const res = (o.resources ?? []).find((r) => !r.container || r.container === d.container);
  const container: KObject['spec'] = {
    name: d.container,
    image: `${IMAGE}/${d.image}:${serverless}`,
    ports: [{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
    resources: {
      requests: { cpu: res?.requests?.cpu ?? '30m', memory: res?.requests?.memory ?? '40Mi' },
      limits: { cpu: res?.limits?.cpu ?? '1', memory: res?.limits?.memory ?? '600Mi' },
    },
    ...(env.length ? { env } : {}),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: d.name,
      namespace: ks.metadata.namespace,
      labels: { ...base, ...(o.labels ?? {}) },
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ownerReferences: [ownerReference({ ...ks, apiVersion: KS_API, kind: 'KnativeServing' })],
    },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: d.name } },
      template: {
        metadata: { labels: { ...base, role: d.name, ...(o.labels ?? {}) }, ...(o.annotations ? { annotations: o.annotations } : {}) },
        spec: {
          serviceAccountName: d.name.startsWith('net-istio') ? 'net-istio-controller' : 'controller',
          containers: [container],
          ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
          ...(o.tolerations ? { tolerations: o.tolerations } : {}),
        },
      },
    },
  };
}
