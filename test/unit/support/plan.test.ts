// The plan of plan mode: field diffs between the live object and a dry-run answer, and how entries
// for one object combine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Plan, fieldChanges } from '../../../support/core/cluster/plan';

const ns = (labels: Record<string, string>, rv = '1') => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'a', labels, resourceVersion: rv, managedFields: [{ manager: 'x', time: rv }] },
});

describe('fieldChanges', () => {
  test('names changed, added and removed fields, not the server-stamped metadata', () => {
    const changes = fieldChanges(ns({ keep: '1', old: 'x', 'a/b': 'y' }), ns({ keep: '1', new: 'z', 'a/b': 'w' }, '2'));
    assert.deepEqual(
      changes.map((c) => `${c.path}: ${String(c.before)} → ${String(c.after)}`).sort(),
      ['metadata.labels.new: undefined → z', 'metadata.labels.old: x → undefined', 'metadata.labels["a/b"]: y → w'].sort(),
    );
  });
  test('no change when only resourceVersion and managedFields differ', () => {
    assert.deepEqual(fieldChanges(ns({ a: '1' }), ns({ a: '1' }, '9')), []);
  });
  test('masks the values of a Secret', () => {
    const secret = (v: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { key: v } });
    const [change] = fieldChanges(secret('b2xk'), secret('bmV3'));
    assert.equal(change.path, 'data.key');
    assert.equal(change.before, '<secret value>');
    assert.equal(change.after, '<secret value>');
  });
  test('lists array elements by index', () => {
    const sub = (v: string) => ({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { env: [{ name: 'A', value: v }] } });
    assert.deepEqual(fieldChanges(sub('1'), sub('2')), [{ path: 'spec.env[0].value', before: '1', after: '2' }]);
  });
});

describe('Plan', () => {
  test('keeps the strongest action per object and counts pending ones', () => {
    const plan = new Plan();
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: 'a' };
    plan.record({ action: 'unchanged', ref, via: 'apply', changes: [] });
    assert.equal(plan.pending, 0);
    plan.record({ action: 'change', ref, via: 'patch', changes: [{ path: 'metadata.labels.x', after: '1' }] });
    plan.record({ action: 'unchanged', ref: { ...ref, name: 'b' }, via: 'apply', changes: [] });
    assert.equal(plan.pending, 1);
    assert.deepEqual(
      plan.list('change').map((e) => e.ref.name),
      ['a'],
    );
    assert.match(plan.format(), /would change: 1\n {2}Namespace a \(v1\)\n {6}metadata\.labels\.x: \(absent\) → "1"/);
    assert.match(plan.format(), /unchanged: 1\n {2}Namespace b/);
  });
});
