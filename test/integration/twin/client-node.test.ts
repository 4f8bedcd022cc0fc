// The twin's API server as @kubernetes/client-node 1.4 sees it: CRUD, optimistic concurrency,
// selectors, pagination, watches (replay, selector transitions, 410 Gone, bookmarks), status
// subresources and generation, finalizers and garbage collection, CRD registration with schema
// validation/pruning/defaulting, the three patch types, server-side apply and dryRun.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import {
  collectWatch,
  lapse,
  rawRequest,
  serverErrors,
  sleep,
  startLocalTwin,
  uniqueName,
  waitFor,
  widgetCrd,
  type LocalTwin,
} from './helpers';

type Any = any;

const GROUP = 'cn.harness.test';

let t: LocalTwin;
let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;
let objects: KubernetesObjectApi;
let ns: string;

/** The Status of a failed call, as the server sent it. */
async function failure(p: Promise<unknown>): Promise<{ code: number; status: Any }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, status: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
    throw e;
  }
  assert.fail('the call succeeded but was expected to fail');
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

function cm(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ...(labels ? { labels } : {}) }, data };
}

function widget(name: string, spec: Any, extra: Any = {}): Any {
  return { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name, namespace: ns }, spec, ...extra };
}

const w = (rest: Any = {}): Any => ({ group: GROUP, version: 'v1', namespace: ns, plural: 'widgets', ...rest });

/**
 * Creates a CRD with a raw POST: client-node's KubernetesObjectApi serializes through its
 * V1JSONSchemaProps model, which drops plain `default` and `enum` keys (it expects `_default`/`_enum`).
 */
async function createCrd(crd: Any): Promise<void> {
  const r = await rawRequest(t.twin, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd });
  assert.equal(r.status, 201, r.text);
  await waitFor(
    `${crd.metadata.name} to be served`,
    async () => (await rawRequest(t.twin, 'GET', `/apis/${crd.spec.group}/v1`)).status === 200,
  );
}

before(async () => {
  t = await startLocalTwin();
  core = t.kc.makeApiClient(CoreV1Api);
  apps = t.kc.makeApiClient(AppsV1Api);
  custom = t.kc.makeApiClient(CustomObjectsApi);
  objects = KubernetesObjectApi.makeApiClient(t.kc);
  ns = uniqueName('cn');
  await core.createNamespace({ body: { metadata: { name: ns } } });
  await createCrd(widgetCrd(GROUP));
});

after(async () => {
  if (t) assert.deepEqual(serverErrors(t.auditLog), [], 'the server answered no request with an error of its own');
  await t?.stop();
});

describe('CRUD through the typed clients', () => {
  it('creates, reads, replaces and deletes a ConfigMap', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: cm('crud', { a: '1' }) });
    assert.match(created.metadata!.uid!, /^[0-9a-f-]{36}$/);
    assert.match(created.metadata!.resourceVersion!, /^\d+$/);
    assert.ok(created.metadata!.creationTimestamp);
    const read = await core.readNamespacedConfigMap({ name: 'crud', namespace: ns });
    assert.deepEqual(read.data, { a: '1' });
    const replaced = await core.replaceNamespacedConfigMap({ name: 'crud', namespace: ns, body: { ...read, data: { a: '2' } } });
    assert.equal(replaced.data!.a, '2');
    assert.ok(Number(replaced.metadata!.resourceVersion) > Number(read.metadata!.resourceVersion));
    assert.equal(replaced.metadata!.uid, created.metadata!.uid);
    await core.deleteNamespacedConfigMap({ name: 'crud', namespace: ns });
    const gone = await failure(core.readNamespacedConfigMap({ name: 'crud', namespace: ns }));
    assert.equal(gone.code, 404);
    assert.equal(gone.status.reason, 'NotFound');
    assert.equal(gone.status.message, 'configmaps "crud" not found');
    assert.deepEqual(gone.status.details, { name: 'crud', group: '', kind: 'configmaps' });
  });

  it('answers an immediate delete with a Success Status, or with the object for kinds whose storage returns it', async () => {
    const made = await core.createNamespacedConfigMap({ namespace: ns, body: cm('status-on-delete') });
    const status = await core.deleteNamespacedConfigMap({ name: 'status-on-delete', namespace: ns });
    assert.equal(status.kind, 'Status');
    assert.equal(status.status, 'Success');
    assert.deepEqual({ ...status.details }, { name: 'status-on-delete', kind: 'configmaps', uid: made.metadata!.uid });
    const role = await rawRequest(t.twin, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'gone' }, rules: [] },
    });
    const roleGone = (await rawRequest(t.twin, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/gone`)).json();
    assert.deepEqual(roleGone.details, { name: 'gone', group: 'rbac.authorization.k8s.io', kind: 'roles', uid: role.json().metadata.uid });
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'returned' } } });
    const sa = await core.deleteNamespacedServiceAccount({ name: 'returned', namespace: ns });
    assert.equal(sa.kind, 'ServiceAccount');
    await custom.createNamespacedCustomObject(w({ body: widget('returned', { size: 1 }) }));
    const cr: Any = await custom.deleteNamespacedCustomObject(w({ name: 'returned' }));
    assert.equal(cr.kind, 'Widget');
    // A deletion that waits for finalizers answers with the object, marked for deletion.
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'deferred', finalizers: ['example.com/x'] } } });
    const deferred = await rawRequest(t.twin, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/deferred`);
    assert.equal(deferred.json().kind, 'ConfigMap');
    assert.ok(deferred.json().metadata.deletionTimestamp);
    await core.patchNamespacedConfigMap({ name: 'deferred', namespace: ns, body: { metadata: { finalizers: null } } }, merge);
  });

  it('fills generateName and answers AlreadyExists for a taken name', async () => {
    const made = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { generateName: 'gen-' }, data: {} } });
    assert.match(made.metadata!.name!, /^gen-[a-z0-9]{5}$/);
    const again = await failure(core.createNamespacedConfigMap({ namespace: ns, body: cm(made.metadata!.name!) }));
    assert.equal(again.code, 409);
    assert.equal(again.status.reason, 'AlreadyExists');
    assert.equal(again.status.message, `configmaps "${made.metadata!.name}" already exists`);
  });

  it('answers 409 Conflict to an update with a stale resourceVersion', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: ns, body: cm('stale', { v: '1' }) });
    await core.replaceNamespacedConfigMap({ name: 'stale', namespace: ns, body: { ...first, data: { v: '2' } } });
    const stale = await failure(core.replaceNamespacedConfigMap({ name: 'stale', namespace: ns, body: { ...first, data: { v: '3' } } }));
    assert.equal(stale.code, 409);
    assert.equal(stale.status.reason, 'Conflict');
    assert.equal(
      stale.status.message,
      'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
    // A merge patch carrying the stale resourceVersion is refused the same way.
    const patched = await failure(
      core.patchNamespacedConfigMap(
        { name: 'stale', namespace: ns, body: { metadata: { resourceVersion: first.metadata!.resourceVersion }, data: { v: '4' } } },
        merge,
      ),
    );
    assert.equal(patched.code, 409);
  });

  it('drops fields a built-in kind does not have, with a warning, and refuses them under fieldValidation=Strict', async () => {
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typo', labls: { a: 'b' } }, data: { k: 'v' }, spec: { x: 1 } };
    const warned = await rawRequest(t.twin, 'POST', path, { body });
    assert.equal(warned.status, 201, warned.text);
    assert.deepEqual(Object.keys(warned.json()).sort(), ['apiVersion', 'data', 'kind', 'metadata']);
    assert.equal(warned.json().metadata.labls, undefined);
    assert.deepEqual(String(warned.headers.warning).split(', ').sort(), [
      '299 - "unknown field \\"metadata.labls\\""',
      '299 - "unknown field \\"spec\\""',
    ]);
    const strict = await rawRequest(t.twin, 'POST', `${path}?fieldValidation=Strict`, {
      body: { ...body, metadata: { name: 'typo-strict' } },
    });
    assert.equal(strict.status, 400);
    assert.equal(
      strict.json().message,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"',
    );
    // A custom resource's metadata is ObjectMeta too.
    const cr = await rawRequest(t.twin, 'POST', `/apis/${GROUP}/v1/namespaces/${ns}/widgets`, {
      body: { ...widget('meta-typo', { size: 1 }), metadata: { name: 'meta-typo', nmespace: ns } },
    });
    assert.equal(cr.status, 201, cr.text);
    assert.equal(cr.json().metadata.nmespace, undefined);
    assert.equal(cr.headers.warning, '299 - "unknown field \\"metadata.nmespace\\""');
  });

  it("serves metadata only when asked for PartialObjectMetadata (client-go's metadata client)", async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('meta-only', { big: 'x'.repeat(100) }, { meta: 'only' }) });
    const accept = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
    const list = (
      await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${ns}/configmaps?labelSelector=meta%3Donly`, { headers: { Accept: accept } })
    ).json();
    assert.equal(list.kind, 'PartialObjectMetadataList');
    assert.equal(list.apiVersion, 'meta.k8s.io/v1');
    assert.match(list.metadata.resourceVersion, /^\d+$/);
    assert.deepEqual(
      list.items.map((i: Any) => [i.kind, i.metadata.name, i.data]),
      [['PartialObjectMetadata', 'meta-only', undefined]],
    );
    const one = (
      await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${ns}/configmaps/meta-only`, {
        headers: { Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' },
      })
    ).json();
    assert.deepEqual([one.kind, one.metadata.labels, one.data], ['PartialObjectMetadata', { meta: 'only' }, undefined]);
  });

  it('works through KubernetesObjectApi (discovery, then the generic paths)', async () => {
    const spec: KubernetesObject & { data: Record<string, string> } = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'generic', namespace: ns },
      data: { x: 'y' },
    };
    await objects.create(spec);
    const read = await objects.read<V1ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'generic', namespace: ns } });
    assert.equal(read.data!.x, 'y');
    const list = await objects.list('v1', 'ConfigMap', ns);
    assert.ok(list.items.some((i) => i.metadata!.name === 'generic'));
    await objects.delete(spec);
  });
});

