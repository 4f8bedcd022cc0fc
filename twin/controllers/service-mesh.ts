// OpenShift Service Mesh 2.5 (maistra istio-operator) as the RHOAI 2.9 manual install meets it.
// Upstream it plays: maistra/istio-operator, branch maistra-2.5 — pkg/controller/servicemesh/
// controlplane (the SMCP reconcile, validation and status), pkg/controller/servicemesh/memberroll and
// member (ServiceMeshMemberRoll/ServiceMeshMember), pkg/apis/maistra/v2 (the SMCP fields) and the
// sidecar injector of maistra/istio (branch maistra-2.5, pkg/kube/inject). The readiness that the
// RHOAI operator reads is checked against red-hat-data-services/rhods-operator, branch rhoai-2.9,
// pkg/feature/servicemesh/conditions.go CheckControlPlaneComponentReadiness (status.readiness.
// components: ready, pending, unready). The maistra files were not re-read for this change; the
// OSSM docs (install.md §5) are the other source.
// - ServiceMeshControlPlane (v2): validated as OSSM validates it (Reconciled=False ValidationError
//   "Spec is invalid: ..." otherwise); then installed in OSSM's chart order, istiod first and the
//   gateways once istiod is available, with the mesh ConfigMap istio-<smcp> (data.mesh, where
//   techPreview.meshConfig is merged, extension providers included), the PeerAuthentication that
//   security.dataPlane.mtls asks for, the replicas and container resources of spec.runtime.components.pilot
//   and spec.gateways.<gw>.runtime (pkg/apis/maistra/v2 ComponentRuntimeConfig), and OSSM's status: Installed/Reconciled/Ready conditions,
//   status.readiness.components {ready, unready, pending}, readyComponentCount n/n, chartVersion.
// - ServiceMeshMember `default` → its namespace joins the ServiceMeshMemberRoll `default` of the
//   control-plane namespace (created when missing); the roll configures each member (label
//   maistra.io/member-of=<mesh namespace>) and reports configuredMembers, pendingMembers and
//   memberStatuses; the member is Ready once configured.
// - Sidecar injection, as the injection webhook does it at admission: a pod created in a configured
//   member namespace whose template asks for it (sidecar.istio.io/inject "true", as an annotation or
//   a label) gets the istio-proxy container before the scheduler and the kubelet see it.
import * as yaml from 'js-yaml';
import type { TwinClient } from '../api/client';
import { ownerReference, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { conditionOf, keyOf, setCondition, splitKey, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';

export const SERVICE_MESH_FAULTS: FaultDefinition[] = [
  {
    name: 'mesh-operator-crashloop',
    description:
      "The Service Mesh operator's own pod (istio-operator in openshift-operators) crash-loops, so its Deployment never becomes available and OLM keeps the servicemeshoperator CSV Installing",
    caughtBy: '@req.INS-SM-02',
    expectMessage: 'waiting for deployment istio-operator to become ready',
  },
  {
    name: 'mesh-auth-provider-claimed-by-other-mesh',
    description:
      'Another control plane (in istio-system-legacy, left from an earlier install) already has redhat-ods-applications-auth-provider as a member (label maistra.io/member-of=istio-system-legacy): the member roll of istio-system refuses it (ReconcileError, already a member of another mesh)',
    caughtBy: '@req.INS-AUTH-03',
    expectMessage: 'belongs to the mesh in istio-system-legacy',
  },
  {
    name: 'mesh-istiod-unavailable',
    description:
      'istiod of every ServiceMeshControlPlane crash-loops (e.g. it cannot reach the API server), so the control plane never becomes ready: Ready=False ComponentsNotReady, install paused until istiod becomes ready',
    caughtBy: '@req.INS-SM-03',
    expectMessage: 'istiod',
  },
  {
    name: 'mesh-member-not-configured',
    description:
      'The member roll cannot configure the namespace knative-serving (its ServiceMeshMember is accepted, but the namespace never becomes a configured member: no maistra.io/member-of label, no sidecar injection there)',
    caughtBy: '@req.INS-SL-05',
    // Only the harness's reading of the member roll says this (the wait's description names knative-serving too).
    expectMessage: 'its member status: Reconciled=False (ReconcileError: Error configuring namespace knative-serving',
  },
  {
    name: 'mesh-extension-provider-ignored',
    description:
      'The control plane ignores spec.techPreview.meshConfig.extensionProviders: the mesh ConfigMap istio-<smcp> never lists the Authorino extension provider, so CUSTOM AuthorizationPolicies have no provider',
    caughtBy: '@req.INS-AUTH-06',
    expectMessage: 'extensionProviders',
  },
  {
    name: 'mesh-ignores-runtime-resources',
    description:
      "The control plane ignores the container resources of spec.runtime.components.pilot and spec.gateways.<gateway>.runtime (and istiod's replicas): istiod and the gateways keep the chart's defaults, while the ServiceMeshControlPlane reports Ready",
    caughtBy: '@req.ADV-04',
    expectMessage: 'the Service Mesh operator did not apply',
  },
];

const SMCP_API = 'maistra.io/v2';
const MEMBER_API = 'maistra.io/v1';
const OLM = 'operators.coreos.com/v1alpha1';
const CHART_VERSION = '2.5.1';
const OPERATOR_VERSION = '2.5.1-0';
const SUPPORTED_VERSIONS = ['v2.3', 'v2.4', 'v2.5'];
const DEFAULT_VERSION = 'v2.5';
const REGISTRY = 'registry.redhat.io/openshift-service-mesh';
export const MEMBER_OF = 'maistra.io/member-of';
const INJECT = 'sidecar.istio.io/inject';
const MEMBER_ROLL = 'default';
const CREATED_BY = 'maistra.io/created-by';

/** A component of the control plane: its deployment and what makes it (status.readiness.components names). */
interface Component {
  name: string;
  deployment: KObject;
  services: KObject[];
}

/** Container ports of the charts' pods, TCP and unnamed. */
const tcpPorts = (...ports: number[]) => ports.map((containerPort) => ({ containerPort, protocol: 'TCP' }));
/** The Envoy sidecar's and gateway's metrics port, as the charts name it. */
const ENVOY_PROMETHEUS_PORT = { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' };

export class ServiceMeshOperator implements Controller {
  readonly name = 'istio-operator';
  private readonly client: TwinClient;
  private readonly controlPlanes: WorkQueue;
  private readonly members: WorkQueue;
  private readonly rolls: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('istio-operator', 'openshift-operators:istio-operator');
    const { latencyMs, log } = ctx.settings;
    this.controlPlanes = new WorkQueue('istio-operator/smcp', latencyMs, (k) => this.reconcileControlPlane(k), log);
    this.members = new WorkQueue('istio-operator/smm', latencyMs, (k) => this.reconcileMember(k), log);
    this.rolls = new WorkQueue('istio-operator/smmr', latencyMs, (k) => this.reconcileRoll(k), log);
    ctx.podRuntimes.push({ behaviour: (pod) => this.podBehaviour(pod) });
  }

  start(): void {
    this.client.watch(
      OLM,
      'ClusterServiceVersion',
      (_t, csv) => csv.metadata.name!.startsWith('servicemeshoperator.') && this.requeueEverything(),
    );
    this.client.watch(SMCP_API, 'ServiceMeshControlPlane', (type, smcp) => {
      if (type !== 'DELETED') this.controlPlanes.enqueue(keyOf(smcp));
      this.rolls.enqueue(`${smcp.metadata.namespace}/${MEMBER_ROLL}`);
    });
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      const owner = d.metadata.labels?.['maistra.io/owner-name'];
      if (owner && d.metadata.labels?.['maistra.io/owner'] === d.metadata.namespace)
        this.controlPlanes.enqueue(`${d.metadata.namespace}/${owner}`);
    });
    this.client.watch(MEMBER_API, 'ServiceMeshMember', (type, smm, old) => {
      if (type === 'DELETED') this.memberGone(smm);
      else this.members.enqueue(keyOf(smm));
      this.rolls.enqueue(`${smm.spec?.controlPlaneRef?.namespace ?? smm.metadata.namespace}/${MEMBER_ROLL}`);
      if (old?.spec?.controlPlaneRef?.namespace) this.rolls.enqueue(`${old.spec.controlPlaneRef.namespace}/${MEMBER_ROLL}`);
    });
    this.client.watch(MEMBER_API, 'ServiceMeshMemberRoll', (_t, roll) => {
      this.rolls.enqueue(keyOf(roll));
      for (const smm of this.client.list(MEMBER_API, 'ServiceMeshMember')) {
        if (smm.spec?.controlPlaneRef?.namespace === roll.metadata.namespace) this.members.enqueue(keyOf(smm));
      }
    });
    // A member namespace appearing (or going) changes what a roll can configure.
    this.client.watch('v1', 'Namespace', (type, ns) => {
      if (type === 'MODIFIED') return;
      for (const roll of this.client.list(MEMBER_API, 'ServiceMeshMemberRoll')) this.rolls.enqueue(keyOf(roll));
      for (const smm of this.client.list(MEMBER_API, 'ServiceMeshMember', ns.metadata.name)) this.members.enqueue(keyOf(smm));
    });
    // The injection webhook acts at admission: before the scheduler (whose queue wakes on a later
    // turn of the event loop) can place the pod.
    this.client.watch('v1', 'Pod', (type, pod) => {
      if (type === 'ADDED') queueMicrotask(() => this.inject(pod.metadata.namespace!, pod.metadata.name!));
    });
  }

  /** The operator acts only while its CSV has succeeded somewhere. */
  private running(): boolean {
    return this.client
      .list(OLM, 'ClusterServiceVersion')
      .some((c) => c.metadata.name!.startsWith('servicemeshoperator.') && c.status?.phase === 'Succeeded');
  }

  private requeueEverything(): void {
    for (const smcp of this.client.list(SMCP_API, 'ServiceMeshControlPlane')) this.controlPlanes.enqueue(keyOf(smcp));
    for (const smm of this.client.list(MEMBER_API, 'ServiceMeshMember')) this.members.enqueue(keyOf(smm));
    for (const roll of this.client.list(MEMBER_API, 'ServiceMeshMemberRoll')) this.rolls.enqueue(keyOf(roll));
  }

  // ---- the control plane ----

  private reconcileControlPlane(key: string): void {
    if (!this.running()) return;
    const { namespace, name } = splitKey(key);
    const smcp = this.client.get(SMCP_API, 'ServiceMeshControlPlane', name, namespace);
    if (!smcp || smcp.metadata.deletionTimestamp) return;
    const errors = validateControlPlane(smcp, this.client.list(SMCP_API, 'ServiceMeshControlPlane', namespace));
    if (errors.length) return this.reportInvalid(smcp, errors);

    this.labelNamespace(namespace!, { [MEMBER_OF]: namespace!, 'maistra.io/ignore-namespace': 'ignore' });
    const owner = ownerReference({ ...smcp, apiVersion: SMCP_API, kind: 'ServiceMeshControlPlane' });
    const mesh = meshConfig(smcp, { ignoreTechPreviewProviders: this.ctx.faults.has('mesh-extension-provider-ignored') });
    this.client.apply(meshConfigMap(smcp, mesh, owner));
    if (smcp.spec?.security?.dataPlane?.mtls) this.client.apply(peerAuthentication(smcp, owner));

    // OSSM's chart order: istiod (discovery) first; the gateways only once it is available.
    const components = controlPlaneComponents(smcp, owner, this.ctx.faults.has('mesh-ignores-runtime-resources'));
    const [istiod, ...gateways] = components;
    this.ensure(istiod);
    const istiodReady = isAvailable(this.deploymentOf(istiod));
    if (istiodReady) for (const g of gateways) this.ensure(g);
    const ready: string[] = [];
    const unready: string[] = [];
    const pending: string[] = [];
    for (const c of components) {
      const live = this.deploymentOf(c);
      if (!live?.status?.conditions) pending.push(c.name);
      else if (isAvailable(live)) ready.push(c.name);
      else unready.push(c.name);
    }
    this.writeControlPlaneStatus(smcp, { ready: ready.sort(), unready: unready.sort(), pending: pending.sort() });
  }

  private ensure(component: Component): void {
    for (const svc of component.services) this.client.apply(svc);
    this.client.apply(component.deployment);
  }

  private deploymentOf(c: Component): KObject | undefined {
    return this.client.get('apps/v1', 'Deployment', c.deployment.metadata.name!, c.deployment.metadata.namespace);
  }

  private reportInvalid(smcp: KObject, errors: string[]): void {
    const now = timestamp();
    const detail = `Spec is invalid: ${errors.join('; ')}`;
    let conditions: Condition[] = smcp.status?.conditions ?? [];
    if (conditionOf(smcp, 'Installed')?.status !== 'True')
      conditions = setCondition(conditions, { type: 'Installed', status: 'False', reason: 'InstallError', message: detail }, now);
    conditions = setCondition(conditions, { type: 'Reconciled', status: 'False', reason: 'ValidationError', message: detail }, now);
    conditions = orderConditions(
      setCondition(conditions, { type: 'Ready', status: 'False', reason: 'ValidationError', message: detail }, now),
    );
    this.writeStatus(
      smcp,
      { ...(smcp.status ?? {}), conditions, readiness: smcp.status?.readiness ?? { components: { ready: [], unready: [], pending: [] } } },
      () => {
        this.client.event(smcp, 'Warning', 'ValidationError', detail);
      },
    );
  }

  private writeControlPlaneStatus(smcp: KObject, components: { ready: string[]; unready: string[]; pending: string[] }): void {
    const now = timestamp();
    const generation = smcp.metadata.generation ?? 1;
    const total = components.ready.length + components.unready.length + components.pending.length;
    const allReady = components.ready.length === total;
    const wasInstalled = conditionOf(smcp, 'Installed')?.status === 'True';
    const observed = smcp.status?.observedGeneration ?? 0;
    let conditions: Condition[] = smcp.status?.conditions ?? [];
    if (allReady) {
      const reconciled = `${OPERATOR_VERSION}-${generation}`;
      if (!wasInstalled) {
        conditions = setCondition(
          conditions,
          { type: 'Installed', status: 'True', reason: 'InstallSuccessful', message: 'Successfully installed all mesh components' },
          now,
        );
        conditions = setCondition(
          conditions,
          { type: 'Reconciled', status: 'True', reason: 'InstallSuccessful', message: `Successfully installed version ${reconciled}` },
          now,
        );
      } else if (observed !== generation) {
        conditions = setCondition(
          conditions,
          {
            type: 'Reconciled',
            status: 'True',
            reason: 'UpdateSuccessful',
            message: `Successfully updated from version ${OPERATOR_VERSION}-${observed} to version ${reconciled}`,
          },
          now,
        );
      }
      conditions = setCondition(
        conditions,
        { type: 'Ready', status: 'True', reason: 'ComponentsReady', message: 'All component deployments are Available' },
        now,
      );
    } else {
      // OSSM waits for the components of the chart group it is installing: the unready ones.
      const waiting = components.unready.length ? components.unready : components.pending;
      const paused = wasInstalled ? 'PausingUpdate' : 'PausingInstall';
      conditions = setCondition(
        conditions,
        {
          type: 'Reconciled',
          status: 'False',
          reason: paused,
          message: `Paused until the following components become ready: [${waiting.join(' ')}]`,
        },
        now,
      );
      conditions = setCondition(
        conditions,
        { type: 'Ready', status: 'False', reason: 'ComponentsNotReady', message: 'Some components are not fully available' },
        now,
      );
    }
    conditions = orderConditions(conditions);
    const status = {
      ...(smcp.status ?? {}),
      observedGeneration: allReady ? generation : observed,
      operatorVersion: OPERATOR_VERSION,
      // The charts of the requested version (2.5.1 for v2.5, the newest this operator carries).
      chartVersion: !smcp.spec?.version || smcp.spec.version === DEFAULT_VERSION ? CHART_VERSION : smcp.spec.version.slice(1),
      annotations: { alwaysReadyComponents: 'mesh-config,telemetry-common', readyComponentCount: `${components.ready.length}/${total}` },
      readiness: { components },
      appliedSpec: { ...(smcp.spec ?? {}), version: smcp.spec?.version || DEFAULT_VERSION, profiles: smcp.spec?.profiles ?? ['default'] },
      conditions,
    };
    const before = conditionOf(smcp, 'Ready')?.status;
    this.writeStatus(smcp, status, () => {
      if (allReady && before !== 'True') this.client.event(smcp, 'Normal', 'Ready', 'All component deployments are Available');
      if (!allReady && before !== 'False')
        this.client.event(
          smcp,
          'Warning',
          'NotReady',
          `The following components are not fully available: [${(components.unready.length ? components.unready : components.pending).join(' ')}]`,
        );
    });
  }

  private writeStatus(smcp: KObject, status: Record<string, unknown>, onChange: () => void): void {
    const strip = (s: unknown) => JSON.stringify(s, (k, v) => (k === 'lastTransitionTime' ? undefined : v));
    if (strip(smcp.status) === strip(status)) return;
    this.client.patchStatus(SMCP_API, 'ServiceMeshControlPlane', smcp.metadata.name!, smcp.metadata.namespace, status);
    onChange();
  }

  private labelNamespace(name: string, labels: Record<string, string | null>): void {
    const ns = this.client.get('v1', 'Namespace', name);
    if (!ns || ns.metadata.deletionTimestamp) return;
    if (Object.entries(labels).every(([k, v]) => (ns.metadata.labels?.[k] ?? null) === v)) return;
    this.client.patch('v1', 'Namespace', name, undefined, { metadata: { labels } });
  }

  /** The istiod pods crash under the fault mesh-istiod-unavailable. */
  private podBehaviour(pod: KObject): { crash?: string } | undefined {
    if (
      this.ctx.faults.has('mesh-operator-crashloop') &&
      pod.metadata.labels?.name === 'istio-operator' &&
      pod.metadata.name?.startsWith('istio-operator-')
    ) {
      return {
        crash:
          'injected fault mesh-operator-crashloop: istio-operator exits: failed to get the webhook CA bundle: secret maistra-operator-serving-cert not found',
      };
    }
    if (!this.ctx.faults.has('mesh-istiod-unavailable') || pod.metadata.labels?.app !== 'istiod' || !pod.metadata.labels?.['istio.io/rev'])
      return undefined;
    return {
      crash:
        'injected fault mesh-istiod-unavailable: pilot-discovery exits: failed to create the Kubernetes client: the server has asked for the client to provide credentials',
    };
  }

  // ---- members and the member roll ----

  private reconcileMember(key: string): void {
    if (!this.running()) return;
    const { namespace, name } = splitKey(key);
    const smm = this.client.get(MEMBER_API, 'ServiceMeshMember', name, namespace);
    if (!smm || smm.metadata.deletionTimestamp) return;
    const ref = smm.spec?.controlPlaneRef ?? {};
    if (name !== MEMBER_ROLL)
      return this.writeMemberStatus(smm, false, false, 'InvalidName', 'the ServiceMeshMember must be named "default"');
    if (!this.client.get('v1', 'Namespace', ref.namespace)) {
      return this.writeMemberStatus(
        smm,
        false,
        false,
        'MemberCannotCreateMemberRoll',
        "Could not create ServiceMeshMemberRoll, because the referenced namespace doesn't exist",
      );
    }
    const roll = this.client.get(MEMBER_API, 'ServiceMeshMemberRoll', MEMBER_ROLL, ref.namespace);
    if (!roll) {
      this.client.create({
        apiVersion: MEMBER_API,
        kind: 'ServiceMeshMemberRoll',
        metadata: { name: MEMBER_ROLL, namespace: ref.namespace, annotations: { [CREATED_BY]: 'servicemeshmember-controller' } },
        spec: { members: [namespace] },
      });
      this.client.event(smm, 'Normal', 'Reconciled', 'Successfully created ServiceMeshMemberRoll and added namespace to it');
    } else if (!(roll.spec?.members ?? []).includes(namespace)) {
      this.client.patch(MEMBER_API, 'ServiceMeshMemberRoll', MEMBER_ROLL, ref.namespace, {
        metadata: { resourceVersion: roll.metadata.resourceVersion },
        spec: { members: [...(roll.spec?.members ?? []), namespace] },
      });
      this.client.event(smm, 'Normal', 'Reconciled', 'Successfully added namespace to ServiceMeshMemberRoll');
    }
    const configured = (roll?.status?.configuredMembers ?? []).includes(namespace);
    this.writeMemberStatus(smm, true, configured, '', '', roll);
  }

  private writeMemberStatus(smm: KObject, reconciled: boolean, ready: boolean, reason: string, message: string, roll?: KObject): void {
    const now = timestamp();
    const ref = smm.spec?.controlPlaneRef ?? {};
    let conditions: Condition[] = smm.status?.conditions ?? [];
    const detail = reason ? { reason, message } : { reason: undefined, message: undefined };
    conditions = setCondition(conditions, { type: 'Reconciled', status: reconciled ? 'True' : 'False', ...detail }, now);
    conditions = setCondition(conditions, { type: 'Ready', status: ready ? 'True' : 'False', ...detail }, now).map(
      (c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Condition,
    );
    const status = {
      observedGeneration: smm.metadata.generation ?? 1,
      annotations: { controlPlaneRef: `${ref.namespace}/${ref.name}` },
      conditions,
      ...(roll?.status?.meshGeneration
        ? { meshGeneration: roll.status.meshGeneration, meshReconciledVersion: roll.status.meshReconciledVersion }
        : {}),
    };
    const strip = (s: unknown) => JSON.stringify(s, (k, v) => (k === 'lastTransitionTime' ? undefined : v));
    if (strip(smm.status) === strip({ ...(smm.status ?? {}), ...status })) return;
    this.client.patchStatus(MEMBER_API, 'ServiceMeshMember', smm.metadata.name!, smm.metadata.namespace, status);
  }

  /** A member deleted: its namespace leaves the roll (a roll the member controller created goes when empty). */
  private memberGone(smm: KObject): void {
    if (!this.running()) return;
    const meshNs = smm.spec?.controlPlaneRef?.namespace;
    const roll = meshNs && this.client.get(MEMBER_API, 'ServiceMeshMemberRoll', MEMBER_ROLL, meshNs);
    if (!roll || roll.metadata.deletionTimestamp) return;
    const members = (roll.spec?.members ?? []).filter((m: string) => m !== smm.metadata.namespace);
    if (!members.length && roll.metadata.annotations?.[CREATED_BY] === 'servicemeshmember-controller') {
      this.client.delete(MEMBER_API, 'ServiceMeshMemberRoll', MEMBER_ROLL, meshNs);
      return;
    }
    if (members.length !== (roll.spec?.members ?? []).length)
      this.client.patch(MEMBER_API, 'ServiceMeshMemberRoll', MEMBER_ROLL, meshNs, { spec: { members } });
  }

  private reconcileRoll(key: string): void {
    if (!this.running()) return;
    const { namespace: meshNs, name } = splitKey(key);
    const roll = this.client.get(MEMBER_API, 'ServiceMeshMemberRoll', name, meshNs);
    if (!roll || roll.metadata.deletionTimestamp) return this.unlabelFormerMembers(meshNs!, []);
    const now = timestamp();
    const fromMembers = this.client
      .list(MEMBER_API, 'ServiceMeshMember')
      .filter((m) => m.spec?.controlPlaneRef?.namespace === meshNs && !m.metadata.deletionTimestamp)
      .map((m) => m.metadata.namespace!);
    const members = [...new Set([...(roll.spec?.members ?? []), ...fromMembers])].filter((m) => m !== meshNs).sort();
    const controlPlanes = this.client.list(SMCP_API, 'ServiceMeshControlPlane', meshNs);
    let ready: { status: 'True' | 'False'; reason: string; message: string };
    let configured: string[] = [];
    let pending: string[] = members;
    const memberStatuses: { namespace: string; conditions: Condition[] }[] = [];
    const previous = (ns: string) =>
      (roll.status?.memberStatuses ?? []).find((s: { namespace: string }) => s.namespace === ns)?.conditions as Condition[] | undefined;
    if (name !== MEMBER_ROLL) {
      ready = { status: 'False', reason: 'ErrInvalidName', message: 'the ServiceMeshMemberRoll must be named "default"' };
    } else if (!controlPlanes.length) {
      ready = { status: 'False', reason: 'ErrSMCPMissing', message: 'No ServiceMeshControlPlane exists in the namespace' };
    } else if (controlPlanes.length > 1) {
      ready = { status: 'False', reason: 'ErrMultipleSMCPs', message: 'Multiple ServiceMeshControlPlane resources exist in the namespace' };
    } else if (!controlPlanes[0].status?.observedGeneration) {
      ready = { status: 'False', reason: 'SMCPReconciling', message: 'Initial service mesh installation has not completed' };
    } else {
      configured = [];
      pending = [];
      for (const ns of members) {
        const problem = this.configureMember(ns, meshNs!);
        const condition: Condition = problem
          ? { type: 'Reconciled', status: 'False', reason: problem.reason, message: problem.message }
          : { type: 'Reconciled', status: 'True' };
        memberStatuses.push({ namespace: ns, conditions: setCondition(previous(ns), condition, now) });
        (problem ? pending : configured).push(ns);
      }
      ready = pending.length
        ? { status: 'False', reason: 'ReconcileError', message: `The following namespaces are not yet configured: [${pending.join(' ')}]` }
        : { status: 'True', reason: 'Configured', message: 'All namespaces have been configured successfully' };
    }
    this.unlabelFormerMembers(meshNs!, configured);
    const mesh = controlPlanes.length === 1 ? controlPlanes[0] : undefined;
    const status = {
      observedGeneration: roll.metadata.generation ?? 1,
      annotations: { configuredMemberCount: `${configured.length}/${members.length}` },
      members,
      configuredMembers: configured,
      pendingMembers: pending,
      terminatingMembers: [],
      memberStatuses,
      meshGeneration: mesh?.status?.observedGeneration ?? 0,
      meshReconciledVersion: mesh?.status?.observedGeneration ? `${OPERATOR_VERSION}-${mesh.status.observedGeneration}` : '',
      conditions: setCondition(roll.status?.conditions, { type: 'Ready', ...ready }, now),
    };
    const strip = (s: unknown) => JSON.stringify(s, (k, v) => (k === 'lastTransitionTime' ? undefined : v));
    if (strip(roll.status) === strip(status)) return;
    this.client.patchStatus(MEMBER_API, 'ServiceMeshMemberRoll', name, meshNs, status);
  }

  /** Configures a member namespace; says why when it cannot. */
  private configureMember(name: string, meshNs: string): { reason: string; message: string } | undefined {
    const ns = this.client.get('v1', 'Namespace', name);
    if (!ns) return { reason: 'NamespaceNotExists', message: `namespace ${name} does not exist` };
    if (ns.metadata.deletionTimestamp) return { reason: 'NamespaceTerminating', message: `namespace ${name} is being deleted` };
    if (
      this.ctx.faults.has('mesh-auth-provider-claimed-by-other-mesh') &&
      name === 'redhat-ods-applications-auth-provider' &&
      !ns.metadata.labels?.[MEMBER_OF]
    ) {
      this.labelNamespace(name, { [MEMBER_OF]: 'istio-system-legacy' }); // the other mesh got there first
      return { reason: 'ReconcileError', message: `namespace ${name} is already a member of the mesh in istio-system-legacy` };
    }
    const other = ns.metadata.labels?.[MEMBER_OF];
    if (other && other !== meshNs)
      return { reason: 'ReconcileError', message: `namespace ${name} is already a member of the mesh in ${other}` };
    if (this.ctx.faults.has('mesh-member-not-configured') && name === 'knative-serving') {
      return {
        reason: 'ReconcileError',
        message: `Error configuring namespace ${name}: could not create NetworkPolicy ${name}/istio-mesh: admission webhook denied the request (injected fault mesh-member-not-configured)`,
      };
    }
    this.labelNamespace(name, { [MEMBER_OF]: meshNs });
    return undefined;
  }

  private unlabelFormerMembers(meshNs: string, keep: string[]): void {
    for (const ns of this.client.list('v1', 'Namespace')) {
      const name = ns.metadata.name!;
      if (name !== meshNs && ns.metadata.labels?.[MEMBER_OF] === meshNs && !keep.includes(name))
        this.labelNamespace(name, { [MEMBER_OF]: null });
    }
  }

  // ---- sidecar injection ----

  private inject(namespace: string, name: string): void {
    const pod = this.client.get('v1', 'Pod', name, namespace);
    if (!pod || pod.metadata.deletionTimestamp || pod.spec?.nodeName) return;
    if (!wantsSidecar(pod) || (pod.spec?.containers ?? []).some((c: KObject) => c.name === 'istio-proxy')) return;
    const ns = this.client.get('v1', 'Namespace', namespace);
    const meshNs = ns?.metadata.labels?.[MEMBER_OF];
    if (!meshNs || meshNs === namespace || ns?.metadata.labels?.['maistra.io/ignore-namespace']) return;
    const smcp = this.client.list(SMCP_API, 'ServiceMeshControlPlane', meshNs).find((c) => !c.metadata.deletionTimestamp);
    if (!smcp || !this.client.get('apps/v1', 'Deployment', `istiod-${smcp.metadata.name}`, meshNs)) return;
    this.client.update(injectedPod(pod, smcp));
  }
}

// ---- validation (OSSM's ValidateV2 for 2.5, plus the checks of its admission webhook) ----

const TRACING_TYPES = ['None', 'Jaeger', 'Stackdriver'];
const IDENTITY_TYPES = ['Kubernetes', 'ThirdParty'];
const PROVIDER_KINDS = ['prometheus', 'zipkin', 'opentelemetry', 'envoyOtelAls', 'envoyExtAuthzHttp', 'envoyExtAuthzGrpc'];
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

export function validateControlPlane(smcp: KObject, sameNamespace: KObject[]): string[] {
  const spec = smcp.spec ?? {};
  const errors: string[] = [];
  const older = sameNamespace.filter(
    (o) =>
      o.metadata.uid !== smcp.metadata.uid &&
      !o.metadata.deletionTimestamp &&
      (o.metadata.creationTimestamp! < smcp.metadata.creationTimestamp! ||
        (o.metadata.creationTimestamp === smcp.metadata.creationTimestamp && o.metadata.name! < smcp.metadata.name!)),
  );
  if (older.length)
    errors.push(
      `only one service mesh may be installed per project/namespace (ServiceMeshControlPlane ${older[0].metadata.name} already exists in ${smcp.metadata.namespace})`,
    );
  if (spec.version && !SUPPORTED_VERSIONS.includes(spec.version))
    errors.push(`invalid version: ${spec.version} (this operator supports ${SUPPORTED_VERSIONS.join(', ')})`);
  const tracing = spec.tracing?.type;
  if (tracing !== undefined && tracing !== '' && !TRACING_TYPES.includes(tracing))
    errors.push(`unknown tracer type: ${tracing} (spec.tracing.type must be one of ${TRACING_TYPES.join(', ')})`);
  const identity = spec.security?.identity?.type;
  if (identity !== undefined && identity !== '' && !IDENTITY_TYPES.includes(identity))
    errors.push(`unknown identity type: ${identity} (spec.security.identity.type must be Kubernetes or ThirdParty)`);
  if (identity === 'Kubernetes' && spec.security?.identity?.thirdParty)
    errors.push('spec.security.identity.thirdParty may only be set when spec.security.identity.type is ThirdParty');
  if (spec.policy?.type === 'Mixer' || spec.policy?.mixer)
    errors.push('support for policy.type "Mixer" and policy.Mixer options have been removed in v2.1, please use another alternative');
  if (spec.telemetry?.type === 'Mixer' || spec.telemetry?.mixer)
    errors.push('support for telemetry.type "Mixer" and telemetry.Mixer options have been removed in v2.1, please use another alternative');
  if (spec.addons?.['3scale'])
    errors.push(
      'support for 3scale has been removed in v2.1; please remove the spec.addons.3scale section from the SMCP and configure the 3scale WebAssembly adapter using a ServiceMeshExtension resource',
    );
  errors.push(...validateProviders(spec.meshConfig?.extensionProviders, 'spec.meshConfig.extensionProviders'));
  const preview = spec.techPreview?.meshConfig?.extensionProviders;
  if (preview !== undefined && !Array.isArray(preview)) errors.push('spec.techPreview.meshConfig.extensionProviders must be a list');
  else errors.push(...validateProviders(preview, 'spec.techPreview.meshConfig.extensionProviders'));
  return errors;
}

function validateProviders(providers: unknown, where: string): string[] {
  if (!Array.isArray(providers)) return [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const ext of providers as Record<string, KObject>[]) {
    const name = typeof ext?.name === 'string' ? ext.name : '';
    if (!name) errors.push(`${where}: extension provider name cannot be empty`);
    if (name && seen.has(name)) errors.push(`${where}: extension provider name '${name}' is not unique`);
    seen.add(name);
    const kinds = PROVIDER_KINDS.filter((k) => ext?.[k] !== undefined && ext[k] !== null);
    if (!kinds.length)
      errors.push(
        `extension provider '${name}' does not define any provider - it must specify one of: ${PROVIDER_KINDS.join(', ').replace(/, (?=[^,]*$)/, ', or ')}`,
      );
    else if (kinds.length > 1)
      errors.push(
        `extension provider '${name}' must specify only one type of provider: ${PROVIDER_KINDS.join(', ').replace(/, (?=[^,]*$)/, ', or ')}`,
      );
    for (const k of ['envoyExtAuthzGrpc', 'envoyExtAuthzHttp']) {
      const p = ext?.[k];
      if (!p) continue;
      if (typeof p.service !== 'string' || !p.service) errors.push(`invalid extension provider '${name}': ${k}.service is required`);
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535)
        errors.push(`invalid extension provider '${name}': ${k}.port must be a port number - got '${p.port}'`);
      if (p.timeout !== undefined && !DURATION.test(String(p.timeout)))
        errors.push(`invalid extension provider '${name}': ${k}.timeout must be specified in the duration format - got '${p.timeout}'`);
    }
  }
  return errors;
}

