// `npm run bench`: how fast the harness notices a change and how little it asks of the API server,
// measured in one run on the twin and printed as a table. Not a test: nothing here passes or fails.
//
//  1. Wait latency. A twin runs in this process with its controllers' reconcile latency set
//     (BENCH_LATENCY_MS, default 25). For each wait a Deployment is applied; the twin's deployment,
//     replicaset and kubelet controllers make it Available, several reconciles later. The store of the
//     twin timestamps the write that makes the condition true (performance.now(), same clock); the
//     wait timestamps the moment it resolves. latency = seen − true. The Deployment is applied only
//     once the wait is in place (its watch sent, or a poll's first GET), so that the figure is the
//     time to notice a change, not the time to start waiting. Requests per wait are the HTTP
//     requests (each attempt, each watch opened) the waiting client sent, divided by the waits.
//     Three ways of waiting, in the same run and against the same twin: the harness's waitFor (read,
//     then watch from that resourceVersion), and a poll (GET, sleep) at 1 s and at 50 ms, as kuttl
//     and chainsaw assert. BENCH_WAITS waits each (default 200), BENCH_CONCURRENCY at once (default 10).
//  2. @install: `cucumber-js --tags @install` in a child process against that twin at a fixed latency
//     (BENCH_INSTALL_LATENCY_MS, default 100): its wall time, against the twin's critical path — the
//     time in which at least one reconcile was pending its latency (the union of the intervals
//     [enqueue, enqueue + latency] of every reconcile; reconciles that overlap count once, those in
//     sequence add up), i.e. what the run would take with an infinitely fast harness and twin CPU.
//  3. Start-up: `cucumber-js --dry-run --tags @install` (TypeScript loaded, settings checked, features
//     parsed), median of 3.
//  4. Peak memory: maxRSS of the harness (the install's child process) and of this process (the twin).
//  Every figure is measured twice: clean, and with the twin's faults api-transient-errors (about one
//  request in five answered 429/500/503) and api-drop-watches (every watch cut after 20-420 ms, one in
//  three resumes told 410 Gone).
//     npm run bench                    BENCH_SKIP_INSTALL=1 leaves out part 2 (minutes)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient, ClusterConnection, type ApiRequest, type KObject, type ObjectRef } from '../../support/core/cluster';
import { WorkQueue } from '../../twin/controllers/runtime';
import { startTwin, type Twin } from '../../twin/server';

const ROOT = join(__dirname, '..', '..');
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const WAITS = num('BENCH_WAITS', 200);
const CONCURRENCY = num('BENCH_CONCURRENCY', 10);
const LATENCY_MS = num('BENCH_LATENCY_MS', 25);
const INSTALL_LATENCY_MS = num('BENCH_INSTALL_LATENCY_MS', 100);
const FAULTS = ['api-transient-errors', 'api-drop-watches'];
const NS = 'bench';

type Method = { name: string; wait: (c: ClusterClient, ref: ObjectRef) => Promise<unknown> };

const available = (o: KObject | undefined) =>
  !!o && ((o.status?.conditions ?? []) as { type: string; status: string }[]).some((c) => c.type === 'Available' && c.status === 'True');

/** What kuttl/chainsaw do: GET, check, sleep, repeat. A failed GET (after the client's retries) is one more round. */
async function poll(client: ClusterClient, ref: ObjectRef, intervalMs: number): Promise<void> {
  for (;;) {
    const obj = await client.get(ref).catch(() => undefined);
    if (available(obj)) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const METHODS: Method[] = [
  {
    name: 'harness waitFor (watch)',
    wait: (c, ref) => c.waitFor(ref, available, { describe: `${ref.name} Available`, timeoutMs: 120_000 }),
  },
  { name: 'poll every 1 s', wait: (c, ref) => poll(c, ref, 1000) },
  { name: 'poll every 50 ms', wait: (c, ref) => poll(c, ref, 50) },
];

function deployment(name: string): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'registry.access.redhat.com/ubi9/ubi-minimal' }] },
      },
    },
  };
}

/**
 * A client on its own connection, whose HTTP requests (each attempt, each watch) are counted, and
 * which tells when a request about a name was sent (a GET of it, or a watch selecting it).
 */
