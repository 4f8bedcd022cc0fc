import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BEFORE_FIRST_APPLY, recordUpdate, serverSideApply, type FieldOwnerOptions } from '../../../twin/api/managed-fields';
import { listSemanticsFromSchema } from '../../../twin/api/schema';
import { PathSet, formatPath, fromFieldsV1, toFieldsV1 } from '../../../twin/api/fields/path';
import { ApiError, type KObject, type ListSemanticsFn, type ManagedFieldsEntry } from '../../../twin/api/types';

const semantics: ListSemanticsFn = (path) =>
  path.join('.') === 'spec.template.spec.containers' ? { type: 'map', keys: ['name'] } : { type: 'atomic' };

function opts(
  manager: string,
  now: string,
  extra: Partial<FieldOwnerOptions & { force: boolean }> = {},
): FieldOwnerOptions & { force: boolean } {
  return { manager, apiVersion: 'apps/v1', now, semantics, force: false, ...extra };
}

function deployment(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns', ...metadata }, spec };
}

const entry = (o: KObject, manager: string, operation = 'Apply'): ManagedFieldsEntry | undefined =>
  o.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);

const owned = (o: KObject, manager: string, operation = 'Apply'): string[] =>
  [...fromFieldsV1(entry(o, manager, operation)?.fieldsV1 ?? {})].map(formatPath).sort();

/** The ApiError `fn` throws. */
function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return e;
  }
  assert.fail('expected an ApiError');
}

