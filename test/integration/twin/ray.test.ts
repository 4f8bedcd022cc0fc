// The twin's KubeRay, Kueue admission of Ray clusters and the Ray head's jobs API, together: a
// queued RayCluster is suspended until Kueue admits it within the quota, a second one that does not
// fit waits with Kueue 0.6's message and runs once the first is deleted, and a job submitted to the
// head runs its Python for real (or is refused with the reason).
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TWIN_SYSTEM } from '../../../twin/api/auth';
import { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { loadYamlObjects } from '../../../twin/bootstrap';
import { conditionOf } from '../../../twin/controllers/runtime';
import { workloadRuntimeOf } from '../../../twin/network/index';
import { startTwin, type Twin } from '../../../twin/server';
import WebSocket from 'ws';
import { waitFor } from './helpers';

const APPS = 'redhat-ods-applications';
const KUEUE = 'kueue.x-k8s.io/v1beta1';
const RAY = 'ray.io/v1';
const NS = 'ray-team';

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
            { name: 'manager', image: `registry.redhat.io/rhoai/odh-${name}-rhel8:v2.9`, resources: { requests: { cpu: '10m' } } },
          ],
        },
      },
    },
  });
}

function rayCluster(name: string): KObject {
  const container = (n: string) => ({
    name: n,
    image: 'quay.io/project-codeflare/ray:2.20.0-py39-cu118',
    resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  });
  return {
    apiVersion: RAY,
    kind: 'RayCluster',
    metadata: { name, namespace: NS, labels: { 'kueue.x-k8s.io/queue-name': 'local-queue' } },
    spec: {
      headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [container('ray-head')] } } },
      workerGroupSpecs: [
        {
          groupName: 'small',
          replicas: 1,
          minReplicas: 1,
          maxReplicas: 1,
          rayStartParams: {},
          template: { spec: { containers: [container('worker')] } },
        },
      ],
    },
  };
}

const workloadOf = (client: TwinClient, name: string) =>
  client.list(KUEUE, 'Workload', NS).find((w) => w.metadata.ownerReferences?.some((r) => r.kind === 'RayCluster' && r.name === name));

describe('Ray clusters over Kueue on the twin', () => {
  let twin: Twin;
  let client: TwinClient;
  before(async () => {
    twin = await startTwin({ faults: [], log: () => undefined });
    client = new TwinClient(twin.api, 'test', TWIN_SYSTEM);
    for (const file of ['component-kueue.yaml', 'component-ray.yaml'])
      for (const crd of loadYamlObjects(join(__dirname, '../../../twin/crds', file))) client.create(crd);
    client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: APPS } });
    for (const d of ['kueue-controller-manager', 'kuberay-operator']) deploy(client, d);
    await waitFor('the operators available', () =>
      ['kueue-controller-manager', 'kuberay-operator'].every(
        (d) => conditionOf(client.get('apps/v1', 'Deployment', d, APPS), 'Available')?.status === 'True',
      ),
    );
    client.create({ apiVersion: KUEUE, kind: 'ResourceFlavor', metadata: { name: 'default-flavor' } });
    client.create({
      apiVersion: KUEUE,
      kind: 'ClusterQueue',
      metadata: { name: 'cluster-queue' },
      spec: {
        namespaceSelector: {},
        resourceGroups: [
          {
            coveredResources: ['cpu', 'memory'],
            flavors: [
              {
                name: 'default-flavor',
                resources: [
                  { name: 'cpu', nominalQuota: 1 },
                  { name: 'memory', nominalQuota: '4Gi' },
                ],
              },
            ],
          },
        ],
      },
    });
    client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    client.create({
      apiVersion: KUEUE,
      kind: 'LocalQueue',
      metadata: { name: 'local-queue', namespace: NS },
      spec: { clusterQueue: 'cluster-queue' },
    });
    await waitFor(
      'cluster-queue active',
      () => conditionOf(client.get(KUEUE, 'ClusterQueue', 'cluster-queue'), 'Active')?.status === 'True',
    );
  });
  after(() => twin.stop());

  test('a queued RayCluster is suspended at creation, admitted within the quota, and becomes ready', async () => {
    const created = client.create(rayCluster('first'));
    assert.equal(created.spec.suspend, true, "Kueue's webhook suspends a RayCluster that names a queue");
    const rc = await waitFor('first ready', () =>
      client.get(RAY, 'RayCluster', 'first', NS)?.status?.state === 'ready' ? client.get(RAY, 'RayCluster', 'first', NS) : undefined,
    );
    assert.equal(rc.spec.suspend, false);
    const wl = workloadOf(client, 'first')!;
    assert.match(wl.metadata.name!, /^raycluster-first-[0-9a-f]{5}$/);
    assert.deepEqual(
      wl.status.admission.podSetAssignments.map((p: KObject) => [p.name, p.flavors.cpu, p.resourceUsage.cpu]),
      [
        ['head', 'default-flavor', '500m'],
        ['small', 'default-flavor', '500m'],
      ],
    );
    await waitFor('PodsReady', () => conditionOf(workloadOf(client, 'first'), 'PodsReady')?.status === 'True');
  });

  test('a second RayCluster beyond the quota waits without pods with Kueue 0.6 words, and runs once the first is deleted', async () => {
    client.create(rayCluster('second'));
    const wl = await waitFor('second pending', () => {
      const w = workloadOf(client, 'second');
      return conditionOf(w, 'QuotaReserved')?.status === 'False' ? w : undefined;
    });
    const q = conditionOf(wl, 'QuotaReserved')!;
    assert.equal(q.reason, 'Pending');
    assert.equal(
      q.message,
      "couldn't assign flavors to pod set head: insufficient unused quota for cpu in flavor default-flavor, 500m more needed",
    );
    assert.equal(client.list('v1', 'Pod', NS).filter((p) => p.metadata.labels?.['ray.io/cluster'] === 'second').length, 0);
    client.delete(RAY, 'RayCluster', 'first', NS);
    await waitFor('second ready', () => client.get(RAY, 'RayCluster', 'second', NS)?.status?.state === 'ready');
  });

  test("the head's jobs API runs a Python entrypoint for real, and refuses what it cannot run", async () => {
    const head = client.list('v1', 'Service', NS).find((s) => s.metadata.name === 'second-head-svc');
    assert.ok(head);
    const runtime = workloadRuntimeOf(twin.controllers);
    const target = await waitFor('the head service to have an endpoint', () =>
      runtime.network.connectTarget({ namespace: NS, name: 'second-head-svc' }, 8265),
    );
    const call = (method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: target.host, port: target.port, method, path }, (res) => {
          let t = '';
          res.on('data', (c) => (t += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: t }));
        });
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    const ok = JSON.parse((await call('POST', '/api/jobs/', { entrypoint: 'python -c "print(sum(i * i for i in range(10)))"' })).body);
    const done = await waitFor('job done', async () => {
      const s = JSON.parse((await call('GET', `/api/jobs/${ok.submission_id}`)).body);
      return ['SUCCEEDED', 'FAILED'].includes(s.status) ? s : undefined;
    });
    assert.equal(done.status, 'SUCCEEDED', done.message);
    assert.equal(JSON.parse((await call('GET', `/api/jobs/${ok.submission_id}/logs`)).body).logs.trim(), '285');
    const refused = JSON.parse((await call('POST', '/api/jobs/', { entrypoint: 'bash -c "echo hi"' })).body);
    const r = await waitFor('refused', async () => {
      const s = JSON.parse((await call('GET', `/api/jobs/${refused.submission_id}`)).body);
      return s.status === 'FAILED' ? s : undefined;
    });
    assert.match(r.message, /runs Python entrypoints only/);
    assert.equal((await call('GET', '/api/jobs/nope')).status, 404);
  });
});

