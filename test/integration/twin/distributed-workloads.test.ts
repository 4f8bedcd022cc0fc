// The twin's Kueue and CodeFlare controllers: the queue statuses Kueue 0.6 reports, its finalizers,
// the CodeFlare operator's default configuration, and the faults of both. The rhods-operator's part
// (the component CRDs and the operator Deployments in the applications namespace) is played here
// directly, so these tests do not depend on the DataScienceCluster controller.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import { TWIN_SYSTEM } from '../../../twin/api/auth';
import { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { loadYamlObjects } from '../../../twin/bootstrap';
import { CODEFLARE_CONFIGMAP, defaultCodeFlareConfig, loadKubeRayConfig, OAUTH_FINALIZER } from '../../../twin/controllers/codeflare';
import { conditionOf } from '../../../twin/controllers/runtime';
import { startTwin, type Twin } from '../../../twin/server';
import { waitFor } from './helpers';

const APPS = 'redhat-ods-applications';
const KUEUE = 'kueue.x-k8s.io/v1beta1';

interface Cluster {
  twin: Twin;
  client: TwinClient;
  /** Stops the twin; fails when a controller's reconcile failed on its own (the twin logs those). */
  stop(): Promise<void>;
}

async function cluster(faults: string[] = []): Promise<Cluster> {
  const log: string[] = [];
  const twin = await startTwin({ faults, log: (line) => log.push(line) });
  const client = new TwinClient(twin.api, 'test', TWIN_SYSTEM);
  const stop = async () => {
    await twin.stop();
    assert.deepEqual(
      log.filter((l) => / failed/.test(l)),
      [],
      'no controller reconcile failed',
    );
  };
  for (const file of ['component-kueue.yaml', 'component-ray.yaml'])
    for (const crd of loadYamlObjects(join(__dirname, '../../../twin/crds', file))) client.create(crd);
  client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: APPS } });
  return { twin, client, stop };
}

/** What the rhods-operator deploys for a component: a Deployment whose pods the twin's kubelet runs. */
function deploy(client: TwinClient, name: string): void {
  client.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: APPS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name } },
        spec: {
          containers: [
            {
              name: 'manager',
              image: `registry.redhat.io/rhoai/odh-${name}-rhel8:v2.9`,
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  });
}

function available(client: TwinClient, name: string): boolean {
  return conditionOf(client.get('apps/v1', 'Deployment', name, APPS), 'Available')?.status === 'True';
}

function clusterQueue(name: string, flavor: string): KObject {
  return {
    apiVersion: KUEUE,
    kind: 'ClusterQueue',
    metadata: { name },
    spec: {
      namespaceSelector: {},
      resourceGroups: [
        {
          coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
          flavors: [
            {
              name: flavor,
              resources: [
                { name: 'cpu', nominalQuota: 9 },
                { name: 'memory', nominalQuota: '36Gi' },
                { name: 'nvidia.com/gpu', nominalQuota: 5 },
              ],
            },
          ],
        },
      ],
    },
  };
}

function localQueue(name: string, namespace: string, cq: string): KObject {
  return { apiVersion: KUEUE, kind: 'LocalQueue', metadata: { name, namespace }, spec: { clusterQueue: cq } };
}

function active(obj: KObject | undefined): string | undefined {
  const c = conditionOf(obj, 'Active');
  return c && `${c.status}/${c.reason}/${c.message}`;
}