// ---- what a control plane installs ----

type Json = Record<string, unknown>;
type OwnerRef = NonNullable<KObject['metadata']['ownerReferences']>[number];

/** The mesh configuration istiod reads (ConfigMap istio-<smcp>, key mesh): OSSM's defaults, spec.meshConfig, then techPreview.meshConfig merged on top. */
export function meshConfig(smcp: KObject, opts: { ignoreTechPreviewProviders?: boolean } = {}): Json {
  const ns = smcp.metadata.namespace!;
  const name = smcp.metadata.name!;
  const spec = smcp.spec ?? {};
  const base: Json = {
    accessLogFile: spec.proxy?.accessLogging?.file?.name ?? '',
    defaultConfig: {
      discoveryAddress: `istiod-${name}.${ns}.svc:15012`,
      proxyMetadata: { ISTIO_META_DNS_AUTO_ALLOCATE: 'false', ISTIO_META_DNS_CAPTURE: 'false', PROXY_XDS_VIA_AGENT: 'true' },
      ...(spec.tracing?.type === 'Jaeger' ? { tracing: { zipkin: { address: `jaeger-collector.${ns}.svc:9411` } } } : {}),
    },
    enableAutoMtls: spec.security?.dataPlane?.automtls ?? false,
    enablePrometheusMerge: true,
    ingressControllerMode: 'OFF',
    rootNamespace: ns,
    trustDomain: spec.security?.trust?.domain ?? 'cluster.local',
    ...(spec.meshConfig?.discoverySelectors ? { discoverySelectors: spec.meshConfig.discoverySelectors } : {}),
  };
  const providers = new Map<string, Json>();
  for (const p of (spec.meshConfig?.extensionProviders ?? []) as Json[]) providers.set(String(p.name), p);
  const { extensionProviders: previewProviders, ...previewRest } = (spec.techPreview?.meshConfig ?? {}) as Json;
  if (!opts.ignoreTechPreviewProviders && Array.isArray(previewProviders))
    for (const p of previewProviders as Json[]) providers.set(String(p.name), p);
  const merged = deepMerge(base, previewRest);
  if (providers.size) merged.extensionProviders = [...providers.values()];
  return merged;
}

