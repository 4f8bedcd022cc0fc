// ModelMesh on the twin (twin/controllers/modelmesh.ts and the ModelMesh pod emulators): it serves
// only namespaces labelled modelmesh-enabled=true; there a multi-model ServingRuntime from the
// dashboard's ovms template runs as modelmesh-serving-<runtime> behind the Service
// modelmesh-serving, its InferenceServices are pulled from the data connection's bucket into the
// runtime and answer the v2 REST protocol through the rest-proxy, and odh-model-controller gives a
// model of a runtime with enable-route its Route.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../twin/api/types';
import { startLocalTwin, sleep, type LocalTwin } from './helpers';
import * as https from 'node:https';
import { workloadRuntimeOf } from '../../../twin/network/index';
import {
  admin,
  clusterRequest,
  condition,
  fraudInput,
  fraudModel,
  installServing,
  isvcWhere,
  projectWithModel,
  runtimeFromTemplate,
} from './serving-helpers';
import { until } from './minio-helpers';

const NS = 'mm-a';
const OFF = 'mm-off';
const AUTH = 'mm-auth';
let t: LocalTwin;

function mmIsvc(name: string, ns: string, runtime: string, path: string): KObject {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name, namespace: ns, annotations: { 'serving.kserve.io/deploymentMode': 'ModelMesh' } },
    spec: {
      predictor: { model: { modelFormat: { name: 'onnx', version: '1' }, runtime, storage: { key: 'aws-connection-my-storage', path } } },
    },
  };
}