describe('the twin Kueue controller', () => {
  let c: Cluster;
  before(async () => {
    c = await cluster();
  });
  after(() => c.stop());

  test('does nothing while kueue-controller-manager is not deployed', async () => {
    c.client.create({ apiVersion: KUEUE, kind: 'ResourceFlavor', metadata: { name: 'early-flavor' } });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(c.client.get(KUEUE, 'ResourceFlavor', 'early-flavor')?.metadata.finalizers, undefined);
  });

  test('takes charge of flavors and reports an active ClusterQueue and LocalQueue, as Kueue 0.6 words it', async () => {
    deploy(c.client, 'kueue-controller-manager');
    await waitFor('kueue-controller-manager available', () => available(c.client, 'kueue-controller-manager'));
    await waitFor('the early flavor to get the finalizer', () =>
      c.client.get(KUEUE, 'ResourceFlavor', 'early-flavor')?.metadata.finalizers?.includes('kueue.x-k8s.io/resource-in-use'),
    );
    c.client.create({ apiVersion: KUEUE, kind: 'ResourceFlavor', metadata: { name: 'default-flavor' } });
    c.client.create(clusterQueue('cluster-queue', 'default-flavor'));
    c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'opendatahub.io/dashboard': 'true' } } });
    c.client.create(localQueue('local-queue', 'team-a', 'cluster-queue'));
    const cq = await waitFor('cluster-queue Active', () =>
      conditionOf(c.client.get(KUEUE, 'ClusterQueue', 'cluster-queue'), 'Active')?.status === 'True'
        ? c.client.get(KUEUE, 'ClusterQueue', 'cluster-queue')
        : undefined,
    );
    assert.equal(active(cq), 'True/Ready/Can admit new workloads');
    assert.deepEqual(cq.metadata.finalizers, ['kueue.x-k8s.io/resource-in-use']);
    assert.deepEqual(cq.status.flavorsReservation, [
      {
        name: 'default-flavor',
        resources: [
          { name: 'cpu', total: '0', borrowed: '0' },
          { name: 'memory', total: '0', borrowed: '0' },
          { name: 'nvidia.com/gpu', total: '0', borrowed: '0' },
        ],
      },
    ]);
    assert.deepEqual([cq.status.pendingWorkloads, cq.status.reservingWorkloads, cq.status.admittedWorkloads], [0, 0, 0]);
    const lq = await waitFor('local-queue Active', () =>
      conditionOf(c.client.get(KUEUE, 'LocalQueue', 'local-queue', 'team-a'), 'Active')?.status === 'True'
        ? c.client.get(KUEUE, 'LocalQueue', 'local-queue', 'team-a')
        : undefined,
    );
    assert.equal(active(lq), 'True/Ready/Can submit new workloads to clusterQueue');
    assert.deepEqual(lq.status.flavorUsage, [
      {
        name: 'default-flavor',
        resources: [
          { name: 'cpu', total: '0' },
          { name: 'memory', total: '0' },
          { name: 'nvidia.com/gpu', total: '0' },
        ],
      },
    ]);
    assert.equal(lq.metadata.finalizers, undefined, 'LocalQueues carry no finalizer');
  });

  test('a ClusterQueue naming a missing flavor is inactive (FlavorNotFound), and becomes active when the flavor appears', async () => {
    c.client.create(clusterQueue('gpu-queue', 'gpu-flavor'));
    c.client.create(localQueue('gpu-local', 'team-a', 'gpu-queue'));
    await waitFor(
      'gpu-queue inactive',
      () => active(c.client.get(KUEUE, 'ClusterQueue', 'gpu-queue')) === "False/FlavorNotFound/Can't admit new workloads: FlavorNotFound",
    );
    await waitFor(
      'gpu-local follows',
      () =>
        active(c.client.get(KUEUE, 'LocalQueue', 'gpu-local', 'team-a')) ===
        "False/ClusterQueueIsInactive/Can't submit new workloads to clusterQueue",
    );
    c.client.create({ apiVersion: KUEUE, kind: 'ResourceFlavor', metadata: { name: 'gpu-flavor' } });
    await waitFor('gpu-queue active', () => active(c.client.get(KUEUE, 'ClusterQueue', 'gpu-queue'))?.startsWith('True/Ready'));
    await waitFor('gpu-local active', () => active(c.client.get(KUEUE, 'LocalQueue', 'gpu-local', 'team-a'))?.startsWith('True/Ready'));
  });

  test('a LocalQueue whose ClusterQueue does not exist says so', async () => {
    c.client.create(localQueue('orphan', 'team-a', 'no-such-queue'));
    await waitFor(
      'orphan inactive',
      () =>
        active(c.client.get(KUEUE, 'LocalQueue', 'orphan', 'team-a')) ===
        "False/ClusterQueueDoesNotExist/Can't submit new workloads to clusterQueue",
    );
    const lq = c.client.get(KUEUE, 'LocalQueue', 'orphan', 'team-a')!;
    assert.equal(lq.status.flavorUsage, undefined);
    assert.equal(lq.status.pendingWorkloads, 0);
  });

  test('a stopped ClusterQueue is inactive with reason Stopped', async () => {
    c.client.patch(KUEUE, 'ClusterQueue', 'gpu-queue', undefined, { spec: { stopPolicy: 'Hold' } });
    await waitFor(
      'gpu-queue stopped',
      () => active(c.client.get(KUEUE, 'ClusterQueue', 'gpu-queue')) === "False/Stopped/Can't admit new workloads: Stopped",
    );
  });

  test('counts workloads: pending, reserving and admitted, with their usage by flavor', async () => {
    const wl = (name: string, requests: Record<string, string> = {}) =>
      c.client.create({
        apiVersion: KUEUE,
        kind: 'Workload',
        metadata: { name, namespace: 'team-a' },
        spec: {
          queueName: 'local-queue',
          podSets: [
            { name: 'head', count: 1, template: { spec: { containers: [{ name: 'ray', image: 'ray', resources: { requests } }] } } },
          ],
        },
      });
    // More CPU than the queue's nominal quota (9): it stays pending. (One that requests nothing fits
    // and is admitted at once; waiting for "1 admitted" then raced the controller.)
    wl('pending-one', { cpu: '100' });
    wl('admitted-one');
    const now = new Date().toISOString();
    c.client.patchStatus(KUEUE, 'Workload', 'admitted-one', 'team-a', {
      admission: {
        clusterQueue: 'cluster-queue',
        podSetAssignments: [
          {
            name: 'head',
            count: 1,
            flavors: { cpu: 'default-flavor', memory: 'default-flavor' },
            resourceUsage: { cpu: '2', memory: '8Gi' },
          },
        ],
      },
      conditions: [
        {
          type: 'QuotaReserved',
          status: 'True',
          reason: 'QuotaReserved',
          message: 'Quota reserved in ClusterQueue cluster-queue',
          lastTransitionTime: now,
        },
        { type: 'Admitted', status: 'True', reason: 'Admitted', message: 'The workload is admitted', lastTransitionTime: now },
      ],
    });
    const cq = await waitFor('cluster-queue counts', () => {
      const o = c.client.get(KUEUE, 'ClusterQueue', 'cluster-queue');
      return o?.status?.admittedWorkloads === 1 ? o : undefined;
    });
    assert.deepEqual([cq.status.pendingWorkloads, cq.status.reservingWorkloads, cq.status.admittedWorkloads], [1, 1, 1]);
    assert.deepEqual(cq.status.flavorsUsage[0].resources.slice(0, 2), [
      { name: 'cpu', total: '2', borrowed: '0' },
      { name: 'memory', total: '8Gi', borrowed: '0' },
    ]);
    const lq = await waitFor('local-queue counts', () => {
      const o = c.client.get(KUEUE, 'LocalQueue', 'local-queue', 'team-a');
      return o?.status?.admittedWorkloads === 1 ? o : undefined;
    });
    assert.deepEqual([lq.status.pendingWorkloads, lq.status.reservingWorkloads], [1, 1]);
    assert.equal(lq.status.flavorsReservation[0].resources[0].total, '2');
  });

  test('a flavor in use keeps its finalizer when deleted, until no ClusterQueue names it', async () => {
    c.client.delete(KUEUE, 'ResourceFlavor', 'gpu-flavor');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(c.client.get(KUEUE, 'ResourceFlavor', 'gpu-flavor')?.metadata.deletionTimestamp, 'the flavor is terminating');
    c.client.delete(KUEUE, 'LocalQueue', 'gpu-local', 'team-a');
    c.client.delete(KUEUE, 'ClusterQueue', 'gpu-queue');
    await waitFor('gpu-queue gone', () => !c.client.get(KUEUE, 'ClusterQueue', 'gpu-queue'));
    await waitFor('gpu-flavor gone', () => !c.client.get(KUEUE, 'ResourceFlavor', 'gpu-flavor'));
  });
});

