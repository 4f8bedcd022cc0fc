// The pure parts of the Ray support: the 2.9 dashboard's status of a Workload (its evaluation order)
// and the check of the CodeFlare operator's mTLS setup of a RayCluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboardStatus } from '../../../support/distributed-workloads/ray';
import { missingMtls } from '../../../support/distributed-workloads/ray-mtls';

const wl = (...conditions: [string, string, string?, string?][]) =>
  ({
    apiVersion: 'kueue.x-k8s.io/v1beta1',
    kind: 'Workload',
    metadata: { name: 'w' },
    status: { conditions: conditions.map(([type, status, reason, message]) => ({ type, status, reason, message })) },
  }) as any;

test('the dashboard status follows getStatusInfo: Failed, Succeeded, Evicted, Inadmissible, Pending, Running, Admitted', () => {
  assert.equal(dashboardStatus(wl(['Finished', 'True', 'Failed', 'Job failed'], ['Evicted', 'True'])), 'Failed');
  assert.equal(dashboardStatus(wl(['Finished', 'True', 'Succeeded', 'Job finished successfully'])), 'Succeeded');
  assert.equal(dashboardStatus(wl(['Evicted', 'True', 'Preempted'], ['PodsReady', 'True'])), 'Evicted');
  assert.equal(dashboardStatus(wl(['QuotaReserved', 'False', 'Inadmissible', "LocalQueue local-queue doesn't exist"])), 'Inadmissible');
  assert.equal(dashboardStatus(wl(['QuotaReserved', 'False', 'Pending', "couldn't assign flavors to pod set head"])), 'Pending');
  assert.equal(dashboardStatus(wl(['QuotaReserved', 'True'], ['Admitted', 'True'], ['PodsReady', 'True'])), 'Running');
  assert.equal(dashboardStatus(wl(['QuotaReserved', 'True'], ['Admitted', 'True'], ['PodsReady', 'False'])), 'Admitted');
});

test("a RayCluster without the operator's RAY_USE_TLS or create-cert is reported, group by group", () => {
  const spec = (tls: boolean) => ({
    containers: [{ name: 'ray', env: tls ? [{ name: 'RAY_USE_TLS', value: '1' }] : [] }],
    initContainers: tls ? [{ name: 'create-cert' }] : [],
  });
  const rc = (head: boolean, worker: boolean) =>
    ({
      apiVersion: 'ray.io/v1',
      kind: 'RayCluster',
      metadata: { name: 'r' },
      spec: { headGroupSpec: { template: { spec: spec(head) } }, workerGroupSpecs: [{ groupName: 'g', template: { spec: spec(worker) } }] },
    }) as any;
  assert.deepEqual(missingMtls(rc(true, true)), []);
  assert.deepEqual(missingMtls(rc(true, false)), [
    'worker group g: no RAY_USE_TLS=1 on ray',
    'worker group g: no create-cert init container',
  ]);
});