describe('ModelMesh on the twin', () => {
  before(async () => {
    t = await startLocalTwin();
    await installServing(t);
    await projectWithModel(t, NS, { 'models/fraud/1/model.onnx': fraudModel().onnx }, { 'modelmesh-enabled': 'true' });
    await projectWithModel(t, OFF, { 'models/fraud/1/model.onnx': fraudModel().onnx }, { 'modelmesh-enabled': 'false' });
    await projectWithModel(t, AUTH, { 'models/fraud/1/model.onnx': fraudModel().onnx }, { 'modelmesh-enabled': 'true' });
  });
  after(async () => {
    await t?.stop();
  });

  it('runs the model server of a labelled namespace and serves its models through the rest-proxy', async () => {
    const c = admin(t);
    c.apply(
      runtimeFromTemplate(
        'ovms',
        'model-server',
        NS,
        (sr) => (sr.metadata.annotations = { ...sr.metadata.annotations, 'enable-route': 'true' }),
      ),
    );
    c.apply(mmIsvc('fraud', NS, 'model-server', 'models/fraud'));
    const isvc = await isvcWhere(t, NS, 'fraud', (i) => condition(i, 'Ready')?.status === 'True', 'fraud to be Ready on ModelMesh');
    assert.equal(isvc.status.modelStatus.states.activeModelState, 'Loaded');
    assert.equal(isvc.status.components.predictor.restUrl, `http://modelmesh-serving.${NS}:8008`);
    const d = c.get('apps/v1', 'Deployment', 'modelmesh-serving-model-server', NS)!;
    // deployment.yaml.tmpl: oauth-proxy always, with model-serving-proxy-tls, enable-auth or not.
    assert.deepEqual(
      d.spec.template.spec.containers.map((x: KObject) => x.name),
      ['ovms', 'ovms-adapter', 'mm', 'rest-proxy', 'oauth-proxy'],
    );
    assert.ok(
      d.spec.template.spec.volumes.some((v: KObject) => v.name === 'proxy-tls' && v.secret?.secretName === 'model-serving-proxy-tls'),
    );
    const svc = c.get('v1', 'Service', 'modelmesh-serving', NS)!;
    assert.deepEqual(
      svc.spec.ports.map((p: KObject) => p.port),
      [8033, 8008, 8443, 2112],
    );
    assert.equal(svc.metadata.annotations?.['service.alpha.openshift.io/serving-cert-secret-name'], 'model-serving-proxy-tls');
    const base = `http://modelmesh-serving.${NS}.svc.cluster.local:8008/v2/models/fraud`;
    const meta = JSON.parse((await clusterRequest(t, NS, base)).body);
    assert.match(meta.name, /^fraud__isvc-[0-9a-f]{10}$/, 'ModelMesh answers under the model id');
    // protobuf JSON: repeated int64 shape as strings (rest-proxy re-encodes only infer responses).
    assert.deepEqual(meta.inputs[0].shape, ['-1', '5']);
    const { scaler } = fraudModel();
    const fraud = JSON.parse((await clusterRequest(t, NS, `${base}/infer`, fraudInput(scaler, [100, 1.2, 0, 0, 1]))).body);
    const coffee = JSON.parse((await clusterRequest(t, NS, `${base}/infer`, fraudInput(scaler, [0, 1, 1, 1, 0]))).body);
    assert.ok(
      fraud.outputs[0].data[0] > 0.95 && coffee.outputs[0].data[0] < 0.95,
      `${fraud.outputs[0].data[0]} / ${coffee.outputs[0].data[0]}`,
    );
    const routes = await until(
      c,
      'route.openshift.io/v1',
      'Route',
      (rs) => rs.some((r) => r.metadata.namespace === NS && r.metadata.name === 'fraud'),
      "the model's route",
    );
    const r = routes.find((x) => x.metadata.namespace === NS && x.metadata.name === 'fraud')!;
    assert.equal(r.spec.path, '/v2/models/fraud');
    assert.equal(r.spec.tls.termination, 'edge');
    assert.equal(r.spec.port.targetPort, 8008);
  });

  it("reports a model whose path is empty as FailedToLoad with the puller's message", async () => {
    const c = admin(t);
    c.apply(mmIsvc('empty', NS, 'model-server', 'models/nothing'));
    const isvc = await isvcWhere(
      t,
      NS,
      'empty',
      (i) => i.status?.modelStatus?.states?.activeModelState === 'FailedToLoad',
      'empty to fail',
    );
    assert.equal(isvc.status.modelStatus.lastFailureInfo.reason, 'ModelLoadFailed');
    assert.match(isvc.status.modelStatus.lastFailureInfo.message, /no objects found for path 'models\/nothing'/);
  });

  it('keeps the Service modelmesh-serving in a labelled namespace without a model server, and removes it when the label goes', async () => {
    const c = admin(t);
    const ns = 'mm-label-only';
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'modelmesh-enabled': 'true' } } });
    const [svc] = await until(
      c,
      'v1',
      'Service',
      (ss) => ss.some((s) => s.metadata.namespace === ns && s.metadata.name === 'modelmesh-serving'),
      'the Service of a labelled namespace',
    );
    assert.ok(svc);
    assert.equal(c.get('v1', 'Service', 'modelmesh-serving', ns)!.metadata.ownerReferences?.[0]?.kind, 'Namespace');
    c.patch('v1', 'Namespace', ns, undefined, { metadata: { labels: { 'modelmesh-enabled': 'false' } } });
    await until(
      c,
      'v1',
      'Service',
      (ss) => !ss.some((s) => s.metadata.namespace === ns && s.metadata.name === 'modelmesh-serving'),
      'the Service to go with the label',
    );
  });

  it('serves nothing in a namespace not labelled modelmesh-enabled=true', async () => {
    const c = admin(t);
    c.apply(runtimeFromTemplate('ovms', 'model-server', OFF));
    c.apply(mmIsvc('fraud', OFF, 'model-server', 'models/fraud'));
    // The labelled namespace's twin objects are reconciled by the same queues: wait for a change there to be handled, then look.
    c.apply(mmIsvc('marker', NS, 'model-server', 'models/fraud'));
    await isvcWhere(t, NS, 'marker', (i) => condition(i, 'Ready')?.status === 'True', 'the marker model to be Ready');
    await sleep(200);
    assert.equal(
      c.get('apps/v1', 'Deployment', 'modelmesh-serving-model-server', OFF),
      undefined,
      'no runtime Deployment in an unlabelled namespace',
    );
    assert.deepEqual(
      c.get('serving.kserve.io/v1beta1', 'InferenceService', 'fraud', OFF)!.status ?? {},
      {},
      'no status on its InferenceService',
    );
    // Labelling it brings the model server.
    c.patch('v1', 'Namespace', OFF, undefined, { metadata: { labels: { 'modelmesh-enabled': 'true' } } });
    await isvcWhere(t, OFF, 'fraud', (i) => condition(i, 'Ready')?.status === 'True', 'fraud in the newly labelled namespace to be Ready');
  });

  it('puts an oauth-proxy in front of a model server with enable-auth: a token with get services in the namespace passes, none does not', async () => {
    const c = admin(t);
    c.apply(
      runtimeFromTemplate(
        'ovms',
        'secured-server',
        AUTH,
        (sr) => (sr.metadata.annotations = { ...sr.metadata.annotations, 'enable-route': 'true', 'enable-auth': 'true' }),
      ),
    );
    c.apply(mmIsvc('fraud', AUTH, 'secured-server', 'models/fraud'));
    await isvcWhere(t, AUTH, 'fraud', (i) => condition(i, 'Ready')?.status === 'True', 'fraud behind the oauth-proxy to be Ready');
    const route = (
      await until(
        c,
        'route.openshift.io/v1',
        'Route',
        (rs) => rs.some((r) => r.metadata.namespace === AUTH && r.metadata.name === 'fraud'),
        'the route',
      )
    ).find((r) => r.metadata.namespace === AUTH && r.metadata.name === 'fraud')!;
    assert.deepEqual([route.spec.tls.termination, route.spec.port.targetPort], ['reencrypt', 8443]);
    assert.ok(
      c
        .get('apps/v1', 'Deployment', 'modelmesh-serving-secured-server', AUTH)!
        .spec.template.spec.containers.some((x: KObject) => x.name === 'oauth-proxy'),
    );
    c.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'secured-server-sa', namespace: AUTH } });
    c.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'secured-server-view', namespace: AUTH },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'secured-server-sa', namespace: AUTH }],
    });
    const token = t.twin.controllers.authn.issueServiceAccountToken(c.get('v1', 'ServiceAccount', 'secured-server-sa', AUTH)!, {}).token;
    const agents = workloadRuntimeOf(t.twin.controllers).network.agents(AUTH, { rejectUnauthorized: false });
    const get = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        https
          .get(
            `https://modelmesh-serving.${AUTH}.svc.cluster.local:8443/v2/models/fraud`,
            { agent: agents.https, headers },
            (res) => (res.resume(), resolve(res.statusCode ?? 0)),
          )
          .on('error', reject);
      });
    assert.equal(await get({}), 403);
    assert.equal(await get({ authorization: 'Bearer nonsense' }), 401);
    assert.equal(await get({ authorization: `Bearer ${token}` }), 200);
  });
});