describe('the twin Kueue faults', () => {
  test('kueue-controller-crashloop: the manager crash-loops, its Deployment is unavailable and no queue gets a status', async () => {
    const c = await cluster(['kueue-controller-crashloop']);
    try {
      deploy(c.client, 'kueue-controller-manager');
      const pod = await waitFor('a crash-looping manager pod', () =>
        c.client
          .list('v1', 'Pod', APPS)
          .find(
            (p) =>
              p.metadata.name!.startsWith('kueue-controller-manager-') &&
              p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
          ),
      );
      assert.match(pod.status.containerStatuses[0].lastState.terminated.message, /kueue-controller-crashloop/);
      c.client.create({ apiVersion: KUEUE, kind: 'ResourceFlavor', metadata: { name: 'default-flavor' } });
      c.client.create(clusterQueue('cluster-queue', 'default-flavor'));
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(available(c.client, 'kueue-controller-manager'), false);
      assert.equal(c.client.get(KUEUE, 'ClusterQueue', 'cluster-queue')?.status, undefined);
    } finally {
      await c.stop();
    }
  });

  test('kueue-clusterqueue-inactive: the ClusterQueue stays inactive (FlavorNotFound) although its flavor exists', async () => {
    const c = await cluster(['kueue-clusterqueue-inactive']);
    try {
      deploy(c.client, 'kueue-controller-manager');
      await waitFor('kueue-controller-manager available', () => available(c.client, 'kueue-controller-manager'));
      c.client.create({ apiVersion: KUEUE, kind: 'ResourceFlavor', metadata: { name: 'default-flavor' } });
      c.client.create(clusterQueue('cluster-queue', 'default-flavor'));
      c.client.create(localQueue('lq', 'default', 'cluster-queue'));
      await waitFor('inactive', () => active(c.client.get(KUEUE, 'ClusterQueue', 'cluster-queue'))?.startsWith('False/FlavorNotFound'));
      await waitFor('lq inactive', () =>
        active(c.client.get(KUEUE, 'LocalQueue', 'lq', 'default'))?.startsWith('False/ClusterQueueIsInactive'),
      );
    } finally {
      await c.stop();
    }
  });
});

