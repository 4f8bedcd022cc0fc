// The twin's workbench controllers and images: a Notebook as the dashboard writes it becomes a
// StatefulSet with the OAuth proxy, Services, a reencrypt Route and a status; stop and start by the
// kubeflow-resource-stopped annotation keep the claim's files; the tutorial runs in the workbench
// through exec (clone, train, upload to MinIO in the project); and the faults bite.
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execInPod } from '../../../support/core/exec';
import { resolvingHttpsAgent } from '../../../support/core/http/agent';
import { parseResolveRules } from '../../../support/core/http/resolve-rules';
import { S3Store } from '../../../support/s3/store';
import type { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { loadYamlObjects } from '../../../twin/bootstrap';
import { OnnxSession } from '../../../twin/emulators/ml/onnx-session';
import { workloadRuntimeOf } from '../../../twin/network/index';
import { serverErrors, startLocalTwin, type LocalTwin } from './helpers';
import { deployMinio, isReady, ROOT_PASSWORD, ROOT_USER, routeHost, until } from './minio-helpers';

const APPS = 'redhat-ods-applications';
const NB = 'kubeflow.org/v1';
const CRDS = join(__dirname, '../../../twin/crds');
const IMAGE = (stream: string) => `image-registry.openshift-image-registry.svc:5000/${APPS}/${stream}:2024.1`;

/** What the rhods-operator deploys for the workbenches component (its Deployments) and the CRD. */
function installWorkbenches(c: TwinClient): void {
  for (const crd of loadYamlObjects(join(CRDS, 'component-workbenches.yaml'))) c.create(crd);
  c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: APPS } });
  for (const name of ['notebook-controller-deployment', 'odh-notebook-controller-manager']) {
    c.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: APPS },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [
              { name: 'manager', image: `registry.redhat.io/rhoai/${name}:v2.9`, resources: { requests: { cpu: '100m', memory: '64Mi' } } },
            ],
          },
        },
      },
    });
  }
}

/** A Notebook as the dashboard's assembleNotebook writes it (workloads.md §3.2). */
function notebook(ns: string, name: string, stream: string, extra: { envFrom?: Record<string, unknown>[]; claim?: string } = {}): KObject {
  return {
    apiVersion: NB,
    kind: 'Notebook',
    metadata: {
      name,
      namespace: ns,
      labels: { app: name, 'opendatahub.io/dashboard': 'true', 'opendatahub.io/odh-managed': 'true', 'opendatahub.io/user': 'rhoai-admin' },
      annotations: {
        'openshift.io/display-name': name,
        'notebooks.opendatahub.io/inject-oauth': 'true',
        'notebooks.opendatahub.io/last-size-selection': 'Small',
        'notebooks.opendatahub.io/last-image-selection': `${stream}:2024.1`,
      },
    },
    spec: {
      template: {
        spec: {
          enableServiceLinks: false,
          containers: [
            {
              name,
              image: IMAGE(stream),
              workingDir: '/opt/app-root/src',
              env: [
                {
                  name: 'NOTEBOOK_ARGS',
                  value: `--ServerApp.port=8888\n --ServerApp.token=''\n --ServerApp.base_url=/notebook/${ns}/${name}`,
                },
              ],
              envFrom: extra.envFrom ?? [],
              resources: { requests: { cpu: '1', memory: '8Gi' }, limits: { cpu: '2', memory: '8Gi' } },
              ports: [{ name: 'notebook-port', containerPort: 8888, protocol: 'TCP' }],
              volumeMounts: [{ name: 'workspace', mountPath: '/opt/app-root/src' }],
            },
          ],
          volumes: [{ name: 'workspace', persistentVolumeClaim: { claimName: extra.claim ?? name } }],
        },
      },
    },
  };
}

function claim(ns: string, name: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: ns },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
    status: { phase: 'Pending' },
  };
}

