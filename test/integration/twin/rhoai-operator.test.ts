// The twin's RHOAI 2.9 operator: the DataScienceCluster reconcile (one DSC, per-component
// conditions, installedComponents, Deployments with requests, component CRDs, Removed components
// cleaned up, TrustyAI deprecated), KServe's 2.9 rules (serving Managed needs DSCI serviceMesh
// Managed and both operators; a KnativeServing it does not own is refused; serving Unmanaged is left
// alone; DSCI serviceMesh Managed needs the mesh operator), the operator-managed
// ServiceMeshControlPlane that serviceMesh Managed builds (the trap of the manual path), and the
// faults. The operator is installed as the harness installs it, through a Subscription.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TWIN_SYSTEM } from '../../../twin/api/auth';
import { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { loadYamlObjects } from '../../../twin/bootstrap';
import { COMPONENTS } from '../../../twin/controllers/rhoai-operator';
import { conditionOf } from '../../../twin/controllers/runtime';
import { startTwin } from '../../../twin/server';
import { APPS, clusterWithOperator, DSCI, waitFor, type Cluster } from './rhoai-operator.helpers';

const DSC = 'datasciencecluster.opendatahub.io/v1';
const CRD_DIR = join(__dirname, '..', '..', '..', 'twin', 'crds');

function components(states: Record<string, unknown>): KObject {
  return { apiVersion: DSC, kind: 'DataScienceCluster', metadata: { name: 'default-dsc' }, spec: { components: states } };
}

const ALL_BUT_KSERVE = {
  dashboard: { managementState: 'Managed' },
  workbenches: { managementState: 'Managed' },
  datasciencepipelines: { managementState: 'Managed' },
  modelmeshserving: { managementState: 'Managed' },
  codeflare: { managementState: 'Managed' },
  ray: { managementState: 'Managed' },
  kueue: { managementState: 'Managed' },
  trustyai: { managementState: 'Removed' },
};

function dsc(c: Cluster, name = 'default-dsc'): KObject | undefined {
  return c.client.get(DSC, 'DataScienceCluster', name);
}

/** The DSC after a pass that finished (ReconcileComplete True) with the given reason. */
function completed(c: Cluster, reason: string, extra: (d: KObject) => boolean = () => true): Promise<KObject> {
  return waitFor(`default-dsc ReconcileComplete ${reason}`, () => {
    const d = dsc(c);
    return d && conditionOf(d, 'ReconcileComplete')?.status === 'True' && conditionOf(d, 'ReconcileComplete')?.reason === reason && extra(d)
      ? d
      : undefined;
  });
}

function setMesh(c: Cluster, managementState: string): void {
  c.client.patch(DSCI, 'DSCInitialization', 'default-dsci', undefined, { spec: { serviceMesh: { managementState } } });
}

function setKserve(c: Cluster, kserve: Record<string, unknown>): void {
  c.client.patch(DSC, 'DataScienceCluster', 'default-dsc', undefined, { spec: { components: { kserve } } });
}

/** What a Subscription + succeeded CSV leave for 2.9's OperatorExists: an OperatorCondition named after the CSV. */
function operatorInstalled(c: Cluster, csv: string): void {
  c.client.create({
    apiVersion: 'operators.coreos.com/v2',
    kind: 'OperatorCondition',
    metadata: { name: csv, namespace: 'openshift-operators' },
    spec: {},
  });
}

function kindCrd(group: string, kind: string, plural: string, version: string): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}

