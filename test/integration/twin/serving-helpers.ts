// Shared by the serving tests (KServe, ModelMesh, OpenVINO, Authorino): an in-process twin with the
// serving controllers running (their Deployments made available directly, without OLM and the
// DataScienceCluster), the serving CRDs, the mesh's member roll, MinIO with a bucket holding the
// fraud model the twin's ML library trains, and data connections as the dashboard makes them.
import * as http from 'node:http';
import { join } from 'node:path';
import type { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { loadYamlObjects } from '../../../twin/bootstrap';
import { servingRuntimeTemplates } from '../../../twin/controllers/dashboard';
import {
  generateCardTransactions,
  MODEL_ONNX_PATH,
  parseScalerJson,
  runTutorialTraining,
  SCALER_JSON_PATH,
  scaleRow,
  toCardCsv,
  type StandardScaler,
} from '../../../twin/emulators/ml/index';
import { workloadRuntimeOf } from '../../../twin/network/index';
import type { LocalTwin } from './helpers';
import { deployMinio, isReady, s3For, until } from './minio-helpers';

const CRDS = join(__dirname, '../../../twin/crds');
export const APPS = 'redhat-ods-applications';

export interface TrainedModel {
  onnx: Uint8Array;
  scaler: StandardScaler;
}

let trained: TrainedModel | undefined;

/** The fraud model as the tutorial's training makes it (trained once per test process). */
export function fraudModel(): TrainedModel {
  if (!trained) {
    const out = runTutorialTraining(toCardCsv(generateCardTransactions({ rows: 6000 })));
    trained = { onnx: out.files[MODEL_ONNX_PATH], scaler: parseScalerJson(out.files[SCALER_JSON_PATH]) };
  }
  return trained;
}

export function admin(t: LocalTwin): TwinClient {
  return t.twin.controllers.clientFor('serving-test');
}

function ensureNamespace(c: TwinClient, name: string, labels: Record<string, string> = {}): void {
  if (!c.get('v1', 'Namespace', name)) c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  else if (Object.keys(labels).length) c.patch('v1', 'Namespace', name, undefined, { metadata: { labels } });
}

/** CRDs, the controllers' Deployments (available), the member roll: what an installed RHOAI with serving gives. */
export async function installServing(t: LocalTwin): Promise<void> {
  const c = admin(t);
  for (const file of ['component-kserve.yaml', 'authorino.yaml', 'service-mesh.yaml', 'serverless.yaml']) {
    for (const crd of loadYamlObjects(join(CRDS, file)))
      if (!c.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name!)) c.create(crd);
  }
  ensureNamespace(c, APPS);
  ensureNamespace(c, 'istio-system');
  for (const name of ['kserve-controller-manager', 'odh-model-controller', 'modelmesh-controller']) {
    c.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: APPS },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'manager', image: `registry.redhat.io/rhoai/${name}:test` }] },
        },
      },
    });
  }
  await until(
    c,
    'apps/v1',
    'Deployment',
    (ds) =>
      ['kserve-controller-manager', 'odh-model-controller', 'modelmesh-controller'].every((n) =>
        ds.some((d) => d.metadata.name === n && d.status?.conditions?.some((x: KObject) => x.type === 'Available' && x.status === 'True')),
      ),
    'the serving controllers to be available',
  );
  // Knative Serving as OpenShift Serverless leaves it (KServe rejects Serverless models without it).
  ensureNamespace(c, 'knative-serving');
  if (!c.get('operator.knative.dev/v1beta1', 'KnativeServing', 'knative-serving', 'knative-serving')) {
    c.create({
      apiVersion: 'operator.knative.dev/v1beta1',
      kind: 'KnativeServing',
      metadata: { name: 'knative-serving', namespace: 'knative-serving' },
      spec: {},
    });
    c.patchStatus('operator.knative.dev/v1beta1', 'KnativeServing', 'knative-serving', 'knative-serving', {
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }],
    });
  }
  if (!c.get('maistra.io/v1', 'ServiceMeshMemberRoll', 'default', 'istio-system'))
    c.create({
      apiVersion: 'maistra.io/v1',
      kind: 'ServiceMeshMemberRoll',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: { members: [] },
    });
}