describe('selectors and pagination', () => {
  before(async () => {
    for (const [name, tier] of [
      ['sel-a', 'web'],
      ['sel-b', 'db'],
      ['sel-c', 'web'],
      ['sel-d', undefined],
    ] as const) {
      await core.createNamespacedConfigMap({ namespace: ns, body: cm(name, {}, { group: 'sel', ...(tier ? { tier } : {}) }) });
    }
  });

  const names = async (labelSelector?: string, fieldSelector?: string) =>
    (await core.listNamespacedConfigMap({ namespace: ns, labelSelector, fieldSelector })).items.map((i) => i.metadata!.name).sort();

  it('filters by label selector (equality, set, existence)', async () => {
    assert.deepEqual(await names('group=sel,tier=web'), ['sel-a', 'sel-c']);
    assert.deepEqual(await names('group=sel,tier!=web'), ['sel-b', 'sel-d']);
    assert.deepEqual(await names('group=sel,tier in (web,db)'), ['sel-a', 'sel-b', 'sel-c']);
    assert.deepEqual(await names('group=sel,tier notin (web)'), ['sel-b', 'sel-d']);
    assert.deepEqual(await names('group=sel,!tier'), ['sel-d']);
    assert.deepEqual(await names('group=sel,tier'), ['sel-a', 'sel-b', 'sel-c']);
  });

  it('filters by field selector', async () => {
    assert.deepEqual(await names(undefined, 'metadata.name=sel-b'), ['sel-b']);
    assert.deepEqual(await names('group=sel', 'metadata.name!=sel-b'), ['sel-a', 'sel-c', 'sel-d']);
    const all = await core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${ns},metadata.name=sel-a` });
    assert.deepEqual(
      all.items.map((i) => i.metadata!.name),
      ['sel-a'],
    );
  });

  it('selects only by the field labels a kind supports', async () => {
    const unsupported = await failure(core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'data.a=1' }));
    assert.equal(unsupported.code, 400);
    assert.equal(unsupported.status.message, 'field label not supported: data.a');
    const cr = await failure(custom.listNamespacedCustomObject(w({ fieldSelector: 'spec.size=1' })));
    assert.equal(cr.status.message, 'field label not supported: spec.size');
    // Per-kind labels: a Secret's type, an Event's involved object, a Namespace's phase.
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'typed' }, type: 'example.com/kind', stringData: { a: 'b' } },
    });
    const secrets = await core.listNamespacedSecret({ namespace: ns, fieldSelector: 'type=example.com/kind' });
    assert.deepEqual(
      secrets.items.map((i) => i.metadata!.name),
      ['typed'],
    );
    await core.createNamespacedEvent({
      namespace: ns,
      body: {
        metadata: { name: 'ev1' },
        involvedObject: { kind: 'ConfigMap', name: 'sel-a', namespace: ns },
        reason: 'Tested',
        message: 'selected',
        type: 'Normal',
      },
    });
    const events = await core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: 'involvedObject.kind=ConfigMap,involvedObject.name=sel-a,reason=Tested',
    });
    assert.deepEqual(
      events.items.map((i) => i.metadata!.name),
      ['ev1'],
    );
    const active = await core.listNamespace({ fieldSelector: `status.phase=Active,metadata.name=${ns}` });
    assert.equal(active.items.length, 1);
    // A watch is refused before it starts.
    const watch = await collectWatch(t.kc, `/api/v1/namespaces/${ns}/configmaps`, { fieldSelector: 'data.a=1' });
    const err = (await watch.closed) as { statusCode?: number };
    assert.equal(err?.statusCode, 400);
  });

  it('refuses a malformed selector with 400', async () => {
    const bad = await failure(core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'tier in web' }));
    assert.equal(bad.code, 400);
  });

  it("pages with limit and continue, each item exactly once, all at the first page's revision", async () => {
    const pagedNs = uniqueName('paged');
    await core.createNamespace({ body: { metadata: { name: pagedNs } } });
    const names = ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'P-upper', 'p.dot'];
    for (const name of names)
      await core.createNamespacedConfigMap({
        namespace: pagedNs,
        body: { metadata: { name: name.toLowerCase() }, data: { v: 'original' } },
      });
    const expected = (await core.listNamespacedConfigMap({ namespace: pagedNs })).items.map((i) => i.metadata!.name!);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let firstRv: string | undefined;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: pagedNs, limit: 3, _continue: token });
      pages++;
      seen.push(...page.items.map((i) => i.metadata!.name!));
      assert.ok(page.items.length <= 3);
      for (const i of page.items)
        if (i.metadata!.name!.startsWith('p')) assert.equal(i.data!.v, 'original', `${i.metadata!.name} as it was when the list started`);
      if (firstRv === undefined) {
        firstRv = page.metadata!.resourceVersion;
        // Changes after the first page must not show in the later ones.
        await core.patchNamespacedConfigMap({ name: 'p.dot', namespace: pagedNs, body: { data: { v: 'changed' } } }, merge);
        await core.deleteNamespacedConfigMap({ name: 'p-5', namespace: pagedNs });
        await core.createNamespacedConfigMap({ namespace: pagedNs, body: { metadata: { name: 'zz-late' }, data: { v: 'late' } } });
      } else assert.equal(page.metadata!.resourceVersion, firstRv);
      token = page.metadata!._continue || undefined;
      if (token) assert.equal(page.metadata!.remainingItemCount, expected.length - seen.length, 'remainingItemCount counts what is left');
      else assert.equal(page.metadata!.remainingItemCount, undefined);
    } while (token);
    assert.equal(pages, Math.ceil(expected.length / 3));
    assert.deepEqual(seen, expected);
    // With a selector the server does not count what is left.
    const filtered = await core.listNamespacedConfigMap({ namespace: pagedNs, limit: 1, labelSelector: '!nope' });
    assert.ok(filtered.metadata!._continue);
    assert.equal(filtered.metadata!.remainingItemCount, undefined);
  });

  it('lists at an exact resourceVersion', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('exact', { v: 'then' }) });
    const then = (await core.listNamespacedConfigMap({ namespace: ns })).metadata!.resourceVersion!;
    await core.patchNamespacedConfigMap({ name: 'exact', namespace: ns, body: { data: { v: 'now' } } }, merge);
    const list = await core.listNamespacedConfigMap({
      namespace: ns,
      resourceVersion: then,
      resourceVersionMatch: 'Exact',
      fieldSelector: 'metadata.name=exact',
    });
    assert.equal(list.metadata!.resourceVersion, then);
    assert.equal(list.items[0].data!.v, 'then');
  });

  it('refuses a malformed continue token with 400', async () => {
    const bad = await failure(core.listNamespacedConfigMap({ namespace: ns, limit: 1, _continue: '!!not-a-token!!' }));
    assert.equal(bad.code, 400);
    assert.match(bad.status.message, /^invalid continue token: continue key is not valid/);
  });
});

describe('watch', () => {
  it('replays ADDED, MODIFIED and DELETED in order from a resourceVersion', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const from = list.metadata!.resourceVersion!;
    // The changes happen before the watch starts: the server must replay them from its history.
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('watched', { n: '1' }) });
    await core.patchNamespacedConfigMap({ name: 'watched', namespace: ns, body: { data: { n: '2' } } }, merge);
    const watch = await collectWatch(t.kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: from,
      fieldSelector: 'metadata.name=watched',
    });
    try {
      await watch.until('two replayed events', (e) => e.length >= 2);
      await core.deleteNamespacedConfigMap({ name: 'watched', namespace: ns });
      const events = await watch.until('the DELETED event', (e) => e.some((x) => x.type === 'DELETED'));
      assert.deepEqual(
        events.map((e) => e.type),
        ['ADDED', 'MODIFIED', 'DELETED'],
      );
      assert.deepEqual(
        events.map((e) => e.object.data?.n),
        ['1', '2', '2'],
      );
      const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
      assert.ok(rvs[0] > Number(from) && rvs[0] < rvs[1] && rvs[1] < rvs[2], `resourceVersions increase: ${rvs}`);
      assert.equal(events[0].object.kind, 'ConfigMap');
      assert.equal(events[0].object.apiVersion, 'v1');
    } finally {
      watch.stop();
    }
  });

  it('turns label-selector transitions into ADDED and DELETED', async () => {
    const watch = await collectWatch(t.kc, `/api/v1/namespaces/${ns}/configmaps`, {
      labelSelector: 'watch=me',
      resourceVersion: (await core.listNamespacedConfigMap({ namespace: ns, limit: 1 })).metadata!.resourceVersion!,
    });
    try {
      await core.createNamespacedConfigMap({ namespace: ns, body: cm('transit', { step: '0' }) });
      await core.patchNamespacedConfigMap(
        { name: 'transit', namespace: ns, body: { metadata: { labels: { watch: 'me' } }, data: { step: '1' } } },
        merge,
      );
      await core.patchNamespacedConfigMap({ name: 'transit', namespace: ns, body: { data: { step: '2' } } }, merge);
      await core.patchNamespacedConfigMap(
        { name: 'transit', namespace: ns, body: { metadata: { labels: { watch: null } }, data: { step: '3' } } },
        merge,
      );
      await core.patchNamespacedConfigMap({ name: 'transit', namespace: ns, body: { data: { step: '4' } } }, merge);
      await core.patchNamespacedConfigMap(
        { name: 'transit', namespace: ns, body: { metadata: { labels: { watch: 'me' } }, data: { step: '5' } } },
        merge,
      );
      await core.deleteNamespacedConfigMap({ name: 'transit', namespace: ns });
      const events = await watch.until('five events', (e) => e.length >= 5);
      await sleep(50);
      assert.deepEqual(
        watch.events.map((e) => `${e.type}:${e.object.data.step}`),
        ['ADDED:1', 'MODIFIED:2', 'DELETED:3', 'ADDED:5', 'DELETED:5'],
      );
      // The DELETED of a transition carries the object as it is now (no longer matching).
      assert.equal(events[2].object.metadata.labels?.watch, undefined);
    } finally {
      watch.stop();
    }
  });

  it('starts with the current objects as ADDED when no resourceVersion is given', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('initial', {}, { initial: 'yes' }) });
    const watch = await collectWatch(t.kc, `/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'initial=yes' });
    try {
      const events = await watch.until('the synthetic ADDED', (e) => e.length >= 1);
      assert.equal(events[0].type, 'ADDED');
      assert.equal(events[0].object.metadata.name, 'initial');
    } finally {
      watch.stop();
    }
  });

  it('answers 410 Gone (an ERROR event, then the end) to a resourceVersion older than the history', async () => {
    const old = (await core.listNamespacedConfigMap({ namespace: ns, limit: 1 })).metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('compacted') });
    t.twin.api.store.compact();
    const watch = await collectWatch(t.kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: old });
    const err = await Promise.race([watch.closed, lapse(3000, 'still open')]);
    assert.notEqual(err, 'still open', 'the server ends a watch it answered 410');
    assert.equal(watch.events.length, 1);
    assert.equal(watch.events[0].type, 'ERROR');
    assert.equal(watch.events[0].object.kind, 'Status');
    assert.equal(watch.events[0].object.code, 410);
    assert.equal(watch.events[0].object.reason, 'Expired');
    assert.match(watch.events[0].object.message, /^too old resource version: \d+ \(\d+\)$/);
    // A fresh list gives a resourceVersion the server can watch from again.
    const fresh = (await core.listNamespacedConfigMap({ namespace: ns, limit: 1 })).metadata!.resourceVersion!;
    const again = await collectWatch(t.kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: fresh });
    await sleep(100);
    assert.equal(again.isClosed(), false);
    assert.deepEqual(again.events, []);
    again.stop();
  });

  it('answers 410 to a list continue token older than the history', async () => {
    const page = await core.listNamespacedConfigMap({ namespace: ns, limit: 1 });
    assert.ok(page.metadata!._continue);
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('after-compaction') });
    t.twin.api.store.compact();
    const expired = await failure(core.listNamespacedConfigMap({ namespace: ns, limit: 1, _continue: page.metadata!._continue }));
    assert.equal(expired.code, 410);
    assert.equal(expired.status.reason, 'Expired');
    assert.match(expired.status.message, /^The provided continue parameter is too old/);
    // The 410 carries a token that resumes the list at the latest revision.
    assert.ok(expired.status.metadata.continue);
    const resumed = await core.listNamespacedConfigMap({ namespace: ns, limit: 1, _continue: expired.status.metadata.continue });
    assert.equal(resumed.items.length, 1);
    assert.notEqual(resumed.items[0].metadata!.name, page.items[0].metadata!.name);
  });

  it('sends a BOOKMARK 2 s before a watch times out when bookmarks are allowed, none otherwise', async () => {
    const rv = (await core.listNamespacedConfigMap({ namespace: ns, limit: 1 })).metadata!.resourceVersion!;
    const started = Date.now();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    // Both watches run at once: each lasts its 3 s timeoutSeconds.
    const [allowed, plain] = await Promise.all([
      collectWatch(t.kc, path, { resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 3 }),
      collectWatch(t.kc, path, { resourceVersion: rv, timeoutSeconds: 3 }),
    ]);
    const events = await allowed.until('a bookmark', (e) => e.some((x) => x.type === 'BOOKMARK'), 4000);
    const at = Date.now() - started;
    assert.ok(at >= 800 && at < 2500, `the bookmark comes about 2 s before the deadline (after ${at} ms)`);
    const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
    assert.equal(bookmark.object.kind, 'ConfigMap');
    assert.equal(bookmark.object.apiVersion, 'v1');
    assert.ok(Number(bookmark.object.metadata.resourceVersion) >= Number(rv));
    assert.deepEqual(Object.keys(bookmark.object.metadata), ['resourceVersion']);
    await Promise.all([allowed.closed, plain.closed]);
    const took = Date.now() - started;
    assert.ok(took >= 2500 && took < 7000, `the watches end at timeoutSeconds (took ${took} ms)`);
    assert.deepEqual(
      plain.events.filter((e) => e.type === 'BOOKMARK'),
      [],
    );
  });
});