function countingClient(kubeconfig: string): {
  client: ClusterClient;
  requests: () => number;
  sent: (name: string, kind: 'send' | 'stream') => Promise<void>;
  close: () => void;
} {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const connection = new ClusterConnection(kc);
  let count = 0;
  const waiting: { name: string; kind: string; done: () => void }[] = [];
  const transport = connection.transport as unknown as Record<'send' | 'stream', (request: ApiRequest) => Promise<unknown>>;
  for (const method of ['send', 'stream'] as const) {
    const original = transport[method].bind(transport);
    transport[method] = (request: ApiRequest) => {
      count++;
      const about = `${request.path}?${String(request.query?.fieldSelector ?? '')}`;
      for (const w of waiting.filter(
        (x) => x.kind === method && (about.endsWith(`/${x.name}?`) || about.endsWith(`metadata.name=${x.name}`)),
      )) {
        waiting.splice(waiting.indexOf(w), 1);
        w.done();
      }
      return original(request);
    };
  }
  return {
    client: new ClusterClient(connection),
    requests: () => count,
    sent: (name, kind) => new Promise<void>((done) => waiting.push({ name, kind, done })),
    close: () => connection.close(),
  };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface WaitFigures {
  method: string;
  p50: number;
  p99: number;
  max: number;
  perWait: number;
  waits: number;
}

async function measureWaits(twin: Twin, kubeconfig: string, method: Method, tag: string): Promise<WaitFigures> {
  const becameTrue = new Map<string, number>();
  const unsubscribe = twin.api.store.subscribe('apps/deployments', (change) => {
    const name = change.object.metadata.name!;
    if (change.object.metadata.namespace === NS && !becameTrue.has(name) && available(change.object))
      becameTrue.set(name, performance.now());
  });
  const writer = countingClient(kubeconfig);
  const waiter = countingClient(kubeconfig);
  // Warm the discovery cache of both clients: it is per connection, once per run, not per wait.
  await writer.client.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS });
  await waiter.client.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS });
  const before = waiter.requests();
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < WAITS) {
      const i = next++;
      const name = `${tag}-${i}`;
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name };
      // The change starts once the wait is in place: its watch sent (waitFor) or its first GET (a poll).
      const established = waiter.sent(name, method.name.startsWith('poll') ? 'send' : 'stream');
      const waiting = method.wait(waiter.client, ref).then(() => performance.now());
      await established;
      await writer.client.apply(deployment(name));
      const seen = await waiting;
      const truth = becameTrue.get(name);
      if (truth === undefined) throw new Error(`${name}: the wait resolved but the twin never made it Available`);
      latencies.push(seen - truth);
      // Not timed: the Deployment goes, so that the twin holds about CONCURRENCY of them at any time
      // and a method measured later does not pay for the objects of the earlier ones.
      await writer.client.delete(ref);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const requests = waiter.requests() - before;
  unsubscribe();
  writer.close();
  waiter.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    method: method.name,
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
    max: sorted[sorted.length - 1],
    perWait: requests / WAITS,
    waits: sorted.length,
  };
}

/** Reconcile intervals [enqueue, enqueue + latency] of every WorkQueue, for the critical path. */
const intervals: [number, number][] = [];
let recording = false;
const originalEnqueue = WorkQueue.prototype.enqueue;
WorkQueue.prototype.enqueue = function (this: WorkQueue, key: string, afterMs?: number) {
  const latency = (this as unknown as { latencyMs: number }).latencyMs;
  // A retry's backoff (afterMs given) is not a reconcile the platform needs; a reconcile at the latency is.
  if (recording && (afterMs === undefined || afterMs === latency) && latency > 0) {
    const now = performance.now();
    intervals.push([now, now + latency]);
  }
  return originalEnqueue.call(this, key, afterMs);
};

function union(list: [number, number][]): number {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (s > end) {
      total += e - s;
      end = e;
    } else if (e > end) {
      total += e - end;
      end = e;
    }
  }
  return total;
}

interface InstallFigures {
  wall: number;
  critical: number;
  reconciles: number;
  harnessRssMb: number;
  result: string;
}