function deepMerge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? deepMerge(prev as Json, v as Json)
        : v;
  }
  return out;
}

function ownedLabels(smcp: KObject, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'maistra-version': CHART_VERSION,
    'maistra.io/owner': smcp.metadata.namespace!,
    'maistra.io/owner-name': smcp.metadata.name!,
    'app.kubernetes.io/managed-by': 'maistra-istio-operator',
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/instance': smcp.metadata.namespace!,
    'app.kubernetes.io/version': `${OPERATOR_VERSION}`,
    ...extra,
  };
}

function meshConfigMap(smcp: KObject, mesh: Json, owner: OwnerRef): KObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `istio-${smcp.metadata.name}`,
      namespace: smcp.metadata.namespace,
      labels: ownedLabels(smcp, { app: 'istiod', 'istio.io/rev': smcp.metadata.name!, 'app.kubernetes.io/component': 'istiod' }),
      ownerReferences: [owner],
    },
    data: { mesh: yaml.dump(mesh, { lineWidth: -1, sortKeys: true }), meshNetworks: 'networks: {}\n' },
  };
}

function peerAuthentication(smcp: KObject, owner: OwnerRef): KObject {
  return {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: smcp.metadata.namespace, labels: ownedLabels(smcp), ownerReferences: [owner] },
    spec: { mtls: { mode: 'STRICT' } },
  };
}

