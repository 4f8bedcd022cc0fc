// When a KnativeServing is ready, as the Serverless docs check it (DependenciesInstalled,
// DeploymentsAvailable, InstallSucceeded and Ready all True), and what the answer says otherwise.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Condition, KObject } from '../../../support/core/cluster';
import { renderOne } from '../../../support/core/fixtures';
import { knativeServingProblem, missingWorkloadAnnotations, otherServingDeployments } from '../../../support/install/serverless';

const ks = (conditions: Condition[], generation = 1, observedGeneration = 1): KObject => ({
  apiVersion: 'operator.knative.dev/v1beta1',
  kind: 'KnativeServing',
  metadata: { name: 'knative-serving', namespace: 'knative-serving', generation },
  status: { observedGeneration, conditions },
});
const all = (status: string) =>
  ['DependenciesInstalled', 'DeploymentsAvailable', 'InstallSucceeded', 'Ready'].map((type) => ({ type, status }));

describe('knativeServingProblem', () => {
  test('ready when the four conditions are True for the current generation', () => {
    assert.equal(knativeServingProblem(ks(all('True')), 'knative-serving', 'knative-serving'), undefined);
    assert.match(
      knativeServingProblem(ks(all('True'), 2, 1), 'knative-serving', 'knative-serving') as string,
      /not reconciled generation 2/,
    );
  });

  test('names every condition that is not True, with its reason and message', () => {
    const problem = knativeServingProblem(
      ks([
        {
          type: 'DependenciesInstalled',
          status: 'False',
          reason: 'Installing',
          message: 'Dependency installing: Istio: namespace knative-serving is not a configured member of the Service Mesh',
        },
        { type: 'DeploymentsAvailable', status: 'Unknown' },
        { type: 'InstallSucceeded', status: 'Unknown' },
        { type: 'Ready', status: 'False', reason: 'Installing', message: 'Dependency installing: Istio' },
      ]),
      'knative-serving',
      'knative-serving',
    ) as string;
    assert.match(
      problem,
      /DependenciesInstalled=False \(Installing: Dependency installing: Istio: namespace knative-serving is not a configured member of the Service Mesh\)/,
    );
    assert.match(problem, /DeploymentsAvailable=Unknown/);
  });

  test('a refused install fails at once', () => {
    const refused = knativeServingProblem(
      ks([
        {
          type: 'InstallSucceeded',
          status: 'False',
          reason: 'Error',
          message: 'Install failed with message: KnativeServing may only be created in the knative-serving namespace',
        },
      ]),
      'x',
      'y',
    );
    assert.ok(typeof refused === 'object' && /may only be created in the knative-serving namespace/.test(refused!.fail));
  });

  test('the documented KnativeServing: workloads with the sidecar annotations, Istio ingress, the features', () => {
    const k = renderOne('serverless/knative-serving', { name: 'knative-serving', namespace: 'knative-serving' });
    const workload = (name: string) => k.spec.workloads.find((w: KObject) => w.name === name);
    for (const name of ['activator', 'autoscaler'])
      assert.deepEqual(workload(name).annotations, { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' });
    assert.equal(workload('net-istio-controller').env[0].envVars[0].name, 'ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID');
    assert.equal(k.spec.ingress.istio.enabled, true);
    assert.equal(k.spec.deployments, undefined, 'workloads, not the older deployments');
  });
});

describe('otherServingDeployments', () => {
  const dep = (name: string): KObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'knative-serving' } });
  test('Serverless 1.32+: the core deployments, no domain-mapping ones that do not exist', () => {
    const names = otherServingDeployments(
      ['activator', 'autoscaler', 'autoscaler-hpa', 'controller', 'webhook', 'net-istio-controller', 'net-istio-webhook'].map(dep),
    );
    assert.deepEqual(names, ['autoscaler-hpa', 'controller', 'net-istio-controller', 'net-istio-webhook', 'webhook']);
  });
  test('Serverless 1.31: the domain-mapping deployments that exist are checked too', () => {
    assert.deepEqual(otherServingDeployments([dep('domain-mapping'), dep('domainmapping-webhook'), dep('activator')]), [
      'autoscaler-hpa',
      'controller',
      'domain-mapping',
      'domainmapping-webhook',
      'net-istio-controller',
      'net-istio-webhook',
      'webhook',
    ]);
  });
  test('a core deployment that does not exist yet is still required', () => {
    assert.ok(otherServingDeployments([]).includes('controller'));
  });
});

describe('missingWorkloadAnnotations', () => {
  const ks = {
    apiVersion: 'operator.knative.dev/v1beta1',
    kind: 'KnativeServing',
    metadata: { name: 'knative-serving' },
    spec: { workloads: [{ name: 'activator', annotations: { 'sidecar.istio.io/inject': 'true' } }] },
  } as KObject;
  const dep = (annotations?: Record<string, string>): KObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'activator' },
    spec: { template: { metadata: { ...(annotations ? { annotations } : {}) } } },
  });
  test('names the spec.workloads annotations the pod template lacks', () => {
    assert.deepEqual(missingWorkloadAnnotations(ks, dep()), ['sidecar.istio.io/inject=true']);
    assert.deepEqual(missingWorkloadAnnotations(ks, dep({ 'sidecar.istio.io/inject': 'false' })), ['sidecar.istio.io/inject=true']);
    assert.deepEqual(missingWorkloadAnnotations(ks, dep({ 'sidecar.istio.io/inject': 'true' })), []);
    assert.deepEqual(
      missingWorkloadAnnotations(ks, { ...dep(), metadata: { name: 'controller' } }),
      [],
      'no workload entry: nothing asked',
    );
  });
});
