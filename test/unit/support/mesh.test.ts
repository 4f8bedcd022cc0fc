// The Service Mesh questions of the harness: when a ServiceMeshControlPlane is ready (as OSSM and the
// RHOAI 2.9 operator judge it), when a namespace is a configured member, when pods run with the
// sidecar; each answer names what is still wrong. And the RHOAI_SMCP_VERSION setting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadSettings } from '../../../support/core/config';
import type { KObject } from '../../../support/core/cluster';
import { renderOne } from '../../../support/core/fixtures';
import { controlPlaneProblem, memberProblem, podsProblem } from '../../../support/install/mesh';

const smcp = (status: Record<string, unknown>, generation = 1): KObject => ({
  apiVersion: 'maistra.io/v2',
  kind: 'ServiceMeshControlPlane',
  metadata: { name: 'minimal', namespace: 'istio-system', generation },
  status,
});
const cond = (type: string, status: string, reason?: string, message?: string) => ({ type, status, reason, message });
const ready = {
  observedGeneration: 1,
  readiness: { components: { ready: ['istio-egressgateway', 'istio-ingressgateway', 'istiod'], unready: [], pending: [] } },
  conditions: [cond('Installed', 'True'), cond('Reconciled', 'True', 'InstallSuccessful'), cond('Ready', 'True', 'ComponentsReady')],
};