const readyNotebook = (c: TwinClient, ns: string, name: string) =>
  until(
    c,
    NB,
    'Notebook',
    (nbs) => nbs.some((n) => n.metadata.namespace === ns && n.metadata.name === name && n.status?.readyReplicas === 1),
    `Notebook ${ns}/${name} ready`,
    20_000,
  );

function getRoute(t: LocalTwin, host: string, path: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(
        `https://${host}${path}`,
        { agent: resolvingHttpsAgent(parseResolveRules(t.twin.resolve), { ca: t.twin.ingressCaPem, keepAlive: false }) },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
        },
      )
      .on('error', reject);
  });
}

describe('workbenches on the twin', () => {
  let t: LocalTwin;
  let c: TwinClient;
  const NS = 'wb-a';

  before(async () => {
    t = await startLocalTwin();
    c = t.twin.controllers.clientFor('notebook-test');
    installWorkbenches(c);
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });
  after(async () => {
    if (t) assert.deepEqual(serverErrors(t.auditLog), [], 'the server answered no request with an error of its own');
    await t?.stop();
  });

  test('a Notebook becomes a StatefulSet with the OAuth proxy, Services, a reencrypt Route and a ready status', async () => {
    c.create(claim(NS, 'wb'));
    c.create(notebook(NS, 'wb', 's2i-minimal-notebook'));
    const nb = (await readyNotebook(c, NS, 'wb')).find((n) => n.metadata.name === 'wb')!;
    assert.deepEqual(nb.status.containerState.running !== undefined, true);
    assert.ok(
      nb.status.conditions.some((x: KObject) => x.type === 'Ready' && x.status === 'True'),
      'conditions mirror the pod',
    );
    const sts = c.get('apps/v1', 'StatefulSet', 'wb', NS)!;
    assert.deepEqual(
      sts.spec.template.spec.containers.map((x: KObject) => x.name),
      ['wb', 'oauth-proxy'],
    );
    assert.equal(sts.spec.template.spec.serviceAccountName, 'wb');
    const pod = c.get('v1', 'Pod', 'wb-0', NS)!;
    assert.equal(pod.metadata.labels?.['notebook-name'], 'wb');
    assert.ok(pod.spec.containers[0].env.some((e: KObject) => e.name === 'NB_PREFIX' && e.value === `/notebook/${NS}/wb`));
    assert.ok(c.get('v1', 'Service', 'wb', NS) && c.get('v1', 'Service', 'wb-tls', NS) && c.get('v1', 'Secret', 'wb-tls', NS));
    const route = c.get('route.openshift.io/v1', 'Route', 'wb', NS)!;
    assert.deepEqual([route.spec.to.name, route.spec.tls.termination], ['wb-tls', 'reencrypt']);
  });

  test('the route reaches the OAuth proxy, which sends a visitor to the cluster OAuth server to log in', async () => {
    await until(
      c,
      'route.openshift.io/v1',
      'Route',
      (rs) =>
        rs.some(
          (r) => r.metadata.namespace === NS && r.metadata.name === 'wb' && r.status?.ingress?.[0]?.conditions?.[0]?.status === 'True',
        ),
      'the wb route admitted',
    );
    const host = c.get('route.openshift.io/v1', 'Route', 'wb', NS)!.spec.host;
    const r = await getRoute(t, host, `/notebook/${NS}/wb/api`);
    assert.equal(r.status, 302);
    const loc = new URL(r.location!);
    assert.equal(loc.host, 'oauth-openshift.apps.twin.local');
    assert.equal(loc.searchParams.get('client_id'), `system:serviceaccount:${NS}:wb`);
    assert.equal(loc.searchParams.get('redirect_uri'), `https://${host}/oauth/callback`);
    assert.equal((await getRoute(t, host, '/oauth/healthz')).status, 200);
  });

  test('the Jupyter server answers its API under the base URL (what the readiness probe calls)', async () => {
    const pod = c.get('v1', 'Pod', 'wb-0', NS)!;
    const addr = await workloadRuntimeOf(t.twin.controllers).pods.address(pod.metadata.uid!, 8888);
    const res = await fetch(`http://${addr!.host}:${addr!.port}/notebook/${NS}/wb/api`);
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as { version?: string }).version);
    assert.equal((await fetch(`http://${addr!.host}:${addr!.port}/other/api`)).status, 404);
  });

  test("stop and start by the annotation: no pod while stopped, the claim's files back after the start", async () => {
    const target = { namespace: NS, pod: 'wb-0', container: 'wb' };
    const wrote = await execInPod(t.kc, target, ['sh', '-c', 'echo kept > /opt/app-root/src/proof.txt']);
    assert.equal(wrote.exitCode, 0, wrote.stderr);
    c.patch(NB, 'Notebook', 'wb', NS, { metadata: { annotations: { 'kubeflow-resource-stopped': '2024-05-20T10:00:00Z' } } });
    await until(
      c,
      NB,
      'Notebook',
      (nbs) => nbs.some((n) => n.metadata.name === 'wb' && n.status?.readyReplicas === 0 && n.status.conditions.length === 0),
      'the stopped Notebook',
    );
    await until(c, 'v1', 'Pod', (ps) => !ps.some((p) => p.metadata.namespace === NS && p.metadata.name === 'wb-0'), 'no pod while stopped');
    c.patch(NB, 'Notebook', 'wb', NS, { metadata: { annotations: { 'kubeflow-resource-stopped': null } } });
    await readyNotebook(c, NS, 'wb');
    const read = await execInPod(t.kc, target, ['cat', '/opt/app-root/src/proof.txt']);
    assert.deepEqual([read.exitCode, read.stdout], [0, 'kept\n']);
  });

  test("the tutorial in a TensorFlow workbench: clone, train, upload the model to the data connection's bucket", async () => {
    const ns = 'wb-tutorial';
    await deployMinio(t, ns);
    const s3 = new S3Store(
      { endpoint: `https://${routeHost(t, ns)}`, region: 'us-east-1', accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
      { https: resolvingHttpsAgent(parseResolveRules(t.twin.resolve), { ca: t.twin.ingressCaPem, keepAlive: false }) },
    );
    await s3.ensureBucket('my-storage');
    const conn = {
      AWS_ACCESS_KEY_ID: ROOT_USER,
      AWS_SECRET_ACCESS_KEY: ROOT_PASSWORD,
      AWS_S3_ENDPOINT: `http://minio.${ns}.svc.cluster.local:9000`,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_S3_BUCKET: 'my-storage',
    };
    c.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'aws-connection-my-storage', namespace: ns }, stringData: conn });
    c.create(claim(ns, 'fraud'));
    c.create(notebook(ns, 'fraud', 'tensorflow', { envFrom: [{ secretRef: { name: 'aws-connection-my-storage' } }] }));
    await readyNotebook(c, ns, 'fraud');
    const target = { namespace: ns, pod: 'fraud-0', container: 'fraud' };
    const refused = await execInPod(t.kc, target, ['git', 'clone', 'https://gitea.example.com/mirror/fraud-detection.git']);
    assert.equal(refused.exitCode, 128);
    assert.match(
      refused.stderr,
      /fatal: unable to access 'https:\/\/gitea\.example\.com\/mirror\/fraud-detection\.git': Could not resolve host: gitea\.example\.com/,
    );
    const cloned = await execInPod(t.kc, target, [
      'git',
      'clone',
      '--branch',
      'v2.9',
      'https://github.com/rh-aiservices-bu/fraud-detection.git',
    ]);
    assert.equal(cloned.exitCode, 0, cloned.stderr);
    const branch = await execInPod(t.kc, target, ['git', '-C', 'fraud-detection', 'rev-parse', '--abbrev-ref', 'HEAD']);
    assert.equal(branch.stdout, 'v2.9\n');
    const train = await execInPod(
      t.kc,
      target,
      ['jupyter', 'nbconvert', '--to', 'notebook', '--execute', 'fraud-detection/1_experiment_train.ipynb'],
      { timeoutMs: 120_000 },
    );
    assert.equal(train.exitCode, 0, train.stderr);
    assert.match(train.stderr, /Writing \d+ bytes to fraud-detection\/1_experiment_train\.nbconvert\.ipynb/);
    const executed = JSON.parse((await execInPod(t.kc, target, ['cat', 'fraud-detection/1_experiment_train.nbconvert.ipynb'])).stdout);
    const printed = executed.cells
      .flatMap((x: KObject) => x.outputs ?? [])
      .map((o: KObject) => o.text ?? '')
      .join('');
    const accuracy = Number(/Accuracy: ([\d.]+)/.exec(printed)?.[1]);
    assert.ok(accuracy > 0.9, `the model scores its test split (printed: ${printed.slice(-300)})`);
    const save = await execInPod(
      t.kc,
      target,
      ['jupyter', 'nbconvert', '--to', 'notebook', '--execute', 'fraud-detection/2_save_model.ipynb'],
      { timeoutMs: 120_000 },
    );
    assert.equal(save.exitCode, 0, save.stderr);
    const model = await s3.get('my-storage', 'models/fraud/1/model.onnx');
    const session = await OnnxSession.fromBytes(model);
    assert.deepEqual([session.inputs[0].name, session.inputs[0].shape?.[1], session.outputs.length], ['dense_input', 5, 1]);
    s3.destroy();
  });

  test("without the data connection, the upload notebook fails as the tutorial's does", async () => {
    const ns = 'wb-tutorial';
    c.create(claim(ns, 'bare'));
    c.create(notebook(ns, 'bare', 'tensorflow'));
    await readyNotebook(c, ns, 'bare');
    const target = { namespace: ns, pod: 'bare-0', container: 'bare' };
    assert.equal((await execInPod(t.kc, target, ['git', 'clone', 'https://github.com/rh-aiservices-bu/fraud-detection'])).exitCode, 0);
    const save = await execInPod(t.kc, target, [
      'jupyter',
      'nbconvert',
      '--to',
      'notebook',
      '--execute',
      'fraud-detection/2_save_model.ipynb',
    ]);
    assert.equal(save.exitCode, 1);
    assert.match(save.stderr, /CellExecutionError[\s\S]*ValueError: One or more data connection variables are empty/);
  });
});