describe('the DataScienceCluster reconcile', () => {
  let c: Cluster;
  before(async () => {
    c = await clusterWithOperator();
    c.client.create(components(ALL_BUT_KSERVE));
  });
  after(() => c?.twin.stop());

  test('every Managed component gets <name>Ready=True and installedComponents true; phase Ready, ReconcileCompleted', async () => {
    const d = await completed(c, 'ReconcileCompleted');
    assert.equal(d.status.phase, 'Ready');
    for (const name of ['dashboard', 'workbenches', 'data-science-pipelines-operator', 'model-mesh', 'codeflare', 'ray', 'kueue']) {
      assert.equal(conditionOf(d, `${name}Ready`)?.status, 'True', `${name}Ready`);
      assert.equal(conditionOf(d, `${name}Ready`)?.reason, 'ReconcileCompleted');
      assert.equal(d.status.installedComponents[name], true, name);
    }
    assert.equal(conditionOf(d, 'kserveReady'), undefined, 'no condition for a component that is not Managed');
    assert.equal(d.status.installedComponents.kserve, false);
    for (const type of ['Available', 'Upgradeable']) assert.equal(conditionOf(d, type)?.status, 'True', type);
    for (const type of ['Progressing', 'Degraded']) assert.equal(conditionOf(d, type)?.status, 'False', type);
    assert.ok(d.metadata.finalizers?.includes('datasciencecluster.opendatahub.io/finalizer'));
  });

  test('the components run as Deployments in the applications namespace, with requests the scheduler counts', async () => {
    const names = [
      'rhods-dashboard',
      'notebook-controller-deployment',
      'odh-notebook-controller-manager',
      'data-science-pipelines-operator-controller-manager',
      'modelmesh-controller',
      'odh-model-controller',
      'codeflare-operator-manager',
      'kuberay-operator',
      'kueue-controller-manager',
    ];
    for (const name of names) {
      const d = await waitFor(`${name} Available`, () => {
        const dep = c.client.get('apps/v1', 'Deployment', name, APPS);
        return conditionOf(dep, 'Available')?.status === 'True' ? dep : undefined;
      });
      assert.ok(d.spec.template.spec.containers[0].resources.requests.cpu, `${name} requests cpu`);
      assert.ok(
        d.metadata.ownerReferences?.some((r) => r.kind === 'DataScienceCluster'),
        `${name} is owned by the DSC`,
      );
    }
    assert.equal(c.client.get('apps/v1', 'Deployment', 'kserve-controller-manager', APPS), undefined);
    const pods = c.client
      .list('v1', 'Pod', APPS)
      .filter((p) => /^(codeflare-operator-manager|kuberay-operator|kueue-controller-manager)-/.test(p.metadata.name!));
    const cpu = pods.reduce((n, p) => n + parseFloat(String(p.spec.containers[0].resources.requests.cpu).replace(/m$/, 'e-3')), 0);
    assert.equal(Math.round(cpu * 10) / 10, 1.6, 'distributed workloads request 1.6 CPU, as the 2.9 docs say they need');
    assert.ok(c.client.get('v1', 'Namespace', 'rhods-notebooks'), 'workbenches create rhods-notebooks');
    assert.ok(c.client.get('route.openshift.io/v1', 'Route', 'rhods-dashboard', APPS), 'the dashboard Route');
  });

  test("a Managed component's CRDs come from twin/crds/component-<key>.yaml when that file exists", () => {
    for (const key of ['dashboard', 'kueue']) {
      const file = join(CRD_DIR, `component-${key}.yaml`);
      if (!existsSync(file)) continue;
      for (const crd of loadYamlObjects(file))
        assert.ok(
          c.client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name!),
          `${crd.metadata.name} installed with ${key}`,
        );
    }
  });

  test('a Removed component loses its Deployments and its condition; a shared Deployment stays for the other', async () => {
    c.client.patch(DSC, 'DataScienceCluster', 'default-dsc', undefined, {
      spec: { components: { ray: { managementState: 'Removed' }, modelmeshserving: { managementState: 'Removed' } } },
    });
    const d = await completed(c, 'ReconcileCompleted', (x) => !conditionOf(x, 'rayReady'));
    assert.equal(d.status.installedComponents.ray, false);
    await waitFor('kuberay-operator deleted', () => !c.client.get('apps/v1', 'Deployment', 'kuberay-operator', APPS));
    await waitFor(
      'odh-model-controller deleted (no kserve, no model-mesh)',
      () => !c.client.get('apps/v1', 'Deployment', 'odh-model-controller', APPS),
    );
    c.client.patch(DSC, 'DataScienceCluster', 'default-dsc', undefined, {
      spec: { components: { ray: { managementState: 'Managed' }, modelmeshserving: { managementState: 'Managed' } } },
    });
    await waitFor('kuberay-operator back', () => c.client.get('apps/v1', 'Deployment', 'kuberay-operator', APPS));
  });

  test('a deleted component Deployment comes back', async () => {
    c.client.delete('apps/v1', 'Deployment', 'kueue-controller-manager', APPS);
    await waitFor('kueue-controller-manager recreated', () => c.client.get('apps/v1', 'Deployment', 'kueue-controller-manager', APPS));
  });

  test('TrustyAI Managed deploys nothing and says it is deprecated, in trustyaiDeprecated (status.SetComponentCondition)', async () => {
    c.client.patch(DSC, 'DataScienceCluster', 'default-dsc', undefined, {
      spec: { components: { trustyai: { managementState: 'Managed' } } },
    });
    const d = await completed(c, 'ReconcileCompleted', (x) => conditionOf(x, 'trustyaiDeprecated')?.status === 'True');
    assert.match(conditionOf(d, 'trustyaiDeprecated')!.message!, /TrustyAI is deprecated/);
    assert.equal(conditionOf(d, 'trustyaiReady'), undefined, '2.9 has no trustyaiReady');
    assert.equal(d.status.installedComponents.trustyai, false);
    c.client.patch(DSC, 'DataScienceCluster', 'default-dsc', undefined, {
      spec: { components: { trustyai: { managementState: 'Removed' } } },
    });
    await completed(c, 'ReconcileCompleted', (x) => !conditionOf(x, 'trustyaiDeprecated'));
  });

  test('a second DataScienceCluster is refused: the first of the list goes to phase Error (DuplicateDataScienceCluster)', async () => {
    c.client.create({ ...components({}), metadata: { name: 'zz-second-dsc' } });
    const d = await waitFor('default-dsc in Error', () => (dsc(c)?.status?.phase === 'Error' ? dsc(c) : undefined));
    assert.equal(conditionOf(d, 'ReconcileComplete')?.reason, 'DuplicateDataScienceCluster');
    assert.match(conditionOf(d, 'ReconcileComplete')!.message!, /only one instance of DataScienceCluster object is allowed/);
    assert.equal(dsc(c, 'zz-second-dsc')?.status, undefined, 'the second one is never reconciled');
    c.client.delete(DSC, 'DataScienceCluster', 'zz-second-dsc');
    await waitFor('default-dsc Ready again', () => dsc(c)?.status?.phase === 'Ready');
  });
});