describe('the twin CodeFlare operator', () => {
  test('creates codeflare-operator-config with the 2.9 defaults when its manager starts', async () => {
    const c = await cluster();
    try {
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(c.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS), undefined, 'nothing before the operator runs');
      deploy(c.client, 'codeflare-operator-manager');
      const cm = await waitFor('the config map', () => c.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS));
      assert.deepEqual(Object.keys(cm.data), ['config.yaml']);
      const config = yaml.load(cm.data['config.yaml']) as KObject;
      assert.deepEqual(config.kuberay, { ingressDomain: '', mTLSEnabled: true, rayDashboardOAuthEnabled: true });
      assert.deepEqual(config.metrics, { bindAddress: ':8080' });
    } finally {
      await c.stop();
    }
  });

  test('never overwrites an existing configuration, and does not recreate a deleted one until the manager restarts', async () => {
    const c = await cluster();
    try {
      const mine = 'kuberay:\n  rayDashboardOAuthEnabled: false\n';
      c.client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: CODEFLARE_CONFIGMAP, namespace: APPS },
        data: { 'config.yaml': mine },
      });
      deploy(c.client, 'codeflare-operator-manager');
      await waitFor('manager available', () => available(c.client, 'codeflare-operator-manager'));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(c.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS)?.data?.['config.yaml'], mine);
      c.client.delete('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(
        c.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS),
        undefined,
        'the running operator read its configuration once',
      );
      // `oc delete pod -l ...` as the docs say after an edit: the new pod creates the defaults.
      for (const pod of c.client.list('v1', 'Pod', APPS))
        if (pod.metadata.name!.startsWith('codeflare-operator-manager-')) c.client.delete('v1', 'Pod', pod.metadata.name!, APPS);
      const cm = await waitFor('the recreated config map', () => c.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS));
      assert.equal(cm.data['config.yaml'], defaultCodeFlareConfig());
    } finally {
      await c.stop();
    }
  });

  test('codeflare-mtls-disabled: the configuration is created with mTLSEnabled false', async () => {
    const c = await cluster(['codeflare-mtls-disabled']);
    try {
      deploy(c.client, 'codeflare-operator-manager');
      const cm = await waitFor('the config map', () => c.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS));
      assert.equal((yaml.load(cm.data['config.yaml']) as KObject).kuberay.mTLSEnabled, false);
    } finally {
      await c.stop();
    }
  });
});

