// The twin's OpenShift Service Mesh 2.5 (twin/controllers/service-mesh.ts): the control plane is
// installed in OSSM's order and reports OSSM's status; invalid specs are refused with
// ValidationError; members join the member roll and are configured; pods asking for the sidecar in
// configured member namespaces get istio-proxy; and the controller's faults break what they say.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import { validateControlPlane, wantsSidecar } from '../../../twin/controllers/service-mesh';
import type { KObject } from '../../../twin/api/types';
import { waitFor } from './helpers';
import {
  MEMBER_API,
  MESH,
  condition,
  containerNames,
  documentedControlPlane,
  ensureNamespace,
  installOperator,
  joinedNamespace,
  member,
  meshTwin,
  readyControlPlane,
  roll,
  runningPods,
  smcp,
  type MeshTwin,
} from './service-mesh.helpers';

function deployment(
  name: string,
  namespace: string,
  podMeta: { labels?: Record<string, string>; annotations?: Record<string, string> },
): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...(podMeta.labels ?? {}) }, annotations: podMeta.annotations },
        spec: { containers: [{ name, image: `example.com/${name}:1` }] },
      },
    },
  };
}

describe('the Service Mesh operator', () => {
  let m: MeshTwin;
  before(async () => {
    m = await meshTwin();
  });
  after(() => m.stop());

  test('does nothing before its CSV has succeeded, then installs the documented control plane', async () => {
    const { client } = m;
    ensureNamespace(client, MESH);
    // The kinds come with the operator's bundle: before it, there is no ServiceMeshControlPlane kind.
    assert.equal(client.hasKind('maistra.io/v2', 'ServiceMeshControlPlane'), false);
    await installOperator(client, 'servicemeshoperator');
    const cp = await readyControlPlane(client);
    assert.deepEqual(cp.status.readiness.components, {
      ready: ['istio-egressgateway', 'istio-ingressgateway', 'istiod'],
      unready: [],
      pending: [],
    });
    assert.equal(cp.status.annotations.readyComponentCount, '3/3');
    assert.equal(cp.status.chartVersion, '2.5.1');
    assert.equal(cp.status.observedGeneration, cp.metadata.generation);
    assert.deepEqual(
      cp.status.conditions.map((c: KObject) => `${c.type}=${c.status}/${c.reason}`),
      ['Installed=True/InstallSuccessful', 'Reconciled=True/InstallSuccessful', 'Ready=True/ComponentsReady'],
    );
    assert.equal(cp.status.appliedSpec.version, 'v2.5', 'no spec.version: the operator applies its newest');
    assert.equal(cp.spec.version, undefined, 'the operator does not write spec.version');
    for (const d of ['istiod-minimal', 'istio-ingressgateway', 'istio-egressgateway']) {
      assert.equal(condition(client.get('apps/v1', 'Deployment', d, MESH), 'Available')?.status, 'True', `${d} available`);
    }
    const ingress = client.get('apps/v1', 'Deployment', 'istio-ingressgateway', MESH)!;
    assert.equal(ingress.spec.template.metadata.labels.knative, 'ingressgateway', "the gateway's service labels reach its pods");
    assert.equal(client.get('v1', 'Service', 'istio-ingressgateway', MESH)?.metadata.labels?.knative, 'ingressgateway');
    assert.equal(client.get('v1', 'Namespace', MESH)?.metadata.labels?.['maistra.io/member-of'], MESH);
    assert.equal(
      client.get('security.istio.io/v1beta1', 'PeerAuthentication', 'default', MESH)?.spec.mtls.mode,
      'STRICT',
      'dataPlane.mtls asks for STRICT mTLS',
    );
    const mesh = yaml.load(client.get('v1', 'ConfigMap', 'istio-minimal', MESH)!.data.mesh) as KObject;
    assert.equal(mesh.defaultConfig.terminationDrainDuration, '35s', 'techPreview.meshConfig is merged into the mesh config');
    assert.equal(mesh.defaultConfig.discoveryAddress, 'istiod-minimal.istio-system.svc:15012');
    assert.equal(mesh.extensionProviders, undefined);
  });

  test('reconciles an added extension provider into the mesh config, keeping the others', async () => {
    const { client } = m;
    const before = smcp(client)!;
    const providers = [
      { name: 'other', envoyExtAuthzHttp: { service: 'other.svc', port: 80 } },
      {
        name: 'redhat-ods-applications-auth-provider',
        envoyExtAuthzGrpc: {
          service: 'authorino-authorino-authorization.redhat-ods-applications-auth-provider.svc.cluster.local',
          port: 50051,
        },
      },
    ];
    client.patch('maistra.io/v2', 'ServiceMeshControlPlane', 'minimal', MESH, {
      spec: { techPreview: { meshConfig: { extensionProviders: providers } } },
    });
    const after = await waitFor('the new generation to be reconciled', () => {
      const s = smcp(client);
      return s && s.status?.observedGeneration === s.metadata.generation && s.metadata.generation! > before.metadata.generation! && s;
    });
    assert.equal(condition(after, 'Reconciled')?.reason, 'UpdateSuccessful');
    const mesh = yaml.load(client.get('v1', 'ConfigMap', 'istio-minimal', MESH)!.data.mesh) as KObject;
    assert.deepEqual(mesh.extensionProviders, providers);
    assert.equal(mesh.defaultConfig.terminationDrainDuration, '35s', 'the rest of techPreview.meshConfig stays');
  });

  test('refuses a second control plane in the same namespace', async () => {
    const { client } = m;
    client.create(documentedControlPlane('second'));
    const second = await waitFor('the second SMCP to be refused', () => {
      const s = smcp(client, 'second');
      return condition(s, 'Reconciled')?.reason === 'ValidationError' && s;
    });
    assert.match(condition(second, 'Reconciled')!.message, /only one service mesh may be installed per project\/namespace/);
    assert.equal(client.get('apps/v1', 'Deployment', 'istiod-second', MESH), undefined);
    assert.equal(condition(smcp(client), 'Ready')?.status, 'True', 'the first stays ready');
    client.delete('maistra.io/v2', 'ServiceMeshControlPlane', 'second', MESH);
  });

  test('a member joins the member roll, is configured and labelled; leaving takes it out again', async () => {
    const { client } = m;
    await joinedNamespace(client, 'knative-serving');
    const r = roll(client)!;
    assert.equal(
      r.metadata.annotations?.['maistra.io/created-by'],
      'servicemeshmember-controller',
      'the member controller created the roll',
    );
    assert.deepEqual(r.spec.members, ['knative-serving']);
    assert.deepEqual(r.status.configuredMembers, ['knative-serving']);
    assert.equal(r.status.annotations.configuredMemberCount, '1/1');
    assert.equal(condition(r, 'Ready')?.reason, 'Configured');
    assert.equal(client.get('v1', 'Namespace', 'knative-serving')?.metadata.labels?.['maistra.io/member-of'], MESH);
    const smm = await waitFor('the member to be Ready', () => {
      const s = client.get(MEMBER_API, 'ServiceMeshMember', 'default', 'knative-serving');
      return condition(s, 'Ready')?.status === 'True' && s;
    });
    assert.equal(smm.status.annotations.controlPlaneRef, 'istio-system/minimal');

    await joinedNamespace(client, 'second-member');
    assert.deepEqual(roll(client)!.status.configuredMembers, ['knative-serving', 'second-member']);
    client.delete(MEMBER_API, 'ServiceMeshMember', 'default', 'second-member');
    await waitFor(
      'second-member to leave the roll',
      () => !roll(client)?.spec.members.includes('second-member') && !roll(client)?.status.configuredMembers.includes('second-member'),
    );
    await waitFor(
      'its member-of label to go',
      () => client.get('v1', 'Namespace', 'second-member')?.metadata.labels?.['maistra.io/member-of'] === undefined,
    );
  });

  test('a member of a missing namespace stays pending with the reason', async () => {
    const { client } = m;
    client.patch(MEMBER_API, 'ServiceMeshMemberRoll', 'default', MESH, { spec: { members: [...roll(client)!.spec.members, 'not-there'] } });
    const r = await waitFor('not-there to be pending', () => roll(client)?.status?.pendingMembers?.includes('not-there') && roll(client));
    assert.match(condition(r, 'Ready')!.message, /The following namespaces are not yet configured: \[not-there\]/);
    const status = r.status.memberStatuses.find((s: KObject) => s.namespace === 'not-there');
    assert.equal(status.conditions[0].reason, 'NamespaceNotExists');
    client.patch(MEMBER_API, 'ServiceMeshMemberRoll', 'default', MESH, { spec: { members: ['knative-serving'] } });
    await waitFor('the roll to be configured again', () => condition(roll(client), 'Ready')?.status === 'True');
  });

  test('injects istio-proxy into pods that ask for it in configured member namespaces, and only there', async () => {
    const { client } = m;
    ensureNamespace(client, 'outside');
    client.create(deployment('by-label', 'knative-serving', { labels: { 'sidecar.istio.io/inject': 'true' } }));
    client.create(deployment('by-annotation', 'knative-serving', { annotations: { 'sidecar.istio.io/inject': 'true' } }));
    client.create(deployment('not-asking', 'knative-serving', {}));
    client.create(
      deployment('refusing', 'knative-serving', {
        labels: { 'sidecar.istio.io/inject': 'true' },
        annotations: { 'sidecar.istio.io/inject': 'false' },
      }),
    );
    client.create(deployment('outside-mesh', 'outside', { labels: { 'sidecar.istio.io/inject': 'true' } }));
    const running = (ns: string, app: string) => waitFor(`${app} to run`, () => runningPods(m.client, ns, `app=${app}`)[0]);
    const byLabel = await running('knative-serving', 'by-label');
    assert.deepEqual(containerNames(byLabel), ['by-label', 'istio-proxy']);
    assert.equal(byLabel.status.containerStatuses.filter((s: KObject) => s.ready).length, 2, '2/2 ready');
    assert.equal(byLabel.metadata.labels?.['security.istio.io/tlsMode'], 'istio');
    assert.equal(JSON.parse(byLabel.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}').revision, 'minimal');
    assert.deepEqual(containerNames(await running('knative-serving', 'by-annotation')), ['by-annotation', 'istio-proxy']);
    assert.deepEqual(containerNames(await running('knative-serving', 'not-asking')), ['not-asking']);
    assert.deepEqual(containerNames(await running('knative-serving', 'refusing')), ['refusing']);
    assert.deepEqual(containerNames(await running('outside', 'outside-mesh')), ['outside-mesh'], 'no injection outside the mesh');
    const gateway = runningPods(client, MESH, 'app=istio-ingressgateway')[0];
    assert.deepEqual(containerNames(gateway), ['istio-proxy'], 'the control plane namespace is not injected');
  });
});

describe('control plane specs OSSM refuses', () => {
  const refused = (spec: Record<string, unknown>) =>
    validateControlPlane(
      {
        ...documentedControlPlane('x', MESH, spec),
        metadata: { name: 'x', namespace: MESH, uid: '1', creationTimestamp: '2024-05-01T00:00:00Z' },
      },
      [],
    );

  test('the documented control plane is valid', () => {
    assert.deepEqual(refused({}), []);
    assert.deepEqual(refused({ version: 'v2.5' }), []);
  });

  test('an unknown tracing type, identity type or version, Mixer, 3scale, malformed extension providers', () => {
    assert.match(refused({ tracing: { type: 'Zipkin' } })[0], /unknown tracer type: Zipkin/);
    assert.match(refused({ security: { identity: { type: 'Spiffe' } } })[0], /unknown identity type: Spiffe/);
    assert.match(refused({ security: { identity: { type: 'Kubernetes', thirdParty: { issuer: 'x' } } } })[0], /thirdParty may only be set/);
    assert.match(refused({ version: 'v2.9' })[0], /invalid version: v2.9/);
    assert.match(refused({ policy: { type: 'Mixer' } })[0], /have been removed in v2.1/);
    assert.match(refused({ addons: { '3scale': { enabled: true } } })[0], /support for 3scale has been removed/);
    const preview = (extensionProviders: unknown) => refused({ techPreview: { meshConfig: { extensionProviders } } });
    assert.match(preview([{ name: 'a' }])[0], /does not define any provider/);
    assert.match(
      preview([{ name: 'a', envoyExtAuthzGrpc: { service: 's', port: 1 }, envoyExtAuthzHttp: { service: 's', port: 1 } }])[0],
      /must specify only one type of provider/,
    );
    assert.match(preview([{ name: '', envoyExtAuthzGrpc: { service: 's', port: 1 } }])[0], /name cannot be empty/);
    assert.match(
      preview([{ name: 'a', envoyExtAuthzGrpc: { service: 's', port: 1, timeout: 'soon' } }])[0],
      /must be specified in the duration format/,
    );
    assert.match(preview({ name: 'a' })[0], /must be a list/);
  });

  test('sidecar.istio.io/inject as a label or an annotation; "false" wins', () => {
    const pod = (labels: Record<string, string>, annotations: Record<string, string>) =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { labels, annotations } }) as KObject;
    assert.equal(wantsSidecar(pod({ 'sidecar.istio.io/inject': 'true' }, {})), true);
    assert.equal(wantsSidecar(pod({}, { 'sidecar.istio.io/inject': 'true' })), true);
    assert.equal(wantsSidecar(pod({ 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' })), false);
    assert.equal(wantsSidecar(pod({}, {})), false);
  });
});

describe('an invalid control plane on the twin', () => {
  let m: MeshTwin;
  before(async () => {
    m = await meshTwin();
    await installOperator(m.client, 'servicemeshoperator');
    ensureNamespace(m.client, MESH);
  });
  after(() => m.stop());

  test('is not installed: Reconciled=False ValidationError "Spec is invalid", Ready=False', async () => {
    m.client.create(documentedControlPlane('minimal', MESH, { tracing: { type: 'Zipkin' } }));
    const s = await waitFor(
      'the SMCP to be refused',
      () => condition(smcp(m.client), 'Reconciled')?.reason === 'ValidationError' && smcp(m.client),
    );
    assert.match(condition(s, 'Reconciled')!.message, /^Spec is invalid: unknown tracer type: Zipkin/);
    assert.equal(condition(s, 'Installed')?.reason, 'InstallError');
    assert.equal(condition(s, 'Ready')?.status, 'False');
    assert.equal(m.client.get('apps/v1', 'Deployment', 'istiod-minimal', MESH), undefined);
    // Fixing the spec installs it.
    m.client.patch('maistra.io/v2', 'ServiceMeshControlPlane', 'minimal', MESH, { spec: { tracing: { type: 'None' } } });
    await waitFor('the fixed SMCP to be ready', () => condition(smcp(m.client), 'Ready')?.status === 'True', 10_000);
  });
});

describe('faults of the Service Mesh operator', () => {
  test('mesh-istiod-unavailable: istiod crash-loops, the install pauses at istiod and Ready stays False', async () => {
    const m = await meshTwin(['mesh-istiod-unavailable']);
    try {
      await installOperator(m.client, 'servicemeshoperator');
      ensureNamespace(m.client, MESH);
      m.client.create(documentedControlPlane());
      const s = await waitFor(
        'the SMCP to report istiod unready',
        () => (smcp(m.client)?.status?.readiness?.components?.unready ?? []).includes('istiod') && smcp(m.client),
      );
      assert.equal(condition(s, 'Ready')?.reason, 'ComponentsNotReady');
      assert.equal(condition(s, 'Reconciled')?.message, 'Paused until the following components become ready: [istiod]');
      assert.deepEqual(
        s.status.readiness.components.pending,
        ['istio-egressgateway', 'istio-ingressgateway'],
        'the gateways wait for istiod',
      );
      assert.equal(s.status.observedGeneration, 0);
      assert.equal(m.client.get('apps/v1', 'Deployment', 'istio-ingressgateway', MESH), undefined);
      await waitFor(
        'the istiod pod to crash-loop',
        () => runningPods(m.client, MESH, 'app=istiod')[0]?.status.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
      );
    } finally {
      await m.stop();
    }
  });

  test('mesh-member-not-configured: knative-serving stays pending, other members are configured', async () => {
    const m = await meshTwin(['mesh-member-not-configured']);
    try {
      await installOperator(m.client, 'servicemeshoperator');
      await readyControlPlane(m.client);
      await joinedNamespace(m.client, 'redhat-ods-applications-auth-provider');
      ensureNamespace(m.client, 'knative-serving');
      m.client.create(member('knative-serving'));
      const r = await waitFor(
        'knative-serving to be pending',
        () => roll(m.client)?.status?.pendingMembers?.includes('knative-serving') && roll(m.client),
      );
      assert.deepEqual(r.status.configuredMembers, ['redhat-ods-applications-auth-provider']);
      assert.match(condition(r, 'Ready')!.message, /not yet configured: \[knative-serving\]/);
      assert.equal(m.client.get('v1', 'Namespace', 'knative-serving')?.metadata.labels?.['maistra.io/member-of'], undefined);
    } finally {
      await m.stop();
    }
  });

  test('mesh-extension-provider-ignored: the mesh config never lists techPreview extension providers', async () => {
    const m = await meshTwin(['mesh-extension-provider-ignored']);
    try {
      await installOperator(m.client, 'servicemeshoperator');
      ensureNamespace(m.client, MESH);
      m.client.create(
        documentedControlPlane('minimal', MESH, {
          techPreview: {
            meshConfig: {
              defaultConfig: { terminationDrainDuration: '35s' },
              extensionProviders: [{ name: 'p', envoyExtAuthzGrpc: { service: 's.svc', port: 50051 } }],
            },
          },
        }),
      );
      await waitFor('the SMCP to be ready', () => condition(smcp(m.client), 'Ready')?.status === 'True', 10_000);
      const mesh = yaml.load(m.client.get('v1', 'ConfigMap', 'istio-minimal', MESH)!.data.mesh) as KObject;
      assert.equal(mesh.extensionProviders, undefined);
      assert.equal(mesh.defaultConfig.terminationDrainDuration, '35s', 'the rest of techPreview is still merged');
    } finally {
      await m.stop();
    }
  });
});
