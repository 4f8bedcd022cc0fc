// The twin's Authorino operator (twin/controllers/authorino.ts): an Authorino CR becomes its
// Deployment, ServiceAccount and Services and is Ready once the Deployment is available; TLS
// without a certificate is refused; the sidecar-injection patch of the pod template survives the
// operator's reconciles and brings a pod with authorino and istio-proxy; its fault reverts it.
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

const API = 'operator.authorino.kuadrant.io/v1beta1';
const NS = 'redhat-ods-applications-auth-provider';
const SELECTOR = 'authorino-resource=authorino,control-plane=controller-manager';

function documentedAuthorino(tls = false): KObject {
  return {
    apiVersion: API,
    kind: 'Authorino',
    metadata: { name: 'authorino', namespace: NS },
    spec: {
      authConfigLabelSelectors: 'security.opendatahub.io/authorization-group=default',
      clusterWide: true,
      listener: { tls: { enabled: tls } },
      oidcServer: { tls: { enabled: false } },
    },
  };
}

/** The docs' patch, as the harness applies it (server-side apply of the one label, its own field manager). */
function injectionPatch(m: MeshTwin): void {
  m.client.as('rhoai-harness').apply(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'authorino', namespace: NS },
      spec: { template: { metadata: { labels: { 'sidecar.istio.io/inject': 'true' } } } },
    },
    { force: false },
  );
}

async function meshWithAuthorinoOperator(faults: string[] = []): Promise<MeshTwin> {
  const m = await meshTwin(faults);
  await installOperator(m.client, 'servicemeshoperator');
  await installOperator(m.client, 'authorino-operator');
  await readyControlPlane(m.client);
  await joinedNamespace(m.client, NS);
  return m;
}

const authorino = (m: MeshTwin) => m.client.get(API, 'Authorino', 'authorino', NS);

describe('the Authorino operator', () => {
  let m: MeshTwin;
  before(async () => {
    m = await meshWithAuthorinoOperator();
  });
  after(() => m.stop());

  test('provisions the instance: Deployment, Services, Ready', async () => {
    m.client.create(documentedAuthorino());
    const a = await waitFor('Authorino to be Ready', () => condition(authorino(m), 'Ready')?.status === 'True' && authorino(m), 10_000);
    assert.equal(condition(a, 'Ready')?.reason, 'Provisioned');
    const d = m.client.get('apps/v1', 'Deployment', 'authorino', NS)!;
    assert.equal(condition(d, 'Available')?.status, 'True');
    assert.deepEqual(d.spec.template.spec.containers[0].env, [
      { name: 'AUTH_CONFIG_LABEL_SELECTOR', value: 'security.opendatahub.io/authorization-group=default' },
    ]);
    const authz = m.client.get('v1', 'Service', 'authorino-authorino-authorization', NS)!;
    assert.deepEqual(
      authz.spec.ports.map((p: KObject) => `${p.name}:${p.port}`),
      ['grpc:50051', 'http:5001'],
    );
    assert.ok(m.client.get('v1', 'Service', 'authorino-authorino-oidc', NS));
    assert.ok(m.client.get('v1', 'ServiceAccount', 'authorino-authorino', NS));
    const pod = await waitFor('the authorino pod', () => runningPods(m.client, NS, SELECTOR)[0]);
    assert.deepEqual(containerNames(pod), ['authorino'], 'no sidecar before the patch');
  });

  test('the injection patch survives the operator and brings a pod with authorino and istio-proxy', async () => {
    injectionPatch(m);
    const pod = await waitFor('a pod with the sidecar', () =>
      runningPods(m.client, NS, SELECTOR).find((p) => containerNames(p).includes('istio-proxy')),
    );
    assert.deepEqual(containerNames(pod), ['authorino', 'istio-proxy']);
    await waitFor('the old pod to go', () => runningPods(m.client, NS, SELECTOR).length === 1);
    // The operator reconciles again (a change of the CR): the label stays.
    m.client.patch(API, 'Authorino', 'authorino', NS, { spec: { logLevel: 'info' } });
    await waitFor('the operator to apply the new env', () =>
      m.client
        .get('apps/v1', 'Deployment', 'authorino', NS)
        ?.spec.template.spec.containers[0].env.some((e: KObject) => e.name === 'LOG_LEVEL'),
    );
    assert.equal(m.client.get('apps/v1', 'Deployment', 'authorino', NS)?.spec.template.metadata.labels['sidecar.istio.io/inject'], 'true');
  });
});

describe('an Authorino with TLS but no certificate', () => {
  test('is not provisioned: Ready=False UnableToCreateDeployment naming the field', async () => {
    const m = await meshTwin();
    try {
      await installOperator(m.client, 'authorino-operator');
      ensureNamespace(m.client, NS);
      m.client.create(documentedAuthorino(true));
      const a = await waitFor('the refusal', () => condition(authorino(m), 'Ready')?.status === 'False' && authorino(m));
      assert.equal(condition(a, 'Ready')?.reason, 'UnableToCreateDeployment');
      assert.match(condition(a, 'Ready')!.message, /spec\.listener\.tls is enabled but spec\.listener\.tls\.certSecretRef names no Secret/);
      assert.equal(m.client.get('apps/v1', 'Deployment', 'authorino', NS), undefined);
    } finally {
      await m.stop();
    }
  });
});

describe('fault authorino-operator-reverts-deployment', () => {
  test('the operator replaces the pod template: the injection label goes, the pod runs without istio-proxy', async () => {
    const m = await meshWithAuthorinoOperator(['authorino-operator-reverts-deployment']);
    try {
      m.client.create(documentedAuthorino());
      await waitFor('Authorino to be Ready', () => condition(authorino(m), 'Ready')?.status === 'True', 10_000);
      injectionPatch(m);
      await waitFor(
        'the label to be reverted',
        () =>
          m.client.get('apps/v1', 'Deployment', 'authorino', NS)?.spec.template.metadata.labels['sidecar.istio.io/inject'] === undefined,
      );
      const pods = await waitFor('one authorino pod, without the sidecar', () => {
        const running = runningPods(m.client, NS, SELECTOR);
        return running.length === 1 && running;
      });
      assert.deepEqual(containerNames(pods[0]), ['authorino']);
    } finally {
      await m.stop();
    }
  });
});
