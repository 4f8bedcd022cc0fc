// copy() is what the twin's store hands out instead of structuredClone: the same copy of a stored
// object, sharing nothing with it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copy } from '../../../twin/api/fields/json';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'ns',
    labels: { app: 'a' },
    ownerReferences: [{ uid: 'u1', controller: true }],
    deletionTimestamp: undefined,
  },
  spec: { containers: [{ name: 'c', ports: [{ containerPort: 8080 }], args: ['--x', null, 0, false] }] },
  status: { conditions: [] as unknown[] },
});

describe('copy', () => {
  it('makes the copy structuredClone makes of a stored object, undefined members kept', () => {
    const original = pod();
    const copied = copy(original);
    assert.deepStrictEqual(copied, structuredClone(original));
    assert.ok('deletionTimestamp' in copied.metadata);
  });

  it('shares nothing with the original', () => {
    const original = pod();
    const copied = copy(original);
    copied.metadata.labels.app = 'changed';
    copied.metadata.ownerReferences[0].uid = 'changed';
    copied.spec.containers[0].ports.push({ containerPort: 9090 });
    copied.status.conditions.push({ type: 'Ready' });
    assert.deepStrictEqual(original, pod());
  });

  it('copies what is not a plain object or array as structuredClone does', () => {
    const when = new Date('2026-12-05T00:00:00Z');
    const bytes = Buffer.from('abc');
    const copied = copy({ when, bytes: new Uint8Array(bytes), list: [when] });
    assert.ok(copied.when instanceof Date && copied.when !== when && copied.when.getTime() === when.getTime());
    assert.ok(copied.list[0] instanceof Date && copied.list[0] !== when);
    assert.deepStrictEqual([...copied.bytes], [...bytes]);
  });
});