describe('status subresource and generation', () => {
  it('ignores status on create and on main-resource updates, and spec on /status', async () => {
    const created: Any = await custom.createNamespacedCustomObject(w({ body: widget('st', { size: 2 }, { status: { phase: 'Forged' } }) }));
    assert.equal(created.status, undefined, 'status is dropped on create');
    assert.equal(created.metadata.generation, 1);
    assert.equal(created.spec.color, 'red', 'schema default applied');

    const viaMain: Any = await custom.patchNamespacedCustomObject(
      w({ name: 'st', body: { spec: { size: 3 }, status: { phase: 'Ignored' } } }),
      merge,
    );
    assert.equal(viaMain.status, undefined);
    assert.equal(viaMain.spec.size, 3);
    assert.equal(viaMain.metadata.generation, 2, 'a spec change bumps generation');

    const viaStatus: Any = await custom.patchNamespacedCustomObjectStatus(
      w({ name: 'st', body: { spec: { size: 9 }, status: { phase: 'Ready' } } }),
      merge,
    );
    assert.equal(viaStatus.status.phase, 'Ready');
    assert.equal(viaStatus.spec.size, 3, '/status ignores spec');
    assert.equal(viaStatus.metadata.generation, 2, 'a status change does not bump generation');

    const replaced: Any = await custom.replaceNamespacedCustomObjectStatus(
      w({ name: 'st', body: { ...viaStatus, metadata: { ...viaStatus.metadata, labels: { ignored: 'yes' } }, status: { phase: 'Done' } } }),
    );
    assert.equal(replaced.status.phase, 'Done');
    assert.equal(replaced.metadata.labels, undefined, '/status ignores metadata changes too');

    const labelled: Any = await custom.patchNamespacedCustomObject(w({ name: 'st', body: { metadata: { labels: { a: 'b' } } } }), merge);
    assert.equal(labelled.metadata.generation, 2, 'a metadata change does not bump generation');
    assert.equal(labelled.status.phase, 'Done', 'status survives main-resource updates');
    const status: Any = await custom.getNamespacedCustomObjectStatus(w({ name: 'st' }));
    assert.equal(status.status.phase, 'Done');
  });

  it('bumps a Deployment generation on spec changes only', async () => {
    const body = {
      metadata: { name: 'gen', namespace: ns },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'gen' } },
        template: { metadata: { labels: { app: 'gen' } }, spec: { containers: [{ name: 'c', image: 'registry.example/app:1' }] } },
      },
    };
    const d = await apps.createNamespacedDeployment({ namespace: ns, body });
    assert.equal(d.metadata!.generation, 1);
    const labelled = await apps.patchNamespacedDeployment(
      { name: 'gen', namespace: ns, body: { metadata: { labels: { x: 'y' } } } },
      merge,
    );
    assert.equal(labelled.metadata!.generation, 1);
    const changed = await apps.patchNamespacedDeployment(
      {
        name: 'gen',
        namespace: ns,
        body: { spec: { replicas: 0, template: { spec: { containers: [{ name: 'c', image: 'registry.example/app:2' }] } } } },
      },
      strategic,
    );
    assert.equal(changed.metadata!.generation, 2);
  });
});