describe("the Ray head's logs/tail WebSocket", () => {
  let twin: Twin;
  let client: TwinClient;
  before(async () => {
    twin = await startTwin({ faults: [], log: () => undefined });
    client = new TwinClient(twin.api, 'test', TWIN_SYSTEM);
  });
  after(() => twin.stop());

  test('streams the logs of a job as it runs and closes with 1000 once it is terminal; an unknown job is a 404', async () => {
    client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tail' } });
    client.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'head', namespace: 'tail', labels: { 'ray.io/node-type': 'head', 'ray.io/cluster': 'c' } },
      spec: {
        containers: [{ name: 'ray-head', image: 'quay.io/project-codeflare/ray:2.20.0-py39-cu118', ports: [{ containerPort: 8265 }] }],
      },
    });
    const runtime = workloadRuntimeOf(twin.controllers);
    const uid = await waitFor('the head pod to run', () => client.get('v1', 'Pod', 'head', 'tail')?.metadata.uid);
    const target = await waitFor('the head listening on 8265', () => runtime.pods.address(uid, 8265).catch(() => undefined));
    const post = (body: unknown) =>
      new Promise<{ submission_id: string }>((resolve, reject) => {
        const req = http.request({ host: target.host, port: target.port, method: 'POST', path: '/api/jobs/' }, (res) => {
          let t = '';
          res.on('data', (c) => (t += c));
          res.on('end', () => resolve(JSON.parse(t)));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    const { submission_id: id } = await post({
      entrypoint: "python -c \"import time; print('first', flush=True); time.sleep(0.3); print('second', flush=True)\"",
    });
    const frames: string[] = [];
    const code = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://${target.host}:${target.port}/api/jobs/${id}/logs/tail`);
      ws.on('message', (d) => frames.push(d.toString()));
      ws.on('close', (c) => resolve(c));
      ws.on('error', reject);
    });
    assert.equal(code, 1000);
    assert.equal(frames.join(''), 'first\nsecond\n');
    assert.ok(frames.length >= 2, `the logs came in one frame (${JSON.stringify(frames)}), not as the job printed them`);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://${target.host}:${target.port}/api/jobs/nope/logs/tail`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    assert.equal(refused, 404);
  });
});