describe('field paths and FieldsV1', () => {
  it('round-trips a field set through the FieldsV1 trie', () => {
    const set = new PathSet([
      ['f:spec', 'f:replicas'],
      ['f:spec', 'f:containers', 'k:{"name":"a"}'],
      ['f:spec', 'f:containers', 'k:{"name":"a"}', 'f:name'],
      ['f:metadata', 'f:finalizers', 'v:"x"'],
    ]);
    const fields = toFieldsV1(set);
    assert.deepEqual(fields, {
      'f:metadata': { 'f:finalizers': { 'v:"x"': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:name': {} } }, 'f:replicas': {} },
    });
    assert.ok(fromFieldsV1(fields).equals(set));
  });

  it('formats paths as kube-apiserver prints them', () => {
    assert.equal(formatPath(['f:spec', 'f:containers', 'k:{"name":"x"}', 'f:image']), '.spec.containers[name="x"].image');
    assert.equal(formatPath(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
    assert.equal(formatPath(['f:metadata', 'f:finalizers', 'v:"a.b/c"']), '.metadata.finalizers[="a.b/c"]');
  });
});

describe('serverSideApply', () => {
  it('creates an object owned by the applier', () => {
    const applied = deployment(
      { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
      { labels: { app: 'web' }, finalizers: ['f1'], uid: 'client-sent', resourceVersion: '7' },
    );
    const out = serverSideApply(undefined, applied, opts('kubectl', 'T1'));
    assert.equal(out.metadata.name, 'web');
    assert.equal(out.metadata.namespace, 'ns');
    assert.equal(out.metadata.uid, undefined, 'system metadata is not taken from the configuration');
    assert.equal(out.metadata.resourceVersion, undefined);
    assert.deepEqual(out.spec, applied.spec);
    assert.deepEqual(out.metadata.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: 'T1',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:finalizers': { 'v:"f1"': {} }, 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
          },
        },
      },
    ]);
  });

  it('ignores the top-level fields the request may not touch (status on the main resource)', () => {
    const applied = { ...deployment({ replicas: 1 }), status: { ready: true } };
    const out = serverSideApply(undefined, applied, opts('kubectl', 'T1', { ignoreTopLevel: ['status'] }));
    assert.equal(out.status, undefined);
    assert.deepEqual(owned(out, 'kubectl'), ['.spec.replicas']);
  });

  it('owns an applied empty object as a leaf', () => {
    const out = serverSideApply(undefined, deployment({ selector: {} }), opts('kubectl', 'T1'));
    assert.deepEqual(entry(out, 'kubectl')?.fieldsV1, { 'f:spec': { 'f:selector': {} } });
  });

  it('treats re-applying the same configuration as a no-op (same object, same timestamps)', () => {
    const applied = deployment(
      { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
      { labels: { a: 'b' } },
    );
    const live = serverSideApply(undefined, applied, opts('kubectl', 'T1'));
    const again = serverSideApply(live, applied, opts('kubectl', 'T2'));
    assert.deepEqual(again, live);
    assert.equal(entry(again, 'kubectl')?.time, 'T1');
  });

  it('bumps the applier time when the object changes and keeps the other entries as they were', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 1, paused: false }), opts('a', 'T1'));
    const withB = serverSideApply(live, deployment({ minReadySeconds: 5 }), opts('b', 'T2'));
    const changed = serverSideApply(withB, deployment({ replicas: 3, paused: false }), opts('a', 'T3'));
    assert.equal(changed.spec.replicas, 3);
    assert.deepEqual(
      changed.metadata.managedFields?.map((e) => [e.manager, e.time]),
      [
        ['a', 'T3'],
        ['b', 'T2'],
      ],
    );
  });

  it('removes a field the applier no longer sets', () => {
    const live = serverSideApply(
      undefined,
      deployment({ replicas: 2, paused: true }, { labels: { a: '1', b: '2' } }),
      opts('kubectl', 'T1'),
    );
    const out = serverSideApply(live, deployment({ replicas: 2 }, { labels: { a: '1' } }), opts('kubectl', 'T2'));
    assert.deepEqual(out.spec, { replicas: 2 });
    assert.deepEqual(out.metadata.labels, { a: '1' });
    assert.deepEqual(owned(out, 'kubectl'), ['.metadata.labels.a', '.spec.replicas']);
  });

  it('removes a map-list item the applier no longer applies, and empty containers with it', () => {
    const two = {
      template: {
        spec: {
          containers: [
            { name: 'a', image: 'a' },
            { name: 'b', image: 'b' },
          ],
        },
      },
    };
    const live = serverSideApply(undefined, deployment(two, { labels: { x: 'y' } }), opts('kubectl', 'T1'));
    const one = serverSideApply(
      live,
      deployment({ template: { spec: { containers: [{ name: 'a', image: 'a' }] } } }),
      opts('kubectl', 'T2'),
    );
    assert.deepEqual(one.spec.template.spec.containers, [{ name: 'a', image: 'a' }]);
    assert.equal(one.metadata.labels, undefined);
    const none = serverSideApply(one, deployment({ replicas: 1 }), opts('kubectl', 'T3'));
    assert.deepEqual(none.spec, { replicas: 1 });
  });

  it('lets two appliers share a field with the same value, and keeps it while one still applies it', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 2, paused: false }), opts('a', 'T1'));
    const shared = serverSideApply(live, deployment({ replicas: 2 }), opts('b', 'T2'));
    assert.deepEqual(owned(shared, 'a'), ['.spec.paused', '.spec.replicas']);
    assert.deepEqual(owned(shared, 'b'), ['.spec.replicas']);
    const aLeaves = serverSideApply(shared, deployment({ paused: false }), opts('a', 'T3'));
    assert.equal(aLeaves.spec.replicas, 2, 'still owned by b');
    assert.deepEqual(owned(aLeaves, 'a'), ['.spec.paused']);
  });

  it('reports a conflict with an Update manager as kube-apiserver does', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 1 }), opts('kubectl', 'T1'));
    const scaled = recordUpdate(live, deployment({ replicas: 5 }, { managedFields: live.metadata.managedFields }), opts('hpa', 'T2'));
    const err = apiError(() => serverSideApply(scaled, deployment({ replicas: 1 }), opts('kubectl', 'T3')));
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "hpa": .spec.replicas');
    assert.deepEqual(err.details?.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "hpa": .spec.replicas', field: '.spec.replicas' },
    ]);
  });

  it('lists several conflicts per manager', () => {
    const live = serverSideApply(
      undefined,
      deployment({ a: 1, b: 1, template: { spec: { containers: [{ name: 'x', image: 'x:1' }] } } }),
      opts('m1', 'T1'),
    );
    const err = apiError(() =>
      serverSideApply(
        live,
        deployment({ a: 2, b: 2, template: { spec: { containers: [{ name: 'x', image: 'x:2' }] } } }),
        opts('m2', 'T2'),
      ),
    );
    assert.equal(
      err.message,
      'Apply failed with 3 conflicts: conflicts with "m1":\n- .spec.a\n- .spec.b\n- .spec.template.spec.containers[name="x"].image',
    );
    assert.deepEqual(
      err.details?.causes?.map((c) => c.field),
      ['.spec.a', '.spec.b', '.spec.template.spec.containers[name="x"].image'],
    );
  });

  it('takes ownership with force', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 1, paused: true }), opts('m1', 'T1'));
    const out = serverSideApply(live, deployment({ replicas: 4 }), opts('m2', 'T2', { force: true }));
    assert.equal(out.spec.replicas, 4);
    assert.deepEqual(owned(out, 'm1'), ['.spec.paused']);
    assert.deepEqual(owned(out, 'm2'), ['.spec.replicas']);
    const back = serverSideApply(out, deployment({ paused: true }), opts('m1', 'T3'));
    assert.equal(back.spec.replicas, 4, 'm1 no longer owns replicas, so it does not remove it');
  });

  it('drops the entry of a manager that lost all its fields', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 1 }), opts('m1', 'T1'));
    const out = serverSideApply(live, deployment({ replicas: 4 }), opts('m2', 'T2', { force: true }));
    assert.deepEqual(
      out.metadata.managedFields?.map((e) => e.manager),
      ['m2'],
    );
  });

  it('merges containers by name between managers (a sidecar survives the main applier)', () => {
    const live = serverSideApply(
      undefined,
      deployment({ template: { spec: { containers: [{ name: 'app', image: 'app:1' }] } } }),
      opts('kubectl', 'T1'),
    );
    const injected = serverSideApply(
      live,
      deployment({ template: { spec: { containers: [{ name: 'proxy', image: 'proxy:1' }] } } }),
      opts('mesh', 'T2'),
    );
    assert.deepEqual(
      injected.spec.template.spec.containers.map((c: { name: string }) => c.name),
      ['app', 'proxy'],
    );
    const updated = serverSideApply(
      injected,
      deployment({ template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } }),
      opts('kubectl', 'T3'),
    );
    assert.deepEqual(updated.spec.template.spec.containers, [
      { name: 'app', image: 'app:2' },
      { name: 'proxy', image: 'proxy:1' },
    ]);
  });

  it('merges a CRD list by its x-kubernetes-list-map-keys', () => {
    const crdSemantics = listSemanticsFromSchema({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            routes: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['port', 'host'],
              items: { type: 'object', properties: { host: { type: 'string' }, port: { type: 'integer' }, weight: { type: 'integer' } } },
            },
          },
        },
      },
    });
    const cr = (routes: unknown[]): KObject => ({ apiVersion: 'x.io/v1', kind: 'Route', metadata: { name: 'r' }, spec: { routes } });
    const o = (manager: string, now: string) => opts(manager, now, { semantics: crdSemantics, apiVersion: 'x.io/v1' });
    const live = serverSideApply(undefined, cr([{ host: 'a', port: 80, weight: 1 }]), o('one', 'T1'));
    assert.deepEqual(entry(live, 'one')?.fieldsV1, {
      'f:spec': { 'f:routes': { 'k:{"host":"a","port":80}': { '.': {}, 'f:host': {}, 'f:port': {}, 'f:weight': {} } } },
    });
    const both = serverSideApply(
      live,
      cr([
        { host: 'b', port: 80 },
        { host: 'a', port: 80, weight: 1 },
      ]),
      o('two', 'T2'),
    );
    assert.deepEqual(both.spec.routes, [
      { host: 'b', port: 80 },
      { host: 'a', port: 80, weight: 1 },
    ]);
    const err = apiError(() => serverSideApply(both, cr([{ host: 'a', port: 80, weight: 9 }]), o('two', 'T3')));
    assert.equal(err.details?.causes?.[0].field, '.spec.routes[host="a",port=80].weight');
  });

  it('unions finalizers (a set list) between managers and removes only the applier’s own', () => {
    const live = serverSideApply(undefined, deployment({}, { finalizers: ['a.io/one'] }), opts('one', 'T1'));
    const both = serverSideApply(live, deployment({}, { finalizers: ['b.io/two'] }), opts('two', 'T2'));
    assert.deepEqual(both.metadata.finalizers, ['a.io/one', 'b.io/two']);
    const oneGone = serverSideApply(both, deployment({}, { labels: { keep: 'me' } }), opts('one', 'T3'));
    assert.deepEqual(oneGone.metadata.finalizers, ['b.io/two']);
  });

  it('credits the fields of an object without managedFields to before-first-apply', () => {
    const live = deployment({ replicas: 3 });
    const err = apiError(() => serverSideApply(live, deployment({ replicas: 1 }), opts('kubectl', 'T1')));
    assert.match(err.message, /conflict with "before-first-apply": \.spec\.replicas/);
    const same = serverSideApply(live, deployment({ replicas: 3 }), opts('kubectl', 'T1'));
    assert.deepEqual(
      same.metadata.managedFields?.map((e) => [e.manager, e.operation]),
      [
        [BEFORE_FIRST_APPLY, 'Update'],
        ['kubectl', 'Apply'],
      ],
    );
  });

  it('keeps apply entries per subresource and only conflicts within the same subresource', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 1 }), opts('ctl', 'T1', { ignoreTopLevel: ['status'] }));
    const withStatus = serverSideApply(
      { ...live, status: {} },
      { ...deployment({}), status: { replicas: 1 } },
      opts('ctl', 'T2', { subresource: 'status', ignoreTopLevel: ['spec', 'metadata'] }),
    );
    assert.deepEqual(withStatus.status, { replicas: 1 });
    assert.deepEqual(
      withStatus.metadata.managedFields?.map((e) => [e.manager, e.subresource]),
      [
        ['ctl', undefined],
        ['ctl', 'status'],
      ],
    );
    assert.deepEqual(withStatus.spec, { replicas: 1 });
  });

  it('refuses a map-list item without its key', () => {
    const err = apiError(() =>
      serverSideApply(undefined, deployment({ template: { spec: { containers: [{ image: 'x' }] } } }), opts('kubectl', 'T1')),
    );
    assert.equal(err.code, 500);
    assert.match(
      err.message,
      /failed to create typed patch object \(apps\/v1, Kind=Deployment\): \.spec\.template\.spec\.containers: element 0: associative list with keys has an element that omits key field "name"/,
    );
  });

  it('does not mutate its inputs', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 1 }), opts('a', 'T1'));
    const snapshot = JSON.parse(JSON.stringify(live));
    const applied = deployment({ replicas: 1, paused: true });
    serverSideApply(live, applied, opts('b', 'T2'));
    assert.deepEqual(live, snapshot);
    assert.deepEqual(applied, deployment({ replicas: 1, paused: true }));
  });
});

