// KServe in Serverless mode on the twin (twin/controllers/kserve.ts, odh-model-controller.ts, the
// storage initializer and OpenVINO Model Server emulators): a ServingRuntime copied from the
// dashboard's kserve-ovms template and an InferenceService as the dashboard writes it give a
// predictor that downloads the model from the data connection's bucket and really infers; what the
// real controllers require is required (the model path, a runtime that supports onnx) and reported
// with KServe's reasons.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../twin/api/types';
import { servedAsReported } from '../../../support/serving/models';
import { startLocalTwin, type LocalTwin } from './helpers';
import { until } from './minio-helpers';
import {
  admin,
  clusterRequest,
  condition,
  fraudInput,
  fraudModel,
  installServing,
  isvcWhere,
  kserveIsvc,
  projectWithModel,
  runtimeFromTemplate,
} from './serving-helpers';

const NS = 'kserve-a';
let t: LocalTwin;

describe('KServe (Serverless) on the twin', () => {
  before(async () => {
    t = await startLocalTwin();
    await installServing(t);
    await projectWithModel(t, NS, { 'models/fraud/1/model.onnx': fraudModel().onnx }, { 'maistra.io/member-of': 'istio-system' });
  });
  after(async () => {
    await t?.stop();
  });

  it('keeps a storage-config Secret with one JSON entry per data connection', async () => {
    const c = admin(t);
    const secret = await new Promise<KObject>((resolve) => {
      const stop = c.watch(
        'v1',
        'Secret',
        (_t, s) => s.metadata.namespace === NS && s.metadata.name === 'storage-config' && (queueMicrotask(stop), resolve(s)),
      );
    });
    const entry = JSON.parse(Buffer.from(secret.data['aws-connection-my-storage'], 'base64').toString('utf8'));
    assert.deepEqual(entry, {
      type: 's3',
      access_key_id: 'twin-minio-user',
      secret_access_key: 'twin-minio-password-0123',
      endpoint_url: `http://minio.${NS}.svc.cluster.local:9000`,
      bucket: 'my-storage',
      default_bucket: 'my-storage',
      region: 'us-east-1',
    });
  });

  it('serves the fraud model: storage initializer, predictor, Ready/Loaded, and real inference', async () => {
    const c = admin(t);
    c.apply(runtimeFromTemplate('kserve-ovms', 'fraud', NS));
    c.apply(kserveIsvc('fraud', NS, { runtime: 'fraud', path: 'models/fraud' }));
    const isvc = await isvcWhere(t, NS, 'fraud', (i) => condition(i, 'Ready')?.status === 'True', 'fraud to be Ready');
    assert.equal(isvc.status.url, `https://fraud-${NS}.apps.twin.local`);
    for (const type of ['PredictorReady', 'IngressReady']) assert.equal(condition(isvc, type)?.status, 'True', type);
    assert.equal(isvc.status.modelStatus.states.activeModelState, 'Loaded');
    assert.equal(isvc.status.modelStatus.transitionStatus, 'UpToDate');
    assert.equal(isvc.status.components.predictor.latestReadyRevision, 'fraud-predictor-00001');
    const deployment = c.get('apps/v1', 'Deployment', 'fraud-predictor-00001-deployment', NS)!;
    const tpl = deployment.spec.template;
    assert.equal(tpl.metadata.labels['serving.kserve.io/inferenceservice'], 'fraud');
    assert.equal(tpl.metadata.labels.component, 'predictor');
    assert.equal(tpl.spec.initContainers[0].name, 'storage-initializer');
    assert.deepEqual(tpl.spec.initContainers[0].args, ['s3://my-storage/models/fraud', '/mnt/models']);
    assert.ok(tpl.spec.containers[0].args.includes('--model_name=fraud'), "the runtime's {{.Name}} is the InferenceService name");
    const pod = c.list('v1', 'Pod', NS, { labelSelector: 'serving.kserve.io/inferenceservice=fraud' })[0]!;
    assert.equal(pod.status.initContainerStatuses[0].state.terminated.reason, 'Completed');
    // the route odh-model-controller makes for the host, in the mesh namespace
    const route = c.get('route.openshift.io/v1', 'Route', `fraud-${NS}`, 'istio-system')!;
    assert.equal(route.spec.host, `fraud-${NS}.apps.twin.local`);
    assert.equal(route.spec.tls.termination, 'passthrough');
    // inference from inside the cluster, on the predictor Service
    const base = `http://fraud-predictor.${NS}.svc.cluster.local/v2/models/fraud`;
    const meta = JSON.parse((await clusterRequest(t, NS, base)).body);
    assert.deepEqual(meta.inputs, [{ name: 'dense_input', datatype: 'FP32', shape: [-1, 5] }]);
    assert.equal(meta.outputs[0].name, 'dense_3');
    const { scaler } = fraudModel();
    const fraud = JSON.parse((await clusterRequest(t, NS, `${base}/infer`, fraudInput(scaler, [100, 1.2, 0, 0, 1]))).body);
    const coffee = JSON.parse((await clusterRequest(t, NS, `${base}/infer`, fraudInput(scaler, [0, 1, 1, 1, 0]))).body);
    assert.equal(fraud.model_name, 'fraud');
    assert.deepEqual(fraud.outputs[0].shape, [1, 1]);
    assert.ok(fraud.outputs[0].data[0] > 0.95, `stolen card: ${fraud.outputs[0].data[0]}`);
    assert.ok(coffee.outputs[0].data[0] < 0.95, `coffee: ${coffee.outputs[0].data[0]}`);
  });

  it('answers bad requests in the v2 error format', async () => {
    const base = `http://fraud-predictor.${NS}.svc.cluster.local/v2/models`;
    const wrongModel = await clusterRequest(t, NS, `${base}/nosuch/infer`, { inputs: [] });
    assert.equal(wrongModel.status, 404);
    assert.ok(JSON.parse(wrongModel.body).error);
    const wrongShape = await clusterRequest(t, NS, `${base}/fraud/infer`, {
      inputs: [{ name: 'dense_input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
    });
    assert.equal(wrongShape.status, 400);
    assert.match(JSON.parse(wrongShape.body).error, /shape/);
    const wrongType = await clusterRequest(t, NS, `${base}/fraud/infer`, {
      inputs: [{ name: 'dense_input', shape: [1, 5], datatype: 'INT64', data: [1, 2, 3, 4, 5] }],
    });
    assert.equal(wrongType.status, 400);
    assert.match(JSON.parse(wrongType.body).error, /precision/);
  });

  it("copies the enable-auth annotation into the predictor template: a new revision, and observedGeneration is the Knative Service's, not the InferenceService's (issue 17)", async () => {
    const c = admin(t);
    const before = c.get('serving.kserve.io/v1beta1', 'InferenceService', 'fraud', NS)!;
    assert.equal(before.status.observedGeneration, 1);
    c.patch('serving.kserve.io/v1beta1', 'InferenceService', 'fraud', NS, {
      metadata: { annotations: { 'security.opendatahub.io/enable-auth': 'true' } },
    });
    const after = await isvcWhere(
      t,
      NS,
      'fraud',
      (i) => servedAsReported(i) && i.status.components.predictor.latestReadyRevision === 'fraud-predictor-00002',
      'fraud to roll out its second revision',
    );
    assert.equal(after.metadata.generation, 1, "an annotation does not move the InferenceService's generation");
    assert.equal(after.status.observedGeneration, 2, "KServe copies the Knative Service's observed generation (PropagateStatus)");
    assert.notEqual(
      after.status.observedGeneration,
      after.metadata.generation,
      'the old harness check (observedGeneration === generation) would wait for ever',
    );
    assert.equal(after.status.components.predictor.latestCreatedRevision, 'fraud-predictor-00002');
    const tpl = c.get('apps/v1', 'Deployment', 'fraud-predictor-00002-deployment', NS)!.spec.template;
    assert.equal(tpl.metadata.annotations['security.opendatahub.io/enable-auth'], 'true');
    await until(
      c,
      'apps/v1',
      'Deployment',
      (ds) => !ds.some((d) => d.metadata.name === 'fraud-predictor-00001-deployment'),
      'the first revision to be retired',
    );
    // the same spec again changes nothing: no third revision
    c.patch('serving.kserve.io/v1beta1', 'InferenceService', 'fraud', NS, {
      metadata: { annotations: { 'security.opendatahub.io/enable-auth': 'true' } },
    });
    assert.equal(c.get('apps/v1', 'Deployment', 'fraud-predictor-00003-deployment', NS), undefined);
  });

  it('reports a model path with nothing in the bucket as KServe does: FailedToLoad, "No model found"', async () => {
    const c = admin(t);
    c.apply(runtimeFromTemplate('kserve-ovms', 'missing', NS));
    c.apply(kserveIsvc('missing', NS, { runtime: 'missing', path: 'models/nothing' }));
    const isvc = await isvcWhere(
      t,
      NS,
      'missing',
      (i) => i.status?.modelStatus?.states?.activeModelState === 'FailedToLoad',
      'missing to fail to load',
    );
    assert.equal(isvc.status.modelStatus.lastFailureInfo.reason, 'ModelLoadFailed');
    assert.match(isvc.status.modelStatus.lastFailureInfo.message, /No model found in models\/nothing/);
    assert.equal(condition(isvc, 'Ready')?.status, 'False');
    assert.equal(condition(isvc, 'PredictorReady')?.reason, 'RevisionFailed');
  });

  it('refuses a runtime that does not support the model format (NoSupportingRuntime), and an unknown runtime', async () => {
    const c = admin(t);
    c.apply(
      runtimeFromTemplate(
        'kserve-ovms',
        'no-onnx',
        NS,
        (sr) => (sr.spec.supportedModelFormats = sr.spec.supportedModelFormats.filter((f: KObject) => f.name !== 'onnx')),
      ),
    );
    c.apply(kserveIsvc('no-onnx', NS, { runtime: 'no-onnx', path: 'models/fraud' }));
    const refused = await isvcWhere(
      t,
      NS,
      'no-onnx',
      (i) => i.status?.modelStatus?.transitionStatus === 'InvalidSpec',
      'no-onnx to be refused',
    );
    assert.equal(refused.status.modelStatus.lastFailureInfo.reason, 'NoSupportingRuntime');
    assert.equal(refused.status.modelStatus.lastFailureInfo.message, 'Specified runtime does not support specified framework/version');
    assert.equal(c.get('apps/v1', 'Deployment', 'no-onnx-predictor-00001-deployment', NS), undefined, 'no predictor is made');
    c.apply(kserveIsvc('nort', NS, { runtime: 'nosuch', path: 'models/fraud' }));
    const unknown = await isvcWhere(t, NS, 'nort', (i) => i.status?.modelStatus?.transitionStatus === 'InvalidSpec', 'nort to be refused');
    assert.equal(unknown.status.modelStatus.lastFailureInfo.reason, 'RuntimeNotRecognized');
  });

  it('rejects a Serverless InferenceService while Knative Services are not available (ServerlessModeRejected, no status), and serves it once they are', async () => {
    const c = admin(t);
    const ks = (status: string) =>
      c.patchStatus('operator.knative.dev/v1beta1', 'KnativeServing', 'knative-serving', 'knative-serving', {
        conditions: [{ type: 'Ready', status, lastTransitionTime: new Date().toISOString() }],
      });
    ks('False');
    c.apply(runtimeFromTemplate('kserve-ovms', 'noknative', NS));
    c.apply(kserveIsvc('noknative', NS, { runtime: 'noknative', path: 'models/fraud' }));
    await until(
      c,
      'v1',
      'Event',
      (es) => es.some((e) => e.involvedObject?.name === 'noknative' && e.reason === 'ServerlessModeRejected'),
      'the ServerlessModeRejected event',
    );
    assert.equal(
      c.get('serving.kserve.io/v1beta1', 'InferenceService', 'noknative', NS)!.status?.conditions,
      undefined,
      'no status without Knative',
    );
    assert.equal(c.get('apps/v1', 'Deployment', 'noknative-predictor-00001-deployment', NS), undefined, 'no predictor without Knative');
    ks('True');
    await isvcWhere(t, NS, 'noknative', (i) => condition(i, 'Ready')?.status === 'True', 'noknative to be Ready once Knative Serving is');
  });

  it('cleans up outside the namespace when an InferenceService goes: its route in istio-system, and the namespace leaves the mesh with its last one', async () => {
    const c = admin(t);
    const isvc = c.get('serving.kserve.io/v1beta1', 'InferenceService', 'fraud', NS)!;
    assert.ok(!isvc.metadata.finalizers?.includes('odh.inferenceservice.finalizers'), "2.9's odh-model-controller adds no finalizer");
    assert.ok(c.get('maistra.io/v1', 'ServiceMeshMemberRoll', 'default', 'istio-system')!.spec.members.includes(NS));
    for (const name of c.list('serving.kserve.io/v1beta1', 'InferenceService', NS).map((i) => i.metadata.name!))
      c.delete('serving.kserve.io/v1beta1', 'InferenceService', name, NS);
    await until(
      c,
      'serving.kserve.io/v1beta1',
      'InferenceService',
      (is) => !is.some((i) => i.metadata.namespace === NS),
      'every InferenceService of the namespace to be gone',
    );
    // no finalizer: odh-model-controller cleans up after the InferenceService is gone (its NotFound branch)
    await until(
      c,
      'route.openshift.io/v1',
      'Route',
      (rs) => !rs.some((r) => r.metadata.name === `fraud-${NS}` && r.metadata.namespace === 'istio-system'),
      'the route in istio-system to go',
    );
    await until(
      c,
      'maistra.io/v1',
      'ServiceMeshMemberRoll',
      (rolls) => !rolls.some((r) => (r.spec?.members ?? []).includes(NS)),
      'the namespace to leave the mesh',
    );
  });
});