describe('controlPlaneProblem', () => {
  test('ready: Ready=True, every component ready, the current generation observed', () => {
    assert.equal(controlPlaneProblem(smcp(ready), 'minimal', 'istio-system'), undefined);
  });

  test('Ready=True is not enough: a pending or unready component, or no component at all, is a problem', () => {
    const pending = smcp({ ...ready, readiness: { components: { ready: ['istiod'], unready: [], pending: ['istio-ingressgateway'] } } });
    assert.match(controlPlaneProblem(pending, 'minimal', 'istio-system') as string, /pending: \[istio-ingressgateway\]/);
    const none = smcp({ ...ready, readiness: { components: { ready: [], unready: [], pending: [] } } });
    assert.match(controlPlaneProblem(none, 'minimal', 'istio-system') as string, /not ready/);
  });

  test('not ready names the unready components and the conditions', () => {
    const paused = smcp({
      observedGeneration: 0,
      readiness: { components: { ready: [], unready: ['istiod'], pending: ['istio-egressgateway'] } },
      conditions: [
        cond('Reconciled', 'False', 'PausingInstall', 'Paused until the following components become ready: [istiod]'),
        cond('Ready', 'False', 'ComponentsNotReady', 'Some components are not fully available'),
      ],
    });
    const problem = controlPlaneProblem(paused, 'minimal', 'istio-system') as string;
    assert.match(problem, /unready: \[istiod\]/);
    assert.match(problem, /Ready=False \(ComponentsNotReady/);
    assert.match(problem, /Paused until the following components become ready: \[istiod\]/);
  });

  test('a newer generation not yet reconciled is still a problem, though Ready=True', () => {
    assert.match(controlPlaneProblem(smcp(ready, 2), 'minimal', 'istio-system') as string, /has not reconciled generation 2/);
  });

  test('a spec the operator refuses fails at once', () => {
    const refused = smcp({ conditions: [cond('Reconciled', 'False', 'ValidationError', 'Spec is invalid: unknown tracer type: Zipkin')] });
    assert.deepEqual(controlPlaneProblem(refused, 'minimal', 'istio-system'), {
      fail: 'the Service Mesh operator refuses ServiceMeshControlPlane istio-system/minimal: Reconciled=False (ValidationError: Spec is invalid: unknown tracer type: Zipkin)',
    });
  });

  test('absent', () => {
    assert.equal(controlPlaneProblem(undefined, 'minimal', 'istio-system'), 'ServiceMeshControlPlane istio-system/minimal does not exist');
  });
});

describe('memberProblem', () => {
  const roll = (status: Record<string, unknown>): KObject => ({
    apiVersion: 'maistra.io/v1',
    kind: 'ServiceMeshMemberRoll',
    metadata: { name: 'default', namespace: 'istio-system' },
    spec: { members: ['knative-serving'] },
    status,
  });

  test('a configured member', () => {
    assert.equal(memberProblem(roll({ configuredMembers: ['knative-serving'] }), 'knative-serving', 'istio-system'), undefined);
  });

  test('a pending member: the roll condition and the member status say why', () => {
    const problem = memberProblem(
      roll({
        members: ['knative-serving'],
        configuredMembers: [],
        pendingMembers: ['knative-serving'],
        conditions: [cond('Ready', 'False', 'ReconcileError', 'The following namespaces are not yet configured: [knative-serving]')],
        memberStatuses: [
          { namespace: 'knative-serving', conditions: [cond('Reconciled', 'False', 'ReconcileError', 'could not create NetworkPolicy')] },
        ],
      }),
      'knative-serving',
      'istio-system',
    ) as string;
    assert.match(problem, /^knative-serving is not in status.configuredMembers of ServiceMeshMemberRoll istio-system\/default/);
    assert.match(problem, /pending: \[knative-serving\]/);
    assert.match(problem, /not yet configured: \[knative-serving\]/);
    assert.match(problem, /could not create NetworkPolicy/);
  });

  test('no roll yet', () => {
    assert.match(memberProblem(undefined, 'knative-serving', 'istio-system') as string, /no ServiceMeshMemberRoll istio-system\/default/);
  });
});

describe('podsProblem', () => {
  const pod = (name: string, containers: string[], phase = 'Running', ready = containers.length, deleting = false): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(deleting ? { deletionTimestamp: '2024-05-01T00:00:00Z' } : {}) },
    spec: { containers: containers.map((c) => ({ name: c })) },
    status: {
      phase,
      containerStatuses: containers.map((c, i) => ({
        name: c,
        ready: i < ready,
        state: i < ready ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } },
      })),
    },
  });

  test('every live pod runs the app and istio-proxy, all ready (2/2)', () => {
    assert.equal(podsProblem([pod('a', ['activator', 'istio-proxy'])], 'activator pods', ['activator', 'istio-proxy']), undefined);
  });

  test('a pod without the sidecar says the sidecar was not injected', () => {
    assert.equal(
      podsProblem([pod('a', ['activator'])], 'activator pods', ['activator', 'istio-proxy']),
      'pod a runs the containers [activator]: no istio-proxy (the Istio sidecar was not injected)',
    );
  });

  test('terminating pods do not count; a pod not ready says which container waits and why', () => {
    assert.equal(
      podsProblem([pod('old', ['activator'], 'Running', 1, true), pod('new', ['activator', 'istio-proxy'])], 'pods', [
        'activator',
        'istio-proxy',
      ]),
      undefined,
    );
    assert.equal(
      podsProblem([pod('a', ['activator', 'istio-proxy'], 'Running', 1)], 'pods', ['activator', 'istio-proxy']),
      'pod a is 1/2 ready (not ready: istio-proxy CrashLoopBackOff)',
    );
    assert.equal(podsProblem([pod('a', ['x'], 'Pending')], 'pods', []), 'pod a is Pending');
    assert.equal(podsProblem([], 'activator pods', []), 'no activator pods exist yet');
  });
});

describe('the ServiceMeshControlPlane and RHOAI_SMCP_VERSION', () => {
  test('the documented control plane has no spec.version', () => {
    const cp = renderOne('mesh/service-mesh-control-plane', { name: 'minimal', namespace: 'istio-system' });
    assert.equal(cp.spec.version, undefined);
    assert.equal(cp.spec.gateways.ingress.service.metadata.labels.knative, 'ingressgateway');
    assert.deepEqual(cp.spec.proxy.networking.trafficControl.inbound.excludedPorts, [8444, 8022]);
  });

  test('RHOAI_SMCP_VERSION: unset by default, v2.N when set, anything else refused naming the variable', () => {
    assert.equal(loadSettings({}).smcpVersion, undefined);
    assert.equal(loadSettings({ RHOAI_SMCP_VERSION: 'v2.5' }).smcpVersion, 'v2.5');
    assert.throws(() => loadSettings({ RHOAI_SMCP_VERSION: '2.5' }), /RHOAI_SMCP_VERSION="2.5" is not valid.*v2\.N/);
  });
});
