// The RHOAI 2.9 operator (rhods-operator): once its CSV has succeeded it creates the
// DSCInitialization `default-dsci` as 2.9 does on a new install, and reconciles it — the
// applications and monitoring namespaces, then phase Ready with ReconcileComplete.
import type { TwinClient } from '../api/client';
import { timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../faults';
import { setCondition, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';

export const RHOAI_OPERATOR_FAULTS: FaultDefinition[] = [
  {
    name: 'rhoai-dsci-error',
    description: 'The RHOAI operator fails to reconcile default-dsci: phase Error with ReconcileComplete=False (e.g. it cannot create the monitoring namespace)',
    caughtBy: '@req.INS-OP-03',
    expectMessage: 'ReconcileFailed',
  },
];

const DSCI_API = 'dscinitialization.opendatahub.io/v1';
const OLM = 'operators.coreos.com/v1alpha1';

/** The DSCInitialization the 2.9 operator creates on a new self-managed install (pkg/upgrade/upgrade.go). */
export function defaultDsci(): KObject {
  return {
    apiVersion: DSCI_API,
    kind: 'DSCInitialization',
    metadata: { name: 'default-dsci' },
    spec: {
      applicationsNamespace: 'redhat-ods-applications',
      monitoring: { managementState: 'Managed', namespace: 'redhat-ods-monitoring' },
      serviceMesh: { managementState: 'Managed', controlPlane: { name: 'data-science-smcp', namespace: 'istio-system', metricsCollection: 'Istio' } },
      trustedCABundle: { managementState: 'Managed', customCABundle: '' },
    },
  };
}

export class RhoaiOperator implements Controller {
  readonly name = 'rhods-operator';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('rhods-operator', 'redhat-ods-operator:rhods-operator');
    this.queue = new WorkQueue('rhods-operator/dsci', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
  }

  start(): void {
    this.client.watch(OLM, 'ClusterServiceVersion', () => this.queue.enqueue('bootstrap'));
    this.client.watch(DSCI_API, 'DSCInitialization', (type, d) => type !== 'DELETED' && this.queue.enqueue(`dsci/${d.metadata.name}`));
    // Namespaces it owns going away, and operator subscriptions appearing, change what a DSCI reports.
    const requeueAll = () => {
      for (const d of this.client.list(DSCI_API, 'DSCInitialization')) this.queue.enqueue(`dsci/${d.metadata.name}`);
    };
    this.client.watch('v1', 'Namespace', (type) => type === 'DELETED' && requeueAll());
    this.client.watch(OLM, 'Subscription', () => requeueAll());
  }

  /** The operator acts only while its CSV has succeeded somewhere. */
  private running(): boolean {
    return this.client.list(OLM, 'ClusterServiceVersion').some((c) => c.metadata.name!.startsWith('rhods-operator.') && c.status?.phase === 'Succeeded');
  }

  private reconcile(key: string): void {
    if (!this.running()) return;
    if (key === 'bootstrap') {
      if (!this.client.list(DSCI_API, 'DSCInitialization').length) this.client.create(defaultDsci());
      return;
    }
    const dsci = this.client.get(DSCI_API, 'DSCInitialization', key.slice('dsci/'.length));
    if (!dsci || dsci.metadata.deletionTimestamp) return;
    this.reconcileDsci(dsci);
  }

  private reconcileDsci(dsci: KObject): void {
    const now = timestamp();
    let conditions: Condition[] = dsci.status?.conditions ?? [];
    if (!dsci.status?.phase) {
      conditions = setCondition(conditions, { type: 'ReconcileComplete', status: 'Unknown', reason: 'ReconcileInit', message: 'Initializing DSCInitialization resource' }, now);
      this.writeStatus(dsci, { phase: 'Progressing', conditions });
      return;
    }
    if (this.ctx.faults.has('rhoai-dsci-error')) {
      const message = `failed to create namespace ${dsci.spec.monitoring?.namespace ?? 'redhat-ods-monitoring'}: injected fault rhoai-dsci-error`;
      conditions = setCondition(conditions, { type: 'ReconcileComplete', status: 'False', reason: 'ReconcileFailed', message }, now);
      conditions = setCondition(conditions, { type: 'Degraded', status: 'True', reason: 'ReconcileFailed', message }, now);
      this.writeStatus(dsci, { phase: 'Error', conditions });
      this.client.event(dsci, 'Warning', 'DSCInitializationReconcileError', message);
      return;
    }
    this.ensureNamespace(dsci.spec.applicationsNamespace, { 'opendatahub.io/generated-namespace': 'true', 'pod-security.kubernetes.io/enforce': 'baseline' });
    if (dsci.spec.monitoring?.managementState === 'Managed') {
      this.ensureNamespace(dsci.spec.monitoring.namespace ?? 'redhat-ods-monitoring', { 'opendatahub.io/generated-namespace': 'true', 'openshift.io/cluster-monitoring': 'true' });
    }
    for (const [type, status, reason, message] of [
      ['ReconcileComplete', 'True', 'ReconcileCompleted', 'Reconcile completed successfully'],
      ['Available', 'True', 'ReconcileCompleted', 'Reconcile completed successfully'],
      ['Progressing', 'False', 'ReconcileCompleted', 'Reconcile completed successfully'],
      ['Degraded', 'False', 'ReconcileCompleted', 'Reconcile completed successfully'],
    ] as const) {
      conditions = setCondition(conditions, { type, status, reason, message }, now);
    }
    conditions = this.meshCapabilities(dsci, conditions, now);
    this.writeStatus(dsci, { phase: 'Ready', conditions });
  }

  /** With serviceMesh Managed, 2.9 reports whether the mesh and authorization operators are there (by Subscription name). */
  private meshCapabilities(dsci: KObject, conditions: Condition[], now: string): Condition[] {
    if (dsci.spec.serviceMesh?.managementState !== 'Managed') return conditions.filter((c) => !c.type.startsWith('CapabilityServiceMesh'));
    const subscribed = (name: string) => this.client.list(OLM, 'Subscription').some((s) => s.metadata.name === name);
    const mesh = subscribed('servicemeshoperator');
    conditions = setCondition(conditions, mesh
      ? { type: 'CapabilityServiceMesh', status: 'True', reason: 'Configured', message: 'Service Mesh configured' }
      : { type: 'CapabilityServiceMesh', status: 'False', reason: 'MissingOperator', message: 'Service Mesh Operator must be installed for this capability to work' }, now);
    const authz = subscribed('authorino-operator');
    return setCondition(conditions, authz
      ? { type: 'CapabilityServiceMeshAuthorization', status: 'True', reason: 'Configured', message: 'Authorization configured' }
      : { type: 'CapabilityServiceMeshAuthorization', status: 'False', reason: 'MissingOperator', message: 'Authorino operator is not installed on the cluster, skipping authorization capability' }, now);
  }

  private ensureNamespace(name: string, labels: Record<string, string>): void {
    const ns = this.client.get('v1', 'Namespace', name);
    if (ns && Object.entries(labels).every(([k, v]) => ns.metadata.labels?.[k] === v)) return;
    this.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  }

  private writeStatus(dsci: KObject, status: { phase: string; conditions: Condition[] }): void {
    if (dsci.status?.phase === status.phase && JSON.stringify(dsci.status?.conditions) === JSON.stringify(status.conditions)) return;
    this.client.patchStatus(DSCI_API, 'DSCInitialization', dsci.metadata.name!, undefined, status);
  }
}
