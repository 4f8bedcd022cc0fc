// The twin's LimitRanger: defaults from a LimitRange, refusals in kube-apiserver's words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admitPodLimits } from '../../../twin/api/limit-ranger';
import { ApiError, type KObject } from '../../../twin/api/types';

const range = (limits: Record<string, unknown>): KObject => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: 'p-core-resource-limits' },
  spec: { limits: [{ type: 'Container', ...limits }] },
});
const pod = (resources?: Record<string, unknown>): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'wb-0' },
  spec: { containers: [{ name: 'wb', image: 'x', ...(resources ? { resources } : {}) }] },
});

test("a container above the max is refused with the plugin's words", () => {
  assert.throws(
    () => admitPodLimits(pod({ requests: { cpu: '3' }, limits: { cpu: '6' } }), [range({ max: { cpu: '4' } })]),
    (e: unknown) =>
      e instanceof ApiError &&
      e.code === 403 &&
      e.message === 'pods "wb-0" is forbidden: maximum cpu usage per Container is 4, but limit is 6',
  );
});

test('a container below the min is refused', () => {
  assert.throws(
    () => admitPodLimits(pod({ requests: { memory: '64Mi' } }), [range({ min: { memory: '128Mi' } })]),
    /minimum memory usage per Container is 128Mi, but request is 64Mi/,
  );
});

test('a container without limits gets the defaults, and its requests the default requests', () => {
  const p = pod();
  admitPodLimits(p, [range({ max: { cpu: '4' }, default: { cpu: '500m', memory: '1Gi' }, defaultRequest: { cpu: '50m' } })]);
  assert.deepEqual(p.spec.containers[0].resources, { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '50m', memory: '1Gi' } });
});

test('a container within the range, or a namespace without one, passes unchanged', () => {
  const p = pod({ requests: { cpu: '1' }, limits: { cpu: '2' } });
  admitPodLimits(p, [range({ max: { cpu: '4' } })]);
  assert.deepEqual(p.spec.containers[0].resources, { requests: { cpu: '1' }, limits: { cpu: '2' } });
  admitPodLimits(p, []);
});
