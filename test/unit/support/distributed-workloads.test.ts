// The distributed workloads domain's pure parts: quota sizing from nodes and pods, quantities,
// the settings, reading codeflare-operator-config as the operator does, and stuck containers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KObject } from '../../../support/core/cluster';
import { loadSettings, ConfigurationError } from '../../../support/core/config';
import { describeCapacity, podRequests, sizeQuotas } from '../../../support/distributed-workloads/capacity';
import {
  configMismatches,
  kuberayValue,
  lookupKey,
  parseCodeFlareConfig,
  webhookChanges,
} from '../../../support/distributed-workloads/codeflare';
import { specOwners } from '../../../support/distributed-workloads/kueue';
import { stuckContainer } from '../../../support/distributed-workloads/operators';
import { isDataScienceProject } from '../../../support/distributed-workloads/projects';
import { formatCpu, formatMemory, parseQuantity } from '../../../support/core/cluster/quantity';

function node(
  name: string,
  opts: { worker?: boolean; cpu?: string; memory?: string; gpu?: string; ready?: boolean; unschedulable?: boolean; taint?: boolean } = {},
): KObject {
  const labels: Record<string, string> =
    opts.worker === false ? { 'node-role.kubernetes.io/master': '' } : { 'node-role.kubernetes.io/worker': '' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: {
      ...(opts.unschedulable ? { unschedulable: true } : {}),
      ...(opts.taint ? { taints: [{ key: 'nvidia-gpu-only', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      allocatable: { cpu: opts.cpu ?? '16', memory: opts.memory ?? '64Gi', ...(opts.gpu ? { 'nvidia.com/gpu': opts.gpu } : {}) },
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

function pod(
  name: string,
  nodeName: string,
  requests: Record<string, string>,
  opts: { labels?: Record<string, string>; phase?: string; limitsOnly?: boolean; init?: Record<string, string> } = {},
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'x', labels: opts.labels ?? {} },
    spec: {
      nodeName,
      containers: [{ name: 'c', resources: opts.limitsOnly ? { limits: requests } : { requests } }],
      ...(opts.init ? { initContainers: [{ name: 'i', resources: { requests: opts.init } }] } : {}),
    },
    status: { phase: opts.phase ?? 'Running' },
  };
}

describe('quantities', () => {
  test('parse and format as Kubernetes writes them', () => {
    assert.equal(parseQuantity('500m'), 0.5);
    assert.equal(parseQuantity('36Gi'), 36 * 2 ** 30);
    assert.equal(parseQuantity('64G'), 64e9);
    assert.equal(parseQuantity('1e3'), 1000);
    assert.throws(() => parseQuantity('lots'), /not a Kubernetes quantity/);
    assert.equal(formatCpu(44), '44');
    assert.equal(formatCpu(44.5), '44500m');
    assert.equal(formatMemory(36 * 2 ** 30), '36Gi');
    assert.equal(formatMemory(512 * 2 ** 20), '512Mi');
    assert.equal(formatMemory(0), '0');
  });
});

describe('sizing the cluster queue from the cluster', () => {
  test('sums the Ready, schedulable workers, subtracts what pods request, rounds down', () => {
    const nodes = [
      node('master-0', { worker: false, cpu: '8' }),
      node('worker-0'),
      node('worker-1'),
      node('gpu-0', { gpu: '4', taint: true }),
      node('cordoned', { unschedulable: true }),
      node('sick', { ready: false }),
    ];
    const pods = [
      pod('operator', 'worker-0', { cpu: '1500m', memory: '2Gi' }),
      pod('on-master', 'master-0', { cpu: '4', memory: '8Gi' }),
      pod('done', 'worker-1', { cpu: '8' }, { phase: 'Succeeded' }),
      pod('ray-head', 'worker-1', { cpu: '8', memory: '32Gi' }, { labels: { 'ray.io/cluster': 'c' } }),
      pod('limits', 'worker-1', { cpu: '1', memory: '1Gi' }, { limitsOnly: true }),
      pod('gpu-user', 'gpu-0', { 'nvidia.com/gpu': '1' }),
    ];
    const report = sizeQuotas(nodes, pods);
    assert.deepEqual(report.nodes, ['worker-0', 'worker-1', 'gpu-0']);
    assert.deepEqual(
      report.skipped.map((s) => s.node),
      ['master-0', 'cordoned', 'sick'],
    );
    assert.equal(report.pods, 3);
    // cpu 48 − 2.5 = 45.5 → 45; memory 192Gi − 3Gi = 189Gi; GPUs 4 − 1 = 3
    assert.deepEqual(report.quotas, { cpu: '45', memory: '189Gi', 'nvidia.com/gpu': '3' });
    const text = describeCapacity(report, { cpu: '9' });
    assert.match(text, /cpu: 9 \(from settings; the cluster would give allocatable 48 − requested 2500m → 45\)/);
    assert.match(text, /not counted: sick: not Ready/);
  });

  test('a pod counts the larger of its containers and its init containers, never below zero', () => {
    assert.equal(podRequests(pod('p', 'n', { cpu: '1' }, { init: { cpu: '3' } })).cpu, 3);
    const report = sizeQuotas([node('w', { cpu: '2', memory: '1Gi' })], [pod('big', 'w', { cpu: '3', memory: '2Gi' })]);
    assert.deepEqual(report.quotas, { cpu: '0', memory: '0', 'nvidia.com/gpu': '0' });
  });

  test('memory rounds down to whole GiB', () => {
    const report = sizeQuotas([node('w', { memory: '10Gi' })], [pod('p', 'w', { memory: '1536Mi' })]);
    assert.equal(report.quotas.memory, '8Gi');
  });
});

describe('the distributed workloads settings', () => {
  const load = (env: Record<string, string>) => loadSettings(env);

  test('defaults: quotas sized from the cluster, the project and queue names, the CodeFlare expectations', () => {
    const s = load({});
    assert.equal(s.clusterQueueCpu, undefined);
    assert.equal(s.clusterQueueMemory, undefined);
    assert.equal(s.clusterQueueGpu, undefined);
    assert.equal(s.dwProject, 'distributed-workloads');
    assert.equal(s.localQueueName, 'local-queue');
    assert.deepEqual(s.codeflareIngressDomain, { kind: 'empty-or-apps-domain' });
    assert.equal(s.codeflareMtlsEnabled, true);
    assert.equal(s.codeflareDashboardOAuthEnabled, true);
  });

  test('quota overrides are validated quantities', () => {
    const s = load({ RHOAI_CLUSTER_QUEUE_CPU: '8500m', RHOAI_CLUSTER_QUEUE_MEMORY: '36Gi', RHOAI_CLUSTER_QUEUE_GPU: '05' });
    assert.deepEqual([s.clusterQueueCpu, s.clusterQueueMemory, s.clusterQueueGpu], ['8500m', '36Gi', '5']);
    for (const [name, value, words] of [
      ['RHOAI_CLUSTER_QUEUE_CPU', 'nine', 'not a Kubernetes quantity'],
      ['RHOAI_CLUSTER_QUEUE_CPU', '0', 'greater than 0'],
      ['RHOAI_CLUSTER_QUEUE_CPU', '-2', 'not a Kubernetes quantity'],
      ['RHOAI_CLUSTER_QUEUE_CPU', '0.0005', 'finest CPU unit is 1m'],
      ['RHOAI_CLUSTER_QUEUE_MEMORY', '36GB', 'not a Kubernetes quantity'],
      ['RHOAI_CLUSTER_QUEUE_MEMORY', '100m', 'whole number of bytes'],
      ['RHOAI_CLUSTER_QUEUE_GPU', '1.5', 'whole number of GPUs'],
      ['RHOAI_DW_PROJECT', 'Data_Science', 'DNS-1123 label'],
      ['RHOAI_DW_PROJECT', 'openshift-ai', 'system namespaces'],
      ['RHOAI_LOCAL_QUEUE_NAME', 'Local Queue', 'DNS-1123 subdomain'],
      ['RHOAI_CODEFLARE_INGRESS_DOMAIN', 'not a domain', 'default | empty | a DNS domain'],
      ['RHOAI_CODEFLARE_MTLS_ENABLED', 'yes', 'true | false'],
    ]) {
      assert.throws(
        () => load({ [name!]: value! }),
        (e: unknown) => e instanceof ConfigurationError && e.message.includes(name!) && e.message.includes(words!),
        `${name}=${value}`,
      );
    }
  });

  test('the CodeFlare ingress domain expectation', () => {
    assert.deepEqual(load({ RHOAI_CODEFLARE_INGRESS_DOMAIN: 'empty' }).codeflareIngressDomain, { kind: 'empty' });
    assert.deepEqual(load({ RHOAI_CODEFLARE_INGRESS_DOMAIN: 'Apps.Example.COM' }).codeflareIngressDomain, {
      kind: 'domain',
      domain: 'apps.example.com',
    });
    assert.equal(load({ RHOAI_CODEFLARE_DASHBOARD_OAUTH_ENABLED: 'false' }).codeflareDashboardOAuthEnabled, false);
  });
});

describe('codeflare-operator-config as the operator reads it', () => {
  const cm = (data: Record<string, string>): KObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'codeflare-operator-config', namespace: 'redhat-ods-applications' },
    data,
  });

  test('the 2.9 defaults', () => {
    const config = parseCodeFlareConfig(
      cm({ 'config.yaml': 'kuberay:\n  ingressDomain: ""\n  mTLSEnabled: true\n  rayDashboardOAuthEnabled: true\n' }),
    );
    assert.deepEqual(kuberayValue(config, 'mTLSEnabled'), { value: true, writtenAs: 'mTLSEnabled' });
    assert.deepEqual(kuberayValue(config, 'ingressDomain'), { value: '', writtenAs: 'ingressDomain' });
  });

  test('keys left out keep the operator defaults; keys match case-insensitively as Go JSON does', () => {
    const config = parseCodeFlareConfig(cm({ 'config.yaml': 'KubeRay:\n  rayDashboardOauthEnabled: false\n' }));
    assert.deepEqual(kuberayValue(config, 'rayDashboardOAuthEnabled'), { value: false, writtenAs: 'rayDashboardOauthEnabled' });
    assert.deepEqual(kuberayValue(config, 'mTLSEnabled'), { value: true });
    assert.equal(lookupKey({ a: 1, A: 2 }, 'A'), 'A', 'an exact match wins');
  });

  test('a ConfigMap the operator would refuse fails with its reason', () => {
    assert.throws(() => parseCodeFlareConfig(cm({})), /needs exactly one \(config\.yaml\)/);
    assert.throws(() => parseCodeFlareConfig(cm({ 'config.yaml': 'a: 1', extra: 'b' })), /cannot resolve config from ConfigMap/);
    assert.throws(() => parseCodeFlareConfig(cm({ 'config.yaml': 'kuberay: [1' })), /not valid YAML/);
    assert.throws(() => parseCodeFlareConfig(cm({ 'config.yaml': 'kuberay: 3' })), /not a mapping/);
  });
});

describe('operator pods and projects', () => {
  test('a crash-looping container is described with its last words', () => {
    const p: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kueue-controller-manager-abc' },
      status: {
        containerStatuses: [
          {
            name: 'manager',
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', message: 'no certs\n' } },
          },
        ],
      },
    };
    assert.equal(
      stuckContainer(p),
      'pod kueue-controller-manager-abc container manager: CrashLoopBackOff (back-off 5m0s), 5 restarts; last exit 1 (Error): no certs',
    );
    assert.equal(
      stuckContainer({ ...p, status: { containerStatuses: [{ name: 'manager', state: { waiting: { reason: 'ContainerCreating' } } }] } }),
      undefined,
    );
  });

  test('data science projects are labelled namespaces, minus system and dashboard namespaces', () => {
    const ns = (name: string, label = true, deleting = false): KObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: label ? { 'opendatahub.io/dashboard': 'true' } : {}, ...(deleting ? { deletionTimestamp: 'x' } : {}) },
    });
    assert.deepEqual(
      [ns('fraud'), ns('plain', false), ns('openshift-x'), ns('redhat-ods-applications'), ns('gone', true, true)]
        .filter(isDataScienceProject)
        .map((n) => n.metadata.name),
      ['fraud'],
    );
  });
});

