// The accelerator domain's judgements: what a node can allocate, which taints matter, Kubernetes'
// toleration matching, the tolerations a profile gets, and the recommended-accelerators annotation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  allocatableCount,
  recommendedOf,
  schedulingTaints,
  tolerates,
  tolerationsFor,
  type Taint,
} from '../../../support/install/accelerators';
import type { KObject } from '../../../support/core/cluster';

const node = (allocatable: Record<string, string>, taints: Taint[] = []): KObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n' },
  spec: { taints },
  status: { allocatable },
});

describe('nodes', () => {
  test('allocatable extended resources are counted as integers; absent or junk is none', () => {
    assert.equal(allocatableCount(node({ 'nvidia.com/gpu': '4' }), 'nvidia.com/gpu'), 4);
    assert.equal(allocatableCount(node({ 'nvidia.com/gpu': '0' }), 'nvidia.com/gpu'), 0);
    assert.equal(allocatableCount(node({ cpu: '16' }), 'nvidia.com/gpu'), 0);
    assert.equal(allocatableCount(node({ 'nvidia.com/gpu': 'x' }), 'nvidia.com/gpu'), 0);
  });

  test("only NoSchedule/NoExecute taints that are not the node lifecycle's own", () => {
    const taints = schedulingTaints(
      node({}, [
        { key: 'nvidia-gpu-only', effect: 'NoSchedule' },
        { key: 'soft', effect: 'PreferNoSchedule' },
        { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
        { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' },
        { key: 'nvidia.com/gpu', value: 'present', effect: 'NoExecute' },
      ]),
    );
    assert.deepEqual(
      taints.map((t) => `${t.key}:${t.effect}`),
      ['nvidia-gpu-only:NoSchedule', 'nvidia.com/gpu:NoExecute'],
    );
  });
});

describe('tolerations', () => {
  const taint = { key: 'nvidia-gpu-only', value: 'yes', effect: 'NoSchedule' };
  test('match as Kubernetes matches them', () => {
    assert.ok(tolerates([{ key: 'nvidia-gpu-only', operator: 'Exists', effect: 'NoSchedule' }], taint));
    assert.ok(tolerates([{ key: 'nvidia-gpu-only', operator: 'Exists' }], taint), 'no effect: all effects');
    assert.ok(tolerates([{ operator: 'Exists' }], taint), 'empty key with Exists: everything');
    assert.ok(tolerates([{ key: 'nvidia-gpu-only', value: 'yes' }], taint), 'Equal is the default operator');
    assert.ok(!tolerates([{ key: 'nvidia-gpu-only', value: 'no' }], taint));
    assert.ok(
      !tolerates([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], taint),
      "the migrated-gpu toleration does not match the seed's taint",
    );
    assert.ok(!tolerates([{ key: 'nvidia-gpu-only', operator: 'Exists', effect: 'NoExecute' }], taint));
    assert.ok(!tolerates([], taint));
  });

  test('a profile gets one Exists toleration per distinct taint of the accelerator nodes', () => {
    const nodes = [
      { name: 'a', count: 1, taints: [{ key: 'nvidia-gpu-only', effect: 'NoSchedule' }] },
      {
        name: 'b',
        count: 4,
        taints: [
          { key: 'nvidia-gpu-only', value: 'x', effect: 'NoSchedule' },
          { key: 'dedicated', value: 'ai', effect: 'NoExecute' },
        ],
      },
      { name: 'c', count: 1, taints: [] },
    ];
    assert.deepEqual(tolerationsFor(nodes), [
      { key: 'nvidia-gpu-only', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
    ]);
    assert.ok(nodes.every((n) => n.taints.every((t) => tolerates(tolerationsFor(nodes), t))));
    assert.deepEqual(tolerationsFor([{ name: 'c', count: 1, taints: [] }]), []);
  });
});

describe('recommended accelerators', () => {
  test('a JSON list of identifiers; anything else is none, as the dashboard reads it', () => {
    const of = (v?: string) => recommendedOf(v === undefined ? undefined : { 'opendatahub.io/recommended-accelerators': v });
    assert.deepEqual(of('["nvidia.com/gpu"]'), ['nvidia.com/gpu']);
    assert.deepEqual(of('["nvidia.com/gpu", 3, "habana.ai/gaudi"]'), ['nvidia.com/gpu', 'habana.ai/gaudi']);
    assert.deepEqual(of('nvidia.com/gpu'), []);
    assert.deepEqual(of('{}'), []);
    assert.deepEqual(of(undefined), []);
  });
});
