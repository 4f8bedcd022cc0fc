// The twin's OpenShift Serverless (twin/controllers/serverless.ts): a KnativeServing waits for its
// dependencies (Istio ingress, knative-serving a configured mesh member) and says which one is
// missing; then it deploys Knative Serving with spec.workloads applied, so that the activator and
// the autoscaler run with the Istio sidecar; and its fault drops the workload overrides.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KObject } from '../../../twin/api/types';
import { waitFor } from './helpers';
import {
  condition,
  containerNames,
  ensureNamespace,
  installOperator,
  joinedNamespace,
  meshTwin,
  readyControlPlane,
  runningPods,
  type MeshTwin,
} from './service-mesh.helpers';

const KS_API = 'operator.knative.dev/v1beta1';
const NS = 'knative-serving';
const SERVING = ['activator', 'autoscaler', 'autoscaler-hpa', 'controller', 'net-istio-controller', 'net-istio-webhook', 'webhook'];

/** The KnativeServing of the RHOAI 2.9 docs (fixtures/serverless/knative-serving.yaml). */
function documentedKnativeServing(namespace = NS, istio = true): KObject {
  const sidecar = { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' };
  return {
    apiVersion: KS_API,
    kind: 'KnativeServing',
    metadata: { name: 'knative-serving', namespace, annotations: { 'serverless.openshift.io/default-enable-http2': 'true' } },
    spec: {
      workloads: [
        {
          name: 'net-istio-controller',
          env: [{ container: 'controller', envVars: [{ name: 'ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID', value: 'true' }] }],
        },
        { name: 'activator', annotations: sidecar },
        { name: 'autoscaler', annotations: sidecar },
      ],
      ingress: { istio: { enabled: istio } },
      config: {
        features: {
          'kubernetes.podspec-affinity': 'enabled',
          'kubernetes.podspec-nodeselector': 'enabled',
          'kubernetes.podspec-tolerations': 'enabled',
        },
      },
    },
  };
}

const ks = (m: MeshTwin, namespace = NS) => m.client.get(KS_API, 'KnativeServing', 'knative-serving', namespace);

describe('the Serverless operator', () => {
  let m: MeshTwin;
  before(async () => {
    m = await meshTwin();
    await installOperator(m.client, 'servicemeshoperator');
    await installOperator(m.client, 'serverless-operator', 'openshift-serverless');
    await readyControlPlane(m.client);
  });
  after(() => m.stop());

  test('waits for knative-serving to be a mesh member, saying so, and deploys nothing meanwhile', async () => {
    ensureNamespace(m.client, NS);
    m.client.create(documentedKnativeServing());
    const waiting = await waitFor('the dependency condition', () => condition(ks(m), 'DependenciesInstalled')?.status === 'False' && ks(m));
    const dep = condition(waiting, 'DependenciesInstalled')!;
    assert.equal(dep.reason, 'Installing');
    assert.match(dep.message, /namespace knative-serving is not a configured member of the Service Mesh/);
    assert.match(dep.message, /create the ServiceMeshMember "default" in knative-serving/);
    assert.equal(condition(waiting, 'Ready')?.status, 'False');
    assert.equal(condition(waiting, 'Ready')?.message, dep.message, 'Ready carries the reason');
    assert.equal(m.client.get('apps/v1', 'Deployment', 'activator', NS), undefined);
  });

  test('once knative-serving is a configured member: Ready, with the sidecar on the activator and the autoscaler', async () => {
    await joinedNamespace(m.client, NS);
    const ready = await waitFor('the KnativeServing to be ready', () => condition(ks(m), 'Ready')?.status === 'True' && ks(m), 10_000);
    for (const type of ['DependenciesInstalled', 'DeploymentsAvailable', 'InstallSucceeded', 'Ready', 'VersionMigrationEligible']) {
      assert.deepEqual([condition(ready, type)?.status, condition(ready, type)?.reason], ['True', undefined], `${type}=True`);
    }
    assert.equal(ready.status.version, '1.11');
    for (const name of SERVING)
      assert.equal(condition(m.client.get('apps/v1', 'Deployment', name, NS), 'Available')?.status, 'True', `${name} available`);
    // Serverless 1.32 (the catalog's CSV) ships no domain-mapping deployments (release-1.32 kodata/knative-serving/1.11).
    assert.deepEqual(
      m.client
        .list('apps/v1', 'Deployment', NS)
        .map((d) => d.metadata.name)
        .sort(),
      [...SERVING].sort(),
    );
    for (const app of ['activator', 'autoscaler']) {
      const pod = await waitFor(`${app} to run`, () => runningPods(m.client, NS, `app=${app}`)[0]);
      assert.deepEqual(containerNames(pod), [app, 'istio-proxy']);
      assert.equal(pod.metadata.annotations?.['sidecar.istio.io/rewriteAppHTTPProbers'], 'true');
    }
    const controller = await waitFor('the controller to run', () => runningPods(m.client, NS, 'app=controller')[0]);
    assert.deepEqual(containerNames(controller), ['controller'], 'no sidecar where the workloads do not ask for it');
    const netIstio = m.client.get('apps/v1', 'Deployment', 'net-istio-controller', NS)!;
    assert.deepEqual(netIstio.spec.template.spec.containers[0].env, [
      { name: 'ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID', value: 'true' },
    ]);
    assert.equal(m.client.get('v1', 'ConfigMap', 'config-features', NS)?.data['kubernetes.podspec-tolerations'], 'enabled');
  });

  test('refuses a second KnativeServing, and one outside knative-serving', async () => {
    ensureNamespace(m.client, 'elsewhere');
    m.client.create(documentedKnativeServing('elsewhere'));
    const refused = await waitFor(
      'the refusal',
      () => condition(ks(m, 'elsewhere'), 'InstallSucceeded')?.status === 'False' && ks(m, 'elsewhere'),
    );
    assert.match(
      condition(refused, 'InstallSucceeded')!.message,
      /^Install failed with message: KnativeServing may only be created in the knative-serving namespace/,
    );
    assert.equal(condition(ks(m), 'Ready')?.status, 'True', 'the first one stays ready');
  });
});

describe('a KnativeServing without the Istio ingress', () => {
  test('is not ready: the dependency names spec.ingress.istio.enabled', async () => {
    const m = await meshTwin();
    try {
      await installOperator(m.client, 'servicemeshoperator');
      await installOperator(m.client, 'serverless-operator', 'openshift-serverless');
      await readyControlPlane(m.client);
      await joinedNamespace(m.client, NS);
      m.client.create(documentedKnativeServing(NS, false));
      const s = await waitFor('the dependency condition', () => condition(ks(m), 'DependenciesInstalled')?.status === 'False' && ks(m));
      assert.match(condition(s, 'DependenciesInstalled')!.message, /spec\.ingress\.istio\.enabled is not true/);
    } finally {
      await m.stop();
    }
  });
});

describe('fault serverless-ignores-workload-overrides', () => {
  test('the activator and the autoscaler start without the sidecar annotation, so without istio-proxy', async () => {
    const m = await meshTwin(['serverless-ignores-workload-overrides']);
    try {
      await installOperator(m.client, 'servicemeshoperator');
      await installOperator(m.client, 'serverless-operator', 'openshift-serverless');
      await readyControlPlane(m.client);
      await joinedNamespace(m.client, NS);
      m.client.create(documentedKnativeServing());
      await waitFor('the KnativeServing to be ready', () => condition(ks(m), 'Ready')?.status === 'True', 10_000);
      const pod = await waitFor('the activator to run', () => runningPods(m.client, NS, 'app=activator')[0]);
      assert.deepEqual(containerNames(pod), ['activator']);
    } finally {
      await m.stop();
    }
  });
});
