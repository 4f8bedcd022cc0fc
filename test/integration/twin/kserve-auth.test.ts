// Token authorization of KServe models on the twin: odh-model-controller makes an AuthConfig for an
// InferenceService only when istio-system holds the CUSTOM AuthorizationPolicy for
// component=predictor (token: TokenReview + SubjectAccessReview for get services; otherwise
// anonymous); Authorino (its emulator, in its pod) takes the AuthConfigs in and answers Envoy's
// check; the predictor sidecar (mesh-traffic.ts) applies the policy through the mesh config's
// extension provider: no token 401, the model's token allowed, a token without access 403, an
// unknown provider denies everything.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import type { KObject } from '../../../twin/api/types';
import { MeshTraffic } from '../../../twin/controllers/mesh-traffic';
import { startLocalTwin, type LocalTwin } from './helpers';
import { until } from './minio-helpers';
import {
  admin,
  condition,
  fraudModel,
  installServing,
  isvcWhere,
  kserveIsvc,
  projectWithModel,
  runtimeFromTemplate,
} from './serving-helpers';

const NS = 'auth-a';
const OTHER = 'auth-outsider';
const AUTH_NS = 'redhat-ods-applications-auth-provider';
const PROVIDER = 'redhat-ods-applications-auth-provider';
let t: LocalTwin;

function meshConfig(providers: string[]): string {
  return yaml.dump({
    rootNamespace: 'istio-system',
    extensionProviders: providers.map((name) => ({
      name,
      envoyExtAuthzGrpc: { service: `authorino-authorino-authorization.${AUTH_NS}.svc.cluster.local`, port: 50051 },
    })),
  });
}

function token(ns: string, sa: string): string {
  const c = admin(t);
  if (!c.get('v1', 'ServiceAccount', sa, ns)) c.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } });
  return t.twin.controllers.authn.issueServiceAccountToken(c.get('v1', 'ServiceAccount', sa, ns)!, {}).token;
}

