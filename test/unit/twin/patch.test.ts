import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../../twin/api/patch';
import { ApiError, type KObject, type ListSemanticsFn } from '../../../twin/api/types';

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, deletes with null and replaces arrays', () => {
    const target = { a: 1, b: { c: 2, d: 3 }, list: [1, 2, 3] };
    const out = mergePatch(target, { a: null, b: { c: 5, e: 6 }, list: [9] });
    assert.deepEqual(out, { b: { c: 5, d: 3, e: 6 }, list: [9] });
  });

  it('replaces the target when the patch is not an object', () => {
    assert.deepEqual(mergePatch({ a: 1 }, [1, 2]), [1, 2]);
    assert.equal(mergePatch({ a: 1 }, 'x'), 'x');
    assert.deepEqual(mergePatch('x', { a: 1 }), { a: 1 });
  });

  it('drops nulls inside values added to a missing member (RFC 7386 appendix)', () => {
    assert.deepEqual(mergePatch({}, { a: { b: null, c: 1 } }), { a: { c: 1 } });
  });

  it('does not mutate its inputs', () => {
    const target = { a: { b: 1 } };
    const patch = { a: { c: 2 } };
    const out = mergePatch(target, patch) as { a: Record<string, number> };
    out.a.c = 99;
    assert.deepEqual(target, { a: { b: 1 } });
    assert.deepEqual(patch, { a: { c: 2 } });
  });
});

describe('jsonPatch (RFC 6902)', () => {
  const doc = () => ({ spec: { list: ['a', 'b'], 'x/y': 1, 'm~n': 2, obj: { k: 'v' } } });

  it('applies add, remove, replace, move, copy and test', () => {
    const out = jsonPatch(doc(), [
      { op: 'test', path: '/spec/obj/k', value: 'v' },
      { op: 'add', path: '/spec/list/1', value: 'inserted' },
      { op: 'add', path: '/spec/list/-', value: 'last' },
      { op: 'replace', path: '/spec/obj/k', value: 'w' },
      { op: 'remove', path: '/spec/x~1y' },
      { op: 'copy', from: '/spec/obj', path: '/spec/copy' },
      { op: 'move', from: '/spec/m~0n', path: '/spec/moved' },
    ]);
    assert.deepEqual(out, {
      spec: { list: ['a', 'inserted', 'b', 'last'], obj: { k: 'w' }, copy: { k: 'w' }, moved: 2 },
    });
  });

  it('replaces the whole document at the root pointer', () => {
    assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
  });

  it('does not mutate the input, even when an operation fails midway', () => {
    const input = doc();
    jsonPatch(input, [{ op: 'add', path: '/spec/new', value: 1 }]);
    assert.deepEqual(input, doc());
    assert.throws(() =>
      jsonPatch(input, [
        { op: 'add', path: '/spec/new', value: 1 },
        { op: 'remove', path: '/nope' },
      ]),
    );
    assert.deepEqual(input, doc());
  });

  it('answers 400 BadRequest for malformed patches', () => {
    for (const ops of [
      { op: 'add', path: '/a', value: 1 },
      [{ op: 'frobnicate', path: '/a' }],
      [{ op: 'add', value: 1 }],
      [{ op: 'add', path: '/a' }],
      [{ op: 'move', path: '/a' }],
      [{ op: 'add', path: 'a', value: 1 }],
      ['not an op'],
    ]) {
      const err = thrown(() => jsonPatch(doc(), ops));
      assert.equal(err.code, 400, JSON.stringify(ops));
      assert.equal(err.reason, 'BadRequest');
    }
  });

  it('answers 422 Invalid naming the operation and path when a path is missing', () => {
    const remove = thrown(() => jsonPatch(doc(), [{ op: 'remove', path: '/spec/x' }]));
    assert.equal(remove.code, 422);
    assert.equal(remove.reason, 'Invalid');
    assert.match(remove.message, /^the server rejected our request due to an error in our request/);
    assert.match(remove.message, /jsonpatch remove operation does not apply: doc is missing path: \/spec\/x/);

    const replace = thrown(() => jsonPatch(doc(), [{ op: 'replace', path: '/spec/x', value: 1 }]));
    assert.equal(replace.code, 422);
    assert.match(replace.message, /jsonpatch replace operation does not apply: doc is missing key: \/spec\/x/);

    const add = thrown(() => jsonPatch(doc(), [{ op: 'add', path: '/nope/x', value: 1 }]));
    assert.equal(add.code, 422);
    assert.match(add.message, /jsonpatch add operation does not apply: doc is missing path: \/nope\/x/);

    const index = thrown(() => jsonPatch(doc(), [{ op: 'add', path: '/spec/list/7', value: 1 }]));
    assert.equal(index.code, 422);

    const move = thrown(() => jsonPatch(doc(), [{ op: 'move', from: '/spec/none', path: '/spec/x' }]));
    assert.equal(move.code, 422);
    assert.match(move.message, /move operation does not apply: doc is missing from path: \/spec\/none/);
  });

  it('answers 422 Invalid when a test fails', () => {
    const err = thrown(() => jsonPatch(doc(), [{ op: 'test', path: '/spec/obj/k', value: 'other' }]));
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.match(err.message, /testing value \/spec\/obj\/k failed/);
  });
});