describe('the scale subresource', () => {
  it("reads, replaces and patches a Deployment's replicas as an autoscaling/v1 Scale", async () => {
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'scaled' },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'scaled' } },
          template: { metadata: { labels: { app: 'scaled' } }, spec: { containers: [{ name: 'c', image: 'registry.example/app:1' }] } },
        },
      },
    });
    const scale = await apps.readNamespacedDeploymentScale({ name: 'scaled', namespace: ns });
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.apiVersion, 'autoscaling/v1');
    assert.equal(scale.spec!.replicas, 0);
    assert.equal(scale.status!.selector, 'app=scaled');
    const replaced = await apps.replaceNamespacedDeploymentScale({
      name: 'scaled',
      namespace: ns,
      body: { ...scale, spec: { replicas: 2 } },
    });
    assert.equal(replaced.spec!.replicas, 2);
    const stale = await failure(
      apps.replaceNamespacedDeploymentScale({ name: 'scaled', namespace: ns, body: { ...scale, spec: { replicas: 3 } } }),
    );
    assert.equal(stale.code, 409, "the Scale's resourceVersion is a precondition");
    const patched = await apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace: ns, body: { spec: { replicas: 0 } } }, merge);
    assert.equal(patched.spec!.replicas, 0);
    const d = await apps.readNamespacedDeployment({ name: 'scaled', namespace: ns });
    assert.equal(d.spec!.replicas, 0);
    assert.equal(d.metadata!.generation, 3, 'each scale bumps generation');
    assert.ok(d.metadata!.managedFields!.some((m) => m.subresource === 'scale'));
    const negative = await failure(
      apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace: ns, body: { spec: { replicas: -1 } } }, merge),
    );
    assert.equal(negative.code, 422);
    assert.equal(
      negative.status.message,
      'Scale.autoscaling "scaled" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    const discovery = (await rawRequest(t.twin, 'GET', '/apis/apps/v1')).json();
    assert.deepEqual(
      discovery.resources.find((r: Any) => r.name === 'deployments/scale'),
      {
        name: 'deployments/scale',
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      },
    );
  });

  it('scales a custom resource at the paths its CRD names', async () => {
    const group = 'scaled.harness.test';
    const crd = widgetCrd(group);
    const v = crd.spec.versions[0];
    v.subresources.scale = { specReplicasPath: '.spec.size', statusReplicasPath: '.status.count', labelSelectorPath: '.status.selector' };
    Object.assign(v.schema.openAPIV3Schema.properties.status.properties, { count: { type: 'integer' }, selector: { type: 'string' } });
    await createCrd(crd);
    const g = { group, version: 'v1', namespace: ns, plural: 'widgets' };
    await custom.createNamespacedCustomObject({
      ...g,
      body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'sw' }, spec: { size: 2 } },
    });
    await custom.patchNamespacedCustomObjectStatus({ ...g, name: 'sw', body: { status: { count: 2, selector: 'app=sw' } } }, merge);
    const scale: Any = await custom.getNamespacedCustomObjectScale({ ...g, name: 'sw' });
    assert.deepEqual([scale.spec.replicas, scale.status.replicas, scale.status.selector], [2, 2, 'app=sw']);
    await custom.patchNamespacedCustomObjectScale({ ...g, name: 'sw', body: { spec: { replicas: 4 } } }, merge);
    const after: Any = await custom.getNamespacedCustomObject({ ...g, name: 'sw' });
    assert.equal(after.spec.size, 4);
    const resources = (await rawRequest(t.twin, 'GET', `/apis/${group}/v1`)).json().resources.map((r: Any) => r.name);
    assert.deepEqual(resources, ['widgets', 'widgets/status', 'widgets/scale'], "in the order of apiextensions' discovery");
  });
});