describe("KServe's 2.9 rules", () => {
  let c: Cluster;
  before(async () => {
    c = await clusterWithOperator();
    c.client.create(components({ dashboard: { managementState: 'Managed' } }));
    await completed(c, 'ReconcileCompleted');
  });
  after(() => c?.twin.stop());

  test('with DSCI serviceMesh Managed and no Authorino, KServe applies nothing to the mesh (components/kserve/servicemesh_setup.go): kserveReady=True', async () => {
    setKserve(c, { managementState: 'Managed', serving: { managementState: 'Unmanaged', name: 'knative-serving' } });
    const d = await completed(c, 'ReconcileCompleted', (x) => conditionOf(x, 'kserveReady')?.status === 'True');
    assert.equal(d.status.phase, 'Ready');
    await waitFor('kserve-controller-manager deployed', () => c.client.get('apps/v1', 'Deployment', 'kserve-controller-manager', APPS));
  });

  test('serving Unmanaged with serviceMesh Unmanaged (the manual mode): KServe is deployed and does nothing for Serverless', async () => {
    setMesh(c, 'Unmanaged');
    const d = await completed(c, 'ReconcileCompleted', (x) => conditionOf(x, 'kserveReady')?.status === 'True');
    assert.equal(d.status.installedComponents.kserve, true);
    for (const name of ['kserve-controller-manager', 'odh-model-controller']) {
      await waitFor(
        `${name} Available`,
        () => conditionOf(c.client.get('apps/v1', 'Deployment', name, APPS), 'Available')?.status === 'True',
      );
    }
    assert.equal(c.client.get('v1', 'Namespace', 'knative-serving'), undefined, 'no Serverless of its own');
  });

  test('serving Managed needs DSCI serviceMesh Managed', async () => {
    setKserve(c, { serving: { managementState: 'Managed' } });
    const d = await completed(c, 'ReconcileCompletedWithComponentErrors');
    assert.match(
      conditionOf(d, 'kserveReady')!.message!,
      /ServiceMesh is need to set to 'Managed' in DSCI CR, it is required by KServe serving field/,
    );
  });

  test('serving Managed needs the servicemeshoperator and serverless-operator operators (by OperatorCondition name)', async () => {
    setMesh(c, 'Managed');
    const d = await completed(c, 'ReconcileCompletedWithComponentErrors', (x) =>
      /not found/.test(conditionOf(x, 'kserveReady')?.message ?? ''),
    );
    const message = conditionOf(d, 'kserveReady')!.message!;
    assert.match(message, /operator servicemeshoperator not found\. Please install the operator before enabling kserve component/);
    assert.match(message, /operator serverless-operator not found\. Please install the operator before enabling kserve component/);
    assert.match(
      conditionOf(d, 'ReconcileComplete')!.message!,
      /^DataScienceCluster resource reconciled with component errors: 2 errors occurred:/,
    );
  });

  test('serving Managed refuses a KnativeServing it does not own', async () => {
    operatorInstalled(c, 'servicemeshoperator.v2.5.1');
    operatorInstalled(c, 'serverless-operator.v1.32.0');
    c.client.create({
      apiVersion: 'operators.coreos.com/v1alpha1',
      kind: 'Subscription',
      metadata: { name: 'servicemeshoperator', namespace: 'openshift-operators' },
      spec: { name: 'servicemeshoperator', channel: 'stable', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace' },
    });
    if (!c.client.hasKind('operator.knative.dev/v1beta1', 'KnativeServing'))
      c.client.create(kindCrd('operator.knative.dev', 'KnativeServing', 'knativeservings', 'v1beta1'));
    await waitFor('KnativeServing served', () => c.client.hasKind('operator.knative.dev/v1beta1', 'KnativeServing'));
    c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-serving' } });
    c.client.create({
      apiVersion: 'operator.knative.dev/v1beta1',
      kind: 'KnativeServing',
      metadata: { name: 'knative-serving', namespace: 'knative-serving' },
      spec: {},
    });
    const d = await completed(c, 'ReconcileCompletedWithComponentErrors', (x) =>
      /KNativeServing/.test(conditionOf(x, 'kserveReady')?.message ?? ''),
    );
    assert.match(
      conditionOf(d, 'kserveReady')!.message!,
      /existing KNativeServing resource was found; integrating to an existing installation is not supported/,
    );
  });
});

describe('default-dsci as 2.9 reconciles it (controllers/dscinitialization)', () => {
  test('fresh install, serviceMesh Managed, no mesh operator: Progressing with CapabilityServiceMesh=False MissingOperator; Unmanaged makes it Ready', async () => {
    const c = await clusterWithOperator();
    try {
      const get = () => c.client.get(DSCI, 'DSCInitialization', 'default-dsci')!;
      const d = get();
      assert.equal(d.spec.serviceMesh.managementState, 'Managed');
      assert.equal(d.status.phase, 'Progressing');
      assert.equal(conditionOf(d, 'ReconcileComplete')?.status, 'Unknown');
      assert.equal(conditionOf(d, 'ReconcileComplete')?.reason, 'ReconcileInit');
      const mesh = conditionOf(d, 'CapabilityServiceMesh')!;
      assert.equal(mesh.status, 'False');
      assert.equal(mesh.reason, 'MissingOperator');
      assert.match(
        mesh.message!,
        /^2 errors occurred:\n\t\* failed to find the pre-requisite Service Mesh Operator subscription, please ensure Service Mesh Operator is installed\. failed to find the pre-requisite operator subscription "servicemeshoperator"/,
      );
      assert.equal(
        conditionOf(d, 'CapabilityServiceMeshAuthorization'),
        undefined,
        'the authorization capability runs only after the mesh one succeeded',
      );
      for (const ns of ['redhat-ods-applications', 'redhat-ods-monitoring', 'istio-system'])
        assert.ok(c.client.get('v1', 'Namespace', ns), `${ns} created (istio-system by the precondition CreateNamespaceIfNotExists)`);
      assert.ok(
        c.client
          .list('v1', 'Event', undefined)
          .some((e) => e.involvedObject?.name === 'default-dsci' && e.reason === 'DSCInitializationReconcileError'),
      );
      setMesh(c, 'Unmanaged');
      const ready = await waitFor('default-dsci Ready', () => (get().status?.phase === 'Ready' ? get() : undefined));
      assert.equal(conditionOf(ready, 'ReconcileComplete')?.reason, 'ReconcileCompleted');
      assert.equal(conditionOf(ready, 'Upgradeable')?.status, 'True');
      assert.deepEqual(conditionOf(ready, 'CapabilityServiceMesh'), mesh, '2.9 leaves the stale condition alone once Unmanaged');
    } finally {
      await c.twin.stop();
    }
  });
});

describe('DSCI serviceMesh and the operator-managed ServiceMeshControlPlane', () => {
  // Managed with minimal still there would make two control planes in istio-system, and OSSM refuses
  // the younger (service-mesh.test.ts): which one is younger is decided by creationTimestamp, whole
  // seconds, so a test that created both within one second saw the operator's accepted, and across a
  // second boundary refused. minimal goes before the switch back: the operator's is then the only one.
  test('Managed: data-science-smcp appears as soon as a servicemeshoperator Subscription exists and the kind is served; Unmanaged: nothing', async () => {
    const c = await clusterWithOperator();
    try {
      const meshSub = {
        apiVersion: 'operators.coreos.com/v1alpha1',
        kind: 'Subscription',
        metadata: { name: 'servicemeshoperator', namespace: 'openshift-operators' },
        spec: { name: 'servicemeshoperator', channel: 'stable', source: 'redhat-operators', sourceNamespace: 'openshift-marketplace' },
      };
      // Unmanaged first: the subscription and the served kind change nothing.
      setMesh(c, 'Unmanaged');
      c.client.create(meshSub);
      await waitFor(
        'SMCP served (the mesh operator installed)',
        () => c.client.hasKind('maistra.io/v2', 'ServiceMeshControlPlane') || undefined,
      );
      await waitFor('default-dsci reconciled', () => c.client.get(DSCI, 'DSCInitialization', 'default-dsci')?.status?.phase === 'Ready');
      // The harness's order: its own control plane "minimal", and it stays the only one.
      c.client.create({
        apiVersion: 'maistra.io/v2',
        kind: 'ServiceMeshControlPlane',
        metadata: { name: 'minimal', namespace: 'istio-system' },
        spec: {},
      });
      await waitFor(
        'minimal ready',
        () =>
          c.client.get('maistra.io/v2', 'ServiceMeshControlPlane', 'minimal', 'istio-system')?.status?.readiness?.components?.ready
            ?.length || undefined,
      );
      c.client.patch(DSCI, 'DSCInitialization', 'default-dsci', undefined, { metadata: { labels: { touched: 'after-minimal' } } });
      await waitFor(
        'default-dsci reconciled again',
        () => c.client.get(DSCI, 'DSCInitialization', 'default-dsci')?.metadata.labels?.touched,
      );
      assert.deepEqual(
        c.client.list('maistra.io/v2', 'ServiceMeshControlPlane').map((s) => s.metadata.name),
        ['minimal'],
        'Unmanaged builds nothing: exactly one control plane',
      );
      // Managed: the operator builds its own control plane (beside minimal, this would be the trap).
      c.client.delete('maistra.io/v2', 'ServiceMeshControlPlane', 'minimal', 'istio-system');
      await waitFor('minimal gone', () => !c.client.get('maistra.io/v2', 'ServiceMeshControlPlane', 'minimal', 'istio-system'));
      setMesh(c, 'Managed');
      const smcp = await waitFor('data-science-smcp', () =>
        c.client.get('maistra.io/v2', 'ServiceMeshControlPlane', 'data-science-smcp', 'istio-system'),
      );
      assert.deepEqual(smcp.spec.gateways?.openshiftRoute, { enabled: false });
      assert.equal(smcp.spec.security?.identity?.type, 'ThirdParty');
      assert.deepEqual(
        c.client.list('maistra.io/v2', 'ServiceMeshControlPlane').map((s) => s.metadata.name),
        ['data-science-smcp'],
      );
      // 2.9 sets Ready only once its own control plane is ready (EnsureServiceMeshInstalled), then reports the capabilities.
      const dsci = await waitFor('default-dsci Ready with its mesh', () => {
        const d = c.client.get(DSCI, 'DSCInitialization', 'default-dsci');
        return conditionOf(d, 'CapabilityServiceMesh')?.status === 'True' && d?.status?.phase === 'Ready' ? d : undefined;
      });
      assert.equal(conditionOf(dsci, 'CapabilityServiceMeshAuthorization')?.reason, 'MissingOperator');
      assert.equal(c.client.get('v1', 'ConfigMap', 'service-mesh-refs', APPS)?.data?.CONTROL_PLANE_NAME, 'data-science-smcp');
    } finally {
      await c.twin.stop();
    }
  });
});

describe('faults', { concurrency: true }, () => {
  test('rhoai-foreign-argo-workflows: the pipelines component refuses to deploy; the next pass puts the DSC in phase Error (ArgoWorkflowExist)', async () => {
    const c = await clusterWithOperator(['rhoai-foreign-argo-workflows']);
    try {
      c.client.create(components({ datasciencepipelines: { managementState: 'Managed' }, dashboard: { managementState: 'Managed' } }));
      const d = await waitFor('default-dsc in Error', () => (dsc(c)?.status?.phase === 'Error' ? dsc(c) : undefined));
      assert.equal(conditionOf(d, 'dashboardReady')?.status, 'True');
      assert.equal(conditionOf(d, 'ReconcileComplete')?.reason, 'ArgoWorkflowExist');
      assert.match(
        conditionOf(d, 'ReconcileComplete')!.message!,
        /^Failed upgrade: {2}workflows\.argoproj\.io CRD already exists but not deployed by this operator\. Remove existing Argo workflows or set datasciencepipelines to Removed to proceed/,
      );
      assert.equal(conditionOf(d, 'data-science-pipelines-operatorReady')?.status, 'False');
      assert.equal(conditionOf(d, 'CapabilityDSPv2Argo')?.reason, 'ArgoWorkflowExist');
      assert.equal(d.status.installedComponents['data-science-pipelines-operator'], false);
      assert.equal(c.client.get('apps/v1', 'Deployment', 'data-science-pipelines-operator-controller-manager', APPS), undefined);
    } finally {
      await c.twin.stop();
    }
  });

  test('rhoai-component-crashloop: codeflare-operator-manager crash-loops while codeflareReady stays True (2.9 only applies manifests)', async () => {
    const c = await clusterWithOperator(['rhoai-component-crashloop']);
    try {
      c.client.create(components({ codeflare: { managementState: 'Managed' } }));
      const d = await completed(c, 'ReconcileCompleted');
      assert.equal(conditionOf(d, 'codeflareReady')?.status, 'True');
      const pod = await waitFor('a crash-looping codeflare pod', () =>
        c.client
          .list('v1', 'Pod', APPS)
          .find(
            (p) =>
              p.metadata.name!.startsWith('codeflare-operator-manager-') &&
              p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
          ),
      );
      assert.match(pod.status.containerStatuses[0].lastState.terminated.message, /rhoai-component-crashloop/);
      assert.equal(conditionOf(c.client.get('apps/v1', 'Deployment', 'codeflare-operator-manager', APPS), 'Available')?.status, 'False');
    } finally {
      await c.twin.stop();
    }
  });

  test('rhoai-kserve-dependency-missing: kserveReady=False with the 2.9 message even with serving Unmanaged', async () => {
    const c = await clusterWithOperator(['rhoai-kserve-dependency-missing']);
    try {
      setMesh(c, 'Unmanaged');
      c.client.create(components({ kserve: { managementState: 'Managed', serving: { managementState: 'Unmanaged' } } }));
      const d = await completed(c, 'ReconcileCompletedWithComponentErrors');
      assert.equal(d.status.phase, 'Ready');
      assert.match(
        conditionOf(d, 'kserveReady')!.message!,
        /^Component reconciliation failed: 1 error occurred:\n\t\* operator serverless-operator not found/,
      );
    } finally {
      await c.twin.stop();
    }
  });

  test("rhoai-codeflare-operator-installed: codeflareReady=False with 2.9's message, found by the OperatorCondition prefix", async () => {
    const c = await clusterWithOperator(['rhoai-codeflare-operator-installed']);
    try {
      c.client.create(components({ codeflare: { managementState: 'Managed' }, ray: { managementState: 'Managed' } }));
      const d = await completed(c, 'ReconcileCompletedWithComponentErrors');
      assert.equal(d.status.phase, 'Ready');
      assert.equal(conditionOf(d, 'rayReady')?.status, 'True');
      assert.equal(
        conditionOf(d, 'codeflareReady')!.message,
        'Component reconciliation failed: operator rhods-codeflare-operator is found. Please uninstall the operator before enabling codeflare component',
      );
    } finally {
      await c.twin.stop();
    }
  });

  test('rhoai-dsci-ready-without-mesh: default-dsci Ready although CapabilityServiceMesh=False', async () => {
    const c = await clusterWithOperator(['rhoai-dsci-ready-without-mesh']);
    try {
      const d = await waitFor('default-dsci Ready', () => {
        const x = c.client.get(DSCI, 'DSCInitialization', 'default-dsci');
        return x?.status?.phase === 'Ready' ? x : undefined;
      });
      assert.equal(conditionOf(d, 'CapabilityServiceMesh')?.reason, 'MissingOperator');
    } finally {
      await c.twin.stop();
    }
  });

  test('rhoai-dsci-mesh-ignores-unmanaged: after Unmanaged the capability keeps failing and its heartbeat moves', async () => {
    const c = await clusterWithOperator(['rhoai-dsci-mesh-ignores-unmanaged']);
    try {
      const get = () => c.client.get(DSCI, 'DSCInitialization', 'default-dsci')!;
      const heartbeat = () => String((conditionOf(get(), 'CapabilityServiceMesh') as { lastHeartbeatTime?: string }).lastHeartbeatTime);
      const before = heartbeat();
      setMesh(c, 'Unmanaged');
      await waitFor('a newer heartbeat', () => Date.parse(heartbeat()) > Date.parse(before) || undefined);
      assert.equal(get().status.phase, 'Progressing');
    } finally {
      await c.twin.stop();
    }
  });

  test('rhoai-cluster-too-small: the twin starts with one worker of the documented minimum size and one smaller', async () => {
    const twin = await startTwin({ faults: ['rhoai-cluster-too-small'], log: () => undefined });
    try {
      const client = new TwinClient(twin.api, 'test', TWIN_SYSTEM);
      const workers = client.list('v1', 'Node').filter((n) => 'node-role.kubernetes.io/worker' in (n.metadata.labels ?? {}));
      assert.deepEqual(
        workers.map((n) => [n.metadata.name, n.status.allocatable.cpu, n.status.allocatable.memory]),
        [
          ['worker-0', '8', '32Gi'],
          ['worker-1', '4', '16Gi'],
        ],
      );
    } finally {
      await twin.stop();
    }
  });
});

test('the component table names every component of the DSC CRD', () => {
  const crd = loadYamlObjects(join(CRD_DIR, 'rhods-operator.yaml')).find(
    (o) => o.metadata.name === 'datascienceclusters.datasciencecluster.opendatahub.io',
  )!;
  const keys = Object.keys(crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.components.properties).sort();
  assert.deepEqual(COMPONENTS.map((c) => c.key).sort(), keys);
});