describe('workbench faults', () => {
  test('workbench-image-pull-fails: the TensorFlow workbench stays Pending in ImagePullBackOff; others start', async () => {
    const t = await startLocalTwin({ faults: ['workbench-image-pull-fails'] });
    try {
      const c = t.twin.controllers.clientFor('notebook-test');
      installWorkbenches(c);
      c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'f' } });
      c.create(claim('f', 'tf'));
      c.create(notebook('f', 'tf', 'tensorflow'));
      c.create(claim('f', 'min'));
      c.create(notebook('f', 'min', 's2i-minimal-notebook'));
      await readyNotebook(c, 'f', 'min');
      const [pods] = await Promise.all([
        until(
          c,
          'v1',
          'Pod',
          (ps) =>
            ps.some(
              (p) =>
                p.metadata.name === 'tf-0' &&
                p.status?.containerStatuses?.some((s: KObject) => s.state?.waiting?.reason === 'ImagePullBackOff'),
            ),
          'tf-0 in ImagePullBackOff',
        ),
      ]);
      const tf = pods.find((p) => p.metadata.name === 'tf-0')!;
      assert.equal(tf.status.phase, 'Pending');
      assert.ok(!isReady(tf));
      const nb = await until(
        c,
        NB,
        'Notebook',
        (nbs) => nbs.some((n) => n.metadata.name === 'tf' && n.status?.containerState?.waiting?.reason === 'ImagePullBackOff'),
        'the Notebook reports the waiting container',
      );
      assert.equal(nb.find((n) => n.metadata.name === 'tf')!.status.readyReplicas, 0);
    } finally {
      await t.stop();
    }
  });
});