/**
 * A container's resources as the SMCP's runtime sets them (maistra/istio-operator maistra-2.5
 * pkg/apis/maistra/v2 ContainerConfig.Resources, rendered into the charts' resources), else the default.
 */
function resourcesOf(runtime: Json | undefined, fallback: Json, ignore: boolean): Json {
  const set = (runtime?.container as Json | undefined)?.resources as Json | undefined;
  return !ignore && set && (set.requests || set.limits) ? set : fallback;
}

function controlPlaneComponents(smcp: KObject, owner: OwnerRef, ignoreRuntime = false): Component[] {
  const name = smcp.metadata.name!;
  const gateways = smcp.spec?.gateways ?? {};
  const pilot = smcp.spec?.runtime?.components?.pilot;
  const components: Component[] = [
    {
      name: 'istiod',
      deployment: deployment(
        smcp,
        owner,
        `istiod-${name}`,
        'istiod',
        { app: 'istiod', istio: 'pilot', 'istio.io/rev': name },
        {
          name: 'discovery',
          image: `${REGISTRY}/pilot-rhel8:${CHART_VERSION}`,
          args: [
            'discovery',
            '--monitoringAddr=:15014',
            '--log_output_level=default:warn',
            '--domain',
            'cluster.local',
            '--keepaliveMaxServerConnectionAge',
            '30m',
          ],
          ports: tcpPorts(8080, 15010, 15017),
          resources: resourcesOf(pilot, { requests: { cpu: '10m', memory: '128Mi' } }, ignoreRuntime),
        },
        ignoreRuntime ? undefined : pilot?.deployment?.replicas,
      ),
      services: [
        service(
          smcp,
          owner,
          `istiod-${name}`,
          { app: 'istiod', istio: 'pilot', 'istio.io/rev': name },
          { app: 'istiod', 'istio.io/rev': name },
          [
            { name: 'grpc-xds', port: 15010, targetPort: 15010 },
            { name: 'https-dns', port: 15012, targetPort: 15012 },
            { name: 'https-webhook', port: 443, targetPort: 15017 },
            { name: 'http-monitoring', port: 15014, targetPort: 15014 },
          ],
        ),
      ],
    },
  ];
  const enabled = (g: KObject | undefined) => gateways.enabled !== false && g?.enabled !== false;
  for (const [kind, g] of [
    ['ingress', gateways.ingress],
    ['egress', gateways.egress],
  ] as const) {
    if (!enabled(g)) continue;
    const gw = `istio-${kind}gateway`;
    const selector = { app: gw, istio: `${kind}gateway` };
    // Labels of gateways.<kind>.service.metadata go to the gateway's Service and its pods (the Knative gateways select knative=ingressgateway).
    const extra: Record<string, string> = { ...(g?.service?.metadata?.labels ?? {}), ...(g?.runtime?.pod?.metadata?.labels ?? {}) };
    const ports =
      kind === 'ingress'
        ? [
            { name: 'status-port', port: 15021, targetPort: 15021 },
            { name: 'http2', port: 80, targetPort: 8080 },
            { name: 'https', port: 443, targetPort: 8443 },
          ]
        : [
            { name: 'http2', port: 80, targetPort: 8080 },
            { name: 'https', port: 443, targetPort: 8443 },
          ];
    components.push({
      name: gw,
      deployment: deployment(
        smcp,
        owner,
        gw,
        gw,
        { ...extra, ...selector, 'istio.io/rev': name },
        {
          name: 'istio-proxy',
          image: `${REGISTRY}/proxyv2-rhel8:${CHART_VERSION}`,
          args: [
            'proxy',
            'router',
            '--domain',
            `$(POD_NAMESPACE).svc.cluster.local`,
            '--proxyLogLevel=warning',
            '--proxyComponentLogLevel=misc:error',
            '--log_output_level=default:warn',
          ],
          ports: [...tcpPorts(15021, 8080, 8443), ENVOY_PROMETHEUS_PORT],
          resources: resourcesOf(g?.runtime, { requests: { cpu: '10m', memory: '128Mi' } }, ignoreRuntime),
        },
        g?.runtime?.deployment?.replicas,
        selector,
      ),
      services: [
        service(smcp, owner, gw, { ...extra, ...selector, 'istio.io/rev': name }, selector, ports, g?.service?.type ?? 'ClusterIP'),
      ],
    });
  }
  return components;
}

