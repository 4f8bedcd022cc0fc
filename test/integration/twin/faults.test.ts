// The twin's transport faults, which the harness must survive: api-transient-errors (some requests
// answered 429/500/503 instead of served, never more than twice in a row for the same request) and
// api-drop-watches (watches cut after a moment, some told 410 Gone).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectWatch, lapse, rawRequest, startLocalTwin, uniqueName, type LocalTwin } from './helpers';

let flaky: LocalTwin;
let dropping: LocalTwin;

before(async () => {
  [flaky, dropping] = await Promise.all([
    startLocalTwin({ faults: ['api-transient-errors'] }),
    startLocalTwin({ faults: ['api-drop-watches'] }),
  ]);
});

after(async () => {
  await Promise.all([flaky?.stop(), dropping?.stop()]);
});

/** Retries a request until it is served (what a client with bounded retries does). */
async function served(
  t: LocalTwin,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; tries: number; json: () => unknown }> {
  for (let tries = 1; ; tries++) {
    const r = await rawRequest(t.twin, method, path, { body });
    if (![429, 500, 503].includes(r.status)) return { status: r.status, tries, json: r.json };
    assert.ok(tries < 3, `${method} ${path} failed ${tries} times in a row`);
  }
}

describe('api-transient-errors', () => {
  it('answers some requests 429 (with Retry-After), 500 or 503, never three times in a row for the same request', async () => {
    const statuses: number[] = [];
    let retryAfterSeen = false;
    for (let i = 0; i < 150; i++) {
      const r = await rawRequest(flaky.twin, 'GET', '/api/v1/namespaces/default/configmaps');
      statuses.push(r.status);
      if (r.status === 200) continue;
      assert.ok([429, 500, 503].includes(r.status), `unexpected ${r.status}`);
      const status = r.json();
      assert.equal(status.kind, 'Status');
      assert.equal(status.code, r.status);
      if (r.status === 429) {
        assert.equal(r.headers['retry-after'], '1');
        assert.equal(status.reason, 'TooManyRequests');
        assert.equal(status.details.retryAfterSeconds, 1);
        retryAfterSeen = true;
      }
    }
    const failures = statuses.filter((s) => s !== 200).length;
    assert.ok(failures >= 10 && failures <= 60, `about one in five fails (${failures} of 150)`);
    assert.ok(retryAfterSeen, 'some failures are 429s');
    assert.ok(new Set(statuses).has(500) || new Set(statuses).has(503), 'some failures are 5xx');
    for (let i = 2; i < statuses.length; i++) {
      assert.ok(!(statuses[i] !== 200 && statuses[i - 1] !== 200 && statuses[i - 2] !== 200), `three failures in a row at request ${i}`);
    }
  });

  it('fails a write before it is made: a failed create created nothing', async () => {
    const ns = uniqueName('flaky');
    assert.equal(
      (await served(flaky, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status,
      201,
    );
    let failedCreates = 0;
    for (let i = 0; i < 40; i++) {
      const name = `cm-${i}`;
      const r = await rawRequest(flaky.twin, 'POST', `/api/v1/namespaces/${ns}/configmaps`, {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } },
      });
      if (r.status === 201) continue;
      failedCreates++;
      assert.equal((await served(flaky, 'GET', `/api/v1/namespaces/${ns}/configmaps/${name}`)).status, 404, `${name} was not created`);
    }
    assert.ok(failedCreates > 0, 'some creates failed');
  });

  it('leaves discovery and health alone', async () => {
    for (let i = 0; i < 30; i++) {
      assert.equal((await rawRequest(flaky.twin, 'GET', '/apis')).status, 200);
      assert.equal((await rawRequest(flaky.twin, 'GET', '/healthz')).status, 200);
    }
  });
});

describe('api-drop-watches', () => {
  it('cuts every watch after a moment', async () => {
    const started = Date.now();
    const watches = await Promise.all(Array.from({ length: 6 }, () => collectWatch(dropping.kc, '/api/v1/namespaces/default/configmaps')));
    // Cut after 20-420 ms (a watch otherwise lasts up to 30 minutes); the margin is for a loaded machine.
    const ended = await Promise.race([Promise.all(watches.map((w) => w.closed)).then(() => true), lapse(8000, false)]);
    assert.ok(ended, 'every watch was cut');
    assert.ok(Date.now() - started < 8000);
    // Before the cut, a watch serves as usual: the synthetic ADDED of what exists.
    for (const w of watches) assert.ok(w.events.every((e) => e.type === 'ADDED'));
  });

  it('tells some watches from an explicit resourceVersion 410 Gone, and replays to the others', async () => {
    const ns = uniqueName('drop');
    assert.equal(
      (
        await rawRequest(dropping.twin, 'POST', '/api/v1/namespaces', {
          body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        })
      ).status,
      201,
    );
    const from = (await rawRequest(dropping.twin, 'GET', `/api/v1/namespaces/${ns}/configmaps`)).json().metadata.resourceVersion;
    assert.equal(
      (
        await rawRequest(dropping.twin, 'POST', `/api/v1/namespaces/${ns}/configmaps`, {
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'replayed' } },
        })
      ).status,
      201,
    );
    const watches = await Promise.all(
      Array.from({ length: 20 }, () =>
        collectWatch(dropping.kc, `/api/v1/namespaces/${ns}/configmaps`, {
          resourceVersion: from,
          fieldSelector: 'metadata.name=replayed',
        }),
      ),
    );
    await Promise.all(watches.map((w) => w.closed));
    const expired = watches.filter((w) => w.events[0]?.type === 'ERROR');
    assert.ok(expired.length >= 1 && expired.length < 20, `some, not all, are told 410 (${expired.length} of 20)`);
    for (const w of expired) {
      assert.equal(w.events.length, 1);
      assert.equal(w.events[0].object.code, 410);
      assert.equal(w.events[0].object.reason, 'Expired');
    }
    for (const w of watches.filter((x) => !expired.includes(x))) {
      assert.deepEqual(
        w.events.map((e) => `${e.type} ${e.object.metadata.name}`),
        ['ADDED replayed'],
      );
    }
  });
});