describe('KServe token authorization on the twin', () => {
  let traffic: MeshTraffic;
  let pod: KObject;
  const req = (headers: Record<string, string> = {}, path = '/v2/models/secured/infer') => ({
    method: 'POST',
    host: `secured-${NS}.apps.twin.local`,
    path,
    headers,
  });

  before(async () => {
    t = await startLocalTwin();
    await installServing(t);
    await projectWithModel(t, NS, { 'models/fraud/1/model.onnx': fraudModel().onnx }, { 'maistra.io/member-of': 'istio-system' });
    const c = admin(t);
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OTHER } });
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: AUTH_NS } });
    c.create({
      apiVersion: 'maistra.io/v2',
      kind: 'ServiceMeshControlPlane',
      metadata: { name: 'minimal', namespace: 'istio-system' },
      spec: {},
    });
    c.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio-minimal', namespace: 'istio-system' },
      data: { mesh: meshConfig([PROVIDER]) },
    });
    const labels = { 'authorino-resource': 'authorino' };
    c.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'authorino', namespace: AUTH_NS },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'authorino',
                image: 'registry.redhat.io/rhcl-1/authorino-rhel9:1.0.1',
                env: [{ name: 'AUTH_CONFIG_LABEL_SELECTOR', value: 'security.opendatahub.io/authorization-group=default' }],
                ports: [{ containerPort: 50051, name: 'grpc' }],
              },
            ],
          },
        },
      },
    });
    c.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'authorino-authorino-authorization', namespace: AUTH_NS },
      spec: { selector: labels, ports: [{ name: 'grpc', port: 50051, targetPort: 50051 }] },
    });
    c.apply(runtimeFromTemplate('kserve-ovms', 'secured', NS));
    c.apply(
      kserveIsvc('secured', NS, {
        runtime: 'secured',
        path: 'models/fraud',
        annotations: { 'security.opendatahub.io/enable-auth': 'true' },
      }),
    );
    c.apply(runtimeFromTemplate('kserve-ovms', 'open', NS));
    c.apply(kserveIsvc('open', NS, { runtime: 'open', path: 'models/fraud' }));
    c.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'secured-view', namespace: NS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'secured-sa', namespace: NS }],
    });
    await isvcWhere(t, NS, 'secured', (i) => condition(i, 'Ready')?.status === 'True', 'secured to be Ready');
    await isvcWhere(t, NS, 'open', (i) => condition(i, 'Ready')?.status === 'True', 'open to be Ready');
    pod = { ...c.list('v1', 'Pod', NS, { labelSelector: 'serving.kserve.io/inferenceservice=secured' })[0]! };
    // The pod as the mesh injects it: with its sidecar (the twin's mesh operator is not installed in this test).
    pod = { ...pod, spec: { ...pod.spec, containers: [...pod.spec.containers, { name: 'istio-proxy', image: 'proxyv2' }] } };
    traffic = new MeshTraffic(t.twin.controllers, { ignoreCustomPolicies: () => false });
  });
  after(async () => {
    await t?.stop();
  });

  it('makes no AuthConfig while istio-system has no CUSTOM AuthorizationPolicy for the predictors, and lets requests through', async () => {
    const c = admin(t);
    assert.deepEqual(c.list('authorino.kuadrant.io/v1beta2', 'AuthConfig', NS), []);
    assert.deepEqual(await traffic.authorize(pod, req()), { allow: true });
  });

  it('protects a model that asks for token authentication, once the policy exists', async () => {
    const c = admin(t);
    c.apply({
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'kserve-predictor', namespace: 'istio-system' },
      spec: {
        action: 'CUSTOM',
        provider: { name: PROVIDER },
        rules: [{ to: [{ operation: { notPaths: ['/healthz', '/debug/pprof/', '/metrics', '/wait-for-drain'] } }] }],
        selector: { matchLabels: { component: 'predictor' } },
      },
    });
    const configs = await until(
      c,
      'authorino.kuadrant.io/v1beta2',
      'AuthConfig',
      (as) =>
        ['secured', 'open'].every((n) =>
          as.some((a) => a.metadata.namespace === NS && a.metadata.name === n && condition(a, 'Ready')?.status === 'True'),
        ),
      'both AuthConfigs to be Ready in Authorino',
    );
    const secured = configs.find((a) => a.metadata.name === 'secured')!;
    assert.equal(secured.metadata.labels?.['security.opendatahub.io/authorization-group'], 'default');
    assert.ok(secured.spec.hosts.includes(`secured-${NS}.apps.twin.local`));
    assert.ok(secured.spec.authentication['kubernetes-user'].kubernetesTokenReview);
    assert.deepEqual(secured.spec.authorization['kubernetes-rbac'].kubernetesSubjectAccessReview.resourceAttributes.resource, {
      value: 'services',
    });
    // as odh-model-controller rhoai-2.9 controllers/resources/template/authconfig_userdefined.yaml writes it
    assert.deepEqual(
      secured.spec.authorization['kubernetes-rbac'].kubernetesSubjectAccessReview.resourceAttributes.name,
      { value: '' },
      'the SubjectAccessReview names no service',
    );
    assert.deepEqual(secured.spec.authentication['kubernetes-user'].kubernetesTokenReview.audiences, ['https://kubernetes.default.svc']);
    assert.ok(
      secured.spec.hosts.includes(`secured-predictor.${NS}.svc.cluster.local`) &&
        secured.spec.hosts.includes(`secured-predictor.${NS}.svc`) &&
        secured.spec.hosts.includes(`secured-predictor.${NS}`),
      `the cluster-local hosts and their short forms (Extract): ${secured.spec.hosts}`,
    );
    assert.deepEqual(secured.spec.hosts, [...secured.spec.hosts].sort(), 'hosts are sorted');
    assert.deepEqual(
      secured.metadata.ownerReferences?.map((o) => o.kind),
      ['InferenceService'],
    );
    assert.ok(
      configs.find((a) => a.metadata.name === 'open')!.spec.authentication['anonymous-access'].credentials.authorizationHeader,
      'authconfig_anonymous.yaml',
    );
    assert.ok(configs.find((a) => a.metadata.name === 'open')!.spec.authentication['anonymous-access'].anonymous);

    const none = await traffic.authorize(pod, req());
    assert.equal(none.allow, false);
    assert.equal((none as { status: number }).status, 401);
    assert.match((none as { headers: Record<string, string> }).headers['www-authenticate'], /^Bearer/);
    assert.deepEqual(await traffic.authorize(pod, req({ authorization: `Bearer ${token(NS, 'secured-sa')}` })), { allow: true });
    const foreign = await traffic.authorize(pod, req({ authorization: `Bearer ${token(OTHER, 'default')}` }));
    assert.equal((foreign as { status: number }).status, 403);
    const invalid = await traffic.authorize(pod, req({ authorization: 'Bearer not-a-token' }));
    assert.equal((invalid as { status: number }).status, 401);
    assert.deepEqual(await traffic.authorize(pod, req({}, '/healthz')), { allow: true }, 'notPaths are not checked');
    const openPod = { ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata.labels } } };
    assert.deepEqual(
      await traffic.authorize(openPod, { ...req(), host: `open-${NS}.apps.twin.local` }),
      { allow: true },
      'anonymous access for a model without token authentication',
    );
  });

  it('denies everything when the policy names a provider the mesh config does not list', async () => {
    const c = admin(t);
    c.patch('v1', 'ConfigMap', 'istio-minimal', 'istio-system', { data: { mesh: meshConfig(['some-other-provider']) } });
    const denied = await traffic.authorize(pod, req({ authorization: `Bearer ${token(NS, 'secured-sa')}` }));
    assert.deepEqual([(denied as { status: number }).status, (denied as { body: string }).body], [403, 'RBAC: access denied']);
    c.patch('v1', 'ConfigMap', 'istio-minimal', 'istio-system', { data: { mesh: meshConfig([PROVIDER]) } });
  });

  it('fails closed when the provider does not answer', async () => {
    const c = admin(t);
    c.patch('apps/v1', 'Deployment', 'authorino', AUTH_NS, { spec: { replicas: 0 } });
    await until(
      c,
      'v1',
      'Endpoints',
      (eps) =>
        eps.some(
          (e) =>
            e.metadata.namespace === AUTH_NS &&
            e.metadata.name === 'authorino-authorino-authorization' &&
            !(e.subsets ?? []).some((s: KObject) => s.addresses?.length),
        ),
      'authorino to have no endpoint',
    );
    const closed = await traffic.authorize(pod, req({ authorization: `Bearer ${token(NS, 'secured-sa')}` }));
    assert.equal((closed as { status: number }).status, 403);
  });
});