describe('recordUpdate', () => {
  it('records every field of a created object', () => {
    const created = recordUpdate(undefined, deployment({ replicas: 1 }, { labels: { a: 'b' } }), opts('controller', 'T1'));
    assert.deepEqual(created.metadata.managedFields, [
      {
        manager: 'controller',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: 'T1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:replicas': {} } },
      },
    ]);
  });

  it('transfers ownership of changed fields from other managers', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 1, paused: false }), opts('kubectl', 'T1'));
    const updated = recordUpdate(live, { ...live, spec: { replicas: 5, paused: false, minReadySeconds: 3 } }, opts('hpa', 'T2'));
    assert.deepEqual(owned(updated, 'kubectl'), ['.spec.paused']);
    assert.deepEqual(owned(updated, 'hpa', 'Update'), ['.spec.minReadySeconds', '.spec.replicas']);
    assert.equal(entry(updated, 'kubectl')?.time, 'T1', 'the entry that lost a field keeps its time');
  });

  it('removes deleted fields from every entry', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 1, paused: false }), opts('kubectl', 'T1'));
    const updated = recordUpdate(live, { ...live, spec: { replicas: 1 } }, opts('editor', 'T2'));
    assert.deepEqual(owned(updated, 'kubectl'), ['.spec.replicas']);
    assert.equal(entry(updated, 'editor', 'Update'), undefined, 'a removal alone gives no ownership');
  });

  it('returns the old managedFields when nothing changed', () => {
    const live = serverSideApply(undefined, deployment({ replicas: 1 }), opts('kubectl', 'T1'));
    const same = recordUpdate(
      live,
      { ...deployment({ replicas: 1 }), metadata: { ...live.metadata, managedFields: [] } },
      opts('other', 'T2'),
    );
    assert.deepEqual(same.metadata.managedFields, live.metadata.managedFields);
  });

  it('keeps a manager’s previous fields and bumps its time when it changes more', () => {
    const created = recordUpdate(undefined, deployment({ replicas: 1 }), opts('ctl', 'T1'));
    const updated = recordUpdate(created, { ...created, spec: { replicas: 1, paused: true } }, opts('ctl', 'T2'));
    assert.deepEqual(owned(updated, 'ctl', 'Update'), ['.spec.paused', '.spec.replicas']);
    assert.equal(entry(updated, 'ctl', 'Update')?.time, 'T2');
    assert.equal(updated.metadata.managedFields?.length, 1);
  });

  it('gives an updated map-list item to the updater and leaves the rest to the applier', () => {
    const live = serverSideApply(
      undefined,
      deployment({ template: { spec: { containers: [{ name: 'app', image: 'app:1', tty: true }] } } }),
      opts('kubectl', 'T1'),
    );
    const next = { ...live, spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', tty: true }] } } } };
    const updated = recordUpdate(live, next, opts('kubectl-set-image', 'T2'));
    assert.deepEqual(owned(updated, 'kubectl-set-image', 'Update'), ['.spec.template.spec.containers[name="app"].image']);
    assert.ok(owned(updated, 'kubectl').includes('.spec.template.spec.containers[name="app"].tty'));
    const err = apiError(() =>
      serverSideApply(
        updated,
        deployment({ template: { spec: { containers: [{ name: 'app', image: 'app:1', tty: true }] } } }),
        opts('kubectl', 'T3'),
      ),
    );
    assert.equal(
      err.message,
      'Apply failed with 1 conflict: conflict with "kubectl-set-image": .spec.template.spec.containers[name="app"].image',
    );
  });

  it('does not invent a before-first-apply owner for updates of untracked objects', () => {
    const updated = recordUpdate(deployment({ replicas: 1, paused: true }), deployment({ replicas: 2, paused: true }), opts('ctl', 'T1'));
    assert.deepEqual(
      updated.metadata.managedFields?.map((e) => e.manager),
      ['ctl'],
    );
    assert.deepEqual(owned(updated, 'ctl', 'Update'), ['.spec.replicas']);
  });

  it('keeps one Update entry per API version of the same manager, in stable order', () => {
    const created = recordUpdate(undefined, deployment({ a: 1 }), opts('ctl', 'T1', { apiVersion: 'apps/v1beta1' }));
    const updated = recordUpdate(created, { ...created, spec: { a: 1, b: 2 } }, opts('ctl', 'T2'));
    assert.deepEqual(
      updated.metadata.managedFields?.map((e) => [e.manager, e.apiVersion, e.time]),
      [
        ['ctl', 'apps/v1beta1', 'T1'],
        ['ctl', 'apps/v1', 'T2'],
      ],
    );
  });
});