async function measureInstall(twin: Twin, kubeconfig: string, dir: string): Promise<InstallFigures> {
  const rssFile = join(dir, 'harness-rss');
  intervals.length = 0;
  recording = true;
  const started = performance.now();
  const out = await new Promise<{ code: number; stdout: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        join(__dirname, 'max-rss.cjs'),
        join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'),
        '--tags',
        '@install',
        '--format',
        'summary',
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          KUBECONFIG: kubeconfig,
          RHOAI_TARGET: 'cluster',
          RHOAI_RESOLVE: twin.resolve,
          RHOAI_ADMIN_PASSWORD: 'bench-admin-password-1',
          RHOAI_REPORTS_DIR: join(dir, 'reports'),
          RHOAI_WORK_DIR: join(dir, 'work'),
          RHOAI_RUN_ID: '',
          BENCH_RSS_FILE: rssFile,
        },
      },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', () => {});
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
  const wall = performance.now() - started;
  recording = false;
  const summary = /(\d+ scenarios \([^)]*\))/.exec(out.stdout)?.[1] ?? `exit ${out.code}`;
  return {
    wall,
    critical: union(intervals),
    reconciles: intervals.length,
    harnessRssMb: Number(readFileSync(rssFile, 'utf8')) / 1024,
    result: summary,
  };
}

function startupMs(): number {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '--dry-run', '--tags', '@install', '--format', 'summary'],
      {
        cwd: ROOT,
        env: { ...process.env, RHOAI_REPORTS_DIR: join(tmpdir(), `rhoai-bench-startup-${process.pid}`), RHOAI_RUN_ID: '' },
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`cucumber-js --dry-run failed: ${run.stderr}`);
    runs.push(performance.now() - started);
  }
  return runs.sort((a, b) => a - b)[1];
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const goal = (ok: boolean) => (ok ? 'meets' : 'misses');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rhoai-bench-'));
  const lines: string[] = [];
  const print = (line = '') => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  print(
    `rhoai-harness bench — ${WAITS} waits per method (${CONCURRENCY} at once), twin reconcile latency ${LATENCY_MS} ms; @install at ${INSTALL_LATENCY_MS} ms`,
  );
  // The figures are wall-clock: a loaded machine stretches them. Say how loaded it was.
  print(
    `node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} at the start, ${new Date().toISOString()}`,
  );
  const startup = startupMs();
  for (const faults of [[], FAULTS]) {
    const label = faults.length ? `with faults ${faults.join(' + ')}` : 'clean';
    print('');
    print(`== ${label} ==`);
    const kubeconfig = join(dir, `kubeconfig-${faults.length}`);
    const twin = await startTwin({ kubeconfig, latencyMs: LATENCY_MS, faults, log: () => {} });
    try {
      const admin = countingClient(kubeconfig);
      await admin.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
      admin.close();
      print('| wait | p50 after true | p99 after true | max | API requests per wait |');
      print('|---|---|---|---|---|');
      for (const [i, method] of METHODS.entries()) {
        const f = await measureWaits(twin, kubeconfig, method, `f${faults.length}m${i}`);
        print(`| ${f.method} | ${ms(f.p50)} | ${ms(f.p99)} | ${ms(f.max)} | ${f.perWait.toFixed(2)} |`);
        if (i === 0) print(`|   goals: p99 ≤ 50 ms (${goal(f.p99 <= 50)}), ≤ 2 requests per wait (${goal(f.perWait <= 2)}) | | | | |`);
      }
    } finally {
      await twin.stop();
    }
    if (process.env.BENCH_SKIP_INSTALL) continue;
    const installTwin = await startTwin({
      kubeconfig: join(dir, `kubeconfig-install-${faults.length}`),
      latencyMs: INSTALL_LATENCY_MS,
      faults,
      log: () => {},
    });
    try {
      const f = await measureInstall(installTwin, join(dir, `kubeconfig-install-${faults.length}`), join(dir, `install-${faults.length}`));
      print('');
      print('| @install | wall | critical path | wall / critical path | reconciles | result |');
      print('|---|---|---|---|---|---|');
      print(
        `| latency ${INSTALL_LATENCY_MS} ms | ${(f.wall / 1000).toFixed(1)} s | ${(f.critical / 1000).toFixed(1)} s | ${(f.wall / f.critical).toFixed(2)} (goal ≤ 1.05: ${goal(f.wall / f.critical <= 1.05)}) | ${f.reconciles} | ${f.result} |`,
      );
      print(
        `| peak memory | harness ${f.harnessRssMb.toFixed(0)} MB | twin (bench process) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB | | | |`,
      );
    } finally {
      await installTwin.stop();
    }
  }
  print('');
  print(`harness start-up (cucumber-js --dry-run --tags @install, median of 3): ${(startup / 1000).toFixed(2)} s`);
  print(`load average at the end: ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