/** A project with MinIO, the bucket my-storage holding `objects`, and the data connection "My Storage". */
export async function projectWithModel(
  t: LocalTwin,
  ns: string,
  objects: Record<string, Uint8Array | string>,
  labels: Record<string, string> = {},
): Promise<void> {
  const c = admin(t);
  ensureNamespace(c, ns, labels);
  await deployMinio(t, ns);
  const s3 = s3For(t, ns);
  try {
    await s3.ensureBucket('my-storage');
    for (const [key, body] of Object.entries(objects)) await s3.put('my-storage', key, Buffer.from(body));
  } finally {
    s3.destroy();
  }
  c.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'aws-connection-my-storage',
      namespace: ns,
      labels: { 'opendatahub.io/dashboard': 'true', 'opendatahub.io/managed': 'true' },
      annotations: { 'opendatahub.io/connection-type': 's3', 'openshift.io/display-name': 'My Storage' },
    },
    type: 'Opaque',
    stringData: {
      AWS_ACCESS_KEY_ID: 'twin-minio-user',
      AWS_SECRET_ACCESS_KEY: 'twin-minio-password-0123',
      AWS_S3_ENDPOINT: `http://minio.${ns}.svc.cluster.local:9000`,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_S3_BUCKET: 'my-storage',
    },
  });
}

/** The ServingRuntime of a dashboard Template, named and placed as the dashboard does. */
export function runtimeFromTemplate(template: string, name: string, ns: string, change: (sr: KObject) => void = () => undefined): KObject {
  const t = servingRuntimeTemplates(APPS).find((x) => x.metadata.name === template)!;
  const sr: KObject = structuredClone(t.objects[0]);
  sr.metadata = { ...sr.metadata, name, namespace: ns };
  change(sr);
  return sr;
}

export function kserveIsvc(
  name: string,
  ns: string,
  opts: { runtime: string; path: string; format?: string; annotations?: Record<string, string> },
): KObject {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name,
      namespace: ns,
      annotations: {
        'serving.knative.openshift.io/enablePassthrough': 'true',
        'sidecar.istio.io/inject': 'true',
        ...(opts.annotations ?? {}),
      },
    },
    spec: {
      predictor: {
        minReplicas: 1,
        maxReplicas: 1,
        model: {
          modelFormat: { name: opts.format ?? 'onnx', version: '1' },
          runtime: opts.runtime,
          storage: { key: 'aws-connection-my-storage', path: opts.path },
        },
      },
    },
  };
}

export function isvcWhere(
  t: LocalTwin,
  ns: string,
  name: string,
  pred: (i: KObject) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<KObject> {
  return until(
    admin(t),
    'serving.kserve.io/v1beta1',
    'InferenceService',
    (is) => is.some((i) => i.metadata.namespace === ns && i.metadata.name === name && pred(i)),
    what,
    timeoutMs,
  ).then((is) => is.find((i) => i.metadata.namespace === ns && i.metadata.name === name)!);
}

export const condition = (o: KObject, type: string): KObject | undefined =>
  (o.status?.conditions ?? []).find((c: KObject) => c.type === type);

/** A request from inside the cluster (a pod of `fromNs`): http://<in-cluster name>/... */
export function clusterRequest(
  t: LocalTwin,
  fromNs: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const agents = workloadRuntimeOf(t.twin.controllers).network.agents(fromNs);
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method: data ? 'POST' : 'GET',
        agent: agents.http,
        headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export function fraudInput(scaler: StandardScaler, raw: number[]): object {
  return { inputs: [{ name: 'dense_input', shape: [1, 5], datatype: 'FP32', data: scaleRow(scaler, raw) }] };
}

export { isReady };