function rayCluster(name: string, namespace = 'default', extra: KObject['spec'] = {}): KObject {
  const container = (n: string) => ({ name: n, image: 'quay.io/project-codeflare/ray:2.20.0-py39-cu118' });
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name, namespace },
    spec: {
      headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [container('ray-head')] } } },
      workerGroupSpecs: [
        {
          groupName: 'small',
          minReplicas: 0,
          maxReplicas: 1,
          replicas: 0,
          rayStartParams: {},
          template: { spec: { containers: [container('machine-learning')] } },
        },
      ],
      ...extra,
    },
  };
}

const names = (list: KObject[] | undefined) => (list ?? []).map((x) => x.name);

describe('the twin CodeFlare operator and RayClusters', () => {
  test('reads its configuration as Go does: defaults, case-insensitive keys, one data entry', () => {
    const cm = (data: Record<string, string>): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data });
    assert.deepEqual(loadKubeRayConfig(cm({ 'config.yaml': defaultCodeFlareConfig() })), {
      rayDashboardOAuthEnabled: true,
      ingressDomain: '',
      mTLSEnabled: true,
    });
    assert.deepEqual(loadKubeRayConfig(cm({ 'config.yaml': 'KubeRay:\n  mtlsenabled: false\n  ingressDomain: apps.x\n' })), {
      rayDashboardOAuthEnabled: true,
      ingressDomain: 'apps.x',
      mTLSEnabled: false,
    });
    assert.deepEqual(loadKubeRayConfig(cm({ a: 'kuberay: {mTLSEnabled: false}', b: '' })), {
      rayDashboardOAuthEnabled: true,
      ingressDomain: '',
      mTLSEnabled: true,
    });
  });

  test('with the defaults, a RayCluster gets the webhook oauth-proxy and create-cert changes, the finalizer and a CA secret; KubeRay marks it suspended; deleting it releases the finalizer', async () => {
    const c = await cluster();
    try {
      deploy(c.client, 'codeflare-operator-manager');
      deploy(c.client, 'kuberay-operator');
      await waitFor('the config map', () => c.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS));
      await waitFor('kuberay-operator available', () => available(c.client, 'kuberay-operator'));
      c.client.create(rayCluster('rc', 'default', { suspend: true }));
      const rc = await waitFor('the finalizer', () => {
        const o = c.client.get('ray.io/v1', 'RayCluster', 'rc', 'default');
        return o?.metadata.finalizers?.includes(OAUTH_FINALIZER) && o.status?.state === 'suspended' ? o : undefined;
      });
      const head = rc.spec.headGroupSpec.template.spec;
      assert.deepEqual(names(head.containers), ['ray-head', 'oauth-proxy']);
      assert.equal(head.serviceAccountName, 'rc-oauth-proxy');
      assert.deepEqual(names(head.initContainers), ['create-cert']);
      assert.deepEqual(names(rc.spec.workerGroupSpecs[0].template.spec.initContainers), ['create-cert']);
      assert.ok(names(head.containers[0].env).includes('RAY_USE_TLS'));
      assert.deepEqual(names(head.volumes).sort(), ['ca-vol', 'proxy-tls-secret', 'server-cert']);
      const secret = await waitFor('the CA secret', () => c.client.get('v1', 'Secret', 'ca-secret-rc', 'default'));
      assert.match(Buffer.from(secret.data['ca.crt'], 'base64').toString(), /BEGIN CERTIFICATE/);
      c.client.delete('ray.io/v1', 'RayCluster', 'rc', 'default');
      await waitFor('the RayCluster gone', () => !c.client.get('ray.io/v1', 'RayCluster', 'rc', 'default'));
    } finally {
      await c.stop();
    }
  });

  test('with rayDashboardOAuthEnabled and mTLSEnabled false in the ConfigMap it reads at start, it adds neither and makes no CA secret', async () => {
    const c = await cluster();
    try {
      c.client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: CODEFLARE_CONFIGMAP, namespace: APPS },
        data: { 'config.yaml': defaultCodeFlareConfig(false, { rayDashboardOAuthEnabled: false }) },
      });
      deploy(c.client, 'codeflare-operator-manager');
      await waitFor('manager available', () => available(c.client, 'codeflare-operator-manager'));
      // Until a manager serves the webhook the API server refuses the create (failurePolicy Fail): retry as a client does.
      await waitFor('the webhook to admit the RayCluster', () => {
        try {
          return c.client.create(rayCluster('plain'));
        } catch (error) {
          if ((error as { code?: number }).code === 500) return undefined;
          throw error;
        }
      });
      const rc = await waitFor('the finalizer', () => {
        const o = c.client.get('ray.io/v1', 'RayCluster', 'plain', 'default');
        return o?.metadata.finalizers?.includes(OAUTH_FINALIZER) ? o : undefined;
      });
      assert.deepEqual(names(rc.spec.headGroupSpec.template.spec.containers), ['ray-head']);
      assert.equal(rc.spec.headGroupSpec.template.spec.initContainers, undefined);
      assert.equal(c.client.get('v1', 'Secret', 'ca-secret-plain', 'default'), undefined);
      assert.equal(rc.status?.state, undefined, 'no KubeRay, no state');
    } finally {
      await c.stop();
    }
  });

  test('codeflare-config-edited-not-restarted: the ConfigMap says mTLSEnabled false after the start, the operator still adds create-cert', async () => {
    const c = await cluster(['codeflare-config-edited-not-restarted']);
    try {
      deploy(c.client, 'codeflare-operator-manager');
      await waitFor('the edited config map', () =>
        /mTLSEnabled: false/.test(c.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS)?.data?.['config.yaml'] ?? ''),
      );
      c.client.create(rayCluster('rc'));
      const rc = await waitFor('the finalizer', () => {
        const o = c.client.get('ray.io/v1', 'RayCluster', 'rc', 'default');
        return o?.metadata.finalizers?.includes(OAUTH_FINALIZER) ? o : undefined;
      });
      assert.deepEqual(names(rc.spec.headGroupSpec.template.spec.initContainers), ['create-cert']);
    } finally {
      await c.stop();
    }
  });

  test('codeflare-community-operator-leftover and kuberay-helm-operator-alongside: a second CodeFlare operator (OLM) and a second KubeRay operator (Helm) run outside the applications namespace', async () => {
    const c = await cluster(['codeflare-community-operator-leftover', 'kuberay-helm-operator-alongside']);
    try {
      const csv = await waitFor('the community CSV to succeed', () => {
        const o = c.client.get(
          'operators.coreos.com/v1alpha1',
          'ClusterServiceVersion',
          'codeflare-operator.v1.1.0',
          'openshift-operators',
        );
        return o?.status?.phase === 'Succeeded' ? o : undefined;
      });
      assert.equal(csv.spec.install.spec.deployments[0].name, 'codeflare-operator-manager');
      await waitFor(
        'the Helm KubeRay available',
        () => conditionOf(c.client.get('apps/v1', 'Deployment', 'kuberay-operator', 'ray-system'), 'Available')?.status === 'True',
      );
      await waitFor(
        'the OLM CodeFlare available',
        () =>
          conditionOf(c.client.get('apps/v1', 'Deployment', 'codeflare-operator-manager', 'openshift-operators'), 'Available')?.status ===
          'True',
      );
      assert.equal(
        c.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, APPS),
        undefined,
        'the RHOAI operator is not the one that runs there',
      );
    } finally {
      await c.stop();
    }
  });
});