describe('finalizers and garbage collection', () => {
  it('keeps an object with finalizers, with deletionTimestamp, until the last finalizer goes', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { ...cm('fin'), metadata: { name: 'fin', namespace: ns, finalizers: ['example.com/keep'] } },
    });
    const watch = await collectWatch(t.kc, `/api/v1/namespaces/${ns}/configmaps`, { fieldSelector: 'metadata.name=fin' });
    try {
      await watch.until('the initial ADDED', (e) => e.length >= 1);
      await core.deleteNamespacedConfigMap({ name: 'fin', namespace: ns });
      const pending = await core.readNamespacedConfigMap({ name: 'fin', namespace: ns });
      assert.ok(pending.metadata!.deletionTimestamp);
      assert.equal(pending.metadata!.deletionGracePeriodSeconds, 0);
      assert.deepEqual(pending.metadata!.finalizers, ['example.com/keep']);
      // A second delete changes nothing.
      await core.deleteNamespacedConfigMap({ name: 'fin', namespace: ns });
      const still = await core.readNamespacedConfigMap({ name: 'fin', namespace: ns });
      assert.equal(still.metadata!.resourceVersion, pending.metadata!.resourceVersion);
      // No new finalizer may be added to an object being deleted.
      const added = await failure(
        core.patchNamespacedConfigMap(
          { name: 'fin', namespace: ns, body: { metadata: { finalizers: ['example.com/keep', 'example.com/more'] } } },
          merge,
        ),
      );
      assert.equal(added.code, 422);
      assert.match(
        added.status.message,
        /metadata\.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers \[\]string\{"example\.com\/more"\}/,
      );
      await core.patchNamespacedConfigMap(
        { name: 'fin', namespace: ns, body: [{ op: 'remove', path: '/metadata/finalizers' }] },
        jsonPatch,
      );
      assert.equal((await failure(core.readNamespacedConfigMap({ name: 'fin', namespace: ns }))).code, 404);
      const events = await watch.until('the DELETED event', (e) => e.some((x) => x.type === 'DELETED'));
      assert.deepEqual(
        events.map((e) => e.type),
        ['ADDED', 'MODIFIED', 'DELETED'],
      );
      assert.ok(events[1].object.metadata.deletionTimestamp);
    } finally {
      watch.stop();
    }
  });

  async function ownerAndDependent(
    tag: string,
    dependentFinalizer?: string,
    blockOwnerDeletion = true,
  ): Promise<{ owner: V1ConfigMap; dependent: string }> {
    const owner = await core.createNamespacedConfigMap({ namespace: ns, body: cm(`owner-${tag}`) });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata!.name!, uid: owner.metadata!.uid!, blockOwnerDeletion };
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: `dep-${tag}`,
          namespace: ns,
          ownerReferences: [ref],
          ...(dependentFinalizer ? { finalizers: [dependentFinalizer] } : {}),
        },
        data: {},
      },
    });
    return { owner, dependent: `dep-${tag}` };
  }

  const exists = async (name: string) => {
    try {
      return await core.readNamespacedConfigMap({ name, namespace: ns });
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw e;
    }
  };

  it('collects dependents in the background', async () => {
    const { dependent } = await ownerAndDependent('bg');
    await core.deleteNamespacedConfigMap({ name: 'owner-bg', namespace: ns, propagationPolicy: 'Background' });
    assert.equal(await exists('owner-bg'), undefined, 'the owner goes at once');
    await waitFor('the dependent to be collected', async () => !(await exists(dependent)));
  });

  it('deletes the owner last in the foreground', async () => {
    const { dependent } = await ownerAndDependent('fg', 'example.com/slow');
    await core.deleteNamespacedConfigMap({ name: 'owner-fg', namespace: ns, propagationPolicy: 'Foreground' });
    const owner = await waitFor('the owner to wait for its dependent', async () => {
      const o = await exists('owner-fg');
      return o?.metadata!.deletionTimestamp && o;
    });
    assert.ok(owner.metadata!.finalizers!.includes('foregroundDeletion'));
    const dep = await waitFor('the dependent to be deleting', async () => (await exists(dependent))?.metadata!.deletionTimestamp);
    assert.ok(dep);
    await sleep(50);
    assert.ok(await exists('owner-fg'), 'the owner stays while a dependent is left');
    await core.patchNamespacedConfigMap({ name: dependent, namespace: ns, body: { metadata: { finalizers: null } } }, merge);
    await waitFor('the owner to go', async () => !(await exists('owner-fg')));
  });

  it("does not wait in the foreground for a dependent that does not block its owner's deletion", async () => {
    const { dependent } = await ownerAndDependent('fg-nb', 'example.com/slow', false);
    await core.deleteNamespacedConfigMap({ name: 'owner-fg-nb', namespace: ns, propagationPolicy: 'Foreground' });
    await waitFor('the owner to go', async () => !(await exists('owner-fg-nb')));
    const dep = await exists(dependent);
    assert.ok(dep?.metadata!.deletionTimestamp, 'the dependent is being deleted, held by its own finalizer');
    await core.patchNamespacedConfigMap({ name: dependent, namespace: ns, body: { metadata: { finalizers: null } } }, merge);
  });

  it('collects a dependent whose owner does not exist', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: 'dangling',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-1111-2222-3333-444444444444' }],
        },
      },
    });
    await waitFor('the dependent of a missing owner to be collected', async () => !(await exists('dangling')));
  });

  it('orphans dependents when asked', async () => {
    const { dependent } = await ownerAndDependent('or');
    await core.deleteNamespacedConfigMap({ name: 'owner-or', namespace: ns, propagationPolicy: 'Orphan' });
    await waitFor('the owner to go', async () => !(await exists('owner-or')));
    await sleep(50);
    const dep = await exists(dependent);
    assert.ok(dep, 'the dependent survives');
    assert.equal(dep!.metadata!.ownerReferences, undefined, 'and no longer points at its owner');
  });
});