describe('strategicMergePatch', () => {
  const semantics: ListSemanticsFn = (path) => {
    switch (path.join('.')) {
      case 'spec.template.spec.containers':
      case 'spec.template.spec.volumes':
        return { type: 'map', keys: ['name'] };
      case 'spec.template.spec.containers.ports':
        return { type: 'map', keys: ['containerPort', 'protocol'] };
      case 'metadata.finalizers':
      case 'spec.template.spec.containers.args':
        return { type: 'set' };
      default:
        return { type: 'atomic' };
    }
  };
  const deployment = (): KObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', labels: { app: 'd', tier: 'web' }, finalizers: ['a'] },
    spec: {
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
      template: {
        spec: {
          containers: [
            { name: 'main', image: 'main:1', args: ['--x'], ports: [{ containerPort: 80, protocol: 'TCP' }] },
            { name: 'sidecar', image: 'side:1' },
          ],
          tolerations: [{ key: 'a' }],
        },
      },
    },
  });
  const containers = (o: KObject) => o.spec.template.spec.containers as Record<string, unknown>[];

  it('merges map-list items by key, new ones placed as Kubernetes orders them', () => {
    const out = strategicMergePatch(
      deployment(),
      {
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'main', image: 'main:2' },
                { name: 'new', image: 'new:1' },
              ],
            },
          },
        },
      },
      semantics,
    );
    // apimachinery's normalizeElementOrder: the patch's items in its order, a new one before the
    // server-only items still to place.
    assert.deepEqual(
      containers(out).map((c) => [c.name, c.image]),
      [
        ['main', 'main:2'],
        ['new', 'new:1'],
        ['sidecar', 'side:1'],
      ],
    );
    assert.deepEqual(containers(out)[0].ports, [{ containerPort: 80, protocol: 'TCP' }], 'unpatched fields of the item stay');
  });

  it('deletes a container with $patch: delete', () => {
    const out = strategicMergePatch(
      deployment(),
      {
        spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
      },
      semantics,
    );
    assert.deepEqual(
      containers(out).map((c) => c.name),
      ['main'],
    );
  });

  it('replaces atomic lists, unions set lists and deletes fields with null', () => {
    const out = strategicMergePatch(
      deployment(),
      {
        metadata: { finalizers: ['b', 'a'], labels: { tier: null } },
        spec: { replicas: null, template: { spec: { tolerations: [{ key: 'b' }] } } },
      },
      semantics,
    );
    assert.deepEqual(out.metadata.finalizers, ['b', 'a'], 'items the patch names take its order');
    assert.deepEqual(out.metadata.labels, { app: 'd' });
    assert.equal('replicas' in out.spec, false);
    assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'b' }]);
  });

  it('merges nested map lists with composite keys', () => {
    const out = strategicMergePatch(
      deployment(),
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'main',
                  ports: [
                    { containerPort: 80, protocol: 'TCP', name: 'http' },
                    { containerPort: 443, protocol: 'TCP' },
                  ],
                },
              ],
            },
          },
        },
      },
      semantics,
    );
    assert.deepEqual(containers(out)[0].ports, [
      { containerPort: 80, protocol: 'TCP', name: 'http' },
      { containerPort: 443, protocol: 'TCP' },
    ]);
  });

  it('matches on the first merge key when the patch item omits the others', () => {
    const out = strategicMergePatch(
      deployment(),
      {
        spec: { template: { spec: { containers: [{ name: 'main', ports: [{ containerPort: 80, name: 'http' }] }] } } },
      },
      semantics,
    );
    assert.deepEqual(containers(out)[0].ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }]);
  });

  it('replaces a map with $patch: replace and deletes one with $patch: delete', () => {
    const replaced = strategicMergePatch(deployment(), { spec: { strategy: { $patch: 'replace', type: 'Recreate' } } }, semantics);
    assert.deepEqual(replaced.spec.strategy, { type: 'Recreate' });
    const deleted = strategicMergePatch(deployment(), { spec: { strategy: { $patch: 'delete' } } }, semantics);
    assert.equal('strategy' in deleted.spec, false);
  });

  it('replaces a whole list with a {$patch: replace} item', () => {
    const out = strategicMergePatch(
      deployment(),
      {
        spec: { template: { spec: { containers: [{ name: 'only', image: 'o:1' }, { $patch: 'replace' }] } } },
      },
      semantics,
    );
    assert.deepEqual(containers(out), [{ name: 'only', image: 'o:1' }]);
  });

  it('keeps only $retainKeys', () => {
    const out = strategicMergePatch(
      deployment(),
      {
        spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
      },
      semantics,
    );
    assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  });

  it('removes values with $deleteFromPrimitiveList', () => {
    const out = strategicMergePatch(
      deployment(),
      {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
        spec: { template: { spec: { containers: [{ name: 'main', '$deleteFromPrimitiveList/args': ['--x'], args: ['--y'] }] } } },
      },
      semantics,
    );
    assert.equal(out.metadata.finalizers, undefined);
    assert.deepEqual(containers(out)[0].args, ['--y']);
  });

  it('accepts $setElementOrder and orders the list by it', () => {
    const out = strategicMergePatch(
      deployment(),
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'main' }],
              containers: [{ name: 'main', image: 'main:3' }],
            },
          },
        },
      },
      semantics,
    );
    assert.deepEqual(
      containers(out).map((c) => [c.name, c.image]),
      [
        ['sidecar', 'side:1'],
        ['main', 'main:3'],
      ],
    );
    assert.equal(
      Object.keys(out.spec.template.spec).some((k) => k.startsWith('$')),
      false,
    );
  });

  it('keeps an item $setElementOrder does not list in its place among the others', () => {
    const injected = deployment();
    containers(injected).splice(1, 0, { name: 'injected', image: 'proxy:1' });
    const out = strategicMergePatch(
      injected,
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'main' }, { name: 'sidecar' }],
              containers: [{ name: 'main', image: 'main:4' }],
            },
          },
        },
      },
      semantics,
    );
    assert.deepEqual(
      containers(out).map((c) => c.name),
      ['main', 'injected', 'sidecar'],
    );
  });

  it('puts an added container first and reorders existing ones as the patch lists them', () => {
    const added = strategicMergePatch(
      deployment(),
      { spec: { template: { spec: { containers: [{ name: 'init', image: 'i:1' }] } } } },
      semantics,
    );
    assert.deepEqual(
      containers(added).map((c) => c.name),
      ['init', 'main', 'sidecar'],
    );
    const reordered = strategicMergePatch(
      deployment(),
      { spec: { template: { spec: { containers: [{ name: 'sidecar' }, { name: 'main' }] } } } },
      semantics,
    );
    assert.deepEqual(
      containers(reordered).map((c) => c.name),
      ['sidecar', 'main'],
    );
  });

  it('strips directives from items it appends and does not mutate its inputs', () => {
    const original = deployment();
    const patch = { spec: { template: { spec: { containers: [{ name: 'new', $patch: 'merge', env: [{ name: 'A', value: '1' }] }] } } } };
    const snapshot = JSON.parse(JSON.stringify(patch));
    const out = strategicMergePatch(original, patch, semantics);
    assert.deepEqual(containers(out)[0], { name: 'new', env: [{ name: 'A', value: '1' }] });
    assert.deepEqual(original, deployment());
    assert.deepEqual(patch, snapshot);
  });

  it('rejects map-list items without their merge key and unknown directives', () => {
    const noKey = thrown(() =>
      strategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, semantics),
    );
    assert.match(noKey.message, /does not contain declared merge key: name/);
    const unknown = thrown(() => strategicMergePatch(deployment(), { spec: { $patch: 'explode' } }, semantics));
    assert.equal(unknown.code, 400);
    assert.equal(thrown(() => strategicMergePatch(deployment(), [1], semantics)).code, 400);
  });
});