describe('the twin Kueue faults that model an earlier setup', () => {
  test('kueue-flavor-left-with-node-labels, kueue-clusterqueue-left-without-gpu, kueue-team-local-queue-same-name, kueue-upstream-install-alongside: left once the Kueue kinds are served', async () => {
    const c = await cluster([
      'kueue-flavor-left-with-node-labels',
      'kueue-clusterqueue-left-without-gpu',
      'kueue-team-local-queue-same-name',
      'kueue-upstream-install-alongside',
    ]);
    try {
      deploy(c.client, 'kueue-controller-manager');
      const rf = await waitFor('the flavor', () => c.client.get(KUEUE, 'ResourceFlavor', 'default-flavor'));
      assert.ok(rf.spec.nodeLabels && rf.spec.tolerations.length === 1);
      assert.ok((rf.metadata.managedFields ?? []).some((m) => m.manager === 'kubectl-client-side-apply'));
      const cq = c.client.get(KUEUE, 'ClusterQueue', 'cluster-queue')!;
      assert.deepEqual(cq.spec.resourceGroups[0].coveredResources, ['cpu', 'memory']);
      assert.equal(c.client.get('v1', 'Namespace', 'team-a')?.metadata.labels?.['opendatahub.io/dashboard'], 'true');
      await waitFor('team-a queue inactive', () =>
        active(c.client.get(KUEUE, 'LocalQueue', 'local-queue', 'team-a'))?.startsWith('False/ClusterQueueDoesNotExist'),
      );
      assert.ok(c.client.get('apps/v1', 'Deployment', 'kueue-controller-manager', 'kueue-system'));
    } finally {
      await c.stop();
    }
  });

  test('kueue-project-default-queue-elsewhere: a new data science project has a default LocalQueue for a missing ClusterQueue', async () => {
    const c = await cluster(['kueue-project-default-queue-elsewhere']);
    try {
      deploy(c.client, 'kueue-controller-manager');
      await waitFor('kueue-controller-manager available', () => available(c.client, 'kueue-controller-manager'));
      c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } });
      c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dsp', labels: { 'opendatahub.io/dashboard': 'true' } } });
      await new Promise((r) => setImmediate(r));
      const lq = c.client.get(KUEUE, 'LocalQueue', 'default', 'dsp');
      assert.equal(lq?.metadata.annotations?.['kueue.x-k8s.io/default-queue'], 'true', 'created with the project');
      assert.equal(c.client.get(KUEUE, 'LocalQueue', 'default', 'plain'), undefined);
      await waitFor(
        'inactive',
        () =>
          active(c.client.get(KUEUE, 'LocalQueue', 'default', 'dsp')) ===
          "False/ClusterQueueDoesNotExist/Can't submit new workloads to clusterQueue",
      );
    } finally {
      await c.stop();
    }
  });
});