describe('what the CodeFlare operator did to a RayCluster', () => {
  const rc = (head: Record<string, unknown>, worker: Record<string, unknown>): KObject => ({
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name: 'p' },
    spec: { headGroupSpec: { template: { spec: head } }, workerGroupSpecs: [{ template: { spec: worker } }] },
  });
  const mutated = rc(
    {
      containers: [{ name: 'ray-head' }, { name: 'oauth-proxy' }],
      serviceAccountName: 'p-oauth-proxy',
      initContainers: [{ name: 'create-cert' }],
    },
    { initContainers: [{ name: 'create-cert' }] },
  );

  test('reads the webhook changes: the oauth-proxy sidecar with its service account, create-cert on head and worker', () => {
    assert.deepEqual(webhookChanges(mutated), { oauthProxy: true, createCert: true });
    assert.deepEqual(
      webhookChanges(rc({ containers: [{ name: 'ray-head' }, { name: 'oauth-proxy' }], initContainers: [{ name: 'create-cert' }] }, {})),
      { oauthProxy: false, createCert: false },
    );
  });

  test('names each setting the operator does not run with', () => {
    assert.deepEqual(configMismatches({ oauth: true, mtls: true }, webhookChanges(mutated)), []);
    assert.deepEqual(configMismatches({ oauth: true, mtls: false }, webhookChanges(mutated)), [
      'kuberay.mTLSEnabled is false in the ConfigMap, but its webhook added the create-cert init containers',
    ]);
    assert.deepEqual(configMismatches({ oauth: true, mtls: true }, { oauthProxy: false, createCert: true }), [
      'kuberay.rayDashboardOAuthEnabled is true in the ConfigMap, but its webhook did not add the oauth-proxy sidecar',
    ]);
  });
});

describe('field owners of Kueue objects', () => {
  test('lists the managers of spec fields other than the harness', () => {
    const obj: KObject = {
      apiVersion: 'kueue.x-k8s.io/v1beta1',
      kind: 'ResourceFlavor',
      metadata: {
        name: 'f',
        managedFields: [
          { manager: 'rhoai-harness', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } },
          {
            manager: 'kubectl-client-side-apply',
            operation: 'Update',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:nodeLabels': {}, 'f:tolerations': {} } },
          },
          { manager: 'other', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:nodeTaints': {} } } },
        ],
      },
    };
    assert.deepEqual(specOwners(obj, ['nodeLabels', 'tolerations']), ['kubectl-client-side-apply']);
    assert.deepEqual(specOwners(obj, ['nodeTaints', 'nodeLabels']), ['kubectl-client-side-apply', 'other']);
    assert.deepEqual(specOwners(undefined, ['nodeLabels']), []);
  });
});
