// The cluster client against an in-process fake API server: CRUD, apply idempotence, watch-based
// waits (speed, dropped watches, 410 Gone), terminal failures, timeouts and retries.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient, WaitFailedError, WaitTimeoutError, hasCondition, type KObject } from '../../../support/core/cluster';
import { FakeKubeApi } from './helpers/fake-kube-api';

const NS = 'demo';
const FAST_RETRY = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 };

function widget(name: string, spec: Record<string, unknown> = { size: 1 }): KObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: NS }, spec };
}

describe('ClusterClient', () => {
  let api: FakeKubeApi;
  let client: ClusterClient;
  let dir: string;

  before(async () => {
    api = await FakeKubeApi.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-test-'));
    const kc = new KubeConfig();
    kc.loadFromFile(api.writeKubeconfig(dir));
    client = ClusterClient.fromKubeConfig(kc, { retry: FAST_RETRY, defaultTimeoutMs: 5_000 });
  });
  after(async () => {
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => api.dropWatchesAfter(undefined));

  it('applies, gets, lists, patches and deletes', async () => {
    const live = await client.apply(widget('round-trip'));
    assert.equal(live.metadata.name, 'round-trip');
    const applyRequest = api.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/widgets/round-trip'));
    assert.equal(applyRequest?.contentType, 'application/apply-patch+yaml');
    assert.match(applyRequest!.query, /fieldManager=rhoai-harness/);
    assert.doesNotMatch(applyRequest!.query, /force/);

    assert.deepEqual((await client.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'round-trip', namespace: NS }))?.spec, {
      size: 1,
    });
    const listed = await client.list({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: NS });
    assert.ok(listed.some((o) => o.metadata.name === 'round-trip' && o.kind === 'Widget'));

    const ref = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'round-trip', namespace: NS };
    const patched = await client.patch(ref, { spec: { size: 2 } }, 'merge');
    assert.equal(patched.spec.size, 2);
    assert.ok(await client.delete(ref));
    assert.equal(await client.get(ref), undefined);
    assert.equal(await client.delete(ref), undefined, 'deleting a missing object resolves with undefined');
  });

  it('passes force only when asked', async () => {
    await client.apply(widget('forced'), { force: true });
    const request = api.requests.filter((r) => r.path.endsWith('/widgets/forced')).at(-1);
    assert.match(request!.query, /force=true/);
  });

  it('does not change resourceVersion on a second identical apply', async () => {
    const first = await client.apply(widget('idempotent'));
    const second = await client.apply(widget('idempotent'));
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
  });

  it('rejects a namespaced object without a namespace before sending it', async () => {
    const before = api.requests.length;
    await assert.rejects(
      client.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } }),
      /namespaced.*no metadata.namespace/,
    );
    assert.ok(
      api.requests.slice(before).every((r) => r.method === 'GET'),
      'nothing was applied',
    );
  });

  it('names the kind and group version when a kind is not served', async () => {
    await assert.rejects(
      client.get({ apiVersion: 'example.com/v1', kind: 'Gadget', name: 'g', namespace: NS }),
      /does not serve kind Gadget in example.com\/v1/,
    );
    await assert.rejects(
      client.get({ apiVersion: 'nope.io/v1', kind: 'Gadget', name: 'g', namespace: NS }),
      /\/apis\/nope.io\/v1 is not served/,
    );
  });

  it('waitFor sees a condition set by another client when it changes: from a watch, not by polling', async () => {
    await client.apply(widget('ready-later'));
    const from = api.requests.length;
    let changedAt = 0;
    setTimeout(() => {
      changedAt = Date.now();
      api.put({ ...widget('ready-later'), status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Done' }] } });
    }, 300);
    const seen = await client.waitFor(
      { apiVersion: 'example.com/v1', kind: 'Widget', name: 'ready-later', namespace: NS },
      hasCondition('Ready'),
      { timeoutMs: 5_000, describe: 'the widget to be Ready' },
    );
    const lag = Date.now() - changedAt;
    // A watch delivers the change at once; on two busy cores an event has arrived 114 ms late, so
    // the bound is loose, and what tells a watch from a quick poller is the requests: one read of
    // the state, then one watch from its resourceVersion (a poller reads again and again).
    const reads = api.requests.slice(from).filter((r) => r.method === 'GET' && r.path.includes('/widgets'));
    assert.ok(changedAt > 0 && lag < 300, `seen ${lag} ms after the change`);
    const lists = reads.filter((r) => !r.query.includes('watch=true'));
    const watches = reads.filter((r) => r.query.includes('watch=true'));
    assert.equal(lists.length, 1, `the wait read the widget ${lists.length} times: ${lists.map((r) => r.query).join(' ')}`);
    assert.equal(watches.length, 1, `the wait opened ${watches.length} watches`);
    assert.match(watches[0].query, /resourceVersion=\d+/, 'the watch did not start from the resourceVersion the wait read');
    assert.equal(seen?.status.conditions[0].status, 'True');
  });

  it('waitFor resolves at once when the state already holds, and sees absence', async () => {
    await client.apply(widget('already'));
    const ref = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'already', namespace: NS };
    assert.ok(await client.waitFor(ref, (o) => o !== undefined));
    const absent = { ...ref, name: 'never-created' };
    assert.equal(await client.waitFor(absent, (o) => o === undefined), undefined);
  });

  it('recovers a watch the server drops', async () => {
    await client.apply(widget('dropped'));
    api.dropWatchesAfter(50);
    setTimeout(() => api.put({ ...widget('dropped'), status: { phase: 'Done' } }), 400);
    const watchesBefore = api.requests.filter((r) => r.query.includes('watch=true')).length;
    const seen = await client.waitFor(
      { apiVersion: 'example.com/v1', kind: 'Widget', name: 'dropped', namespace: NS },
      (o) => o?.status?.phase === 'Done',
      { timeoutMs: 5_000 },
    );
    assert.equal(seen?.status.phase, 'Done');
    const watches = api.requests.filter((r) => r.query.includes('watch=true')).length - watchesBefore;
    assert.ok(watches >= 2, `re-watched (${watches} watches)`);
    const resumed = api.requests.filter((r) => r.query.includes('watch=true')).slice(-1)[0]!;
    assert.match(resumed.query, /resourceVersion=\d+/);
  });

  it('re-lists after 410 Gone', async () => {
    await client.apply(widget('gone'));
    api.dropWatchesAfter(50);
    // A change the client's watches never see, then compaction: the resourceVersion it holds is too old.
    setTimeout(() => api.putUnseenAndCompact({ ...widget('gone'), spec: { size: 7 } }), 200);
    setTimeout(() => api.put({ ...widget('gone'), status: { phase: 'Done' } }), 500);
    const listsBefore = api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/widgets') && !r.query.includes('watch')).length;
    const seen = await client.waitFor(
      { apiVersion: 'example.com/v1', kind: 'Widget', name: 'gone', namespace: NS },
      (o) => o?.status?.phase === 'Done',
      { timeoutMs: 5_000 },
    );
    assert.equal(seen?.status.phase, 'Done');
    const lists =
      api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/widgets') && !r.query.includes('watch')).length - listsBefore;
    assert.ok(lists >= 2, `re-listed (${lists} lists)`);
  });

  it('stops at once on a terminal failure', async () => {
    await client.apply(widget('fails'));
    setTimeout(() => api.put({ ...widget('fails'), status: { phase: 'Failed', message: 'no OperatorGroup' } }), 100);
    const started = Date.now();
    await assert.rejects(
      client.waitFor(
        { apiVersion: 'example.com/v1', kind: 'Widget', name: 'fails', namespace: NS },
        (o) => (o?.status?.phase === 'Failed' ? { fail: `phase Failed: ${o.status.message}` } : o?.status?.phase === 'Succeeded'),
        { timeoutMs: 5_000, describe: 'the widget to succeed' },
      ),
      (error: Error) => error instanceof WaitFailedError && /the widget to succeed: phase Failed: no OperatorGroup/.test(error.message),
    );
    assert.ok(Date.now() - started < 1_000);
  });

  it('times out with the status, conditions and recent events', async () => {
    api.put({
      ...widget('stuck'),
      status: {
        phase: 'Progressing',
        conditions: [{ type: 'Ready', status: 'False', reason: 'MissingDependency', message: 'waiting for the mesh' }],
      },
    });
    for (let i = 0; i < 12; i++) {
      api.put({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `stuck.${i}`, namespace: NS },
        type: 'Warning',
        reason: `Reason${i}`,
        message: `event number ${i}`,
        involvedObject: { kind: 'Widget', name: 'stuck' },
        lastTimestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
      });
    }
    const started = Date.now();
    await assert.rejects(
      client.waitFor({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'stuck', namespace: NS }, hasCondition('Ready'), {
        timeoutMs: 400,
        describe: 'the widget to be Ready',
      }),
      (error: Error) => {
        assert.ok(error instanceof WaitTimeoutError);
        assert.match(error.message, /timed out after \d+ s waiting for the widget to be Ready/);
        assert.match(error.message, /Widget demo\/stuck/);
        assert.match(error.message, /"phase":"Progressing"/);
        assert.match(error.message, /Ready=False reason=MissingDependency message="waiting for the mesh"/);
        assert.match(error.message, /recent events in namespace demo \(newest last\)/);
        assert.match(error.message, /event number 11\n?/);
        assert.doesNotMatch(error.message, /event number 1\b/, 'only the last 10 events');
        assert.ok(error.message.indexOf('event number 10') < error.message.indexOf('event number 11'), 'newest last');
        return true;
      },
    );
    assert.ok(Date.now() - started < 2_000);
  });

  it('retries 5xx and 429 answers', async () => {
    api.failNext(2, 503);
    api.failNext(1, 429, { retryAfter: '0' });
    const live = await client.apply(widget('retried'));
    assert.equal(live.metadata.name, 'retried');
  });

  it('gives up after the bounded number of attempts', async () => {
    api.failNext(10, 500, { match: (m, p) => m === 'GET' && p.endsWith('/widgets/hopeless') });
    await assert.rejects(
      client.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'hopeless', namespace: NS }),
      /HTTP 500 InternalError: injected transient failure/,
    );
    api.failNext(0, 500);
  });

  it('waitForList waits on a collection', async () => {
    setTimeout(() => api.put({ ...widget('member-b'), metadata: { name: 'member-b', namespace: NS, labels: { team: 'b' } } }), 100);
    const items = await client.waitForList({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: NS }, (objs) => objs.length >= 1, {
      labelSelector: 'team=b',
      timeoutMs: 5_000,
    });
    assert.deepEqual(
      items.map((o) => o.metadata.name),
      ['member-b'],
    );
  });

  it('diagnose reports events, conditions of touched objects and pods', async () => {
    api.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: NS },
      spec: { containers: [{ name: 'web' }] },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          { name: 'web', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } } },
        ],
      },
    });
    const text = await client.diagnose(NS, [
      { apiVersion: 'example.com/v1', kind: 'Widget', name: 'stuck', namespace: NS },
      { apiVersion: 'example.com/v1', kind: 'Widget', name: 'missing', namespace: NS },
    ]);
    assert.match(text, /== events in namespace demo/);
    assert.match(text, /Widget demo\/stuck \(example.com\/v1\): \{"phase":"Progressing"\}\n\s+Ready=False/);
    assert.match(text, /Widget demo\/missing \(example.com\/v1\): absent/);
    assert.match(text, /web-0 phase=Pending ready=0\/1 \(Ready=False\)\n\s+web waiting CrashLoopBackOff: back-off restarts=3/);
  });

  it('reports the observer of changes and waits', async () => {
    const seen: string[] = [];
    const observed = client.withObserver({
      changed: (action, _sent, live) => seen.push(`${action}:${live?.metadata.name}`),
      observed: (what) => seen.push(`observed:${what}`),
      touched: (ref) => seen.push(`touched:${ref.name}`),
    });
    await observed.apply(widget('watched'));
    await observed.waitFor({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'watched', namespace: NS }, (o) => !!o, {
      describe: 'it exists',
    });
    assert.deepEqual(seen, ['touched:watched', 'apply:watched', 'touched:watched', 'observed:it exists']);
  });
});

describe('ClusterClient errors', () => {
  it('names the server and the network error when unreachable', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u', token: 'x' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    const client = ClusterClient.fromKubeConfig(kc, { retry: FAST_RETRY });
    await assert.rejects(
      client.request({ method: 'GET', path: '/version' }),
      /GET https:\/\/127.0.0.1:1\/version → network error ECONNREFUSED/,
    );
  });
});