function deployment(
  smcp: KObject,
  owner: OwnerRef,
  name: string,
  component: string,
  podLabels: Record<string, string>,
  container: KObject['spec'],
  replicas = 1,
  selector: Record<string, string> = { app: podLabels.app, istio: podLabels.istio },
): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: smcp.metadata.namespace,
      labels: ownedLabels(smcp, { ...podLabels, 'app.kubernetes.io/component': component }),
      ownerReferences: [owner],
    },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...podLabels, 'maistra-control-plane': smcp.metadata.namespace!, 'maistra-version': CHART_VERSION },
          annotations: { [INJECT]: 'false' },
        },
        spec: { serviceAccountName: name.startsWith('istiod') ? name : `${name}-service-account`, containers: [container] },
      },
    },
  };
}

function service(
  smcp: KObject,
  owner: OwnerRef,
  name: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
  ports: { name: string; port: number; targetPort: number }[],
  type = 'ClusterIP',
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: smcp.metadata.namespace, labels: ownedLabels(smcp, labels), ownerReferences: [owner] },
    spec: { type, selector, ports: ports.map((p) => ({ ...p, protocol: 'TCP' })) },
  };
}

/** Installed, Reconciled, Ready: the order OSSM keeps them in. */
function orderConditions(conditions: Condition[]): Condition[] {
  const order = ['Installed', 'Reconciled', 'Ready'];
  return [...conditions].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

function isAvailable(d: KObject | undefined): boolean {
  return conditionOf(d, 'Available')?.status === 'True';
}

// ---- injection ----

/** sidecar.istio.io/inject "true" as an annotation or a label of the pod; "false" in either wins. */
export function wantsSidecar(pod: KObject): boolean {
  const values = [pod.metadata.annotations?.[INJECT], pod.metadata.labels?.[INJECT]].filter((v) => v !== undefined);
  return values.includes('true') && !values.includes('false');
}

function injectedPod(pod: KObject, smcp: KObject): KObject {
  const rev = smcp.metadata.name!;
  const meshNs = smcp.metadata.namespace!;
  const proxy = {
    name: 'istio-proxy',
    image: `${REGISTRY}/proxyv2-rhel8:${CHART_VERSION}`,
    args: [
      'proxy',
      'sidecar',
      '--domain',
      `${pod.metadata.namespace}.svc.cluster.local`,
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:warn',
      '--concurrency',
      '2',
    ],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      { name: 'CA_ADDR', value: `istiod-${rev}.${meshNs}.svc:15012` },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
    ],
    ports: [ENVOY_PROMETHEUS_PORT],
    resources: { requests: { cpu: '10m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
  };
  const validation = {
    name: 'istio-validation',
    image: `${REGISTRY}/proxyv2-rhel8:${CHART_VERSION}`,
    args: ['istio-iptables', '--run-validation', '--skip-rule-apply'],
    resources: { requests: { cpu: '10m', memory: '10Mi' } },
  };
  const status = {
    initContainers: ['istio-validation'],
    containers: ['istio-proxy'],
    volumes: ['istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'],
    imagePullSecrets: null,
    revision: rev,
  };
  const app = pod.metadata.labels?.app ?? pod.metadata.labels?.['app.kubernetes.io/name'] ?? pod.metadata.name!;
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      labels: {
        ...(pod.metadata.labels ?? {}),
        'security.istio.io/tlsMode': 'istio',
        'service.istio.io/canonical-name': app,
        'service.istio.io/canonical-revision': 'latest',
      },
      annotations: {
        ...(pod.metadata.annotations ?? {}),
        'sidecar.istio.io/status': JSON.stringify(status),
        'kubectl.kubernetes.io/default-container': pod.spec.containers[0]?.name,
      },
    },
    spec: { ...pod.spec, initContainers: [...(pod.spec.initContainers ?? []), validation], containers: [...pod.spec.containers, proxy] },
  };
}