describe('CustomResourceDefinitions', () => {
  it('serves a new kind in discovery, with its status subresource', async () => {
    const groups = (await rawRequest(t.twin, 'GET', '/apis')).json();
    const g = groups.groups.find((x: Any) => x.name === GROUP);
    assert.deepEqual(g, {
      name: GROUP,
      versions: [{ groupVersion: `${GROUP}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${GROUP}/v1`, version: 'v1' },
    });
    const resources = (await rawRequest(t.twin, 'GET', `/apis/${GROUP}/v1`)).json();
    const names = resources.resources.map((r: Any) => r.name);
    assert.deepEqual(names, ['widgets', 'widgets/status']);
    assert.equal(resources.resources[0].kind, 'Widget');
    assert.deepEqual(resources.resources[0].shortNames, ['wdg']);
    assert.equal(resources.resources[0].namespaced, true);
    const crd = (await rawRequest(t.twin, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${GROUP}`)).json();
    assert.equal(crd.status.conditions.find((c: Any) => c.type === 'Established').status, 'True');
    assert.deepEqual(crd.status.acceptedNames.kind, 'Widget');
  });

  it('answers 422 with field causes for an object failing its schema', async () => {
    const bad = await failure(custom.createNamespacedCustomObject(w({ body: widget('bad', { size: 0, color: 'green' }) })));
    assert.equal(bad.code, 422);
    assert.equal(bad.status.reason, 'Invalid');
    assert.equal(bad.status.details.kind, 'Widget');
    assert.equal(bad.status.details.group, GROUP);
    const fields = bad.status.details.causes.map((c: Any) => `${c.reason} ${c.field}`).sort();
    assert.deepEqual(fields, ['FieldValueInvalid spec.size', 'FieldValueNotSupported spec.color']);
    assert.match(bad.status.message, new RegExp(`^Widget.${GROUP.replace(/\./g, '\\.')} "bad" is invalid: \\[`));
    assert.match(bad.status.message, /spec\.color: Unsupported value: "green": supported values: "red", "blue"/);
    assert.match(bad.status.message, /spec\.size: Invalid value: 0: spec\.size in body should be greater than or equal to 1/);
    const missing = await failure(custom.createNamespacedCustomObject(w({ body: widget('bad', {}) })));
    assert.equal(missing.code, 422);
    assert.deepEqual(missing.status.details.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.size' }]);
  });

  it('prunes unknown fields with a Warning header, or refuses them with fieldValidation=Strict', async () => {
    const path = `/apis/${GROUP}/v1/namespaces/${ns}/widgets`;
    const warned = await rawRequest(t.twin, 'POST', path, { body: widget('pruned', { size: 1, bogus: true }) });
    assert.equal(warned.status, 201, warned.text);
    assert.equal(warned.json().spec.bogus, undefined);
    assert.equal(warned.headers.warning, '299 - "unknown field \\"spec.bogus\\""');
    const ignored = await rawRequest(t.twin, 'POST', `${path}?fieldValidation=Ignore`, {
      body: widget('ignored', { size: 1, bogus: true }),
    });
    assert.equal(ignored.status, 201);
    assert.equal(ignored.headers.warning, undefined);
    const strict = await failure(
      custom.createNamespacedCustomObject(w({ body: widget('strict', { size: 1, bogus: true }), fieldValidation: 'Strict' })),
    );
    assert.equal(strict.code, 400);
    assert.equal(strict.status.reason, 'BadRequest');
    assert.equal(
      strict.status.message,
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"',
    );
  });

  it('refuses a strategic merge patch on a custom resource with 415', async () => {
    await custom.createNamespacedCustomObject(w({ body: widget('smp', { size: 1 }) }));
    const refused = await failure(custom.patchNamespacedCustomObject(w({ name: 'smp', body: { spec: { size: 2 } } }), strategic));
    assert.equal(refused.code, 415);
    assert.equal(refused.status.reason, 'UnsupportedMediaType');
  });

  it('requires a resourceVersion to replace a custom resource', async () => {
    const current: Any = await custom.createNamespacedCustomObject(w({ body: widget('unconditional', { size: 1 }) }));
    const { resourceVersion: _rv, ...meta } = current.metadata;
    const refused = await failure(
      custom.replaceNamespacedCustomObject(w({ name: 'unconditional', body: { ...current, metadata: meta, spec: { size: 2 } } })),
    );
    assert.equal(refused.code, 422);
    assert.match(refused.status.message, /metadata\.resourceVersion: Invalid value: 0x0: must be specified for an update/);
  });

  it('takes a kind away with its objects when the CRD is deleted', async () => {
    const group = 'gone.harness.test';
    await createCrd(widgetCrd(group));
    await custom.createNamespacedCustomObject({
      group,
      version: 'v1',
      namespace: ns,
      plural: 'widgets',
      body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'doomed' }, spec: { size: 1 } },
    });
    await objects.delete({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
    });
    await waitFor('the kind to leave discovery', async () => (await rawRequest(t.twin, 'GET', `/apis/${group}/v1`)).status === 404);
    const groups = (await rawRequest(t.twin, 'GET', '/apis')).json();
    assert.equal(
      groups.groups.some((g: Any) => g.name === group),
      false,
    );
    assert.equal((await rawRequest(t.twin, 'GET', `/apis/${group}/v1/namespaces/${ns}/widgets/doomed`)).status, 404);
  });
});

describe('patch types', () => {
  it('applies JSON merge patches (null deletes a key)', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('mp', { keep: '1', drop: '2' }) });
    const out = await core.patchNamespacedConfigMap({ name: 'mp', namespace: ns, body: { data: { drop: null, add: '3' } } }, merge);
    assert.deepEqual(out.data, { keep: '1', add: '3' });
  });

  it('applies JSON patches, and answers 422 when a test operation fails', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('jp', { a: '1' }) });
    const out = await core.patchNamespacedConfigMap(
      {
        name: 'jp',
        namespace: ns,
        body: [
          { op: 'test', path: '/data/a', value: '1' },
          { op: 'replace', path: '/data/a', value: '2' },
          { op: 'add', path: '/data/b~1c', value: 'x' },
        ],
      },
      jsonPatch,
    );
    assert.deepEqual(out.data, { a: '2', 'b/c': 'x' });
    const failed = await failure(
      core.patchNamespacedConfigMap({ name: 'jp', namespace: ns, body: [{ op: 'test', path: '/data/a', value: 'nope' }] }, jsonPatch),
    );
    assert.equal(failed.code, 422);
  });

  it('merges lists by key in a strategic merge patch of a built-in kind', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'smp', namespace: ns },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'smp' } },
          template: {
            metadata: { labels: { app: 'smp' } },
            spec: {
              containers: [
                { name: 'a', image: 'img:a', env: [{ name: 'X', value: '1' }] },
                { name: 'b', image: 'img:b' },
              ],
            },
          },
        },
      },
    });
    const out = await apps.patchNamespacedDeployment(
      {
        name: 'smp',
        namespace: ns,
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  { name: 'b', image: 'img:b2' },
                  { name: 'a', env: [{ name: 'Y', value: '2' }] },
                ],
              },
            },
          },
        },
      },
      strategic,
    );
    const containers = out.spec!.template.spec!.containers;
    // The items a strategic merge patch names come in its order (as from a real server).
    assert.deepEqual(
      containers.map((c) => `${c.name}=${c.image}`),
      ['b=img:b2', 'a=img:a'],
    );
    assert.deepEqual(
      containers[1].env!.map((e) => e.name),
      ['Y', 'X'],
      "env merges by name too, the patch's items first",
    );
    const deleted = await apps.patchNamespacedDeployment(
      { name: 'smp', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'b', $patch: 'delete' }] } } } } },
      strategic,
    );
    assert.deepEqual(
      deleted.spec!.template.spec!.containers.map((c) => c.name),
      ['a'],
    );
    const added = await apps.patchNamespacedDeployment(
      { name: 'smp', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:c' }] } } } } },
      strategic,
    );
    assert.deepEqual(
      added.spec!.template.spec!.containers.map((c) => c.name),
      ['c', 'a'],
      'a new item goes first',
    );
  });

  it('answers 415 to an unknown patch content type', async () => {
    const r = await rawRequest(t.twin, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/mp`, {
      body: { data: {} },
      contentType: 'application/json',
    });
    assert.equal(r.status, 415);
  });
});

describe('server-side apply', () => {
  const applyCm = (manager: string, data: Record<string, string>, force = false) =>
    objects.patch(cm('ssa', data), undefined, undefined, manager, force, PatchStrategy.ServerSideApply);

  it('creates, records the manager, keeps the resourceVersion on a no-op re-apply', async () => {
    const first = await applyCm('alpha', { k: 'v1', mine: 'a' });
    const mf = first.metadata!.managedFields!;
    assert.equal(mf.length, 1);
    assert.equal(mf[0].manager, 'alpha');
    assert.equal(mf[0].operation, 'Apply');
    assert.equal(mf[0].fieldsType, 'FieldsV1');
    assert.deepEqual(mf[0].fieldsV1, { 'f:data': { 'f:k': {}, 'f:mine': {} } });
    const again = await applyCm('alpha', { k: 'v1', mine: 'a' });
    assert.equal(again.metadata!.resourceVersion, first.metadata!.resourceVersion);
  });

  it('answers a conflicting apply with 409 and causes, and takes the field over with force', async () => {
    const refused = await failure(applyCm('beta', { k: 'v2' }));
    assert.equal(refused.code, 409);
    assert.equal(refused.status.reason, 'Conflict');
    assert.equal(refused.status.message, 'Apply failed with 1 conflict: conflict with "alpha": .data.k');
    assert.deepEqual(refused.status.details.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "alpha": .data.k', field: '.data.k' },
    ]);
    const forced = await applyCm('beta', { k: 'v2' }, true);
    assert.equal(forced.data!.k, 'v2');
    const byManager = Object.fromEntries(forced.metadata!.managedFields!.map((e) => [e.manager, e.fieldsV1]));
    assert.deepEqual(byManager, { alpha: { 'f:data': { 'f:mine': {} } }, beta: { 'f:data': { 'f:k': {} } } });
  });

  it('removes a field its only applier stops applying, and records Update managers', async () => {
    const out = await applyCm('alpha', {});
    assert.deepEqual(out.data, { k: 'v2' });
    const updated = await core.patchNamespacedConfigMap(
      { name: 'ssa', namespace: ns, body: { data: { other: 'x' } }, fieldManager: 'gamma' },
      merge,
    );
    const gamma = updated.metadata!.managedFields!.find((e) => e.manager === 'gamma')!;
    assert.equal(gamma.operation, 'Update');
    assert.deepEqual(gamma.fieldsV1, { 'f:data': { 'f:other': {} } });
  });

  it('requires a fieldManager', async () => {
    const r = await rawRequest(t.twin, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/ssa`, {
      body: JSON.stringify(cm('ssa', { k: 'v3' })),
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(r.status, 400);
    assert.match(r.json().message, /fieldManager: Required value/);
  });

  it('applies YAML bodies, as kubectl sends them', async () => {
    const yamlBody = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-yaml\n  namespace: ${ns}\ndata:\n  from: yaml\n`;
    const r = await rawRequest(t.twin, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/ssa-yaml?fieldManager=yamlish`, {
      body: yamlBody,
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json().data.from, 'yaml');
  });
});

describe('dryRun=All', () => {
  it('changes nothing on create, update, patch, apply and delete', async () => {
    const base = await core.createNamespacedConfigMap({ namespace: ns, body: cm('dry', { v: '1' }) });
    const rvBefore = base.metadata!.resourceVersion!;
    const storeRv = t.twin.api.store.currentRv();

    const created = await core.createNamespacedConfigMap({ namespace: ns, body: cm('dry-new', { v: '1' }), dryRun: 'All' });
    assert.equal(created.metadata!.name, 'dry-new');
    assert.equal((await failure(core.readNamespacedConfigMap({ name: 'dry-new', namespace: ns }))).code, 404);

    const replaced = await core.replaceNamespacedConfigMap({
      name: 'dry',
      namespace: ns,
      body: { ...base, data: { v: '2' } },
      dryRun: 'All',
    });
    assert.equal(replaced.data!.v, '2');
    const patched = await core.patchNamespacedConfigMap({ name: 'dry', namespace: ns, body: { data: { v: '3' } }, dryRun: 'All' }, merge);
    assert.equal(patched.data!.v, '3');
    const applied = await objects.patch(cm('dry', { v: '4' }), undefined, 'All', 'dry-applier', true, PatchStrategy.ServerSideApply);
    assert.equal(applied.data!.v, '4');
    const dryDelete = await core.deleteNamespacedConfigMap({ name: 'dry', namespace: ns, dryRun: 'All' });
    assert.equal(dryDelete.status, 'Success');

    const after = await core.readNamespacedConfigMap({ name: 'dry', namespace: ns });
    assert.equal(after.data!.v, '1');
    assert.equal(after.metadata!.resourceVersion, rvBefore);
    assert.equal(t.twin.api.store.currentRv(), storeRv, 'no write reached the store');
  });

  // kube-apiserver runs admission, defaulting and validation on a dry run and only skips storage
  // (k8s.io/apiserver pkg/registry/generic/registry/dryrun.go: DryRunnableStorage skips etcd only).
  it('still defaults, validates and admits, and stores nothing (plan mode relies on it)', async () => {
    const storeRv = t.twin.api.store.currentRv();
    const defaulted: Any = await custom.createNamespacedCustomObject(w({ body: widget('dry-default', { size: 1 }), dryRun: 'All' }));
    assert.equal(defaulted.spec.color, 'red', 'the schema default is applied on a dry run');
    const bad = await failure(custom.createNamespacedCustomObject(w({ body: widget('dry-bad', { size: 0 }), dryRun: 'All' })));
    assert.equal(bad.code, 422, 'a dry run is validated');
    const missingNs = await rawRequest(t.twin, 'POST', '/api/v1/namespaces/no-such-namespace/configmaps?dryRun=All', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    });
    assert.equal(missingNs.status, 404, 'a dry-run create in a missing namespace is NotFound, as on a real server');
    const project = await rawRequest(t.twin, 'POST', '/apis/project.openshift.io/v1/projectrequests?dryRun=All', {
      body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name: 'dry-project' } },
    });
    assert.equal(project.status, 201, project.text);
    assert.equal(
      (await rawRequest(t.twin, 'GET', '/api/v1/namespaces/dry-project')).status,
      404,
      'a dry-run ProjectRequest makes no namespace',
    );
    const dryNsDelete = await rawRequest(t.twin, 'DELETE', `/api/v1/namespaces/${ns}?dryRun=All`);
    assert.equal(dryNsDelete.status, 200, dryNsDelete.text);
    assert.equal((await core.readNamespace({ name: ns })).status?.phase, 'Active', 'a dry-run namespace delete leaves it Active');
    assert.equal(t.twin.api.store.currentRv(), storeRv, 'no write reached the store');
  });
});