describe('the component CRDs', () => {
  test('serve ray.io v1 and v1alpha1; RayJob v1 defaults submissionMode to K8sJobMode', async () => {
    const c = await cluster();
    try {
      const job = c.client.create({
        apiVersion: 'ray.io/v1',
        kind: 'RayJob',
        metadata: { name: 'j', namespace: 'default' },
        spec: {
          entrypoint: 'python -c "print(1)"',
          rayClusterSpec: {
            headGroupSpec: {
              rayStartParams: {},
              template: { spec: { containers: [{ name: 'head', image: 'quay.io/project-codeflare/ray:2.20.0-py39-cu118' }] } },
            },
          },
          unknownField: 1,
        },
      });
      assert.equal(job.spec.submissionMode, 'K8sJobMode');
      assert.equal(job.spec.unknownField, undefined, 'unknown fields are pruned');
      assert.equal(job.spec.rayClusterSpec.headGroupSpec.template.spec.containers[0].name, 'head', 'pod templates are kept whole');
      assert.ok(c.client.get('ray.io/v1alpha1', 'RayJob', 'j', 'default'));
      const rc = c.client.create({
        apiVersion: 'ray.io/v1',
        kind: 'RayCluster',
        metadata: { name: 'rc', namespace: 'default' },
        spec: {
          headGroupSpec: { rayStartParams: {}, template: {} },
          workerGroupSpecs: [{ groupName: 'small', minReplicas: 1, maxReplicas: 2, rayStartParams: {}, template: {} }],
        },
      });
      assert.deepEqual([rc.spec.workerGroupSpecs[0].replicas, rc.spec.workerGroupSpecs[0].numOfHosts], [0, 1]);
      const cq = c.client.create(clusterQueue('q', 'f'));
      assert.deepEqual([cq.spec.queueingStrategy, cq.spec.stopPolicy], ['BestEffortFIFO', 'None']);
      assert.throws(
        () => c.client.create({ apiVersion: KUEUE, kind: 'ClusterQueue', metadata: { name: 'bad' }, spec: { queueingStrategy: 'Random' } }),
        /queueingStrategy/,
      );
    } finally {
      await c.stop();
    }
  });
});
